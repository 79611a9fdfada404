"""JSON Lines and CSV: one paper per line or row, with `id`, `title`, `abstract` and optional
columns (`authors`, `author_count`, `published`, `upvotes`, `doi`, `arxiv_id`, `pmid`, `url`).

An `id` given in the input is kept as the paper's id. A JSON line holding an OpenAlex work is
read as one; other unknown columns are ignored.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.formats.lines import oversized_message, read_lines, utf8_problem
from kg.formats.openalex import is_openalex_work, iter_works, paper_from_work
from kg.records import BadInput, Paper, Skipped, make_paper

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


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(name.strip() for name in re.split(r";|\band\b", value) if name.strip())
    if isinstance(value, list):
        names = (item.get("name") if isinstance(item, dict) else item for item in value)
        return tuple(str(name).strip() for name in names if name)
    return ()


def _integer(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def paper_from_row(row: dict[str, Any], source: str, where: str) -> Paper | Skipped | BadInput:
    """One Paper from a JSON object or CSV row with at least a title and an abstract."""
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
    given_id = row.get("id")
    return make_paper(
        title=title,
        abstract=abstract,
        given_id=str(given_id).strip() if given_id not in (None, "") else None,
        doi=_first(row, "doi"),
        arxiv_id=_first(row, "arxiv_id"),
        pmid=_first(row, "pmid"),
        authors=authors,
        author_count=_integer(_first(row, "author_count")) or len(authors) or None,
        published=str(_first(row, "published")) if _first(row, "published") else None,
        upvotes=_integer(row.get("upvotes")),
        url=_first(row, "url"),
        # a file `kg ingest` wrote names the files its papers came from
        sources=tuple(row["sources"]) if isinstance(row.get("sources"), list) and row["sources"] else (source,),
    )


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
        for record in iter_works(value):
            if isinstance(record, dict):
                yield paper_from_row(record, source, where)
            else:
                yield BadInput(source, "expected a JSON object", where)


def _decoded_lines(path: Path, errors: dict[int, str]) -> Iterator[str]:
    """Feed the csv module one physical line at a time, noting the bad ones in `errors`."""
    for number, text in read_lines(path):
        if text is None:
            errors[number] = oversized_message()
            text = ""
        elif problem := utf8_problem(text):
            errors[number] = problem
        yield text + "\n"


def read_csv(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from a CSV (or tab-separated) file with a header row naming its columns."""
    source = str(path)
    errors: dict[int, str] = {}
    lines = _decoded_lines(path, errors)
    header_line = next(lines, "")
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter), [])]
    if "title" not in header:
        raise BadInput(source, f"CSV header has no 'title' column (found: {', '.join(header)[:120]})", "line 1")
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    first_line = 2
    try:
        for cells in reader:
            last_line = reader.line_num + 1
            where = f"line {first_line}"
            bad = [errors[n] for n in range(first_line, last_line + 1) if n in errors]
            first_line = last_line + 1
            if not any(cell.strip() for cell in cells):
                continue
            if bad:
                yield BadInput(source, bad[0], where)
            elif len(cells) != len(header):
                yield BadInput(source, f"expected {len(header)} columns, found {len(cells)}", where)
            else:
                yield paper_from_row(dict(zip(header, cells)), source, where)
    except csv.Error as error:
        yield BadInput(source, f"malformed CSV (truncated?): {error}", f"line {first_line}")
