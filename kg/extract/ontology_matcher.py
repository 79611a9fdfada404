"""The ontology matcher: every label of every concept, whatever its case (acronyms as written),
plural, hyphenation or Greek letters, on whole tokens; and each later use of an abbreviation
whose long form (or itself) is a concept.

Its mentions land in `doc.spans["kg_mentions"]`, labelled with their entity type and with the
concept IRI as `kb_id_`.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg import config
from kg.extract.mentions import MENTIONS, add_mention_attributes
from kg.extract.sentences import sentence_chars
from kg.extract.tokens import label_tokenizer, text_of
from kg.extract.vocabulary import VocabularyIndex
from kg.ontology import Ontology
from kg.records import ENTITY_TYPES, KGError

# config.NOT_MENTIONS as one pattern per word the phrases hold, each tried only on a text that
# has its word (one word boundary in front of every phrase lets the engine skip positions fast)
NOT_MENTIONS = {
    word: re.compile(r"\b(?:%s)" % "|".join(p.removeprefix(r"\b") for p, w in config.NOT_MENTIONS.items() if w == word), re.I)
    for word in dict.fromkeys(config.NOT_MENTIONS.values())
}


def ordinary_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of each phrase of config.NOT_MENTIONS in the text."""
    lowered = text.lower()
    return [m.span() for word, pattern in NOT_MENTIONS.items() if word in lowered for m in pattern.finditer(text)]


def label_variants(label: str) -> set[str]:
    """A label as written and with each space or hyphen read as a space, a hyphen or nothing;
    a label with "the" inside it also without it.

    >>> sorted(label_variants("X-ray"))
    ['X ray', 'X-ray', 'Xray']
    >>> "F1-score" in label_variants("F1 score")
    True
    >>> "area under receiver operating characteristic curve" in label_variants("area under the receiver operating characteristic curve")
    True
    """
    if " the " in label:
        return _spacing_variants(label) | _spacing_variants(label.replace(" the ", " "))
    return _spacing_variants(label)


def _spacing_variants(label: str) -> set[str]:
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


# "lung, breast and " before "prostate cancers": a list of single words ended by and/or
_COORDINATED_WORDS = re.compile(r"(?:\b[A-Za-z][A-Za-z-]*,\s+)*\b[A-Za-z][A-Za-z-]*,?\s+(?:and|or)\s+$")
_VERSIONED = re.compile(r"(?<![\w\-])([A-Za-z][A-Za-z0-9]*[A-Za-z])-v?\d+(?:\.\d+)*[a-z]?(?![\w\-])")
_DETECT_FORMS = re.compile(r"\b[Dd]etect(?:s|ing|ed)?\b")
_MODEL_SIZE = re.compile(r"\d+(?:\.\d+)?[BM]")  # 8B, 1.5B, 350M parameters


def _with_name_suffix(doc: Doc, span: Span) -> Span:
    """The span with the word after it that belongs to the name: a model's size ("Llama 3 8B")
    or a challenge's "Challenge" ("KiTS19 Challenge"); the concept stays the one matched."""
    end = span.end
    if end < len(doc) and doc[end - 1].whitespace_:
        following = doc[end].text
        if (span.label_ == "model" and _MODEL_SIZE.fullmatch(following)) or (span.label_ == "dataset" and following == "Challenge"):
            return Span(doc, span.start, end + 1, label=span.label_, kb_id=span.kb_id)
    return span


