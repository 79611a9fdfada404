"""OpenAlex works: a single work, a list of works, or an API response with `results`.

OpenAlex stores an abstract as an inverted index (word -> positions), which is rebuilt here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg import config
from kg.records import BadInput, Paper, Skipped, make_paper


def rebuild_abstract(inverted_index: dict[str, list[int]] | None) -> str:
    """The abstract text from an OpenAlex inverted index.

    >>> rebuild_abstract({"Deep": [0], "learning": [1, 3], "and": [2]})
    'Deep learning and learning'
    """
    if not inverted_index:
        return ""
    positions = {
        position: word for word, places in inverted_index.items() for position in places
    }
    return " ".join(positions[i] for i in sorted(positions))


def is_openalex_work(record: dict[str, Any]) -> bool:
    return "abstract_inverted_index" in record or str(record.get("id", "")).startswith(
        "https://openalex.org/W"
    )


def paper_from_work(work: dict[str, Any], source: str, where: str) -> Paper | Skipped | BadInput:
    """One Paper from one OpenAlex work object."""
    title = work.get("title") or work.get("display_name") or ""
    if not isinstance(title, str) or not title.strip():
        return Skipped(source, where, "work has no title")
    index = work.get("abstract_inverted_index")
    if index is not None and not isinstance(index, dict):
        return BadInput(source, "abstract_inverted_index is not an object", where)
    try:
        abstract = rebuild_abstract(index)
    except (TypeError, AttributeError):
        return BadInput(source, "abstract_inverted_index is malformed", where)
    if not abstract.strip():
        return Skipped(source, where, "work has no abstract")
    ids = work.get("ids") or {}
    authors = tuple(
        name
        for authorship in work.get("authorships") or []
        if (name := ((authorship or {}).get("author") or {}).get("display_name"))
    )
    location = work.get("primary_location") or {}
    published = work.get("publication_date") or (
        str(work["publication_year"]) if work.get("publication_year") else None
    )
    return make_paper(
        title=title,
        abstract=abstract,
        doi=work.get("doi") or ids.get("doi"),
        pmid=str(ids.get("pmid") or "").rstrip("/").rsplit("/", 1)[-1] or None,
        authors=authors,
        author_count=len(authors) or None,
        published=published,
        url=location.get("landing_page_url") or work.get("id"),
        sources=(source,),
    )


def iter_works(value: Any) -> Iterator[Any]:
    """The work objects inside a parsed OpenAlex document.

    An API page holds them in `results`; a record that has a title of its own is one work,
    even if it has a `results` field (as extraction records do).
    """
    if isinstance(value, dict) and isinstance(value.get("results"), list) and "title" not in value:
        yield from value["results"]
    elif isinstance(value, list):
        yield from value
    else:
        yield value


def _salvage_works(text: str, source: str, error: json.JSONDecodeError) -> Iterator[Any]:
    """The complete works before the point where a document breaks, then the error itself."""
    start = text.find("[", max(text.find('"results"'), 0))
    decoder = json.JSONDecoder()
    position = start + 1
    while 0 <= start < error.pos:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            work, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        yield work
    yield BadInput(source, f"invalid JSON (truncated?): {error.msg}", f"line {error.lineno}")


def read_openalex(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from an OpenAlex works JSON document."""
    source = str(path)
    if path.stat().st_size > config.MAX_RECORD_BYTES * 64:
        raise BadInput(source, "JSON document too large; use JSON Lines (one work per line)")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        byte = raw[error.start]
        raise BadInput(source, f"not valid UTF-8 (byte 0x{byte:02x})", f"line {line}") from None
    try:
        works: Iterator[Any] = iter_works(json.loads(text))
    except json.JSONDecodeError as error:
        works = _salvage_works(text, source, error)
    for number, work in enumerate(works, start=1):
        if isinstance(work, BadInput):
            yield work
        elif not isinstance(work, dict):
            yield BadInput(source, "expected a work object", f"record {number}")
        else:
            yield paper_from_work(work, source, f"record {number}")
