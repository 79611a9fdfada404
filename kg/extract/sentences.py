"""Sentences: where each starts, as spaCy's sentencizer would set them, with the title and
each heading of a structured abstract as sentences of their own; and the sentence of a span
or a token, found by bisection."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from kg.extract.sections import find_sections
from kg.extract.tokens import text_of

# the pipeline reads title + TITLE_BREAK + abstract
TITLE_BREAK = "\n\n"
_SENTENCE_END_HASHES = frozenset(hash_string(char) for char in Sentencizer.default_punct_chars)


@Language.component("kg_sentences")
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts as spaCy's sentencizer sets them (a token after ".", "!" or "?" and
    any punctuation following it), and the title and the headings of a structured abstract as
    sentences of their own whatever they end with."""
    if not len(doc):
        return doc
    rows = doc.to_array([ORTH, IS_PUNCT, IDX]).tolist()
    starts = [0]
    seen_end = False
    for index, (orth, is_punct, _) in enumerate(rows):
        is_end = orth in _SENTENCE_END_HASHES
        if seen_end and not is_punct and not is_end:
            starts.append(index)
            seen_end = False
        elif is_end:
            seen_end = True
    text = text_of(doc)
    offsets = [row[2] for row in rows]
    # a structured abstract's headings are sentences of their own
    abstract_start = text.find(TITLE_BREAK) + len(TITLE_BREAK) if TITLE_BREAK in text else 0
    sections = find_sections(text[abstract_start:])
    headings = [(abstract_start + s.start, abstract_start + s.body_start) for s in sections]
    for start, body_start in headings:
        starts += [bisect_left(offsets, start), bisect_left(offsets, body_start)]
    starts = [index for index in starts if index < len(doc)]
    doc.user_data["kg_sections"] = sections  # offsets into the abstract
    doc.user_data["kg_headings"] = headings  # offsets into the doc
    position = text.find(TITLE_BREAK)
    while position != -1:
        index = bisect_left(offsets, position + len(TITLE_BREAK))
        if index < len(doc):
            starts.append(index)
        position = text.find(TITLE_BREAK, position + len(TITLE_BREAK))
    starts = sorted(set(starts))
    flags = numpy.full(len(doc), -1, dtype=numpy.int64)
    flags[starts] = 1
    doc.from_array([SENT_START], flags.astype(numpy.uint64))
    doc.user_data["kg_sentence_tokens"] = starts + [len(doc)]
    doc.user_data["kg_sentence_starts"] = [offsets[i] for i in starts] + [len(text)]
    return doc


def sentence_chars(span: Span) -> tuple[int, int]:
    """(start_char, end_char) of the sentence a span starts in (`span.sent` would walk the doc)."""
    starts = span.doc.user_data["kg_sentence_starts"]
    index = bisect_right(starts, span.start_char) - 1
    return starts[index], starts[index + 1]


def sentence_tokens(doc: Doc, index: int) -> tuple[int, int]:
    """(first token, end token) of the sentence holding token `index`."""
    bounds = doc.user_data["kg_sentence_tokens"]
    position = bisect_right(bounds, index) - 1
    return bounds[position], bounds[position + 1]