class OntologyMatcher:
    """Match the labels of every ontology concept, case- and variant-aware, on whole tokens.

    Like spaCy's entity ruler it starts empty: `use_ontology` adds the concepts' labels.
    """

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.ontology: Ontology | None = None
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.exact_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.vocabulary = VocabularyIndex(())

    def use_ontology(self, ontology: Ontology) -> None:
        """Match the labels of `ontology`'s concepts of the entity types."""
        if self.ontology is not None:
            raise KGError("this pipeline already matches an ontology; build another pipeline for a second one")
        self.ontology = ontology
        concepts = [concept for concept in ontology.concepts.values()
                    if concept.type in ENTITY_TYPES and not concept.vocabulary]
        self.vocabulary = VocabularyIndex(c for c in ontology.concepts.values() if c.type in ENTITY_TYPES and c.vocabulary)
        variants = {concept.iri: [variant for label in (concept.label, *concept.alt_labels, *concept.context_labels)
                                  for variant in label_variants(label)] for concept in concepts}
        make_doc = label_tokenizer(self.nlp, [text for concept in concepts
                                              for text in (*variants[concept.iri], *concept.case_sensitive_labels)])
        for concept in concepts:
            self.norm_matcher.add(concept.iri, [make_doc(variant) for variant in variants[concept.iri]])
            if concept.case_sensitive_labels:
                self.exact_matcher.add(concept.iri, [make_doc(label) for label in concept.case_sensitive_labels])

    def __call__(self, doc: Doc) -> Doc:
        if self.ontology is None:
            raise KGError("the ontology matcher has no ontology: call use_ontology(ontology) first")
        strings = doc.vocab.strings
        by_type: dict[str, list[Span]] = {kind: [] for kind in ENTITY_TYPES}
        matches = list(self.norm_matcher(doc)) + list(self.exact_matcher(doc))
        if len(self.vocabulary):
            for start, end, iri in self.vocabulary.find(text_of(doc)):
                if (span := doc.char_span(start, end)) is not None:
                    matches.append((strings.add(iri), span.start, span.end))
        ordinary = ordinary_phrases(text_of(doc))
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], -m[2], strings[m[0]])):
            iri = strings[match_id]
            kind = self.ontology[iri].type
            if kind in ("model", "dataset") and _joined_to_a_longer_name(doc, start, end):
                doc._.kg_name_parts.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), kind))
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
        spans = [span for span in spans if not self._without_context(span)]
        spans = [span for span in spans if not self._inside_a_long_form(span, spans)]
        spans = self._short_forms_of_known_concepts(doc, spans)
        spans = [_with_name_suffix(doc, span) for span in spans]
        spans += self._elided_diseases(doc, spans)
        spans += self._detection_verbs(doc, spans)
        spans += self._versioned_models(doc, spans)
        doc.spans[MENTIONS] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc

    def _without_context(self, span: Span) -> bool:
        """Whether the span is a context label of its concept used in its other sense: next to
        anatomy ("anatomical structures and pathology", "anatomy- and pathology-relevant") or
        before a word of findings ("pathology labels"), and with no imaging word after it."""
        concept = self.ontology[span.kb_id_]
        if span.text.lower() not in {label.lower() for label in concept.context_labels}:
            return False
        text = text_of(span.doc)
        after = text[span.end_char: span.end_char + 30].lower()
        if re.match(r"\s*(?:images?|slides?|wsis?|data|datasets?|foundation|imaging|scans?|tissues?|specimens?)\b", after):
            return False
        start, end = sentence_chars(span)
        return bool(re.match(r"(?:-relevant|-related|-specific|\s+(?:labels?|findings?|regions?|changes?|lesions?))\b", after)
                    or re.search(r"\banatom", text[start:end], re.I))

    def _inside_a_long_form(self, span: Span, spans: list[Span]) -> bool:
        """Whether the span is part of the long form of the known name in parentheses after
        it, a model built on the span's own ("Medical Segment Anything (MedSAM)" names MedSAM,
        which is built on SAM, whose letters the abbreviation finder cannot align)."""
        if span.label_ != "model":
            return False
        opening = _OPENING.match(text_of(span.doc), span.end_char)
        if not opening:
            return False
        at = opening.end()
        return any(other.start_char == at and ("based_on", span.kb_id_) in self.ontology[other.kb_id_].facts
                   for other in spans if other.label_ == "model")

    def _versioned_models(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """A known model's name with a version joined by a hyphen, written as one word
        ("Claude-3.5", "Qwen-2"): the known model, under that name."""
        taken = {i for span in spans for i in range(span.start, span.end)}
        found = []
        for version in _VERSIONED.finditer(text_of(doc)):  # the text, not Token objects: see tokens.py
            concepts = self.ontology.lookup(version.group(1), "model")
            span = doc.char_span(*version.span()) if concepts else None
            if span is not None and not taken & set(range(span.start, span.end)):
                found.append(Span(doc, span.start, span.end, label="model", kb_id=concepts[0].iri))
        return found

    def _detection_verbs(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """The task detection for "detect" and its forms right before a disease or finding ("to
        detect rib fractures", "detecting pneumothorax"), not before other words ("to detect
        complex patterns")."""
        concepts = self.ontology.lookup("detection", "task")
        if not concepts:
            return []
        starts = {span.start for span in spans if span.label_ == "disease"}
        tasks = {span.start for span in spans if span.label_ == "task"}
        found = []
        for verb in _DETECT_FORMS.finditer(text_of(doc)):
            span = doc.char_span(*verb.span())
            if span is not None and span.start not in tasks and any(span.start < start <= span.start + 3 for start in starts):
                found.append(Span(doc, span.start, span.end, label="task", kb_id=concepts[0].iri))
        return found

    def _elided_diseases(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """A disease for each word of a list before a disease's head noun that makes one with it:
        "lung, breast and prostate cancers" names lung cancer and breast cancer too (on the
        words "lung" and "breast")."""
        text, found = text_of(doc), []
        for span in spans:
            head = re.search(r"\b(cancers?|carcinomas?|tumou?rs?|fractures?|diseases?)$", span.text, re.I)
            if span.label_ != "disease" or not head:
                continue
            window = max(0, span.start_char - 120)  # a list of a few words, not the whole text before
            listed = _COORDINATED_WORDS.search(text, window, span.start_char)
            if not listed:
                continue
            offset = listed.start()
            for word in re.finditer(r"[A-Za-z][A-Za-z-]*", listed.group()):
                if word.group().lower() in ("and", "or"):
                    continue
                concepts = self.ontology.lookup(f"{word.group()} {head.group(1)}", "disease")
                char_span = doc.char_span(offset + word.start(), offset + word.end())
                if concepts and char_span is not None:
                    found.append(Span(doc, char_span.start, char_span.end, label="disease", kb_id=concepts[0].iri))
        return found

    def _short_forms_of_known_concepts(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """The spans, with one more for each use of an abbreviation whose long form (or itself)
        is a concept, and the long form of a known short form as its alias."""
        for short, long in doc._.kg_abbreviations:
            known = [s for s in spans if s.start == long.start and s.end == long.end] or [
                s for s in spans if s.start == short.start and s.end == short.end
            ]
            if not known:
                continue
            concept = min(known, key=lambda s: s.start)
            if concept.start == short.start:  # "Medical Segment Anything (MedSAM)": the whole long form names it
                spans = [s for s in spans if not (s.label_ == concept.label_ and long.start <= s.start and s.end <= long.end)]
                alias = Span(doc, long.start, long.end, label=concept.label_, kb_id=concept.kb_id_)
                alias._.kg_source = "abbreviation"
                spans.append(alias)
            short_text = short.text.strip()
            long_text = long.text.strip() if concept.start == short.start else text_of(doc)[concept.start_char : concept.end_char]
            for span in spans:
                if (span.start, span.end) in ((short.start, short.end), (long.start, long.end)) and span.kb_id_ == concept.kb_id_:
                    span._.kg_short_form, span._.kg_long_form = short_text, long_text
            taken = {(s.start, s.label_) for s in spans}
            for match in re.finditer(rf"(?<![\w-]){re.escape(short_text)}(?![\w-])", text_of(doc)):
                span = doc.char_span(match.start(), match.end())
                if span is None or (span.start, concept.label_) in taken:
                    continue
                span = Span(doc, span.start, span.end, label=concept.label_, kb_id=concept.kb_id_)
                span._.kg_source, span._.kg_short_form, span._.kg_long_form = "abbreviation", short_text, long_text
                spans.append(span)
                taken.add((span.start, concept.label_))
        return spans


# what may stand between a name and the parenthesis of the long form it is part of
_OPENING = re.compile(r"[\w\- ]{0,20}?\s*\(\s*")


@Language.factory("kg_ontology_matcher")
def make_ontology_matcher(nlp: Language, name: str) -> OntologyMatcher:
    """The matcher, empty until `use_ontology`, with the attributes it fills."""
    Doc.set_extension("kg_name_parts", default=[], force=True)  # known names inside coined ones
    add_mention_attributes()
    return OntologyMatcher(nlp)
