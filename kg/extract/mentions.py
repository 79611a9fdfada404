"""Mention spans: the span group every component adds its mentions to, the span attributes a
mention carries, and the conversion of a span into a `Mention` record."""

from __future__ import annotations

from spacy.tokens import Span

from kg.extract.sentences import TITLE_BREAK, sentence_chars
from kg.extract.tokens import text_of
from kg.records import Mention, Paper

MENTIONS = "kg_mentions"


def add_mention_attributes() -> None:
    """The span attributes of a mention, for the components that write them."""
    Span.set_extension("kg_source", default="ontology", force=True)
    Span.set_extension("kg_long_form", default=None, force=True)
    Span.set_extension("kg_short_form", default=None, force=True)
    # (start_char, end_char) of the exact name when the tokens around it are wider ("MedViT." is one token)
    Span.set_extension("kg_exact_chars", default=None, force=True)


def to_mention(paper: Paper, span: Span) -> Mention:
    """The mention a span of `paper`'s doc (title + TITLE_BREAK + abstract) stands for."""
    start, end = span._.kg_exact_chars or (span.start_char, span.end_char)
    title_end = len(paper.title)
    in_title = start < title_end
    offset = 0 if in_title else title_end + len(TITLE_BREAK)
    sentence_start, sentence_end = sentence_chars(span)
    sentence = text_of(span.doc)[sentence_start:sentence_end]
    sentence_start += len(sentence) - len(sentence.lstrip())
    sentence_end -= len(sentence) - len(sentence.rstrip())
    return Mention(
        paper_id=paper.id,
        type=span.label_,
        text=text_of(span.doc)[start:end],
        field="title" if in_title else "abstract",
        start=start - offset,
        end=end - offset,
        sentence=sentence.strip(),
        concept=span.kb_id_ or None,
        long_form=span._.kg_long_form,
        short_form=span._.kg_short_form,
        source=span._.kg_source,
        sentence_start=max(sentence_start - offset, 0),
        sentence_end=max(sentence_end - offset, 0),
    )
