"""`kg fetch arxiv` against a local server that answers as the arXiv API does (Atom pages with
OpenSearch totals), including rate-limit answers, server errors and a dropped connection. No
test reaches outside the machine."""

from __future__ import annotations

import json

import pytest

from kg import config
from kg.fetch.arxiv import fetch_arxiv
from kg.fetch.polite_http import PoliteClient
from kg.records import KGError
from local_service import serve

# 7 papers, newest first, one a day from 2026-11-27 back to 2026-11-21
PAPERS = [(f"2611.{i:05d}", f"2026-11-{27 - i:02d}") for i in range(7)]


def atom_page(start: int, size: int) -> bytes:
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{number}v1</id><published>{day}T10:00:00Z</published>"
        f"<title>Liver segmentation on CT, paper {number}</title>"
        f"<summary>We segment the liver on CT with a U-Net (paper {number}).</summary>"
        f"<author><name>A. Author</name></author></entry>"
        for number, day in PAPERS[start:start + size])
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><title>arXiv Query</title>'
            f"<opensearch:totalResults>{len(PAPERS)}</opensearch:totalResults>"
            f"<opensearch:startIndex>{start}</opensearch:startIndex>{entries}</feed>").encode()


@pytest.fixture
def arxiv_server(monkeypatch):
    def answer(path, params):
        return "application/atom+xml", atom_page(int(params["start"]), int(params["max_results"]))

    server, service = serve(monkeypatch, "ARXIV_API_URL", answer, "/api/query")
    yield service
    server.shutdown()
    server.server_close()


def starts(service) -> list[int]:
    return [int(params["start"]) for _, _, params in service.requests]


def quick_client(interval: float = 0.0, retries: int = 3) -> PoliteClient:
    return PoliteClient(interval, retries=retries, backoff=0.01, timeout=5)


def read_ids(path) -> list[str]:
    return [json.loads(line)["arxiv_id"] for line in path.read_text().splitlines()]


def test_pages_are_fetched_in_order_into_a_file_kg_reads(arxiv_server, tmp_path, run_kg):
    out = tmp_path / "new.jsonl"
    summary = fetch_arxiv("cat:eess.IV", out, page_size=3, client=quick_client())
    assert starts(arxiv_server) == [0, 3, 6]
    assert read_ids(out) == [number for number, _ in PAPERS]
    assert (summary.papers, summary.requests, summary.resumed) == (7, 3, False)
    assert not (tmp_path / "new.jsonl.part").exists() and not (tmp_path / "new.jsonl.fetch.json").exists()
    result = run_kg("ingest", out, "-o", tmp_path / "papers.jsonl")
    assert result.exit_code == 0 and "read 7 entries" in result.stderr


def test_since_stops_at_the_first_older_paper(arxiv_server, tmp_path):
    out = tmp_path / "new.jsonl"
    fetch_arxiv("cat:eess.IV", out, since="2026-11-25", page_size=2, client=quick_client())
    assert read_ids(out) == ["2611.00000", "2611.00001", "2611.00002"]  # the 27th, 26th and 25th
    assert starts(arxiv_server) == [0, 2]  # the second page holds an older one


def test_429_5xx_and_a_dropped_connection_are_retried(arxiv_server, tmp_path):
    arxiv_server.failures = ["429", "503", "drop"]
    summary = fetch_arxiv("cat:eess.IV", tmp_path / "new.jsonl", page_size=10, client=quick_client())
    assert summary.papers == 7 and summary.requests == 4


def test_requests_keep_the_least_interval(arxiv_server, tmp_path):
    arxiv_server.failures = ["503"]
    fetch_arxiv("cat:eess.IV", tmp_path / "new.jsonl", page_size=2, client=quick_client(interval=0.2))
    times = [at for at, _, _ in arxiv_server.requests]
    assert len(times) == 5
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.19


def test_an_interrupted_fetch_resumes_where_it_stopped(arxiv_server, tmp_path):
    out = tmp_path / "new.jsonl"
    arxiv_server.failures = ["ok"]  # the first page, then the server breaks
    arxiv_server.always = "500"
    with pytest.raises(KGError, match="HTTP 500"):
        fetch_arxiv("cat:eess.IV", out, page_size=3, client=quick_client(retries=1))
    assert not out.exists()
    assert read_ids(tmp_path / "new.jsonl.part") == ["2611.00000", "2611.00001", "2611.00002"]
    arxiv_server.always, arxiv_server.requests = None, []
    summary = fetch_arxiv("cat:eess.IV", out, page_size=3, client=quick_client())
    assert summary.resumed and starts(arxiv_server) == [3, 6]
    assert read_ids(out) == [number for number, _ in PAPERS]  # each once


def test_another_query_starts_afresh(arxiv_server, tmp_path):
    out = tmp_path / "new.jsonl"
    arxiv_server.failures, arxiv_server.always = ["ok"], "500"
    with pytest.raises(KGError):
        fetch_arxiv("cat:eess.IV", out, page_size=3, client=quick_client(retries=0))
    arxiv_server.always, arxiv_server.requests = None, []
    summary = fetch_arxiv("cat:cs.CV", out, page_size=3, client=quick_client())
    assert not summary.resumed and starts(arxiv_server)[0] == 0 and len(read_ids(out)) == 7


def test_the_command_gives_one_line_when_the_service_keeps_failing(arxiv_server, tmp_path, run_kg, monkeypatch):
    monkeypatch.setattr(config, "ARXIV_REQUEST_SECONDS", 0.0)
    monkeypatch.setattr(config, "FETCH_BACKOFF_SECONDS", 0.01)
    arxiv_server.always = "503"
    result = run_kg("fetch", "arxiv", "--query", "cat:eess.IV", "-o", tmp_path / "new.jsonl")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("kg: error:") and "HTTP 503" in line
    arxiv_server.always = None
    result = run_kg("fetch", "arxiv", "--query", "cat:eess.IV", "--limit", "5", "-o", tmp_path / "new.jsonl")
    assert result.exit_code == 0 and "fetched 5 papers" in result.stderr
    assert len(read_ids(tmp_path / "new.jsonl")) == 5


def test_since_must_be_a_date(run_kg, tmp_path):
    result = run_kg("fetch", "arxiv", "--query", "x", "--since", "yesterday", "-o", tmp_path / "new.jsonl")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
