"""What bad input costs: a bad field makes its record bad and nothing else; damage in one
line, row or entry loses only it; duplicate titles with different ids stay two papers;
pipes, standard input and FIFOs are read, never waited on forever."""

import json
import os
import subprocess
import sys

import pytest

from conftest import read_jsonl
from kg import config
from kg.ingest import read, sniff_format
from kg.paper_sets import PaperSet, PaperSpool
from kg.papers import make_paper
from kg.records import BadInput, Paper

GOOD = [
    {"id": "G1", "title": "Good paper one", "abstract": "A chest X-ray classifier."},
    {"id": "G2", "title": "Good paper two", "abstract": "A brain MRI segmenter."},
]


def lines(*records):
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def ids(path):
    return {paper["id"] for paper in read_jsonl(path)}


def bad_record(n, **fields):
    return {"id": f"B{n}", "title": f"Bad paper {n}", "abstract": "Liver CT.", **fields}


# name -> (the bad record, the message naming its field)
BAD_FIELDS = {
    "doi is a number": (bad_record(1, doi=123), "field 'doi' must be text, not int"),
    "arxiv_id is a number": (bad_record(2, arxiv_id=5), "field 'arxiv_id' must be text, not int"),
    "lone surrogate": ('{"id": "B3", "title": "Bad \\ud800 paper", "abstract": "x"}', "field 'title' holds a lone surrogate"),
    "url is a number": (bad_record(4, url=12345), "field 'url' must be text, not int"),
    "upvotes above 2**63": (bad_record(5, upvotes=2**64), "field 'upvotes' must be from 0 to 2147483647"),
    "superscript year": (bad_record(6, published="²⁰²⁴"), "field 'published' is not a date"),
    "million-character abstract": (bad_record(7, abstract="scan " * 250_000), "field 'abstract' is longer than 100000 characters"),
    "author that is a number": (bad_record(8, authors=["A. One", 7]), "field 'authors' must be a list of names"),
    "upvotes that is true": (bad_record(9, upvotes=True), "field 'upvotes' must be a whole number, not bool"),
    "NUL in the title": (bad_record(10, title="Bad\x00paper"), "field 'title' holds a control character, U+0000"),
}


@pytest.mark.parametrize("case", BAD_FIELDS)
def test_a_bad_field_makes_only_its_record_bad(tmp_path, run_kg, case):
    record, message = BAD_FIELDS[case]
    source = tmp_path / "mixed.jsonl"
    source.write_text(lines(GOOD[0], record, GOOD[1]), encoding="utf-8", errors="surrogatepass")

    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: {source}, line 2: {message}" + result.stderr.split(message, 1)[1]
    assert len(result.stderr.splitlines()) == 1

    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert result.exit_code == 0, result.stderr
    assert ids(tmp_path / "out.jsonl") == {"G1", "G2"}
    assert "bad 1" in result.stderr and f"mixed.jsonl, line 2: {message}" in result.stderr


def test_build_skip_bad_keeps_the_good_records_and_prints_the_counts(tmp_path, run_kg):
    source = tmp_path / "mixed.jsonl"
    bad = [record for record, _ in BAD_FIELDS.values()]
    source.write_text(lines(GOOD[0], *bad, GOOD[1]), encoding="utf-8", errors="surrogatepass")

    result = run_kg("build", source, "--out", tmp_path / "graph", "--skip-bad", "--exports", "none", "--no-progress")

    assert result.exit_code == 0, result.stderr
    assert ids(tmp_path / "graph" / "papers.jsonl") == {"G1", "G2"}
    assert f"read 2 entries from 1 files; merged 0 duplicates; skipped 0; bad {len(bad)}" in result.stderr
    assert f"mixed.jsonl, line 2: {BAD_FIELDS['doi is a number'][1]}" in result.stderr


def test_extract_skip_bad_prints_the_counts(tmp_path, run_kg):
    source = tmp_path / "mixed.jsonl"
    source.write_text(lines(GOOD[0], "{not json", GOOD[1]))
    result = run_kg("extract", source, "-o", tmp_path / "records.jsonl", "--skip-bad")
    assert result.exit_code == 0, result.stderr
    assert "read 2 entries from 1 files; merged 0 duplicates; skipped 0; bad 1" in result.stderr
    assert "bad: " + f"{source}, line 2: invalid JSON" in result.stderr


def test_make_paper_checks_every_field():
    from kg.records import BadRecord

    with pytest.raises(BadRecord, match="field 'url' must be text, not dict"):
        make_paper(title="T", abstract="A", url={"href": "x"})
    paper = make_paper(title="T", abstract="A", given_id=17, pmid=31234567, published="2024-10-05T08:00:00Z")
    assert (paper.id, paper.pmid, paper.published) == ("17", "31234567", "2024-10-05")


