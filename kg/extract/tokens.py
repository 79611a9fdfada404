"""The pipeline's tokenizer: spaCy's English rules on a blank model, every word's NORM set by
`kg.text.token_norm`, and each doc's text kept.

Components read token attributes as arrays (`doc.to_array`): making a Python Token object per
token costs more than all the matching, so no component walks the doc token by token.
"""

from __future__ import annotations

from collections.abc import Iterable

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.text import token_norm


class TextKeepingTokenizer:
    """The pipeline's tokenizer, keeping each doc's text: `doc.text` joins every token again
    on each call, which costs more than tokenizing."""

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data["kg_text"] = text
        return doc


def text_of(doc: Doc) -> str:
    """The doc's text, as `TextKeepingTokenizer` kept it."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def use_token_norms(vocab: Vocab) -> None:
    """Make `token_norm` the NORM of every word the vocabulary holds or will hold: the ontology
    matcher compares NORMs, and a word's norm is set once, not for each of its tokens."""
    vocab.lex_attr_getters[NORM] = token_norm
    for lexeme in vocab:
        lexeme.norm_ = token_norm(lexeme.text)


def blank_pipeline() -> Language:
    """A blank English pipeline with this package's tokenizer and no components."""
    nlp = spacy.blank("en")
    # a sentence's last word may be a name ending in a capital ("... than ViT. Next ..."): split
    # its period off, which English rules leave on to keep "U.S." whole
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[a-z0-9][A-Z])\.", r"(?<=[A-Z]{2})\."]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    use_token_norms(nlp.vocab)
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    return nlp


def label_tokenizer(nlp: Language, labels: Iterable[str]) -> Tokenizer:
    """A tokenizer like the pipeline's, on its vocabulary, for the ontology's `labels`: a
    tokenizer caches only the first 10,000 chunks it sees, and those should be words of papers.
    It has only the special cases (of the 4,000 English ones) whose text is in a label: no
    other can apply, and each takes time to add."""
    own = getattr(nlp.tokenizer, "tokenizer", nlp.tokenizer)
    text = "\n".join(labels)
    rules = {chunk: tokens for chunk, tokens in (own.rules or {}).items() if chunk in text}
    return Tokenizer(
        nlp.vocab, rules=rules, prefix_search=own.prefix_search, suffix_search=own.suffix_search,
        infix_finditer=own.infix_finditer, token_match=own.token_match, url_match=own.url_match,
    )
