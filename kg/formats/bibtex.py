"""BibTeX files whose entries carry an `abstract` field.

A small parser of its own, so that a truncated or malformed entry is reported with its line
and the entries around it are kept: `@type{key, name = {value} | "value" | number | macro, ...}`,
with `#` concatenation and `@string` macros; `@comment` and `@preamble` are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from kg import config
from kg.formats.lines import oversized_message, utf8_problem
from kg.papers import make_paper
from kg.records import BadInput, BadRecord, Paper, Skipped
from kg.text import LATEX_ACCENT_MARKS, month_number

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
# Where reading goes on after a damaged entry: the next entry that starts a line.
_LINE_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.M)
_NAME = re.compile(r"\s*([A-Za-z0-9_\-:.+/]+)\s*")
_SPACE = re.compile(r"\s*")
_SEPARATORS = re.compile(r"[\s,]*")
_BRACES = re.compile(r"\\.|[{}]", re.S)
_QUOTED = re.compile(r'\\.|[{}"]', re.S)
_SIMPLE_FIELD = re.compile(r"([A-Za-z0-9_\-:.+/]+)\s*=\s*\{([^{}\\]*)\}\s*")  # name = {plain text}
_ACCENT = re.compile(r"\\([`'\"^~c])\s*\{?\s*([A-Za-z])\}?")
_ESCAPE = re.compile(r"\\([&%$#_{}])")
_MACRO = re.compile(r"\\(?:emph|textit|textbf|mathrm|text)\s*")
_AND = re.compile(r"\s+and\s+")


class _Malformed(Exception):
    """An entry that cannot be parsed; `position` is where that was found."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


def clean_latex(text: str) -> str:
    r"""Plain text from a BibTeX value: accents applied, escapes and grouping braces removed.

    >>> clean_latex(r"Segment {A}nything in {M}{\"u}nchen \& 95\% {Dice}")
    'Segment Anything in München & 95% Dice'
    """
    if "\\" in text:
        text = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + LATEX_ACCENT_MARKS[m.group(1)]), text)
        text = _MACRO.sub("", _ESCAPE.sub(r"\1", text))
    text = text.replace("{", "").replace("}", "").replace("~", " ").replace("--", "\u2013")
    return " ".join(text.split())


def _braced(text: str, start: int, end: int) -> tuple[str, int]:
    """The text inside the braces opening at `start`, and the index after the closing one;
    the braces must close before `end`."""
    depth = 0
    for token in _BRACES.finditer(text, start, end):
        if token.group() == "{":
            depth += 1
        elif token.group() == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : token.start()], token.end()
    raise _Malformed("unbalanced braces (truncated?)", end)


def _quoted(text: str, start: int, end: int) -> tuple[str, int]:
    """The text inside the quotes opening at `start` (quotes inside braces do not close it)."""
    depth = 0
    for token in _QUOTED.finditer(text, start + 1, end):
        char = token.group()
        if char == '"' and depth == 0:
            return text[start + 1 : token.start()], token.end()
        depth += {"{": 1, "}": -1}.get(char, 0)
    raise _Malformed("unterminated quoted value (truncated?)", end)


def _value(text: str, position: int, end: int, macros: dict[str, str]) -> tuple[str, int]:
    """One field value, with `#` concatenation; returns the value and the index after it."""
    parts = []
    while True:
        position = _SPACE.match(text, position, end).end()
        if position >= end:
            raise _Malformed("entry ends inside a field (truncated?)", end)
        char = text[position]
        if char == "{":
            part, position = _braced(text, position, end)
        elif char == '"':
            part, position = _quoted(text, position, end)
        else:
            match = _NAME.match(text, position, end)
            if not match:
                raise _Malformed(f"unexpected {char!r} where a value should be", position)
            word = match.group(1)
            part, position = macros.get(word.lower(), word), match.end()
        parts.append(part)
        position = _SPACE.match(text, position, end).end()
        if position < end and text[position] == "#":
            position += 1
            continue
        return "".join(parts), position


def _fields(text: str, position: int, end: int, closer: str, macros: dict[str, str]) -> tuple[dict[str, str], int]:
    fields: dict[str, str] = {}
    while True:
        position = _SEPARATORS.match(text, position, end).end()
        if position >= end:
            raise _Malformed("entry is not closed (truncated?)", end)
        if text[position] == closer:
            return fields, position + 1
        simple = _SIMPLE_FIELD.match(text, position, end)
        if simple and text[simple.end() : simple.end() + 1] != "#":
            fields[simple.group(1).lower()], position = simple.group(2), simple.end()
            continue
        match = _NAME.match(text, position, end)
        if not match:
            raise _Malformed(f"unexpected {text[position]!r} in entry", position)
        name, position = match.group(1).lower(), match.end()
        if position >= end or text[position] != "=":
            raise _Malformed(f"field {name!r} has no '=' (truncated?)", position)
        fields[name], position = _value(text, position + 1, end, macros)


