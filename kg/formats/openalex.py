"""OpenAlex works: a single work, a list of works, or an API response with `results`.

OpenAlex stores an abstract as an inverted index (word -> positions), which is rebuilt here.
A document is read one work at a time by `kg.formats.json_scan`, so a damaged work is one
bad record and the works after it are still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg import config
from kg.formats.json_scan import WorkScanner, is_page
from kg.papers import make_paper
from kg.records import BadInput, BadRecord, Paper, Skipped


def rebuild_abstract(inverted_index: dict[str, list[int]] | None) -> str:
    """The abstract text from an OpenAlex inverted index.

    Raises BadRecord for an index that is not word -> list of positions, or whose abstract
    would be longer than `config.MAX_ABSTRACT_CHARS` (checked before it is built).

    >>> rebuild_abstract({"Deep": [0], "learning": [1, 3], "and": [2]})
    'Deep learning and learning'
    """
    if not inverted_index:
        return ""
    if not isinstance(inverted_index, dict):
        raise BadRecord(f"abstract_inverted_index must be an object, not {type(inverted_index).__name__}")
    limit = config.MAX_ABSTRACT_CHARS
    size = 0
    for word, places in inverted_index.items():
        if not isinstance(places, list):
            raise BadRecord(f"abstract_inverted_index: the positions of {word[:40]!r} are not a list")
        size += (len(word) + 1) * len(places)
    if size > limit + 1:
        raise BadRecord(f"field 'abstract' is longer than {limit} characters")
    positions: dict[int, str] = {}
    for word, places in inverted_index.items():
        for position in places:
            if type(position) is not int or not 0 <= position < limit:
                shown = repr(position)[:40]
                raise BadRecord(f"abstract_inverted_index: {word[:40]!r} has position {shown}, not a word number")
            positions[position] = word
    return " ".join(positions[i] for i in sorted(positions))


def is_openalex_work(record: dict[str, Any]) -> bool:
    return "abstract_inverted_index" in record or str(record.get("id", "")).startswith(
        "https://openalex.org/W"
    )


def _object(record: dict[str, Any], name: str) -> dict[str, Any]:
    value = record.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRecord(f"field {name!r} must be an object, not {type(value).__name__}")
    return value


def _authors(work: dict[str, Any]) -> tuple[Any, ...]:
    authorships = work.get("authorships") or []
    if not isinstance(authorships, list):
        raise BadRecord(f"field 'authorships' must be a list, not {type(authorships).__name__}")
    names = []
    for authorship in authorships:
        if not isinstance(authorship, dict | None):
            raise BadRecord(f"field 'authorships' must hold objects, not {type(authorship).__name__}")
        if name := _object(authorship or {}, "author").get("display_name"):
            names.append(name)  # make_paper checks that it is text
    return tuple(names)


def paper_from_work(work: dict[str, Any], source: str, where: str) -> Paper | Skipped | BadInput:
    """One Paper from one OpenAlex work object; a field of the wrong type or size makes it a
    BadInput."""
    try:
        title = work.get("title") or work.get("display_name") or ""
        if not isinstance(title, str) or not title.strip():
            return Skipped(source, where, "work has no title")
        abstract = rebuild_abstract(work.get("abstract_inverted_index"))
        if not abstract.strip():
            return Skipped(source, where, "work has no abstract")
        ids = _object(work, "ids")
        pmid = ids.get("pmid")
        if isinstance(pmid, str):
            pmid = pmid.rstrip("/").rsplit("/", 1)[-1]
        authors = _authors(work)
        return make_paper(
            title=title,
            abstract=abstract,
            doi=work.get("doi") or ids.get("doi"),
            pmid=pmid or None,
            authors=authors,
            author_count=len(authors) or None,
            published=work.get("publication_date") or work.get("publication_year"),
            url=_object(work, "primary_location").get("landing_page_url") or work.get("id"),
            sources=(source,),
        )
    except BadRecord as error:
        return BadInput(source, str(error), where)


def iter_works(value: Any) -> Iterator[Any]:
    """The work objects inside a parsed OpenAlex document.

    An API page holds them in `results`; a record that has a title of its own is one work,
    even if it has a `results` field (as extraction records do).
    """
    if is_page(value):
        yield from value["results"]
    elif isinstance(value, list):
        yield from value
    else:
        yield value


def _is_work(value: Any) -> bool:
    """Whether a decoded object is a work: it has a title, an abstract index or a work id."""
    return isinstance(value, dict) and ("title" in value or is_openalex_work(value))


def read_openalex(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from an OpenAlex works JSON document, one work at a time."""
    source = str(path)
    if path.stat().st_size > config.MAX_RECORD_BYTES * 64:
        raise BadInput(source, "JSON document too large; use JSON Lines (one work per line)")
    text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
    yield from WorkScanner(text, source, to_record=paper_from_work, is_work=_is_work).document()
