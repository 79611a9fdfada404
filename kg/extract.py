"""Extraction: a spaCy pipeline that finds the entities a paper's title and abstract mention.

A blank English pipeline (no pretrained weights) with components registered the spaCy way:

    kg_sentences -> kg_abbreviations -> kg_ontology_matcher -> kg_coined_names

Each word's NORM (what the ontology matcher compares) is `token_norm` of its text, set on the
vocabulary once per word.

Every mention lands in `doc.spans["kg_mentions"]`, labelled with its entity type, with the
concept IRI as `kb_id_` when the ontology knows it. spaCy objects never leave this module:
`extract_mentions` turns the spans into `Mention` records.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import IDX, IS_PUNCT, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.pipeline import Sentencizer
from spacy.strings import hash_string
from spacy.tokenizer import Tokenizer
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg import config
from kg.abbreviations import is_short_form, long_form_start
from kg.coined_names import (
    GENERIC_ACRONYMS,
    defined_names,
    looks_coined,
    strip_modifier,
    type_from_context,
    type_from_lists,
    type_from_shape,
    type_of_long_form,
)
from kg.ontology import Ontology, spell_out_greek
from kg.records import ENTITY_TYPES, Mention, Paper

MENTIONS = "kg_mentions"
# one word boundary in front of every phrase lets the regex engine skip most positions quickly
_NOT_MENTIONS = re.compile(r"\b(?:%s)" % "|".join(p.removeprefix(r"\b") for p in config.NOT_MENTIONS), re.I)
TITLE_BREAK = "\n\n"
_OPEN_HASH = hash_string("(")

Doc.set_extension("abbreviations", default=[], force=True)
Doc.set_extension("name_parts", default=[], force=True)  # known names inside coined ones
Span.set_extension("source", default="ontology", force=True)
Span.set_extension("long_form", default=None, force=True)
Span.set_extension("short_form", default=None, force=True)
# (start_char, end_char) of the exact name when the tokens around it are wider ("MedViT." is one token)
Span.set_extension("exact_chars", default=None, force=True)


@lru_cache(maxsize=1 << 18)
def token_norm(text: str) -> str:
    """The form a token is matched in: acronyms (two capitals or more) as written, other
    words in lower case; a plural "s" dropped; Greek letters spelled out.

    >>> [token_norm(t) for t in ("MRIs", "CNNs", "Images", "studies", "SAM", "Dice", "β")]
    ['MRI', 'CNN', 'image', 'study', 'SAM', 'dice', 'beta']
    """
    text = spell_out_greek(text)
    if sum(char.isupper() for char in text) >= 2:
        return re.sub(r"(?<=[A-Z])s$", "", text)
    text = text.lower()
    if len(text) > 4 and text.endswith("ies"):
        return text[:-3] + "y"
    if len(text) > 3 and text.endswith("s") and not text.endswith(("ss", "us", "is")):
        return text[:-1]
    return text


def label_variants(label: str) -> set[str]:
    """A label as written and with each space or hyphen read as a space, a hyphen or nothing.

    >>> sorted(label_variants("X-ray"))
    ['X ray', 'X-ray', 'Xray']
    >>> "F1-score" in label_variants("F1 score")
    True
    """
    pieces = re.split(r"([ \-])", label)
    separators = len(pieces) // 2
    if separators == 0:
        return {label}
    if separators > 3:  # keep the count of patterns small for long labels
        return {label, label.replace("-", " "), label.replace(" ", "-")}
    variants = {""}
    for index, piece in enumerate(pieces):
        options = (" ", "-", "") if index % 2 else (piece,)
        variants = {v + option for v in variants for option in options}
    return variants


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


def sentence_chars(span: Span) -> tuple[int, int]:
    """(start_char, end_char) of the sentence a span starts in (`span.sent` would walk the doc)."""
    starts = span.doc.user_data["kg_sentence_starts"]
    index = bisect_right(starts, span.start_char) - 1
    return starts[index], starts[index + 1]


@lru_cache(maxsize=4)
def load_ontology(folder: str | None = None) -> Ontology:
    return Ontology.load(folder)


# Components read token attributes as arrays (`doc.to_array`): making a Python Token object per
# token costs more than all the matching, so no component walks the doc token by token.
_SENTENCE_END_HASHES = frozenset(hash_string(char) for char in Sentencizer.default_punct_chars)


@Language.component("kg_sentences")
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts as spaCy's sentencizer sets them (a token after ".", "!" or "?" and
    any punctuation following it), and the title as a sentence of its own whatever it ends with."""
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