def _date(fields: dict[str, str]) -> str | None:
    year = fields.get("year", "").strip()
    if not re.fullmatch(r"[0-9]{4}", year):
        return fields.get("date") or None
    month = month_number(fields.get("month", "").strip())
    return f"{year}-{month:02d}" if month else year


def paper_from_fields(fields: dict[str, str], source: str, where: str) -> Paper | Skipped:
    """One Paper from the fields of a BibTeX entry."""
    title = clean_latex(fields.get("title", ""))
    abstract = clean_latex(fields.get("abstract", ""))
    if not title:
        return Skipped(source, where, "entry has no title")
    if not abstract:
        return Skipped(source, where, "entry has no abstract")
    authors = tuple(
        clean_latex(name) for name in _AND.split(fields.get("author", "")) if name.strip()
    )
    is_arxiv = fields.get("archiveprefix", "").lower() == "arxiv" or "arxiv" in fields.get("journal", "").lower()
    return make_paper(
        title=title,
        abstract=abstract,
        doi=fields.get("doi"),
        arxiv_id=fields.get("eprint") if is_arxiv else None,
        pmid=fields.get("pmid"),
        authors=authors,
        author_count=len(authors) or None,
        published=_date(fields),
        url=fields.get("url"),
        sources=(source,),
    )


def read_bibtex(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from a BibTeX file, in linear time.

    An entry that cannot be parsed is one BadInput with its line, and reading goes on after
    the point where it broke. No entry reads past the next line that starts with an entry, so
    an unclosed brace costs only its entry; several on one line cost the rest of that line,
    which the message says. An entry longer than `config.MAX_RECORD_BYTES` is bad.
    """
    source = str(path)
    if path.stat().st_size > config.MAX_RECORD_BYTES * 64:
        raise BadInput(source, "BibTeX file too large; split it into smaller files")
    text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
    limit = config.MAX_RECORD_BYTES
    macros: dict[str, str] = {}
    position, counted, line, boundary, chunk, spent = 0, 0, 1, -1, 0, 0
    while match := _ENTRY_START.search(text, position):
        start = match.start()
        line += text.count("\n", counted, start)
        counted, where = start, f"line {line}"
        if boundary <= start:  # the next entry at the start of a line: no entry reads past it
            following = _LINE_START.search(text, match.end())
            boundary = following.end() - len(following.group().lstrip()) if following else len(text)
            chunk, spent = start, 0
        end = min(boundary, start + limit)
        kind = match.group(1).lower()
        closer = "}" if match.group(2) == "{" else ")"
        try:
            if kind in ("comment", "preamble"):
                position = _braced(text, match.end() - 1, end)[1] if closer == "}" else match.end()
                continue
            if kind == "string":
                found, position = _fields(text, match.end(), end, closer, macros)
                macros.update(found)
                continue
            key = _NAME.match(text, match.end(), end)
            if not key or text[key.end() : key.end() + 1] != ",":
                raise _Malformed("entry has no citation key", match.end())
            fields, position = _fields(text, key.end() + 1, end, closer, macros)
        except _Malformed as error:
            if error.position < end:  # go on after the point where it broke
                message, position = str(error), max(error.position, match.end())
            elif end < boundary:
                message, position = oversized_message(), boundary
            else:  # an unclosed brace: try the entries after it on its lines, while that is cheap
                spent += end - start
                if spent <= 2 * (boundary - chunk):
                    message, position = str(error), match.end()
                else:
                    message, position = _lost(text, error, match.end(), end), boundary
            yield BadInput(source, message, where)
            continue
        problem = next(filter(None, map(utf8_problem, fields.values())), None)
        if problem:
            yield BadInput(source, problem, where)
            continue
        try:
            yield paper_from_fields(fields, source, where)
        except BadRecord as error:
            yield BadInput(source, str(error), where)


def _lost(text: str, error: _Malformed, after: int, end: int) -> str:
    """The message for an unclosed entry after which the rest of its lines, up to `end`, is
    not read: how many entries that cost."""
    others = len(_ENTRY_START.findall(text, after, end))
    if not others:
        return str(error)
    breaks = text.count("\n", after, end)
    if breaks and not text[text.rfind("\n", after, end) : end].strip():
        breaks -= 1  # the line break before `end`
    lines = "line" if breaks == 0 else "lines"
    return f"{error}; the {others} entries after it on the same {lines} were not read"
