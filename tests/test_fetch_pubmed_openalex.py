"""`kg fetch pubmed` and `kg fetch openalex` against local servers that answer in E-utilities
XML and OpenAlex JSON: paging, resuming, backing off, the rate limit and the keys each service
takes from the environment. No test reaches outside the machine."""

from __future__ import annotations

import json

import pytest

from kg.fetch.openalex import fetch_openalex
from kg.fetch.polite_http import PoliteClient
from kg.fetch.pubmed import fetch_pubmed
from kg.records import KGError
from local_service import serve

PMIDS = [str(40000000 + i) for i in range(5)]
WORKS = [{"id": f"https://openalex.org/W{i}", "title": f"Polyp detection in colonoscopy, work {i}",
          "abstract_inverted_index": {"We": [0], "detect": [1], "polyps": [2], f"(work {i}).": [3]},
          "publication_date": "2026-11-2{}".format(i), "doi": f"https://doi.org/10.5555/w{i}"} for i in range(5)]


def pubmed_article(pmid: str) -> str:
    return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>Fracture detection, "
            f"record {pmid}.</ArticleTitle><Abstract><AbstractText Label=\"PURPOSE\">To detect fractures.</AbstractText>"
            f"<AbstractText Label=\"RESULTS\">The AUC was 0.91 (record {pmid}).</AbstractText></Abstract></Article>"
            f"</MedlineCitation></PubmedArticle>")


@pytest.fixture
def pubmed(monkeypatch):
    monkeypatch.delenv("NCBI_API_KEY", raising=False)

    def answer(path, params):
        if path.endswith("/esearch.fcgi"):
            body = (f"<eSearchResult><Count>{len(PMIDS)}</Count><RetMax>0</RetMax><QueryKey>1</QueryKey>"
                    f"<WebEnv>MCID_test</WebEnv></eSearchResult>")
        else:
            assert params["WebEnv"] == "MCID_test" and params["query_key"] == "1"
            start, size = int(params["retstart"]), int(params["retmax"])
            body = "<PubmedArticleSet>" + "".join(map(pubmed_article, PMIDS[start:start + size])) + "</PubmedArticleSet>"
        return "text/xml", body.encode()

    server, service = serve(monkeypatch, "PUBMED_API_URL", answer)
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def openalex(monkeypatch):
    monkeypatch.delenv("OPENALEX_EMAIL", raising=False)

    def answer(path, params):
        at = 0 if params["cursor"] == "*" else int(params["cursor"].removeprefix("c"))
        size = int(params["per-page"])
        following = at + size
        body = {"meta": {"count": len(WORKS), "next_cursor": f"c{following}" if following < len(WORKS) else None},
                "results": WORKS[at:following]}
        return "application/json", json.dumps(body).encode()

    server, service = serve(monkeypatch, "OPENALEX_API_URL", answer)
    yield service
    server.shutdown()
    server.server_close()


def client(interval: float = 0.0, retries: int = 3) -> PoliteClient:
    return PoliteClient(interval, retries=retries, backoff=0.01, timeout=5)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_pubmed_searches_once_then_fetches_page_by_page(pubmed, tmp_path):
    out = tmp_path / "pubmed.jsonl"
    summary = fetch_pubmed("fracture[tiab]", out, since="2026-11-01", page_size=2, client=client())
    assert pubmed.starts("esearch.fcgi", "mindate") == ["2026/11/01"]
    assert pubmed.starts("efetch.fcgi", "retstart") == ["0", "2", "4"]
    records = lines(out)
    assert [r["pmid"] for r in records] == PMIDS and summary.papers == 5
    # the structured abstract's labels are kept as headings
    assert records[0]["abstract"].startswith("PURPOSE: To detect fractures. RESULTS: The AUC")


def test_pubmed_takes_its_api_key_from_the_environment(pubmed, tmp_path, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "k3y")
    fetch_pubmed("fracture[tiab]", tmp_path / "pubmed.jsonl", page_size=5, client=client())
    assert {params.get("api_key") for _, _, params in pubmed.requests} == {"k3y"}


def test_pubmed_without_a_key_asks_at_most_three_times_a_second(pubmed, tmp_path):
    fetch_pubmed("fracture[tiab]", tmp_path / "pubmed.jsonl", page_size=1)
    times = [at for at, _, _ in pubmed.requests]
    # (the server notes a request when its thread runs, which a busy machine delays by some ms)
    assert len(times) == 6 and min(b - a for a, b in zip(times, times[1:])) >= 1 / 3 - 0.03


def test_pubmed_backs_off_and_resumes(pubmed, tmp_path):
    out = tmp_path / "pubmed.jsonl"
    pubmed.failures = ["429", "drop", "ok", "ok"]  # a retried esearch, then the first page
    pubmed.always = "503"
    with pytest.raises(KGError, match="HTTP 503"):
        fetch_pubmed("fracture[tiab]", out, page_size=2, client=client(retries=2))
    assert [r["pmid"] for r in lines(tmp_path / "pubmed.jsonl.part")] == PMIDS[:2]
    pubmed.always, pubmed.requests = None, []
    summary = fetch_pubmed("fracture[tiab]", out, page_size=2, client=client())
    assert summary.resumed and pubmed.starts("efetch.fcgi", "retstart") == ["2", "4"]
    assert [r["pmid"] for r in lines(out)] == PMIDS


def test_openalex_pages_by_cursor_in_the_polite_pool(openalex, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENALEX_EMAIL", "someone@example.org")
    out = tmp_path / "works.jsonl"
    summary = fetch_openalex("polyp detection", out, since="2026-11-20", page_size=2, client=client())
    assert openalex.starts("/works", "cursor") == ["*", "c2", "c4"]
    assert {params["mailto"] for _, _, params in openalex.requests} == {"someone@example.org"}
    assert {params["filter"] for _, _, params in openalex.requests} == {"from_publication_date:2026-11-20"}
    assert [r["doi"] for r in lines(out)] == [f"10.5555/w{i}" for i in range(5)] and summary.papers == 5


def test_openalex_resumes_from_its_cursor_and_stops_at_the_limit(openalex, tmp_path):
    out = tmp_path / "works.jsonl"
    openalex.failures, openalex.always = ["ok"], "500"
    with pytest.raises(KGError, match="HTTP 500"):
        fetch_openalex("polyp detection", out, page_size=2, client=client(retries=0))
    openalex.always, openalex.requests = None, []
    summary = fetch_openalex("polyp detection", out, page_size=2, client=client())
    assert summary.resumed and openalex.starts("/works", "cursor") == ["c2", "c4"]
    assert len(lines(out)) == 5
    limited = fetch_openalex("polyp detection", tmp_path / "three.jsonl", limit=3, page_size=2, client=client())
    assert limited.papers == 3 and len(lines(tmp_path / "three.jsonl")) == 3


@pytest.mark.parametrize("service, option", [("pubmed", "--term"), ("openalex", "--search")])
def test_the_commands_write_a_file_kg_reads(service, option, pubmed, openalex, tmp_path, run_kg):
    out = tmp_path / f"{service}.jsonl"
    result = run_kg("fetch", service, option, "anything", "-o", out)
    assert result.exit_code == 0 and "fetched 5 papers" in result.stderr
    result = run_kg("ingest", out, "-o", tmp_path / "papers.jsonl")
    assert result.exit_code == 0 and "read 5 entries" in result.stderr
