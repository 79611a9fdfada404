"""Bad input: one line naming the file and place, exit 1, no traceback, nothing half-written;
with --skip-bad, the bad records are counted and every good one is kept."""

import json
import os
import subprocess
import sys

import pytest

from conftest import read_jsonl
from kg import config

GOOD = [
    {"id": "G1", "title": "Good paper one", "abstract": "A chest X-ray classifier."},
    {"id": "G2", "title": "Good paper two", "abstract": "A brain MRI segmenter."},
]
GOOD_LINES = "".join(json.dumps(record) + "\n" for record in GOOD)


def renamed(prefix):
    """GOOD_LINES as two other papers (other ids and titles), so they do not merge with GOOD."""
    return GOOD_LINES.replace("Good paper", f"{prefix} paper").replace("G", prefix)
ATOM_ENTRY = (
    "<entry><id>http://arxiv.org/abs/2401.0000{n}v1</id><title>Atom paper {n}</title>"
    "<summary>Abstract {n}.</summary></entry>"
)


def write(path, content):
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# name -> (file name, content, the message expected on stderr, ids of good records inside the bad file)
BAD_FILES = {
    "empty": ("empty.jsonl", b"", "empty.jsonl: file is empty", []),
    "whitespace only": ("blank.txt", b"\n  \n\n", "blank.txt: file is empty", []),
    "binary": ("scan.pdf", b"%PDF-1.7\n\x00\x01\x02\xff" * 10, "scan.pdf: binary file", []),
    "truncated jsonl": (
        "cut.jsonl", renamed("T") + '{"id": "T3", "title": "Cut',
        "cut.jsonl, line 3: invalid JSON", ["T1", "T2"],
    ),
    "truncated xml": (
        "cut.xml",
        '<feed xmlns="http://www.w3.org/2005/Atom">' + ATOM_ENTRY.format(n=1) + "<entry><id>http://arxiv.org/abs/24",
        "cut.xml, line 1: malformed XML", ["arxiv:2401.00001"],
    ),
    "truncated bibtex": (
        "cut.bib",
        "@article{a, title={Bib paper}, abstract={Complete.}}\n\n@article{b, title={Cut paper}, abstract={Cut off in",
        "cut.bib, line 3: unbalanced braces", ["Bib paper"],
    ),
    "truncated listing": (
        "cut.txt",
        "Daily Papers\n\nListed paper\n\nIts abstract, complete.\n\nCut paper title\n",
        "cut.txt, line 7: entry 'Cut paper title' has a title but no abstract", ["Listed paper"],
    ),
    "truncated openalex": (
        "cut.json",
        '{"results": [\n {"title": "OpenAlex paper", "abstract_inverted_index": {"Whole.": [0]}},\n {"title": "Cut',
        "cut.json, line 3: invalid JSON", ["OpenAlex paper"],
    ),
    "truncated csv": (
        "cut.csv", 'id,title,abstract\nC1,CSV paper,Complete.\nC2,Cut paper,"cut off in the middle\n',
        "cut.csv, line 3: malformed CSV", ["C1"],
    ),
    "non-utf8 jsonl": (
        "latin1.jsonl", renamed("U").encode() + '{"id": "U3", "title": "Caf\xe9", "abstract": "x"}\n'.encode("latin-1"),
        "latin1.jsonl, line 3: not valid UTF-8 (byte 0xe9)", ["U1", "U2"],
    ),
    "non-utf8 listing": (
        "latin1.txt",
        "Daily Papers\n\nFirst paper\n\nFine abstract.\n\nSecond paper\n\nAn abstract with a caf\xe9.\n\nThird paper\n\nAlso fine.\n".encode("latin-1"),
        "latin1.txt, line 9: not valid UTF-8 (byte 0xe9)", ["First paper", "Third paper"],
    ),
    "wrong format": (
        "notes.md", "# My notes\n\nSome prose that is no paper format at all.\n",
        "notes.md: unrecognised format; give one with --format", [],
    ),
    "other xml": ("pom.xml", "<project><modelVersion>4.0.0</modelVersion></project>", "pom.xml: XML that is neither", []),
}


