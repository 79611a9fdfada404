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
from kg.formats.lines import utf8_problem
from kg.records import BadInput, Paper, Skipped, make_paper

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_NAME = re.compile(r"\s*([A-Za-z0-9_\-:.+/]+)\s*")
_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class _Malformed(Exception):
    pass


def clean_latex(text: str) -> str:
    r"""Plain text from a BibTeX value: accents applied, escapes and grouping braces removed.

    >>> clean_latex(r"Segment {A}nything in {M}{\"u}nchen \& 95\% {Dice}")
    'Segment Anything in München & 95% Dice'
    """
    text = re.sub(
        r"\\([`'\"^~c])\s*\{?\s*([A-Za-z])\}?",
        lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]),
        text,
    )
    text = re.sub(r"\\([&%$#_{}])", r"\1", text)
    text = re.sub(r"\\(?:emph|textit|textbf|mathrm|text)\s*", "", text)
    text = text.replace("{", "").replace("}", "").replace("~", " ").replace("--", "\u2013")
    return " ".join(text.split())


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text inside the braces opening at `start`, and the index after the closing one."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            continue
        if char == "{" and text[index - 1] != "\\":
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    raise _Malformed("unbalanced braces (truncated?)")


def _value(text: str, position: int, macros: dict[str, str]) -> tuple[str, int]:
    """One field value, with `#` concatenation; returns the value and the index after it."""
    parts = []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            raise _Malformed("entry ends inside a field (truncated?)")
        char = text[position]
        if char == "{":
            part, position = _braced(text, position)
        elif char == '"':
            end = position + 1
            depth = 0
            while end < len(text) and not (text[end] == '"' and depth == 0 and text[end - 1] != "\\"):
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            if end >= len(text):
                raise _Malformed("unterminated quoted value (truncated?)")
            part, position = text[position + 1 : end], end + 1
        else:
            match = _NAME.match(text, position)
            if not match:
                raise _Malformed(f"unexpected {char!r} where a value should be")
            word = match.group(1)
            part, position = macros.get(word.lower(), word), match.end()
        parts.append(part)
        while position < len(text) and text[position].isspace():
            position += 1
        if position < len(text) and text[position] == "#":
            position += 1
            continue
        return "".join(parts), position


def _fields(text: str, position: int, closer: str, macros: dict[str, str]) -> tuple[dict[str, str], int]:
    fields: dict[str, str] = {}
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            raise _Malformed("entry is not closed (truncated?)")
        if text[position] == closer:
            return fields, position + 1
        match = _NAME.match(text, position)
        if not match:
            raise _Malformed(f"unexpected {text[position]!r} in entry")
        name, position = match.group(1).lower(), match.end()
        if position >= len(text) or text[position] != "=":
            raise _Malformed(f"field {name!r} has no '=' (truncated?)")
        fields[name], position = _value(text, position + 1, macros)


def _date(fields: dict[str, str]) -> str | None:
    year = fields.get("year", "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return fields.get("date") or None
    month = fields.get("month", "").strip().lower()[:3]
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return f"{year}-{MONTH_NAMES.index(month) + 1:02d}" if month in MONTH_NAMES else year


def paper_from_fields(fields: dict[str, str], source: str, where: str) -> Paper | Skipped:
    """One Paper from the fields of a BibTeX entry."""
    title = clean_latex(fields.get("title", ""))
    abstract = clean_latex(fields.get("abstract", ""))
    if not title:
        return Skipped(source, where, "entry has no title")
    if not abstract:
        return Skipped(source, where, "entry has no abstract")
    authors = tuple(
        clean_latex(name) for name in re.split(r"\s+and\s+", fields.get("author", "")) if name.strip()
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
    """Papers from a BibTeX file."""
    source = str(path)
    if path.stat().st_size > config.MAX_RECORD_BYTES * 64:
        raise BadInput(source, "BibTeX file too large; split it into smaller files")
    text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
    macros: dict[str, str] = {}
    position = 0
    while match := _ENTRY_START.search(text, position):
        kind = match.group(1).lower()
        closer = "}" if match.group(2) == "{" else ")"
        where = f"line {text.count(chr(10), 0, match.start()) + 1}"
        try:
            if kind in ("comment", "preamble"):
                position = _braced(text, match.end() - 1)[1] if closer == "}" else match.end()
                continue
            if kind == "string":
                found, position = _fields(text, match.end(), closer, macros)
                macros.update(found)
                continue
            key = _NAME.match(text, match.end())
            if not key or text[key.end() : key.end() + 1] != ",":
                raise _Malformed("entry has no citation key")
            fields, position = _fields(text, key.end() + 1, closer, macros)
        except _Malformed as error:
            yield BadInput(source, str(error), where)
            following = _ENTRY_START.search(text, match.end())
            position = following.start() if following else len(text)
            continue
        problem = next(filter(None, map(utf8_problem, fields.values())), None)
        yield BadInput(source, problem, where) if problem else paper_from_fields(fields, source, where)
