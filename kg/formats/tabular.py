"""JSON Lines and CSV: one paper per line or row, with `id`, `title`, `abstract` and optional
columns (`authors`, `author_count`, `published`, `upvotes`, `doi`, `arxiv_id`, `pmid`, `url`).

An `id` given in the input is kept as the paper's id. A JSON line holding an OpenAlex work is
read as one; other unknown columns are ignored.
"""

from __future__ import annotations

import csv
import json
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg import config
from kg.formats.lines import oversized_message, read_lines, utf8_problem
from kg.formats.openalex import is_openalex_work, iter_works, paper_from_work
from kg.papers import make_paper
from kg.records import BadInput, BadRecord, Paper, Skipped

_ALIASES = {
    "published": ("published", "date", "publication_date", "year"),
    "abstract": ("abstract", "summary"),
    "arxiv_id": ("arxiv_id", "arxiv", "eprint"),
    "author_count": ("author_count", "n_authors", "num_authors"),
}


def _first(row: dict[str, Any], name: str) -> Any:
    for key in _ALIASES.get(name, (name,)):
        value = row.get(key)
        if value not in (None, ""):
            return value
    return None


def _authors(value: Any) -> Any:
    """Author names from "A; B", "A and B", or a list of names or of {"name": ...} objects;
    anything else is passed on for `make_paper` to reject."""
    if isinstance(value, str):
        return tuple(name.strip() for name in re.split(r";|\band\b", value) if name.strip())
    if isinstance(value, list):
        names = (item.get("name") if isinstance(item, dict) else item for item in value)
        return tuple(name.strip() if isinstance(name, str) else name for name in names if name)
    return value if value not in (None, "") else ()


def _integer(name: str, value: Any) -> Any:
    """A count from a CSV cell ("12") or a JSON number (12 or 12.0); None when empty."""
    if value in (None, "") or type(value) is int:
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,30}\s*", value):
        return int(value)
    if isinstance(value, str):
        raise BadRecord(f"field {name!r} must be a whole number, not {value[:40]!r}")
    return value  # make_paper names its type


def paper_from_row(row: dict[str, Any], source: str, where: str) -> Paper | Skipped | BadInput:
    """One Paper from a JSON object or CSV row with at least a title and an abstract; a
    field of the wrong type or size makes it a BadInput."""
    try:
        if is_openalex_work(row):
            return paper_from_work(row, source, where)
        title, abstract = _first(row, "title"), _first(row, "abstract")
        if not isinstance(title, str) or not isinstance(abstract or "", str):
            return BadInput(source, "title and abstract must be text", where)
        if not title or not title.strip():
            return Skipped(source, where, "record has no title")
        if not abstract or not abstract.strip():
            return Skipped(source, where, "record has no abstract")
        authors = _authors(row.get("authors"))
        published = _first(row, "published")
        sources = row.get("sources")
        return make_paper(
            title=title,
            abstract=abstract,
            given_id=row.get("id") if row.get("id") != "" else None,
            doi=_first(row, "doi"),
            arxiv_id=_first(row, "arxiv_id"),
            pmid=_first(row, "pmid"),
            authors=authors,
            author_count=_integer("author_count", _first(row, "author_count"))
            or (len(authors) if isinstance(authors, tuple) else None) or None,
            published=published,
            upvotes=_integer("upvotes", row.get("upvotes")),
            url=_first(row, "url"),
            # a file `kg ingest` wrote names the files its papers came from
            sources=sources if isinstance(sources, list) and sources else (source,),
        )
    except BadRecord as error:
        return BadInput(source, str(error), where)


def read_jsonl(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from a JSON Lines file, one JSON object per line."""
    source = str(path)
    for number, text in read_lines(path):
        where = f"line {number}"
        if text is None:
            yield BadInput(source, oversized_message(), where)
            continue
        if not text.strip():
            continue
        problem = utf8_problem(text)
        if problem:
            yield BadInput(source, problem, where)
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield BadInput(source, f"invalid JSON (truncated?): {error.msg}", where)
            continue
        except (ValueError, RecursionError) as error:  # a number of 5,000 digits, [[[[...]]]]
            reason = "nested too deeply" if isinstance(error, RecursionError) else str(error).split(";")[0]
            yield BadInput(source, f"invalid JSON: {reason}", where)
            continue
        for record in iter_works(value):
            if isinstance(record, dict):
                yield paper_from_row(record, source, where)
            else:
                yield BadInput(source, "expected a JSON object", where)


def read_csv(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from a CSV (or tab-separated) file with a header row naming its columns.

    A row that cannot be parsed (a stray quote that runs on, a row longer than
    MAX_RECORD_BYTES) is reported at its first line, and reading resumes at the next line
    that starts a well-formed row, so one broken row does not take the rest of the file.
    """
    source = str(path)
    lines = read_lines(path)
    first = next(lines, (1, ""))
    header_line = first[1] or ""
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter), [])]
    if "title" not in header:
        raise BadInput(source, f"CSV header has no 'title' column (found: {', '.join(header)[:120]})", "line 1")
    csv.field_size_limit(2**31 - 1)
    pending: deque[tuple[int, str | None]] = deque()  # lines read ahead, to be parsed again
    resyncing = False  # after a broken row: lines are dropped until one starts a good row
    while True:
        taken: list[tuple[int, str | None]] = []
        try:
            cells: list[str] | None = next(csv.reader(_row_lines(lines, pending, taken), delimiter=delimiter, strict=True))
            error = None
        except StopIteration:
            return
        except csv.Error as problem:
            cells, error = None, f"malformed CSV (a stray quote, or truncated?): {problem}"
        except _RowTooLong:
            cells, error = None, f"malformed CSV: a row runs on past {config.MAX_RECORD_BYTES} bytes (a stray quote?)"
        where = f"line {taken[0][0]}"
        broken = error is not None or (len(taken) > 1 and len(cells or ()) != len(header))
        if resyncing:
            if broken or (cells and len(cells) != len(header)):
                pending.extendleft(reversed(taken[1:]))  # drop this line; try the next
                continue
            resyncing = not cells  # a blank line does not end the search
        if broken:
            yield BadInput(source, error or f"expected {len(header)} columns, found {len(cells or ())}", where)
            pending.extendleft(reversed(taken[1:]))
            resyncing = True
            continue
        problems = [oversized_message() if text is None else utf8_problem(text) for _, text in taken]
        if problem := next((p for p in problems if p), None):
            yield BadInput(source, problem, where)
        elif not cells or not any(cell.strip() for cell in cells):
            continue
        elif len(cells) != len(header):
            yield BadInput(source, f"expected {len(header)} columns, found {len(cells)}", where)
        else:
            yield paper_from_row(dict(zip(header, cells)), source, where)


class _RowTooLong(Exception):
    pass


def _row_lines(
    lines: Iterator[tuple[int, str | None]], pending: deque[tuple[int, str | None]], taken: list[tuple[int, str | None]]
) -> Iterator[str]:
    """The physical lines of one CSV row as the csv module takes them, noting each in `taken`;
    a row longer than MAX_RECORD_BYTES is cut off with _RowTooLong."""
    size = 0
    while pending or (item := next(lines, None)) is not None:
        number, text = pending.popleft() if pending else item
        taken.append((number, text))
        size += len(text or "")
        if size > config.MAX_RECORD_BYTES and len(taken) > 1:
            raise _RowTooLong
        yield (text or "") + "\n"
