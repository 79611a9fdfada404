"""Fuzzing the readers: one record of a good file is damaged, and `kg ingest` must still
behave. For every case: no traceback, exit 0 or 1, a failure names the file, a failed run
writes nothing, and with --skip-bad every record that was not touched is kept.

Each file holds five papers; the damage (a byte replaced, a slice cut out, a nasty token
put in) stays inside the byte span of one of them, so the others are undamaged by
construction. The cases come from a fixed seed, so a failure names a case that can be
run again.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.text import normalize_title

CASES_PER_FORMAT = 24
TOPICS = ["lung nodules", "brain tumours", "liver lesions", "retinal images", "knee radiographs"]
TITLES = [f"Fuzzed paper {n} on {topic}" for n, topic in enumerate(TOPICS, 1)]
ABSTRACTS = [f"We study {topic} with a network and report a Dice of 0.8{n}." for n, topic in enumerate(TOPICS, 1)]

# Bytes and tokens that break parsers: quotes, brackets, markup, bad UTF-8, NUL, escapes.
REPLACEMENTS = [b"\x00", b"\xff", b'"', b"{", b"}", b"<", b">", b"[", b"]", b"&", b"\\", b",", b"@", b"\t"]
INSERTIONS = [
    b"\x00", b"\xc3\x28", b"\xed\xa0\x80", b"\\ud800", b"\\u0000", b"]]]]", b"[" * 3000, b"{" * 3000,
    b"<!--", b"<![CDATA[", b"&#0;", b"&nosuch;", b"</entry>", b"<entry>", b"</PubmedArticle>",
    b'"', b'""', b"\r", b"\xef\xbb\xbf", b"}}}", b"@article{", b'{"title": 5}', "\u202e\u200b".encode(),
    "\u00e9\u4e2d".encode(),
]


def _jsonl() -> tuple[bytes, list[tuple[int, int]]]:
    lines = [json.dumps({"id": f"F{n}", "title": t, "abstract": a}).encode() for n, (t, a) in enumerate(zip(TITLES, ABSTRACTS), 1)]
    return _joined(b"", lines, b"\n", b"\n")


def _csv() -> tuple[bytes, list[tuple[int, int]]]:
    rows = [f'F{n},"{t}","{a}"'.encode() for n, (t, a) in enumerate(zip(TITLES, ABSTRACTS), 1)]
    return _joined(b"id,title,abstract\n", rows, b"\n", b"\n")


def _listing() -> tuple[bytes, list[tuple[int, int]]]:
    entries = [f"{t}\n\n{a}\n\n  \u2022 3 authors\n\u00b7\nMar {n}, 2024 4".encode() for n, (t, a) in enumerate(zip(TITLES, ABSTRACTS), 1)]
    return _joined(b"Daily Papers\n\nbyAK and the research community\n\n", entries, b"\n\n", b"\n")


def _arxiv() -> tuple[bytes, list[tuple[int, int]]]:
    entries = [
        f"<entry><id>http://arxiv.org/abs/2401.0000{n}v1</id><title>{t}</title><summary>{a}</summary></entry>".encode()
        for n, (t, a) in enumerate(zip(TITLES, ABSTRACTS), 1)
    ]
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
    return _joined(head, entries, b"\n", b"\n</feed>\n")


def _pubmed() -> tuple[bytes, list[tuple[int, int]]]:
    entries = [
        (f"<PubmedArticle><MedlineCitation><PMID>3000000{n}</PMID><Article><ArticleTitle>{t}</ArticleTitle>"
         f"<Abstract><AbstractText>{a}</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>").encode()
        for n, (t, a) in enumerate(zip(TITLES, ABSTRACTS), 1)
    ]
    return _joined(b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n', entries, b"\n", b"\n</PubmedArticleSet>\n")


def _bibtex() -> tuple[bytes, list[tuple[int, int]]]:
    entries = [f"@article{{key{n},\n  title = {{{t}}},\n  abstract = {{{a}}}\n}}".encode() for n, (t, a) in enumerate(zip(TITLES, ABSTRACTS), 1)]
    return _joined(b"% fuzzed bibliography\n\n", entries, b"\n\n", b"\n")


def _openalex() -> tuple[bytes, list[tuple[int, int]]]:
    works = []
    for n, (title, abstract) in enumerate(zip(TITLES, ABSTRACTS), 1):
        index: dict[str, list[int]] = {}
        for position, word in enumerate(abstract.split()):
            index.setdefault(word, []).append(position)
        works.append(json.dumps({"id": f"https://openalex.org/W{n}", "title": title, "abstract_inverted_index": index}).encode())
    return _joined(b'{"meta": {"count": 5}, "results": [\n', works, b",\n", b"\n]}\n")


def _joined(head: bytes, records: list[bytes], separator: bytes, tail: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """The file's bytes and the (start, end) byte span of each record in it."""
    content, spans = bytearray(head), []
    for number, record in enumerate(records):
        if number:
            content += separator
        spans.append((len(content), len(content) + len(record)))
        content += record
    return bytes(content + tail), spans


