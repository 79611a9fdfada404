"""The records of an XML file (Atom `entry`, `PubmedArticle`), read one at a time.

The file is cut at the records' start and end tags and each record is parsed on its own,
after the file's prolog (XML declaration, doctype and the root's start tag, which declares
the namespaces). So a damaged record is one bad record, named by its line, and the records
after it are still read; a record longer than `config.MAX_RECORD_BYTES` is bad without
being held in memory. Text between records (a feed's title, the closing root tag) is checked
too: damage there, or a file that ends before its root closes, is reported with its line.
"""

from __future__ import annotations

import mmap
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from kg import config
from kg.formats.lines import oversized_message
from kg.records import BadInput, BadRecord

T = TypeVar("T")

_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.S)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>")
_BLANK = re.compile(rb"\s*")


def text_of(element: ET.Element | None) -> str:
    """All the text inside an element, inline markup included, with whitespace collapsed."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


class _Parsed:
    """A piece of the file parsed after the prolog: its elements, or where and why it failed."""

    def __init__(self, elements: list[ET.Element], line: int = 0, message: str = ""):
        self.elements, self.line, self.message = elements, line, message


class _Document:
    """The bytes of one XML file, its prolog, and line numbers of positions in it."""

    def __init__(self, data: bytes | mmap.mmap, source: str, tag: str):
        self.data, self.source, self.tag = data, source, tag
        local = re.escape(tag.rsplit("}", 1)[-1].encode())
        prefix = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix
        # group 1: a record's start tag; otherwise its end tag
        self.tokens = re.compile(rb"(<" + prefix + local + rb"(?=[\s/>]))|</" + prefix + local + rb"\s*>")
        self._counted, self._lines = 0, 1
        self.prefix, self.closing, self.start, self.record_is_root = b"", b"", 0, False

    def line(self, position: int) -> int:
        """The line of `position`; positions are asked for in increasing order."""
        if position > self._counted:
            self._lines += self.data[self._counted : position].count(b"\n")
            self._counted = position
        return self._lines

    def read_prolog(self, limit: int) -> BadInput | None:
        """Find the root's start tag; a BadInput when there is none or it is damaged."""
        data = self.data
        prolog = _PROLOG.match(data, 0, limit)
        root = _ROOT.match(data, prolog.end(), limit) if prolog else None
        if root is None:
            head = data[: min(limit, config.SNIFF_BYTES)]
            parsed = self.parse(head, 1, len(head), final=True)
            reason = parsed.message or f"malformed XML: no root element in the first {len(head)} bytes"
            if "no element found" not in reason:
                reason = reason.replace(" (truncated?)", "")
            return BadInput(self.source, f"{reason}; no record was read", f"line {parsed.line or 1}")
        name = root.group(1)
        self.record_is_root = name.rsplit(b":", 1)[-1] == self.tag.rsplit("}", 1)[-1].encode()
        if self.record_is_root:  # a file of one bare record
            self.prefix, self.start = data[: root.start()], root.start()
        else:
            self.prefix, self.start = data[: root.end()], root.end()
            self.closing = b"" if root.group(2) else b"</" + name + b">"
        parsed = _Parsed([]) if self.record_is_root else self.parse(b"", 1, root.end())
        if parsed.message:
            message = f"{parsed.message}, before the first record; no record was read"
            return BadInput(self.source, message, f"line {parsed.line}")
        return None

    def parse(self, piece: bytes, first_line: int, end: int, *, final: bool = False) -> _Parsed:
        """Parse `piece`, the bytes of the file up to `end` from line `first_line`, after the
        prolog; `final` when it ends the file, so that the root is not closed for it."""
        parser = ET.XMLParser()
        try:
            parser.feed(self.prefix)
            parser.feed(piece)
            if not final:
                parser.feed(self.closing)
            root = parser.close()
        except (ET.ParseError, ValueError, LookupError) as error:
            return self._failure(error, piece, first_line, end)
        return _Parsed([root] if self.record_is_root else list(root))

    def _failure(self, error: Exception, piece: bytes, first_line: int, end: int) -> _Parsed:
        reason = str(error).split(":")[0] if isinstance(error, ET.ParseError) else str(error)
        line, column = getattr(error, "position", (1, 0))
        prefix_lines = self.prefix.count(b"\n")
        offset = line - 1 - prefix_lines  # lines into `piece`
        if offset < 0:  # in the prolog
            return _Parsed([], line, f"malformed XML: {reason}, column {column}")
        offset = min(offset, piece.count(b"\n"))
        if offset == 0:  # the first line of `piece` continues a line of the file
            start = end - len(piece)
            column += (start - self.data.rfind(b"\n", 0, start) - 1) - (len(self.prefix) - self.prefix.rfind(b"\n") - 1)
        truncated = " (truncated?)" if end >= len(self.data) else ""
        return _Parsed([], first_line + offset, f"malformed XML{truncated}: {reason}, column {max(column, 0)}")