def good_ids(papers):
    return {p["id"] if not p["id"].startswith("title:") else p["title"] for p in papers}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_stops_the_run_with_one_line(tmp_path, run_kg, case):
    name, content, message, _ = BAD_FILES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "good.jsonl", GOOD_LINES)
    write(folder / name, content)
    output = write(tmp_path / "papers.jsonl", "previous contents\n")

    result = run_kg("ingest", folder, "-o", output)

    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert output.read_text() == "previous contents\n"  # a failed run leaves the old file as it was
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("case", BAD_FILES)
def test_skip_bad_keeps_every_good_record(tmp_path, run_kg, case):
    name, content, message, good_inside = BAD_FILES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "good.jsonl", GOOD_LINES)
    write(folder / name, content)
    output = tmp_path / "papers.jsonl"

    result = run_kg("ingest", folder, "-o", output, "--skip-bad")

    assert result.exit_code == 0, result.stderr
    assert good_ids(read_jsonl(output)) == {"G1", "G2", *good_inside}
    assert "bad 1" in result.stderr and message in result.stderr


def test_explicit_wrong_format_names_the_file(tmp_path, run_kg):
    source = write(tmp_path / "good.jsonl", GOOD_LINES)
    result = run_kg("ingest", source, "--format", "pubmed", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "good.jsonl, line 1: malformed XML" in result.stderr


def test_unreadable_file_in_a_folder(tmp_path, run_kg):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "good.jsonl", GOOD_LINES)
    os.symlink(tmp_path / "missing.jsonl", folder / "broken.jsonl")
    result = run_kg("ingest", folder, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert "broken.jsonl: cannot read: No such file or directory" in result.stderr
    result = run_kg("ingest", folder, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert result.exit_code == 0 and good_ids(read_jsonl(tmp_path / "out.jsonl")) == {"G1", "G2"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(tmp_path, run_kg):
    locked = write(tmp_path / "locked.jsonl", GOOD_LINES)
    locked.chmod(0)
    result = run_kg("ingest", locked, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "locked.jsonl: cannot read: Permission denied" in result.stderr


def test_oversized_record_is_bad_and_its_neighbours_are_kept(tmp_path, run_kg, monkeypatch):
    monkeypatch.setattr(config, "MAX_RECORD_BYTES", 1000)
    huge = {"id": "H", "title": "Huge", "abstract": "word " * 5000}
    source = write(tmp_path / "huge.jsonl", GOOD_LINES + json.dumps(huge) + "\n" + json.dumps({**GOOD[0], "id": "G3", "title": "Third"}) + "\n")
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "huge.jsonl, line 3: record longer than 1000 bytes" in result.stderr
    result = run_kg("ingest", source, "-o", tmp_path / "out.jsonl", "--skip-bad")
    assert good_ids(read_jsonl(tmp_path / "out.jsonl")) == {"G1", "G2", "G3"}


def test_a_large_file_streams_through(tmp_path, run_kg):
    count = 5_000
    with open(tmp_path / "big.jsonl", "w") as handle:
        for n in range(count):
            handle.write(json.dumps({"id": f"B{n}", "title": f"Paper {n}", "abstract": "CT of the liver. " * 20}) + "\n")
    result = run_kg("ingest", tmp_path / "big.jsonl", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0
    assert sum(1 for _ in open(tmp_path / "out.jsonl")) == count


def test_real_process_prints_no_traceback(tmp_path):
    write(tmp_path / "empty.jsonl", b"")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "ingest", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "out.jsonl")],
        capture_output=True, text=True,
    )
    assert done.returncode == 1
    assert done.stderr == f"kg: error: {tmp_path / 'empty.jsonl'}: file is empty\n"
    assert not (tmp_path / "out.jsonl").exists()
