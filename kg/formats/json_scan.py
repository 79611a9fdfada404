"""Scanning a JSON document of works (a work, a list of works or an API page of `results`)
one work at a time, so that damage costs only the works it touches.

After a work that is not valid JSON, scanning resynchronises at the next `{` that starts a
work (one after `[` or `,` that decodes to a work object). Bytes that are not UTF-8 make
only the works holding them bad, and a work longer than `config.MAX_RECORD_BYTES` is bad
without being decoded whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from typing import Any

from kg import config
from kg.formats.json_values import FIRST_WINDOW, DamagedValue, OversizedValue, decode_value
from kg.formats.lines import oversized_message, utf8_problem
from kg.records import BadInput, Paper, Skipped

WorkRecord = Callable[[dict[str, Any], str, str], Paper | Skipped | BadInput]

_SPACE = re.compile(r"[ \t\r\n]*")
_NON_SPACE = re.compile(r"\S")
_LATER_LINE = re.compile(r"\n\s*\S")
_WORK_START = re.compile(r"[\[,][ \t\r\n]*(\{)")
_RESULTS = re.compile(r'"results"[ \t\r\n]*:[ \t\r\n]*\[')
_OPENERS = re.compile(r'(?:[\[{\s]++|"(?:[^"\\]++|\\.)*+"[ \t\r\n]*+:)++')  # brackets and member names
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.S)


def is_page(value: Any) -> bool:
    """Whether a decoded value is an API page: works in `results`, and no title of its own."""
    return isinstance(value, dict) and isinstance(value.get("results"), list) and "title" not in value


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


class WorkScanner:
    """The works of one JSON document, each with its place, as papers or bad records.

    `to_record(work, source, where)` makes the record of one decoded work object, and
    `is_work(value)` tells a work from other objects when resynchronising after damage.
    """

    def __init__(self, text: str, source: str, *, to_record: WorkRecord, is_work: Callable[[Any], bool]):
        self.text, self.source = text, source
        self.to_record, self.is_work = to_record, is_work
        first = _NON_SPACE.search(text)  # not text.strip(), which would copy the document
        self.multiline = first is not None and _LATER_LINE.search(text, first.start()) is not None
        self.number, self.window = 0, FIRST_WINDOW
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

    def next_work(self, position: int) -> int | None:
        """Where the next work starts at or after `position`, after damage; None when none does.

        Each `{` after `[` or `,` is tried in turn, so that a work is found even where the
        damage hid it inside the damaged one. Once the tries have cost the decoder more than a
        few records' worth of text (deeply nested junk), a failed try skips to where it failed.
        """
        text, budget = self.text, 4 * config.MAX_RECORD_BYTES
        while match := _WORK_START.search(text, max(position - 1, 0)):
            start = match.start(1)
            try:
                value, end = decode_value(text, start, 1024)
            except OversizedValue:
                return start  # too long to tell: the reader reports it
            except DamagedValue as damage:
                budget -= damage.cost
                if damage.nested:
                    run = _OPENERS.match(text, start).end()
                    position = run if budget > 0 else max(run, _skip_nested(text, start))
                else:
                    position = start + 1 if budget > 0 else max(damage.position, start + 1)
                continue
            if self.is_work(value):
                return start
            position = end
        return None

    def work(self, start: int, end: int, value: Any) -> Paper | Skipped | BadInput:
        """The record for a decoded work that spans text[start:end]."""
        where = self.where(start)
        problem = utf8_problem(self.text[start:end])
        if problem:
            return BadInput(self.source, problem, where)
        if not isinstance(value, dict):
            return BadInput(self.source, "expected a work object", where)
        return self.to_record(value, self.source, where)

    def array(self, position: int) -> Generator[Paper | Skipped | BadInput, None, int | None]:
        """The works of the array whose `[` is just before `position`; returns the index after
        its `]`, or None when reading stopped at damage already reported."""
        text = self.text
        while True:
            position = self.skip_space(position)
            if position >= len(text):
                yield self.bad("invalid JSON (truncated?): the list of works is not closed", len(text))
                return None
            if text[position] == "]":
                return position + 1
            if text[position] == ",":
                position += 1
                continue
            self.number += 1
            try:
                value, end = decode_value(text, position, self.window)
            except (DamagedValue, OversizedValue) as error:
                if isinstance(error, OversizedValue):
                    yield self.bad(oversized_message(), position)
                    following = self.next_work(position + config.MAX_RECORD_BYTES)
                else:
                    yield self.bad(error.message + self.detail(error.position, position), position)
                    following = self.next_work(position + 1)
                if following is None:
                    return None
                position = following
                continue
            yield self.work(position, end, value)
            self.window = max(1024, 2 * (end - position))  # works of a file are alike in size
            position = end

    def document(self) -> Iterator[Paper | Skipped | BadInput]:
        """Every record of the document, in order, with its damage reported as bad records."""
        text = self.text
        start = self.skip_space(0)
        if text.startswith("[", start):
            end = yield from self.array(start + 1)
        elif text.startswith("{", start):
            end = yield from self._object(start)
        else:
            self.number = 1
            try:
                value, end = decode_value(text, start)
            except (DamagedValue, OversizedValue) as error:
                message = error.message if isinstance(error, DamagedValue) else oversized_message()
                yield self.bad(message, start)
                yield from self._rest(start + 1)
                return
            yield self.work(start, end, value)
        if end is None:
            return
        after = self.skip_space(end)
        if after < len(text):
            yield self.bad("invalid JSON: text after the end of the document", after)

    def _rest(self, position: int) -> Iterator[Paper | Skipped | BadInput]:
        """After damage to the document around the works, the works found after `position`."""
        following = self.next_work(position)
        if following is not None:
            yield from self.array(following)

    def _object(self, start: int) -> Iterator[Paper | Skipped | BadInput]:
        """A single work, or an API page whose `results` are read one work at a time."""
        text = self.text
        try:
            value, end = decode_value(text, start)
        except (DamagedValue, OversizedValue) as error:
            value, oversized = None, isinstance(error, OversizedValue)
        if value is not None and not is_page(value):
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
                key, position = decode_value(text, position)
                if not isinstance(key, str):
                    raise DamagedValue("invalid JSON: expected a member name", position)
                position = self.skip_space(position)
                if not text.startswith(":", position):
                    raise DamagedValue("invalid JSON: expected ':' after a member name", position)
                position = self.skip_space(position + 1)
                seen_title = seen_title or key == "title"
                if key == "results" and not seen_title and text.startswith("[", position):
                    page = True
                    position = yield from self.array(position + 1)
                    if position is None:
                        return None
                else:
                    member_start = position
                    _, position = decode_value(text, position)
                    if problem := utf8_problem(text[member_start:position]):
                        yield self.bad(problem, member_start)
                position = self.skip_space(position)
                if text.startswith(",", position):
                    position += 1
                elif not text.startswith("}", position):
                    raise DamagedValue("invalid JSON (truncated?): the document is not closed"
                                       if position >= len(text) else "invalid JSON: expected ',' or '}'", position)
            except (DamagedValue, OversizedValue) as error:
                if isinstance(error, OversizedValue):
                    yield self.bad(oversized_message(), position)
                else:
                    yield self.bad(error.message, error.position)
                if not seen_title:
                    results = _RESULTS.search(text, position)
                    yield from self.array(results.end()) if results else self._rest(position)
                return None  # what follows the damage is not checked
