"""Input copies: a stream or a file of UTF-16 or UTF-32 text as a regular UTF-8 file.

Sniffing reads a file's start and the reader reads it again, which standard input, a pipe
or a FIFO cannot do; readers read UTF-8 only. `as_regular_utf8` copies such inputs to a
temporary file, and `renamed` gives the records read from a copy the name of its input.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import stat
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg.records import BadInput, Skipped
from kg.sniff import wide_encoding


def _mark_undecodable(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode what UTF-16 or UTF-32 cannot as a lone surrogate, so the reader reports its line."""
    return "\udcff", error.end


codecs.register_error("kg-mark", _mark_undecodable)


def as_regular_utf8(path: Path, source: str, stack: contextlib.ExitStack) -> tuple[Path, str | None]:
    """A regular UTF-8 file holding what `path` holds: `path` itself, or a temporary copy
    of a stream (standard input, a pipe, a FIFO named on the command line) or of UTF-16 text.

    Temporary files live as long as `stack`. Returns the file and the wide encoding it was
    converted from, if any."""
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
        encoding = wide_encoding(handle.read(4096))
    if encoding:
        with open(path, encoding=encoding, errors="kg-mark", newline="") as wide, open(
            utf8 := temporary("utf8"), "w", encoding="utf-8", errors="surrogateescape", newline=""
        ) as narrow:
            shutil.copyfileobj(wide, narrow, 1 << 20)
        path = utf8
    return path, encoding


def renamed(record: Any, temporary: str, source: str, encoding: str | None = None) -> Any:
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
