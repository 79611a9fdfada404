"""OpenAlex works: a single work, a list of works, or an API response with `results`.

OpenAlex stores an abstract as an inverted index (word -> positions), which is rebuilt here.

A document is read one work at a time, so a damaged work is one bad record and the works
after it are still read: after a work that is not valid JSON, reading goes on at the next
`{` that starts a work (one after `[` or `,` that decodes to an object with a title, an
abstract or a work id). Bytes that are not UTF-8 make only the works holding them bad, and
a work longer than `config.MAX_RECORD_BYTES` is bad without being decoded whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg import config
from kg.formats.lines import oversized_message, utf8_problem
from kg.papers import make_paper
from kg.records import BadInput, BadRecord, Paper, Skipped

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")
_WORK_START = re.compile(r"[\[,][ \t\r\n]*(\{)")
_RESULTS = re.compile(r'"results"[ \t\r\n]*:[ \t\r\n]*\[')
_OPENERS = re.compile(r'(?:[\[{\s]++|"(?:[^"\\]++|\\.)*+"[ \t\r\n]*+:)++')  # brackets and member names
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.S)
_FIRST_WINDOW = 16 * 1024


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
    if _is_page(value):
        yield from value["results"]
    elif isinstance(value, list):
        yield from value
    else:
        yield value


def _is_page(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("results"), list) and "title" not in value


def _is_work(value: Any) -> bool:
    return isinstance(value, dict) and ("title" in value or is_openalex_work(value))


class _Damaged(Exception):
    """A JSON value that cannot be decoded: why, where in the text, and how many characters
    the decoder went through to find out."""

    def __init__(self, message: str, position: int, cost: int = 0, nested: bool = False):
        super().__init__(message)
        self.message, self.position, self.cost, self.nested = message, position, cost, nested


class _Oversized(Exception):
    pass


def _decode(text: str, position: int, first: int = _FIRST_WINDOW) -> tuple[Any, int]:
    """The JSON value starting at `position` and the index after it.

    Decoded through a window of `first` characters, four times larger at each try, so that
    no more than `config.MAX_RECORD_BYTES` of text is decoded for one value: _Oversized for a
    longer one, _Damaged for one that is not valid JSON or is nested too deeply.
    """
    limit = config.MAX_RECORD_BYTES
    size, cost = min(first, limit + 1), 0
    while True:
        window = text[position : position + size]
        cut = position + size < len(text)
        cost += len(window)
        try:
            value, length = _DECODER.raw_decode(window)
        except json.JSONDecodeError as error:
            if cut and (error.pos >= len(window) - 8 or error.msg.startswith("Unterminated string")):
                if size > limit:
                    raise _Oversized() from None
                size = min(size * 4, limit + 1)
                continue  # the window may have cut the value short
            at = position + error.pos
            truncated = " (truncated?)" if at + 4096 >= len(text) and len(text[at : at + 4096].strip()) < 8 else ""
            raise _Damaged(f"invalid JSON{truncated}: {error.msg}", position + error.pos, cost) from None
        except RecursionError:
            raise _Damaged("invalid JSON: nested too deeply", position, cost, nested=True) from None
        if length > limit or (length > limit // 4 and len(window[:length].encode("utf-8", "surrogateescape")) > limit):
            raise _Oversized()
        return value, position + length


def _skip_nested(text: str, position: int) -> int:
    """The index after the bracketed value starting at `position` (strings skipped), or after
    `config.MAX_RECORD_BYTES` of it."""
    depth, stop = 0, position + config.MAX_RECORD_BYTES
    for token in _TOKEN.finditer(text, position, stop):
        if token.group() in "[{":
            depth += 1
        elif token.group() in "]}":
            depth -= 1
            if depth <= 0:
                return token.end()
    return min(stop, len(text))


def _next_work(text: str, position: int) -> int | None:
    """Where the next work starts at or after `position`, after damage; None when none does.

    Each `{` after `[` or `,` is tried in turn, so that a work is found even where the damage
    hid it inside the damaged one. Once the tries have cost the decoder more than a few
    records' worth of text (deeply nested junk), a failed try skips to where it failed.
    """
    budget = 4 * config.MAX_RECORD_BYTES
    while match := _WORK_START.search(text, max(position - 1, 0)):
        start = match.start(1)
        try:
            value, end = _decode(text, start, 1024)
        except _Oversized:
            return start  # too long to tell: the reader reports it
        except _Damaged as damage:
            budget -= damage.cost
            if damage.nested:
                run = _OPENERS.match(text, start).end()
                position = run if budget > 0 else max(run, _skip_nested(text, start))
            else:
                position = start + 1 if budget > 0 else max(damage.position, start + 1)
            continue
        if _is_work(value):
            return start
        position = end
    return None


class _Reader:
    """The works of one OpenAlex document, each with its place, as papers or bad records."""

    def __init__(self, text: str, source: str):
        self.text, self.source = text, source
        self.multiline = "\n" in text.strip()
        self.number, self.window = 0, _FIRST_WINDOW
        self._counted, self._lines = 0, 1

    def line(self, position: int) -> int:
        if position < self._counted:
            self._counted, self._lines = 0, 1
        self._lines += self.text.count("\n", self._counted, position)
        self._counted = position
        return self._lines

    def where(self, position: int) -> str:
        """`line N`, or in a document of one line, `record N` (the work's number)."""
        if self.multiline or not self.number:
            return f"line {self.line(position)}"
        return f"record {self.number}"

    def detail(self, error: int, start: int) -> str:
        """Where in a damaged work the damage was found, when its place does not say it."""
        if not self.multiline:
            return f" at column {error - self.text.rfind(chr(10), 0, error)}"
        line = self.text.count("\n", start, error)
        return f" at line {self.line(start) + line}" if line else ""

    def bad(self, message: str, position: int) -> BadInput:
        return BadInput(self.source, message, self.where(position))

    def skip_space(self, position: int) -> int:
        return _SPACE.match(self.text, position).end()

    def work(self, start: int, end: int, value: Any) -> Paper | Skipped | BadInput:
        """The record for a decoded work that spans text[start:end]."""
        where = self.where(start)
        problem = utf8_problem(self.text[start:end])
        if problem:
            return BadInput(self.source, problem, where)
        if not isinstance(value, dict):
            return BadInput(self.source, "expected a work object", where)
        return paper_from_work(value, self.source, where)

    def array(self, position: int) -> Iterator[Paper | Skipped | BadInput | int | None]:
        """The works of the array whose `[` is just before `position`; the index after its `]`
        comes last, or None when reading stopped at damage already reported."""
        text = self.text
        while True:
            position = self.skip_space(position)
            if position >= len(text):
                yield self.bad("invalid JSON (truncated?): the list of works is not closed", len(text))
                yield None
                return
            if text[position] == "]":
                yield position + 1
                return
            if text[position] == ",":
                position += 1
                continue
            self.number += 1
            try:
                value, end = _decode(text, position, self.window)
            except (_Damaged, _Oversized) as error:
                if isinstance(error, _Oversized):
                    yield self.bad(oversized_message(), position)
                    following = _next_work(text, position + config.MAX_RECORD_BYTES)
                else:
                    yield self.bad(error.message + self.detail(error.position, position), position)
                    following = _next_work(text, position + 1)
                if following is None:
                    yield None
                    return
                position = following
                continue
            yield self.work(position, end, value)
            self.window = max(1024, 2 * (end - position))  # works of a file are alike in size
            position = end

    def document(self) -> Iterator[Paper | Skipped | BadInput]:
        text = self.text
        start = self.skip_space(0)
        if text.startswith("[", start):
            end = yield from self._array_records(start + 1)
        elif text.startswith("{", start):
            end = yield from self._object(start)
        else:
            self.number = 1
            try:
                value, end = _decode(text, start)
            except (_Damaged, _Oversized) as error:
                message = error.message if isinstance(error, _Damaged) else oversized_message()
                yield self.bad(message, start)
                yield from self._rest(start + 1)
                return
            yield self.work(start, end, value)
        if end is None:
            return
        after = self.skip_space(end)
        if after < len(text):
            yield self.bad("invalid JSON: text after the end of the document", after)

    def _array_records(self, position: int) -> Iterator[Paper | Skipped | BadInput]:
        end = None
        for item in self.array(position):
            if item is None or isinstance(item, int):
                end = item
            else:
                yield item
        return end

    def _rest(self, position: int) -> Iterator[Paper | Skipped | BadInput]:
        """After damage to the document around the works, the works found after `position`."""
        following = _next_work(self.text, position)
        if following is not None:
            yield from self._array_records(following)

    def _object(self, start: int) -> Iterator[Paper | Skipped | BadInput]:
        """A single work, or an API page whose `results` are read one work at a time."""
        text = self.text
        try:
            value, end = _decode(text, start)
        except (_Damaged, _Oversized) as error:
            value, oversized = None, isinstance(error, _Oversized)
        if value is not None and not _is_page(value):
            self.number = 1
            yield self.work(start, end, value)
            return end
        return (yield from self._page(start, oversized=value is None and oversized))

    def _page(self, start: int, oversized: bool) -> Iterator[Paper | Skipped | BadInput]:
        """The members of a page object: each checked, `results` read as a list of works.
        `oversized` when the object is too long to decode whole: unless it is a page, it is
        one work too long to read."""
        text, position, seen_title, page = self.text, start + 1, False, False
        while True:
            position = self.skip_space(position)
            if text.startswith("}", position):
                if oversized and not page:
                    self.number = 1
                    yield self.bad(oversized_message(), start)
                return position + 1
            try:
                key, position = _decode(text, position)
                if not isinstance(key, str):
                    raise _Damaged("invalid JSON: expected a member name", position)
                position = self.skip_space(position)
                if not text.startswith(":", position):
                    raise _Damaged("invalid JSON: expected ':' after a member name", position)
                position = self.skip_space(position + 1)
                seen_title = seen_title or key == "title"
                if key == "results" and not seen_title and text.startswith("[", position):
                    page = True
                    position = yield from self._array_records(position + 1)
                    if position is None:
                        return None
                else:
                    member_start = position
                    _, position = _decode(text, position)
                    if problem := utf8_problem(text[member_start:position]):
                        yield self.bad(problem, member_start)
                position = self.skip_space(position)
                if text.startswith(",", position):
                    position += 1
                elif not text.startswith("}", position):
                    raise _Damaged("invalid JSON (truncated?): the document is not closed"
                                   if position >= len(text) else "invalid JSON: expected ',' or '}'", position)
            except (_Damaged, _Oversized) as error:
                if isinstance(error, _Oversized):
                    yield self.bad(oversized_message(), position)
                else:
                    yield self.bad(error.message, error.position)
                if not seen_title:
                    results = _RESULTS.search(text, position)
                    yield from self._array_records(results.end()) if results else self._rest(position)
                return None  # what follows the damage is not checked


def read_openalex(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from an OpenAlex works JSON document, one work at a time."""
    source = str(path)
    if path.stat().st_size > config.MAX_RECORD_BYTES * 64:
        raise BadInput(source, "JSON document too large; use JSON Lines (one work per line)")
    text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
    yield from _Reader(text, source).document()
