"""Sniffing: the format of an input file from its first bytes.

`sniff_format` names the reader for a file, or raises BadInput for one that is empty,
binary, UTF-16 or UTF-32 text, or of no format `kg` reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg import config
from kg.formats.listing import looks_like_listing
from kg.records import BadInput

# The first bytes of binary files people mistake for papers.
_SIGNATURES = (
    (b"%PDF", "a PDF"), (b"PK\x03\x04", "a ZIP archive, .docx or .xlsx"), (b"\x1f\x8b", "gzip-compressed"),
    (b"BZh", "bzip2-compressed"), (b"\xfd7zXZ\x00", "xz-compressed"), (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!", "a RAR archive"), (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"\x7fELF", "a program"),
)
# Control characters no text file has, and bytes that are not UTF-8 (decoded as lone surrogates)
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\udc80-\udcff]")


def _binary_kind(head: bytes) -> str | None:
    """What binary file `head` starts, if it is one: a known signature, or a quarter of it
    control characters and bytes that are not UTF-8 (a NUL or two in a text file are its
    damage, reported by the reader with their lines)."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    text = head.decode("utf-8", "surrogateescape")
    if len(_NOT_TEXT.findall(text)) > len(text) / 4:
        return "compressed, a PDF or an image?"
    return None


def wide_encoding(head: bytes) -> str | None:
    """The codec of a UTF-32 or UTF-16 text file (by its byte-order mark, or by the NUL in
    every other byte of ASCII text), else None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:4096]
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if half >= 8 and odd > 0.7 * half and even < 0.1 * half:
        return "utf-16-le"
    if half >= 8 and even > 0.7 * half and odd < 0.1 * half:
        return "utf-16-be"
    return None


def _parses(line: bytes, kind: type = object) -> bool:
    try:
        return isinstance(json.loads(line), kind)
    except (ValueError, RecursionError):
        return False


def _sniff_json(path: Path, head: bytes, whole: bool) -> str:
    """"jsonl" or "openalex" (one JSON document) for a file that starts with `{`.

    JSON Lines when the first line is a JSON value, or when most of the lines after a
    damaged first line are JSON objects. A first line running past the sniffed bytes is
    followed to its end: a line starting with `{` after it makes JSON Lines, as does a file
    of that one line when it is small enough to be one record. `whole` says that `head` is
    all of the file.
    """
    if b"\n" not in head.rstrip(b"\r\n"):
        if whole:
            return "jsonl" if _parses(head) else "openalex"
        return _sniff_long_first_line(path)
    lines = head.split(b"\n")
    if not whole:
        lines.pop()  # cut off by the window
    if _parses(lines[0]):
        return "jsonl"
    others = [line for line in lines[1:] if line.strip()]
    objects = sum(_parses(line, dict) for line in others)
    return "jsonl" if objects and 2 * objects >= len(others) else "openalex"


def _sniff_long_first_line(path: Path) -> str:
    with open(path, "rb") as handle:
        handle.seek(config.SNIFF_BYTES)
        rest = b""
        while chunk := handle.read(1 << 20):
            if (end := chunk.find(b"\n")) >= 0:
                rest = chunk[end + 1 :] + handle.read(config.SNIFF_BYTES)
                break
    following = rest.lstrip()
    if not following:  # a file of one line
        return "jsonl" if path.stat().st_size <= config.MAX_RECORD_BYTES else "openalex"
    line, newline, _ = following.partition(b"\n")
    ends_a_member = newline and line.rstrip().endswith(b",")  # one element of a document's list
    return "jsonl" if line.startswith(b"{") and not ends_a_member else "openalex"


def sniff_format(path: Path) -> str:
    """The name of the format of a file, from its first bytes.

    Raises BadInput for a file that is empty, binary or of no format `kg` reads.
    """
    source = str(path)
    with open(path, "rb") as handle:
        head = handle.read(config.SNIFF_BYTES)
    if not head.strip():
        raise BadInput(source, "file is empty")
    if encoding := wide_encoding(head):
        raise BadInput(source, f"{encoding.upper()} text; convert it to UTF-8")
    if kind := _binary_kind(head):
        raise BadInput(source, f"binary file, not text ({kind})")
    text = head.decode("utf-8-sig", "replace").lstrip()
    if text.startswith("<"):
        if re.search(r"<feed\b[^>]*http://www\.w3\.org/2005/Atom", text):
            return "arxiv"
        if re.search(r"<(!DOCTYPE\s+)?PubmedArticleSet\b", text):
            return "pubmed"
        raise BadInput(source, "XML that is neither an arXiv Atom feed nor PubMed efetch XML")
    if text.startswith("["):
        return "openalex"
    if text.startswith("{"):
        return _sniff_json(path, head.removeprefix(b"\xef\xbb\xbf").lstrip(), len(head) < config.SNIFF_BYTES)
    if re.match(r"(%[^\n]*\n\s*)*@\s*[A-Za-z]+\s*[{(]", text):
        return "bibtex"
    first_line = text.split("\n", 1)[0].lower()
    if re.search(r"(^|[,\t])\s*\"?title\"?\s*([,\t]|$)", first_line):
        return "csv"
    if looks_like_listing(text):
        return "listing"
    raise BadInput(
        source,
        "unrecognised format; give one with --format ({})".format("|".join(config.FORMATS)),
    )