def _open(path: Path) -> bytes | mmap.mmap:
    with open(path, "rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # an empty file, or a pipe
            return handle.read()


def iter_records(path: Path, tag: str, convert: Callable[[ET.Element, str], T]) -> Iterator[T | BadInput]:
    """Convert each `tag` element of the file, in file order, with its line as its place.

    Each damaged or oversized record, and each damaged stretch between records, is one
    BadInput with its line; the records around it are read.
    """
    data = _open(path)
    try:
        yield from _records(_Document(data, str(path), tag), convert)
    finally:
        if isinstance(data, mmap.mmap):
            try:
                data.close()
            except BufferError:  # a match still points into it; closed when collected
                pass


def _records(document: _Document, convert: Callable[[ET.Element, str], T]) -> Iterator[T | BadInput]:
    data, source, limit = document.data, document.source, config.MAX_RECORD_BYTES
    problem = document.read_prolog(limit)
    if problem:
        yield problem
        return
    position = document.start
    while True:
        token = document.tokens.search(data, position)
        if token is None:  # the end of the file: after the last record, the root must close
            yield from _between(document, position, len(data), final=True)
            return
        if not token.group(1):  # an end tag whose start tag is damaged: the stretch is one bad record
            yield from _between(document, position, token.end(), final=False, bad_record=True)
            position = token.end()
            continue
        start = token.start()
        yield from _between(document, position, start, final=False)
        line = document.line(start)
        after = document.tokens.search(data, token.end(), start + limit)
        gt = data.find(b">", token.end(), start + limit)
        if gt > 0 and data[gt - 1 : gt] == b"/" and (after is None or gt < after.start()):
            end = gt + 1  # <entry/>
        elif after is not None and not after.group(1):
            end = after.end()
        elif after is not None:
            end = after.start()  # not closed before the next record starts
        elif start + limit >= len(data):
            end = len(data)  # not closed before the file ends
        else:
            yield BadInput(source, oversized_message(), f"line {line}")
            following = document.tokens.search(data, start + limit)
            if following is None:
                return
            position = following.start() if following.group(1) else following.end()
            continue
        at_end = end >= len(data)  # the record runs to the end of the file: do not close it
        parsed = document.parse(data[start:end], line, end, final=at_end and not document.record_is_root)
        if parsed.message:
            place = f" (in the record starting at line {line})" if parsed.line != line else ""
            yield BadInput(source, parsed.message + place, f"line {parsed.line}")
        for element in parsed.elements:
            if element.tag == document.tag:
                where = f"line {line}"
                try:
                    yield convert(element, where)
                except BadRecord as error:
                    yield BadInput(source, str(error), where)
        if at_end and parsed.message:
            return
        position = end


def _between(document: _Document, start: int, end: int, *, final: bool, bad_record: bool = False) -> Iterator[BadInput]:
    """Check the text from `start` to `end` that is no record: nothing, when it is well formed."""
    data = document.data
    blank = _BLANK.match(data, start, end).end() == end
    if blank and not bad_record and not (final and not document.record_is_root):
        return
    line = document.line(start)
    if end - start > config.MAX_RECORD_BYTES:
        yield BadInput(document.source, f"{oversized_message()} of text that is no record", f"line {line}")
        return
    if final and document.record_is_root:  # a file of one bare record: nothing may follow it
        yield BadInput(document.source, "malformed XML: text after the record", f"line {line}")
        return
    parsed = document.parse(data[start:end], line, end, final=final)
    if parsed.message:
        yield BadInput(document.source, parsed.message, f"line {parsed.line}")
    elif bad_record:
        yield BadInput(document.source, "malformed XML: a record's end tag without its start tag", f"line {line}")