def use_token_norms(vocab: Vocab) -> None:
    """Make `token_norm` the NORM of every word the vocabulary holds or will hold: the ontology
    matcher compares NORMs, and a word's norm is set once, not for each of its tokens."""
    vocab.lex_attr_getters[NORM] = token_norm
    for lexeme in vocab:
        lexeme.norm_ = token_norm(lexeme.text)


def _sentence_tokens(doc: Doc, index: int) -> tuple[int, int]:
    """(first token, end token) of the sentence holding token `index`."""
    bounds = doc.user_data["kg_sentence_tokens"]
    position = bisect_right(bounds, index) - 1
    return bounds[position], bounds[position + 1]


def _words_before(text: str, start_char: int, end_char: int) -> list[tuple[str, int, int]]:
    """The whitespace-separated words of text[start_char:end_char], with offsets from start_char."""
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text[start_char:end_char])]


@Language.component("kg_abbreviations")
def find_abbreviations(doc: Doc) -> Doc:
    """Find "long form (SF)" and "SF (long form)" definitions; store (short, long) span pairs."""
    pairs = []
    text = text_of(doc)
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, IDX]).tolist()
    for open_index in [i for i, (orth, _) in enumerate(rows) if orth == _OPEN_HASH]:
        first, end = _sentence_tokens(doc, open_index)
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
    doc._.abbreviations = pairs
    return doc


def _joined_to_a_longer_name(doc: Doc, start: int, end: int) -> bool:
    """True for "SAM" in "SAM-Med2D" or "CLIP" in "UniMed-CLIP": a hyphen joins the span,
    with no space, to a capitalized or numbered piece of a longer coined name."""
    def attached(left: int, right: int) -> bool:
        return 0 <= left and right < len(doc) and not doc[left].whitespace_
    after = end < len(doc) - 1 and doc[end].text == "-" and attached(end - 1, end) and attached(end, end + 1)
    if after and re.match(r"[A-Z0-9]", doc[end + 1].text):
        return True
    before = start >= 2 and doc[start - 1].text == "-" and attached(start - 2, start - 1) and attached(start - 1, start)
    return bool(before and re.search(r"[A-Z]", doc[start - 2].text))


def _label_tokenizer(nlp: Language) -> Tokenizer:
    """A tokenizer like the pipeline's, on its vocabulary, for the ontology's labels: a tokenizer
    caches only the first 10,000 chunks it sees, and those should be words of papers."""
    own = getattr(nlp.tokenizer, "tokenizer", nlp.tokenizer)
    return Tokenizer(
        nlp.vocab, rules=own.rules, prefix_search=own.prefix_search, suffix_search=own.suffix_search,
        infix_finditer=own.infix_finditer, token_match=own.token_match, url_match=own.url_match,
    )


