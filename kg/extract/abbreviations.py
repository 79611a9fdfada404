"""Abbreviation definitions: "Segment Anything Model (SAM)", "SAM (Segment Anything Model)".

The test for a definition follows the idea of Schwartz and Hearst (2003): reading both forms
from the end, every letter of the short form must be found in order in the long form, and the
first letter must begin a word of it. Version tails ("MedViTV2" from "Medical Vision
Transformer"), digits and a plural "s" of the short form need not be found.

The `kg_abbreviations` component stores each definition of a doc as a (short, long) pair of
spans in `doc._.kg_abbreviations`.
"""

from __future__ import annotations

import re

from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

from kg.extract.sentences import sentence_tokens
from kg.extract.tokens import text_of
from kg.text import abbreviation_letters

MAX_SHORT_FORM_CHARS = 12
_VERSION_TAIL = re.compile(r"(?:[-_]?[vV]?\d+(?:\.\d+)*[A-Za-z]?|[-_]?\+\+|[-_][A-Z]\d*)$")
_OPEN_HASH = hash_string("(")


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
    limit = min(len(abbreviation_letters(short)) + 5, 2 * len(abbreviation_letters(short)) + 1)
    for candidate in candidates:
        letters = abbreviation_letters(candidate)
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


def _words_before(text: str, start_char: int, end_char: int) -> list[tuple[str, int, int]]:
    """The whitespace-separated words of text[start_char:end_char], with offsets from start_char."""
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text[start_char:end_char])]


def find_abbreviations(doc: Doc) -> Doc:
    """Find "long form (SF)" and "SF (long form)" definitions; store (short, long) span pairs."""
    pairs = []
    text = text_of(doc)
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, IDX]).tolist()
    for open_index in [i for i, (orth, _) in enumerate(rows) if orth == _OPEN_HASH]:
        first, end = sentence_tokens(doc, open_index)
        sentence_start, open_char = rows[first][1], rows[open_index][1]
        close = next((i for i in range(open_index + 1, min(open_index + 14, end)) if strings[rows[i][0]].startswith(")")), None)
        if close is None or close == open_index + 1:
            continue
        inner = doc[open_index + 1 : close]
        inner_text = inner.text.strip()
        if is_short_form(inner_text) and not re.search(r"[,;=<>]", inner_text):
            words = _words_before(text, sentence_start, open_char)
            words = [(re.sub(r"^\W+|[,:;]$", "", w), s + len(w) - len(w.lstrip("(\"'")), e) for w, s, e in words]
            start = long_form_start(inner_text, [w for w, _, _ in words])
            if start is not None:
                long = doc.char_span(sentence_start + words[start][1], sentence_start + words[-1][2], alignment_mode="expand")
                if long is not None:
                    pairs.append((inner, long))
            continue
        previous = re.search(r"(\S+)\s*$", text[sentence_start:open_char])
        inner_words = inner_text.split()
        if previous and len(inner_words) >= 2 and is_short_form(previous.group(1)):
            if long_form_start(previous.group(1), inner_words) == 0:
                short = doc.char_span(sentence_start + previous.start(1), sentence_start + previous.end(1))
                if short is not None:
                    pairs.append((short, inner))
    doc._.kg_abbreviations = pairs
    return doc


@Language.factory("kg_abbreviations")
def make_abbreviation_finder(nlp: Language, name: str):
    """The component, with the doc attribute it fills."""
    Doc.set_extension("kg_abbreviations", default=[], force=True)
    return find_abbreviations