@pytest.mark.parametrize("text", ["1" * 5000, "[" * 100_000 + "]" * 100_000])
def test_json_a_parser_refuses_is_one_bad_line(tmp_path, text):
    source = tmp_path / "odd.jsonl"
    source.write_text(lines(GOOD[0], text, GOOD[1]))
    records = list(read(source))
    assert [r.id for r in records if isinstance(r, Paper)] == ["G1", "G2"]
    assert [r.where for r in records if isinstance(r, BadInput)] == ["line 2"]


# Finding 7: silent losses.

def test_one_nul_byte_loses_only_its_line(tmp_path, run_kg):
    source = tmp_path / "papers.jsonl"
    source.write_bytes(lines(GOOD[0], '{"id": "N", "title": "Nul\x00", "abstract": "x"}', GOOD[1]).encode())
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert result.exit_code == 0 and ids(tmp_path / "out.jsonl") == {"G1", "G2"}
    assert f"{source}, line 2: invalid JSON" in result.stderr


def test_binary_files_are_still_called_binary(tmp_path):
    gzip = tmp_path / "papers.jsonl.gz"
    gzip.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    with pytest.raises(BadInput, match="binary file, not text \\(gzip-compressed\\)"):
        sniff_format(gzip)
    noise = tmp_path / "noise"
    noise.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(BadInput, match="binary file, not text"):
        sniff_format(noise)


def test_jsonl_with_a_damaged_first_line_is_still_jsonl(tmp_path, run_kg):
    source = tmp_path / "papers.jsonl"
    source.write_text(lines('{"id": "X", "title": "Cut', GOOD[0], GOOD[1]))
    assert sniff_format(source) == "jsonl"
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert ids(tmp_path / "out.jsonl") == {"G1", "G2"} and f"{source}, line 1: invalid JSON" in result.stderr


@pytest.mark.parametrize("count", [1, 3])
def test_jsonl_of_records_longer_than_the_sniffed_bytes(tmp_path, run_kg, count):
    long_abstract = "Segmentation of the liver on CT. " * 2200  # 72 KB, more than SNIFF_BYTES
    records = [{"id": f"L{n}", "title": f"Long paper {n}", "abstract": long_abstract} for n in range(count)]
    source = tmp_path / "long.jsonl"
    source.write_text(lines(*records))
    assert len(long_abstract) > config.SNIFF_BYTES and sniff_format(source) == "jsonl"
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0 and ids(tmp_path / "out.jsonl") == {f"L{n}" for n in range(count)}


def test_an_openalex_document_is_still_one_document(fixtures, tmp_path):
    compact = tmp_path / "page.json"
    page = json.loads((fixtures / "ingest" / "openalex.json").read_text())
    compact.write_text(json.dumps(page) + "\n")
    assert sniff_format(fixtures / "ingest" / "openalex.json") == "openalex"
    assert [p.doi for p in read(compact) if isinstance(p, Paper)] == ["10.1109/cvpr.2017.369"]


def test_csv_row_longer_than_the_limit_is_counted_bad(tmp_path, run_kg, monkeypatch):
    monkeypatch.setattr(config, "MAX_RECORD_BYTES", 1000)
    source = tmp_path / "papers.csv"
    source.write_text(f"id,title,abstract\nC1,One,Fine.\nC2,Two,{'x' * 2000}\nC3,Three,Fine too.\n")
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert ids(tmp_path / "out.jsonl") == {"C1", "C3"}
    assert "bad 1" in result.stderr and f"{source}, line 3: record longer than 1000 bytes" in result.stderr


def test_stray_csv_quote_loses_only_its_row(tmp_path, run_kg):
    source = tmp_path / "papers.csv"
    source.write_text(
        'id,title,abstract\nC1,One,Fine.\nC2,"Two,Quote never closed.\nC3,Three,Fine.\n'
        'C4,Four,"A quoted abstract\nover two lines."\nC5,Five,Fine.\n'
    )
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert ids(tmp_path / "out.jsonl") == {"C1", "C3", "C4", "C5"}
    assert "bad 1" in result.stderr and f"{source}, line 3: malformed CSV" in result.stderr


def test_listing_title_without_abstract_does_not_take_the_next_title(tmp_path, run_kg):
    source = tmp_path / "page.txt"
    source.write_text(
        "Daily Papers\n\nLost Abstract: A Paper Cut Short\n\n"
        "Chest X-ray Triage with Transformers\n\nWe triage chest X-rays. It works well.\n\n  • 3 authors\n·\nFeb 11, 2024 7\n\n"
        "Knee MRI Grading\n\nWe grade knee MRI.\n"
    )
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    papers = {p["title"]: p for p in read_jsonl(tmp_path / "out.jsonl")}
    assert set(papers) == {"Chest X-ray Triage with Transformers", "Knee MRI Grading"}
    assert papers["Chest X-ray Triage with Transformers"]["abstract"] == "We triage chest X-rays. It works well."
    assert f"{source}, line 3: entry 'Lost Abstract: A Paper Cut Short' has a title but no abstract" in result.stderr


