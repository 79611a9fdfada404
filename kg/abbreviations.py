"""Abbreviation definitions: "Segment Anything Model (SAM)", "SAM (Segment Anything Model)".

The test for a definition follows the idea of Schwartz and Hearst (2003): reading both forms
from the end, every letter of the short form must be found in order in the long form, and the
first letter must begin a word of it. Version tails ("MedViTV2" from "Medical Vision
Transformer"), digits and a plural "s" of the short form need not be found.
"""

from __future__ import annotations

import re

MAX_SHORT_FORM_CHARS = 12
_VERSION_TAIL = re.compile(r"(?:[-_]?[vV]?\d+(?:\.\d+)*[A-Za-z]?|[-_]?\+\+|[-_][A-Z]\d*)$")


def is_short_form(text: str) -> bool:
    """Could `text` be an abbreviation? One or two words, 2-12 characters, one capital at least.

    >>> is_short_form("DSC"), is_short_form("MedViTV2"), is_short_form("e.g."), is_short_form("2020")
    (True, True, False, False)
    """
    words = text.split()
    return (
        1 <= len(words) <= 2
        and 2 <= len(text) <= MAX_SHORT_FORM_CHARS
        and text[0].isalnum()
        and any(char.isupper() for char in text)
        and not re.fullmatch(r"[\d.,%]+", text)
        and text.lower() not in ("e.g.", "i.e.", "etc.")
    )


def _letters(short: str) -> str:
    short = re.sub(r"(?<=[A-Z])s$", "", short)  # CNNs -> CNN
    return "".join(char.lower() for char in short if char.isalpha())


def _matches(letters: str, words: list[str]) -> bool:
    """Can `letters` be read, in order, out of `words`, the first one beginning a word?"""
    text = " ".join(words).lower()
    position = len(text) - 1
    for index in range(len(letters) - 1, -1, -1):
        letter = letters[index]
        while position >= 0:
            char = text[position]
            at_word_start = position == 0 or not text[position - 1].isalnum()
            if char == letter and (index > 0 or at_word_start):
                break
            position -= 1
        if position < 0:
            return False
        position -= 1
    return True


def long_form_start(short: str, words: list[str]) -> int | None:
    """The index in `words` where the long form of `short` begins, or None.

    `words` are the words just before the short form (or the words of a parenthesized long
    form); the shortest ending run of them that spells `short` is chosen.

    >>> words = "we introduce the Medical Vision Transformer".split()
    >>> long_form_start("MedViTV2", words)
    3
    >>> long_form_start("DSC", "the Dice similarity coefficient".split())
    1
    >>> long_form_start("CT", "a new kind of data".split()) is None
    True
    """
    candidates = [short]
    tail = _VERSION_TAIL.search(short)
    if tail and tail.start() >= 2:
        candidates.append(short[: tail.start()])
    limit = min(len(_letters(short)) + 5, 2 * len(_letters(short)) + 1)
    for candidate in candidates:
        letters = _letters(candidate)
        if len(letters) < 2:
            continue
        for size in range(1, min(limit, len(words)) + 1):
            window = words[len(words) - size :]
            if window[0][:1].lower() != letters[0] or window[0].lower() in ("the", "a", "an"):
                continue
            if len(window) < len(letters) / 3:  # "a Sensitivity (S)" is not "SAM"
                continue
            if _matches(letters, window):
                return len(words) - size
    return None
