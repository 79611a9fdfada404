"""The daily-papers listing pages: a header, then for each paper a title line, a blank line,
an abstract line, and optional `• N authors`, `·` and date lines.

The pages are scraped text and not always regular: some entries have no metadata lines, and a
title may follow the previous abstract with no blank line between. The reader therefore works
on the meaning of each line, not on the blank lines: the first text line of an entry is its
title, the next is its abstract, and the one after that starts the next entry. When the line
where an abstract should be reads like a title (short, no sentence in it) and the line after it
reads like that title's abstract, the entry has lost its abstract: it is reported, and the
title-like line starts the next entry rather than becoming an abstract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.formats.lines import oversized_message, read_lines, utf8_problem
from kg.papers import make_paper
from kg.records import BadInput, BadRecord, Paper
from kg.text import month_number

HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
_DATE = re.compile(
    r"^(?P<month>[A-Z][a-z]{2})[a-z]*\.? (?P<day>[0-9]{1,2})(?:, (?P<year>[0-9]{4}))?(?:\s+(?P<upvotes>[0-9]{1,9}))?$"
)
_AUTHORS = re.compile(r"^[•·*-]\s*(?P<count>[0-9]{1,9})\s+authors?$")
_SEPARATOR = re.compile(r"^[·•]$")
MARKERS = ("byAK and the research community", "Get trending papers", "Daily Papers")


def looks_like_listing(head: str) -> bool:
    """True when the start of a text file looks like a daily-papers listing page."""
    return any(marker in head for marker in MARKERS) or bool(
        re.search(r"^\s*• \d+ authors?\s*$", head, re.M)
    )


def parse_listing_date(text: str) -> tuple[str, int | None] | None:
    """("2024-10-05", upvotes) from "Oct 5, 2024 2"; "--10-05" when there is no year.

    >>> parse_listing_date("Nov 21, 2024 2")
    ('2024-11-21', 2)
    >>> parse_listing_date("Aug 14")
    ('--08-14', None)
    """
    match = _DATE.match(text)
    month = month_number(match["month"]) if match else None
    if month is None:
        return None
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    year = match["year"] or "-"
    upvotes = int(match["upvotes"]) if match["upvotes"] else None
    return f"{year}-{month:02d}-{day:02d}", upvotes


@dataclass
class _Entry:
    line: int
    title: str
    abstract: str | None = None
    author_count: int | None = None
    published: str | None = None
    upvotes: int | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)


def _is_metadata(text: str) -> bool:
    return bool(parse_listing_date(text) or _AUTHORS.match(text) or _SEPARATOR.match(text))


def _reads_like_title(text: str) -> bool:
    """Short and with no sentence in it, as a title is and an abstract is not."""
    return len(text) <= 300 and not text.endswith(".") and ". " not in text


def _reads_like_abstract_of(text: str, title: str) -> bool:
    return len(text) > len(title) and (text.endswith(".") or ". " in text or len(text) > 300)


def _text_lines(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """(line number, stripped text, problem) of every line that has text or a problem."""
    for number, text in read_lines(path):
        if text is None:
            yield number, "", oversized_message()
        elif stripped := text.strip():  # a byte that is not UTF-8 is a lone surrogate, never stripped
            yield number, stripped, utf8_problem(text)


def read_listing(path: Path) -> Iterator[Paper | BadInput]:
    """Papers from one daily-papers listing page."""
    source = str(path)
    entry: _Entry | None = None

    def finish(entry: _Entry) -> Paper | BadInput:
        if entry.problems:
            line, problem = entry.problems[0]
            return BadInput(source, problem, f"line {line}")
        if not entry.abstract:
            return BadInput(
                source, f"entry {entry.title[:60]!r} has a title but no abstract (truncated?)",
                f"line {entry.line}",
            )
        try:
            return make_paper(
                title=entry.title, abstract=entry.abstract, author_count=entry.author_count,
                published=entry.published, upvotes=entry.upvotes, sources=(source,),
            )
        except BadRecord as error:
            return BadInput(source, str(error), f"line {entry.line}")

    lines = _text_lines(path)
    following = next(lines, None)
    while following is not None:
        (number, text, problem), following = following, next(lines, None)
        if text.lower() in HEADER_LINES and (entry is None or entry.abstract is not None):
            continue
        if _is_metadata(text):
            if entry is None:
                continue  # the page's own date in the header
            if entry.abstract is None:
                yield finish(entry)  # metadata where the abstract should be
                entry = None
                continue
            if authors := _AUTHORS.match(text):
                entry.author_count = int(authors["count"])
            elif date := parse_listing_date(text):
                entry.published, entry.upvotes = date
            continue
        if entry is not None and entry.abstract is None:
            next_text = following[1] if following else ""
            lost_abstract = (
                _reads_like_title(text) and not _is_metadata(next_text)
                and _reads_like_abstract_of(next_text, text)
            )
            if not lost_abstract:
                entry.abstract = text
                if problem:
                    entry.problems.append((number, problem))
                continue
        if entry is not None:
            yield finish(entry)
        entry = _Entry(line=number, title=text)
        if problem:
            entry.problems.append((number, problem))
    if entry is not None:
        yield finish(entry)