FORMATS = {
    "jsonl": (_jsonl, ".jsonl"), "csv": (_csv, ".csv"), "listing": (_listing, ".txt"), "arxiv": (_arxiv, ".xml"),
    "pubmed": (_pubmed, ".xml"), "bibtex": (_bibtex, ".bib"), "openalex": (_openalex, ".json"),
}


def _damage(content: bytes, span: tuple[int, int], rng: random.Random, keep_lines: bool) -> tuple[bytes, str]:
    """`content` with one mutation inside `span`, and what it was. With `keep_lines`, no
    line break is made or removed (a listing page is cut into entries by its lines)."""
    start, end = span
    record = content[start:end]
    kind = rng.choice(["replace", "cut", "insert"])
    for _ in range(100):
        at = rng.randrange(len(record))
        if kind == "replace":
            new = record[:at] + rng.choice(REPLACEMENTS) + record[at + 1:]
        elif kind == "cut":
            new = record[:at] + record[at + rng.randrange(1, min(60, len(record) - at) + 1):]
        else:
            new = record[:at] + rng.choice(INSERTIONS) + record[at:]
        if not keep_lines or new.count(b"\n") == record.count(b"\n") and b"\r" not in new:
            break
    return content[:start] + new + content[end:], f"{kind} at byte {start + at}"


def _cases():
    for name, (make, _) in FORMATS.items():
        rng = random.Random(f"kg-fuzz-{name}")
        content, spans = make()
        for number in range(CASES_PER_FORMAT):
            damaged_record = rng.randrange(len(spans))
            mutated, how = _damage(content, spans[damaged_record], rng, keep_lines=name == "listing")
            yield pytest.param(name, mutated, damaged_record, id=f"{name}-{number}-record{damaged_record + 1}-{how.replace(' ', '_')}")


@pytest.mark.parametrize(("name", "content", "damaged_record"), list(_cases()))
def test_damaged_record_costs_only_itself(tmp_path: Path, name: str, content: bytes, damaged_record: int):
    source = tmp_path / f"input{FORMATS[name][1]}"
    source.write_bytes(content)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    runner = CliRunner()

    strict = runner.invoke(main, ["ingest", str(source), "-o", str(out_dir / "strict.jsonl")])
    assert strict.exception is None or isinstance(strict.exception, SystemExit), strict.exception
    assert "Traceback" not in strict.stderr
    assert strict.exit_code in (0, 1), strict.stderr
    if strict.exit_code == 1:
        assert source.name in strict.stderr  # the message names the file
        assert not (out_dir / "strict.jsonl").exists()  # no partial output

    lenient = runner.invoke(main, ["ingest", str(source), "--skip-bad", "-o", str(out_dir / "kept.jsonl")])
    assert lenient.exception is None or isinstance(lenient.exception, SystemExit), lenient.exception
    assert "Traceback" not in lenient.stderr
    assert lenient.exit_code == 0, lenient.stderr
    if "bad: " in lenient.stderr:
        assert source.name in lenient.stderr
    kept = {normalize_title(json.loads(line)["title"]) for line in (out_dir / "kept.jsonl").read_text(encoding="utf-8").splitlines()}
    undamaged = {normalize_title(title) for number, title in enumerate(TITLES) if number != damaged_record}
    assert undamaged <= kept, f"lost undamaged records: {sorted(undamaged - kept)}\n{lenient.stderr}"
    assert sorted(path.name for path in out_dir.iterdir()) == sorted({"kept.jsonl"} | ({"strict.jsonl"} if strict.exit_code == 0 else set()))