def test_seed_pages_still_give_203_papers(seeds, tmp_path, run_kg):
    result = run_kg("ingest", seeds, "-o", tmp_path / "out.jsonl")
    assert "read 267 entries from 4 files; merged 64 duplicates; skipped 0; bad 0" in result.stderr
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 203


def test_utf16_file_is_decoded(tmp_path, run_kg):
    source = tmp_path / "papers.jsonl"
    source.write_bytes(lines(*GOOD, {"id": "G3", "title": "Café röntgen", "abstract": "Ünïcode."}).encode("utf-16"))
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.stderr
    papers = read_jsonl(tmp_path / "out.jsonl")
    assert [p["title"] for p in papers][2] == "Café röntgen" and papers[0]["sources"] == [str(source)]


def kg_process(*args, **options):
    """Run `python -m kg` as a user would, given up on after a minute (a hang fails)."""
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, timeout=60, **options)


def test_a_pipe_is_read_whole(tmp_path):
    read_end, write_end = os.pipe()
    os.write(write_end, lines(*GOOD).encode())
    os.close(write_end)
    done = kg_process("ingest", f"/dev/fd/{read_end}", "-o", tmp_path / "out.jsonl", pass_fds=(read_end,))
    os.close(read_end)
    assert done.returncode == 0, done.stderr
    assert ids(tmp_path / "out.jsonl") == {"G1", "G2"}


def test_dash_reads_standard_input_and_names_it(tmp_path):
    done = kg_process("ingest", "-", "-o", tmp_path / "out.jsonl", "--skip-bad", input=lines(GOOD[0], "{cut", GOOD[1]))
    assert done.returncode == 0, done.stderr
    assert ids(tmp_path / "out.jsonl") == {"G1", "G2"} and "<stdin>, line 2: invalid JSON" in done.stderr


# Finding 9: hangs.

def test_fifo_and_device_in_a_folder_are_skipped_with_a_note(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_text(lines(*GOOD))
    os.mkfifo(folder / "queue.jsonl")
    os.symlink("/dev/null", folder / "null.jsonl")
    done = kg_process("ingest", folder, "-o", tmp_path / "out.jsonl")
    assert done.returncode == 0, done.stderr
    assert ids(tmp_path / "out.jsonl") == {"G1", "G2"}
    assert f"skipped {folder / 'queue.jsonl'}: not a regular file" in done.stderr
    assert f"skipped {folder / 'null.jsonl'}: not a regular file" in done.stderr


def test_fifo_named_on_the_command_line_is_read_as_a_stream(tmp_path):
    fifo = tmp_path / "papers.jsonl"
    os.mkfifo(fifo)
    (tmp_path / "data").write_text(lines(*GOOD))
    writer = subprocess.Popen(["sh", "-c", f"cat '{tmp_path / 'data'}' > '{fifo}'"])
    try:
        done = kg_process("ingest", fifo, "-o", tmp_path / "out.jsonl")
    finally:
        writer.kill()
        writer.wait()
    assert done.returncode == 0, done.stderr
    papers = read_jsonl(tmp_path / "out.jsonl")
    assert {p["id"] for p in papers} == {"G1", "G2"} and papers[0]["sources"] == [str(fifo)]


# Finding 8: duplicate titles.

SAME_TITLE = [
    {"id": "S1", "title": "Segment Anything in CT", "abstract": "First paper."},
    {"id": "S2", "title": "Segment anything in CT!", "abstract": "Second paper, same title."},
]


def test_two_given_ids_are_two_papers_whatever_their_titles(tmp_path, run_kg):
    source = tmp_path / "papers.jsonl"
    source.write_text(lines(*SAME_TITLE))
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl")
    assert ids(tmp_path / "out.jsonl") == {"S1", "S2"} and "merged 0 duplicates" in result.stderr


@pytest.mark.parametrize("kind", ["PaperSet", "PaperSpool"])
def test_title_merges_only_when_the_ids_do_not_disagree(tmp_path, kind):
    papers = PaperSet() if kind == "PaperSet" else PaperSpool(tmp_path / "spool.sqlite")
    s1, s2 = (make_paper(title=r["title"], abstract=r["abstract"], given_id=r["id"]) for r in SAME_TITLE)
    listed = make_paper(title="SEGMENT ANYTHING IN CT", abstract="A copy from a listing page, longer than both.")
    journal = make_paper(title="Segment Anything in CT", abstract="x", doi="10.1000/ct", given_id="S1")
    merged = [papers.add(paper) for paper in (s1, s2, listed, journal)]
    assert merged == [False, False, True, True]
    assert sorted(p.id for p in papers) == ["S1", "S2"] and len(papers) == 2
    assert sum(p.abstract.startswith("A copy") for p in papers) == 1  # joined one of them, not both
