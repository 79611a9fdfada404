"""The command line as a user meets it."""

import csv
import io
import json
import re

import pytest

from conftest import read_jsonl
from kg import __version__


def test_version(run_kg):
    result = run_kg("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_missing_path_is_a_usage_error(run_kg, tmp_path):
    result = run_kg("ingest", tmp_path / "nowhere")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_ingest_writes_to_stdout_by_default(run_kg, fixtures):
    result = run_kg("ingest", fixtures / "ingest" / "arxiv.xml")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2 and "wrote 2 papers to stdout" in result.stderr


def test_ingest_reports_skipped_records_with_reasons(run_kg, fixtures, tmp_path):
    result = run_kg("ingest", fixtures / "ingest", "-o", tmp_path / "papers.jsonl")
    assert result.exit_code == 0
    assert "skipped 1: entry has no abstract" in result.stderr
    assert "skipped 1: work has no abstract" in result.stderr


def test_ingest_the_seed_pages(run_kg, seeds, tmp_path):
    output = tmp_path / "papers.jsonl"
    result = run_kg("ingest", seeds, "-o", output)
    assert result.exit_code == 0
    assert "read 267 entries from 4 files; merged 64 duplicates" in result.stderr
    papers = read_jsonl(output)
    assert len(papers) == 203 and len({p["id"] for p in papers}) == 203
    assert all(p["title"] and p["abstract"] for p in papers)
    assert sum(1 for p in papers if p["author_count"]) > 50
    assert all(re.fullmatch(r"(\d{4}|-)-\d\d-\d\d", p["published"]) for p in papers if p["published"])
    by_title = {p["title"]: p for p in papers}
    # The entry with no metadata lines: the next title follows its abstract directly.
    survey = next(p for t, p in by_title.items() if t.startswith("Project Imaging-X"))
    trinity = next(p for t, p in by_title.items() if t.startswith("MedTrinity-25M"))
    assert survey["abstract"].startswith("Foundation models have demonstrated remarkable success")
    assert "MedTrinity" not in survey["abstract"]
    assert trinity["abstract"].startswith("This paper introduces MedTrinity-25M")


def test_extract_writes_one_guidelines_record_per_paper(run_kg, fixtures, tmp_path):
    output = tmp_path / "entities.jsonl"
    result = run_kg("extract", fixtures / "ingest" / "arxiv.xml", "-o", output)
    assert result.exit_code == 0, result.stderr
    records = read_jsonl(output)
    assert [r["id"] for r in records] == ["doi:10.1038/s41467-024-44824-z", "arxiv:2308.16184"]
    medsam = records[0]["entities"]
    assert "MedSAM" in {e["name"] for e in medsam["model"]}
    assert {e["name"] for e in medsam["task"]} == {"segmentation"}
    assert "extracted 2 papers" in result.stderr


def test_extract_reports_bad_input_like_ingest(run_kg, tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    result = run_kg("extract", tmp_path / "empty.jsonl", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "empty.jsonl: file is empty" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def _never(*args, **kwargs):
    raise AssertionError("work started before the usage was checked")


@pytest.mark.parametrize("args, message", [
    (["build", "{paper}", "--out", "{out}", "--executor", "dask"], "needs --scheduler"),
    (["build", "{paper}", "--out", "{out}", "--scheduler", "tcp://127.0.0.1:1"], "is for --executor dask"),
    (["build", "{paper}", "--out", "{out}", "--exports", "graphml,pdf"], "unknown export 'pdf'"),
    (["query"], "give a query NAME"),
    (["query", "models-on-dataset"], "give --store DIR"),
    (["query", "models-on-dataset", "--store", "{out}", "--json", "--csv"], "not both"),
    (["query", "models-on-dataset", "--store", "{out}", "--param", "dataset"], "takes K=V"),
    (["query", "models-on-dataset", "--neo4j"], "set NEO4J_URI"),
    (["query", "models-on-dataset", "--neo4j", "--neo4j-uri", "bolt://x", "--lang", "sparql"], "--neo4j runs Cypher"),
    (["query", "models-on-dataset", "--neo4j", "--neo4j-uri", "bolt://x", "--store", "{out}"], "not both"),
    (["load", "neo4j", "--store", "{out}"], "set NEO4J_URI"),
    (["viz", "--store", "{out}", "--entity", "SAM", "--query", "leaderboard"], "not both"),
    (["viz", "--store", "{out}", "--param", "dataset=BraTS"], "--param is for --query"),
    (["stats", "--store", "{out}", "--json", "--csv"], "not both"),
])
def test_usage_errors_are_found_before_any_work(run_kg, fixtures, tmp_path, monkeypatch, args, message):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    for target in ("kg.build.build", "kg.ingest.ingest", "kg.stores.graph_reader.read_graph", "kg.queries.load_library",
                   "kg.queries.run_cypher", "kg.queries.EmbeddedCypher", "kg.stores.cypher_store.connect"):
        monkeypatch.setattr(target, _never)
    values = {"paper": fixtures / "ingest" / "arxiv.xml", "out": tmp_path / "graph"}
    result = run_kg(*[a.format(**values) for a in args])
    assert result.exit_code == 2 and message in result.stderr


def test_one_set_of_output_options(run_kg, small_store):
    listed = json.loads(run_kg("query", "--list", "--json").stdout)
    assert {"name", "title", "parameters"} <= set(listed[0])
    header = next(csv.reader(io.StringIO(run_kg("query", "--list", "--csv").stdout)))
    assert header == ["name", "title", "parameters"]
    rows = list(csv.DictReader(io.StringIO(run_kg("stats", "--store", small_store, "--csv").stdout)))
    assert {"kind": "node", "name": "Paper", "cypher": "7", "rdf": "7"} in rows
    assert json.loads(run_kg("query", "concepts-under", "--store", small_store, "--json").stdout) is not None


def test_query_format_is_a_deprecated_alias(run_kg, small_store):
    result = run_kg("query", "concepts-under", "--store", small_store, "--format", "json")
    assert result.exit_code == 0 and "deprecated" in result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert "--format" not in run_kg("query", "--help").stdout


@pytest.mark.parametrize("path", [("query",), ("load", "neo4j")])
def test_neo4j_settings_are_options_with_environment_variables(run_kg, monkeypatch, path):
    monkeypatch.setenv("NEO4J_PASSWORD", "hunter2")
    text = run_kg(*path, "--help").stdout
    for option, variable in (("--neo4j-uri", "NEO4J_URI"), ("--neo4j-user", "NEO4J_USERNAME"), ("--neo4j-password", "NEO4J_PASSWORD")):
        assert option in text and variable in text
    assert "hunter2" not in text


def test_neo4j_serve_without_java_says_what_to_install(run_kg, small_store, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java, no mvn
    monkeypatch.setenv("NEO4J_PASSWORD", "a-password-for-the-test")
    result = run_kg("neo4j", "serve", "--store", small_store, "--data", tmp_path / "data")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "needs `java`" in line and "maven" in line and "docker compose up" in line
