"""The command line as a user meets it."""

import re

import click
import pytest

from conftest import read_jsonl
from kg import __version__
from kg.cli import main


def all_commands(group=main, path=()):
    yield path
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            yield from all_commands(command, path + (name,))


@pytest.mark.parametrize("path", list(all_commands()), ids=lambda p: " ".join(("kg",) + p))
def test_every_command_has_help_with_an_example(run_kg, path):
    result = run_kg(*path, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.stdout and "Example:" in result.stdout


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
