"""Decoding one JSON value of a larger text without decoding more than a record's worth.

A value is decoded through a window that grows until it holds the value, so a damaged or
oversized value costs at most `config.MAX_RECORD_BYTES` of decoding, whatever follows it.
"""

from __future__ import annotations

import json
from typing import Any

from kg import config

_DECODER = json.JSONDecoder()
FIRST_WINDOW = 16 * 1024  # characters decoded at the first try


class DamagedValue(Exception):
    """A JSON value that cannot be decoded: why, where in the text, and how many characters
    the decoder went through to find out."""

    def __init__(self, message: str, position: int, cost: int = 0, nested: bool = False):
        super().__init__(message)
        self.message, self.position, self.cost, self.nested = message, position, cost, nested


class OversizedValue(Exception):
    """A JSON value longer than `config.MAX_RECORD_BYTES`, not decoded whole."""


def decode_value(text: str, position: int, first: int = FIRST_WINDOW) -> tuple[Any, int]:
    """The JSON value starting at `position` and the index after it.

    Decoded through a window of `first` characters, four times larger at each try, so that
    no more than `config.MAX_RECORD_BYTES` of text is decoded for one value: OversizedValue
    for a longer one, DamagedValue for one that is not valid JSON or is nested too deeply.
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
                    raise OversizedValue() from None
                size = min(size * 4, limit + 1)
                continue  # the window may have cut the value short
            at = position + error.pos
            truncated = " (truncated?)" if at + 4096 >= len(text) and len(text[at : at + 4096].strip()) < 8 else ""
            raise DamagedValue(f"invalid JSON{truncated}: {error.msg}", position + error.pos, cost) from None
        except RecursionError:
            raise DamagedValue("invalid JSON: nested too deeply", position, cost, nested=True) from None
        if length > limit or (length > limit // 4 and len(window[:length].encode("utf-8", "surrogateescape")) > limit):
            raise OversizedValue()
        return value, position + length