class OntologyMatcher:
    """Match the labels of every ontology concept, case- and variant-aware, on whole tokens."""

    def __init__(self, nlp: Language, name: str, ontology_dir: str | None):
        self.ontology = load_ontology(ontology_dir)
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.exact_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        make_doc = _label_tokenizer(nlp)
        for concept in self.ontology.concepts.values():
            if concept.type not in ENTITY_TYPES:
                continue
            patterns = []
            for label in (concept.label, *concept.alt_labels):
                for variant in label_variants(label):
                    patterns.append(make_doc(variant))
            self.norm_matcher.add(concept.iri, patterns)
            if concept.case_sensitive_labels:
                self.exact_matcher.add(concept.iri, [make_doc(label) for label in concept.case_sensitive_labels])

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        by_type: dict[str, list[Span]] = {kind: [] for kind in ENTITY_TYPES}
        matches = list(self.norm_matcher(doc)) + list(self.exact_matcher(doc))
        ordinary = [m.span() for m in _NOT_MENTIONS.finditer(text_of(doc))]
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], -m[2], strings[m[0]])):
            iri = strings[match_id]
            kind = self.ontology[iri].type
            if kind in ("model", "dataset") and _joined_to_a_longer_name(doc, start, end):
                doc._.name_parts.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), kind))
                continue
            if any(a <= doc[start].idx < b for a, b in ordinary):
                continue
            by_type[kind].append(Span(doc, start, end, label=kind, kb_id=iri))
        spans = [span for kind in ENTITY_TYPES for span in filter_spans(by_type[kind])]
        # "Inception" in "Fréchet Inception Distance" is part of the metric's name, not a model
        spans = [
            s for s in spans
            if s.label_ not in ("model", "dataset")
            or not any(o.label_ != s.label_ and o.start <= s.start and s.end <= o.end and len(o) > len(s) for o in spans)
        ]
        spans = self._short_forms_of_known_concepts(doc, spans)
        doc.spans[MENTIONS] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc

    def _short_forms_of_known_concepts(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """The spans, with one more for each use of an abbreviation whose long form (or itself)
        is a concept, and the long form of a known short form as its alias."""
        for short, long in doc._.abbreviations:
            known = [s for s in spans if s.start == long.start and s.end == long.end] or [
                s for s in spans if s.start == short.start and s.end == short.end
            ]
            if not known:
                continue
            concept = min(known, key=lambda s: s.start)
            if concept.start == short.start:  # "Medical Segment Anything (MedSAM)": the whole long form names it
                spans = [s for s in spans if not (s.label_ == concept.label_ and long.start <= s.start and s.end <= long.end)]
                alias = Span(doc, long.start, long.end, label=concept.label_, kb_id=concept.kb_id_)
                alias._.source = "abbreviation"
                spans.append(alias)
            short_text = short.text.strip()
            long_text = long.text.strip() if concept.start == short.start else text_of(doc)[concept.start_char : concept.end_char]
            for span in spans:
                if (span.start, span.end) in ((short.start, short.end), (long.start, long.end)) and span.kb_id_ == concept.kb_id_:
                    span._.short_form, span._.long_form = short_text, long_text
            taken = {(s.start, s.label_) for s in spans}
            for match in re.finditer(rf"(?<![\w-]){re.escape(short_text)}(?![\w-])", text_of(doc)):
                span = doc.char_span(match.start(), match.end())
                if span is None or (span.start, concept.label_) in taken:
                    continue
                span = Span(doc, span.start, span.end, label=concept.label_, kb_id=concept.kb_id_)
                span._.source, span._.short_form, span._.long_form = "abbreviation", short_text, long_text
                spans.append(span)
                taken.add((span.start, concept.label_))
        return spans


@Language.factory("kg_ontology_matcher", default_config={"ontology_dir": None})
def make_ontology_matcher(nlp: Language, name: str, ontology_dir: str | None) -> OntologyMatcher:
    return OntologyMatcher(nlp, name, ontology_dir)


# a word with a capital in it (every coined name has one), not inside a path, address or number
_WORD = re.compile(r"(?<![\w/.\-@])(?=[\w+.\-&]*[A-Z])(?:[A-Za-z0-9][\w+.\-&]*[\w+]|[A-Za-z]{2}\b)")
_URL_NEARBY = re.compile(r"https?://|www\.|\.(?:com|org|io|edu)\b|github|@")


def _known_parts(name: str, occurrences: list[Span], ontology: Ontology) -> set[str]:
    """The types of the known models and data sets a coined name is built on: matched inside
    it ("SAM" in "SAM-Med2D"), or its hyphen-joined pieces ("CLIP" in "CLIP-7B")."""
    doc = occurrences[0].doc
    kinds = {kind for a, b, kind in doc._.name_parts for span in occurrences if span.start_char <= a and b <= span.end_char}
    for piece in re.split(r"[-_]", name)[:-1]:
        kinds |= {c.type for c in ontology.lookup(piece) if c.type in ("model", "dataset")}
    return kinds


def _coined_type(name: str, occurrences: list[Span], defined: dict[str, str], parts: set[str]) -> str:
    """model or dataset, from the strongest evidence first: a known model or data set inside
    the name (LLaVA-7B, MedMNIST-C), a size suffix (-25M), the words around its occurrences
    (the majority), the name's shape (-Net), a defining long form, a list it is in; else model."""
    if len(parts) == 1:
        return next(iter(parts))
    shape = type_from_shape(name)
    if shape == "dataset" and not name.endswith("B"):  # -25M is data; -7B may be a model's size
        return shape
    votes = Counter(kind for span in occurrences if (kind := type_from_context(*_around(span))))
    if votes:
        return votes.most_common(1)[0][0]
    lists = Counter(kind for span in occurrences if (kind := type_from_lists(*_around(span))))
    return shape or defined.get(name) or (lists.most_common(1)[0][0] if lists else "model")


def _around(span: Span) -> tuple[str, str]:
    """The text of the span's sentence before it and after it."""
    (start, end), text = sentence_chars(span), text_of(span.doc)
    return text[start : span.start_char], text[span.end_char : end]


def _head(long: Span, spans: list[Span]) -> Span | None:
    """The known concept that ends a long form ("progressive MCI" ends in a disease)."""
    heads = [s for s in spans if s.end == long.end and s.start >= long.start]
    return heads[0] if heads else None


@Language.factory("kg_coined_names", default_config={"ontology_dir": None})
def make_coined_name_finder(nlp: Language, name: str, ontology_dir: str | None):
    ontology = load_ontology(ontology_dir)
    return lambda doc: find_coined_names(doc, ontology)


def find_coined_names(doc: Doc, ontology: Ontology) -> Doc:
    """Add mentions of names the ontology lacks: coined words (MedViTV2, SAM-Med2D) and
    abbreviation definitions whose long form says what they are."""
    spans = list(doc.spans[MENTIONS])
    known = [(span.start_char, span.end_char) for span in spans]
    defined: dict[str, str] = {}  # short form -> type
    new: list[Span] = []
    for short, long in doc._.abbreviations:
        short_text, long_text = short.text.strip(), long.text.strip()
        if any((s.start, s.end) in ((short.start, short.end), (long.start, long.end)) for s in spans):
            continue  # the ontology knows it
        kind = type_of_long_form(long_text, short_text)
        if kind is None:
            continue
        head = _head(long, spans)
        kind = head.label_ if head is not None else kind
        after = type_from_context("", text_of(doc)[short.end_char : short.end_char + 40].lstrip(") "))
        if after == "dataset" or (after == "model" and kind not in ("task", "metric")):
            kind, head = after, None  # "the Lung Cancer (LC) dataset"
        defined[short_text] = kind
        # "Vision Transformer" inside "Medical Vision Transformer (MedViTV2)" is part of the new name
        spans = [s for s in spans if not (s.label_ == kind and long.start <= s.start and s.end <= long.end)]
        # a named variant of a task is that task ("interactive segmentation (IMIS)" is segmentation)
        kb_id = head.kb_id_ if head is not None and kind == "task" else ""
        for part in (long, short):
            span = Span(doc, part.start, part.end, label=kind, kb_id=kb_id)
            span._.source, span._.short_form, span._.long_form = "abbreviation", short_text, long_text
            new.append(span)
        known.append((long.start_char, long.end_char))
    occurrences: dict[str, list[Span]] = {}
    for start, end in defined_names(text_of(doc)):
        name = text_of(doc)[start:end]
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(a <= start and end <= b for a, b in known) or name in GENERIC_ACRONYMS:
            continue
        span._.exact_chars = (start, end)
        occurrences.setdefault(name, []).append(span)
        known.append((start, end))
    for match in _WORD.finditer(text_of(doc)):
        name = strip_modifier(match.group())
        start, end = match.start(), match.start() + len(name)
        # a word one known mention covers whole is known; one that only contains a known
        # name ("CT" in "CT-RATE") is a longer, new name
        if not looks_coined(name) or any(a <= start and end <= b for a, b in known):
            continue
        if re.search(r"[a-z]{2}\.[A-Z]", name):  # "dataset.Our": a missing space, not a name
            continue
        context = text_of(doc)[max(0, start - 30) : end + 30]
        if _URL_NEARBY.search(context) and re.search(r"[/@]", text_of(doc)[max(0, start - 2) : end + 2]):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        span._.exact_chars = (start, end)
        occurrences.setdefault(name, []).append(span)
    for name, found in occurrences.items():
        kind = _coined_type(name, found, defined, _known_parts(name, found, ontology))
        for occurrence in found:
            span = Span(doc, occurrence.start, occurrence.end, label=kind)
            span._.source, span._.exact_chars = "pattern", occurrence._.exact_chars
            if name in defined:
                span._.short_form = name
            new.append(span)
    doc.spans[MENTIONS] = sorted(spans + new, key=lambda s: (s.start, s.end))
    return doc


def build_pipeline(ontology_dir: str | None = None) -> Language:
    """The extraction pipeline on a blank English model; the ontology comes from `ontology_dir`."""
    nlp = spacy.blank("en")
    # a sentence's last word may be a name ending in a capital ("... than ViT. Next ..."): split
    # its period off, which English rules leave on to keep "U.S." whole
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[a-z0-9][A-Z])\.", r"(?<=[A-Z]{2})\."]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    use_token_norms(nlp.vocab)
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_abbreviations")
    config = {"ontology_dir": str(ontology_dir) if ontology_dir else None}
    nlp.add_pipe("kg_ontology_matcher", config=config)
    nlp.add_pipe("kg_coined_names", config=config)
    return nlp


def _mention(paper: Paper, span: Span) -> Mention:
    start, end = span._.exact_chars or (span.start_char, span.end_char)
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
        long_form=span._.long_form,
        short_form=span._.short_form,
        source=span._.source,
        sentence_start=max(sentence_start - offset, 0),
        sentence_end=max(sentence_end - offset, 0),
    )


def extract_mentions(
    papers: Iterable[Paper], nlp: Language | None = None, *, batch_size: int = 64
) -> Iterator[tuple[Paper, list[Mention]]]:
    """Each paper with the mentions found in its title and abstract."""
    nlp = nlp or build_pipeline()
    texts = ((paper.title + TITLE_BREAK + paper.abstract, paper) for paper in papers)
    for doc, paper in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        yield paper, [_mention(paper, span) for span in doc.spans[MENTIONS]]
