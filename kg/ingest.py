"""Ingest: files and folders in, one list of distinct papers out.

`read` picks a reader by sniffing the file's content (an explicit format overrides), and
`ingest` reads many paths, merges the copies of each paper and counts what it skipped.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg import config
from kg.atomic_file import write_atomically
from kg.formats.arxiv import read_arxiv
from kg.formats.bibtex import read_bibtex
from kg.formats.listing import looks_like_listing, read_listing
from kg.formats.openalex import read_openalex
from kg.formats.pubmed import read_pubmed
from kg.formats.tabular import read_csv, read_jsonl
from kg.paper_sets import PaperSet, PaperSpool
from kg.records import BadInput, IngestReport, Paper, Skipped

Reader = Callable[[Path], Iterable[Paper | Skipped | BadInput]]
READERS: dict[str, Reader] = {
    "listing": read_listing,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "arxiv": read_arxiv,
    "pubmed": read_pubmed,
    "bibtex": read_bibtex,
    "openalex": read_openalex,
}
assert tuple(READERS) == config.FORMATS


STDIN = "<stdin>"  # the name standard input (given as `-`) goes by in messages

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


def _wide_encoding(head: bytes) -> str | None:
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
    if encoding := _wide_encoding(head):
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


def _mark_undecodable(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode what UTF-16 or UTF-32 cannot as a lone surrogate, so the reader reports its line."""
    return "\udcff", error.end


codecs.register_error("kg-mark", _mark_undecodable)


def _as_regular_utf8(path: Path, source: str, stack: contextlib.ExitStack) -> tuple[Path, str | None]:
    """A regular UTF-8 file holding what `path` holds: `path` itself, or a temporary copy
    of a stream (standard input, a pipe, a FIFO named on the command line) or of UTF-16 text.

    Sniffing reads a file's start and the reader reads it again, which a stream cannot do.
    Returns the file and the wide encoding it was converted from, if any."""
    folder: Path | None = None

    def temporary(name: str) -> Path:
        nonlocal folder
        folder = folder or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-input-")))
        return folder / name

    stream = None
    if str(path) == "-":
        stream = contextlib.nullcontext(sys.stdin.buffer)
    else:
        mode = os.stat(path).st_mode
        if stat.S_ISFIFO(mode):
            stream = open(path, "rb")
        elif not stat.S_ISREG(mode):
            raise BadInput(source, "not a regular file (a device or socket?)")
    if stream is not None:
        with stream as handle, open(spooled := temporary("spooled"), "wb") as copy:
            shutil.copyfileobj(handle, copy, 1 << 20)
        path = spooled
    with open(path, "rb") as handle:
        encoding = _wide_encoding(handle.read(4096))
    if encoding:
        with open(path, encoding=encoding, errors="kg-mark", newline="") as wide, open(
            utf8 := temporary("utf8"), "w", encoding="utf-8", errors="surrogateescape", newline=""
        ) as narrow:
            shutil.copyfileobj(wide, narrow, 1 << 20)
        path = utf8
    return path, encoding


def _renamed(record: Any, temporary: str, source: str, encoding: str | None = None) -> Any:
    """A record of a temporary copy as a record of the input it copies (of `encoding`)."""
    if isinstance(record, BadInput):
        if record.path != temporary:
            return record
        message = record.message
        if encoding and message.startswith("not valid UTF-8"):
            message = f"not valid {encoding.upper().removesuffix('-LE').removesuffix('-BE')}"
        return BadInput(source, message, record.where)
    if isinstance(record, Skipped):
        return replace(record, path=source)
    return replace(record, sources=tuple(source if name == temporary else name for name in record.sources))


def read(path: Path, format: str | None = None) -> Iterator[Paper | Skipped | BadInput]:
    """Every record of one file: papers, skipped records and bad records, in file order.

    `-` is standard input. A fault of the file as a whole (unreadable, empty, binary,
    unknown format) is raised.
    """
    source = STDIN if str(path) == "-" else str(path)
    real, encoding = path, None
    with contextlib.ExitStack() as stack:
        try:
            real, encoding = _as_regular_utf8(path, source, stack)
            records = READERS[format or sniff_format(real)](real)
            for record in records:
                yield record if real is path else _renamed(record, str(real), source, encoding)
        except OSError as error:
            raise BadInput(source, f"cannot read: {error.strerror or error}") from None
        except BadInput as error:
            raise _renamed(error, str(real), source, encoding) from None


def iter_files(paths: Iterable[Path], on_skip: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """The files named, with the files under each folder in sorted order (hidden ones left out).

    A FIFO, device or socket inside a folder is passed to `on_skip` rather than read (a FIFO
    would wait for a writer forever); a FIFO named on its own is read as a stream (see `read`).
    """
    for path in paths:
        if str(path) == "-" or not path.is_dir():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            if any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            try:
                mode = child.stat().st_mode
            except OSError:
                yield child  # the reader says why it cannot be read
                continue
            if stat.S_ISREG(mode):
                yield child
            elif not stat.S_ISDIR(mode) and on_skip:
                on_skip(child)


def read_papers(
    paths: Iterable[Path], papers: PaperSet | PaperSpool, *, format: str | None = None, skip_bad: bool = False,
) -> IngestReport:
    """Read every file under `paths` into `papers`, which merges the copies of each paper.

    Without `skip_bad` the first bad file or record is raised as BadInput; with it, bad input
    is counted in the report and every good record is kept.
    """
    report = IngestReport()
    for path in iter_files(paths, on_skip=lambda path: report.ignored.append(str(path))):
        report.files += 1
        try:
            for record in read(path, format):
                if isinstance(record, BadInput):
                    if not skip_bad:
                        raise record
                    report.bad.append(record)
                elif isinstance(record, Skipped):
                    report.skipped.append(record)
                else:
                    report.entries += 1
                    report.merged += papers.add(record)
        except BadInput as error:
            if not skip_bad:
                raise
            report.bad.append(error)
    return report


def ingest(
    paths: Iterable[Path], *, format: str | None = None, skip_bad: bool = False
) -> tuple[list[Paper], IngestReport]:
    """Read every file under `paths` into a list of distinct papers (see `read_papers`)."""
    papers = PaperSet()
    report = read_papers(paths, papers, format=format, skip_bad=skip_bad)
    return list(papers), report


def write_papers(papers: Iterable[Paper], path: str | Path) -> int:
    """Write papers as JSON Lines, atomically (`-` for standard output); returns the count."""
    count = 0
    with write_atomically(path) as handle:
        for paper in papers:
            handle.write(json.dumps(paper.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count
