"""Reading text files line by line without ever failing on their bytes.

Bytes that are not UTF-8 are decoded as lone surrogates (Python's "surrogateescape"), so a
reader can keep every good line and report the bad ones with their line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg import config

_LONE_SURROGATE = re.compile("[\udc80-\udcff]")


def read_lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """Yield (line number, text without its newline); the text is None for an oversized line."""
    limit = config.MAX_RECORD_BYTES
    with open(path, "rb") as handle:
        number = 0
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest without holding it
                    raw = handle.readline(limit)
                yield number, None
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield number, raw.decode("utf-8", "surrogateescape").rstrip("\r\n")


def utf8_problem(text: str) -> str | None:
    """A message when `text` holds bytes that were not valid UTF-8, else None."""
    match = _LONE_SURROGATE.search(text)
    if match is None:
        return None
    return f"not valid UTF-8 (byte 0x{ord(match.group()) - 0xDC00:02x})"


def oversized_message() -> str:
    return f"record longer than {config.MAX_RECORD_BYTES} bytes"
