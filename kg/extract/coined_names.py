"""Names that papers coin for models and data sets, and the component that finds them.

A coined name looks made up: capitals inside a word (MedViTV2, CheXWorld, xLSTM), letters
mixed with digits (Med3D, YOLOv8), or hyphen-joined pieces of those (SAM-Med2D, MedMNIST-C).
A text may also define a name ("termed X", "we introduce X, a ...") or an abbreviation whose
long form says what it is ("Fréchet Radiomic Distance (FRD)"). Whether a name is a model or
a data set is `name_types.coined_type`'s decision; the shape of a coined word is
`name_shapes`'; names that only the words around them make names are `context_names`'.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.context_names import DATASET_AFTER, TITLED_HEAD, introduced_names, named_datasets, named_models
from kg.extract.mentions import MENTIONS, add_mention_attributes
from kg.extract.name_shapes import GENERIC_ACRONYMS, looks_coined, strip_modifier
from kg.extract.name_types import MODEL_WORDS, coined_type, type_from_context
from kg.extract.sentences import TITLE_BREAK, sentence_chars
from kg.extract.tokens import text_of
from kg.ontology import Ontology
from kg.records import KGError
from kg.text import singular_acronym

# name on their own (the guidelines exclude CNN, GAN, LLM, VLM and similar).
HEAD_TYPES = {
    "dataset": "dataset datasets benchmark benchmarks corpus corpora challenge database databases atlas archive cohort collection bank".split(),
    "metric": "score index distance coefficient error rate accuracy similarity divergence measure metric".split(),
    "disease": "disease diseases cancer cancers syndrome disorder disorders carcinoma tumor tumour tumors impairment infection herniation".split(),
    "modality": "imaging tomography photography radiography scopy sonography angiography".split(),
    "task": "segmentation classification detection generation answering retrieval registration estimation "
    "translation captioning recognition reconstruction prediction measurement grounding localization "
    "summarization normalization phenotyping synthesis".split(),
}
LEARNING_HEADS = frozenset("learning training pretraining pre-training alignment maximization optimization distillation".split())
_NAME = r"[A-Z][\w\-+.]*[\w+]|[A-Z]"
# "termed Image Textualization", "a dataset named MIST"; "we introduce UNI, a ..."
DEFINED_NAME = re.compile(
    rf"\b(?:named|called|dubbed|termed|coined)\s+(?:as\s+)?(?P<named>(?:{_NAME})(?:\s+(?:{_NAME})){{0,4}})"
    rf"|\b(?:[Ww]e|[Tt]his (?:paper|work|study))\s+(?:\w+\s+)?(?:propose|introduce|present|release|curate|develop|build)[sd]?\s+"
    rf"(?P<introduced>{_NAME})(?=\s*[,:(]|\s+(?:which|that|as|to|for|a|an)\b)"
)
# a word with a capital in it (every coined name has one), not inside a path, address or number
_WORD = re.compile(r"(?<![\w/.\-@])(?=[\w+.\-&]*[A-Z])(?:[A-Za-z0-9][\w+.\-&]*[\w+]|[A-Za-z]{2}\b)")
_URL_NEARBY = re.compile(r"https?://|www\.|\.(?:com|org|io|edu)\b|github|@")


def type_of_long_form(long_form: str, short_form: str) -> str | None:
    """The entity type an abbreviation's long form names, from its last word.

    >>> type_of_long_form("Fréchet Radiomic Distance", "FRD"), type_of_long_form("Kolmogorov-Arnold Network", "KAN")
    ('metric', 'model')
    >>> type_of_long_form("Federated Learning", "FL") is None
    True
    """
    if short_form in GENERIC_ACRONYMS or singular_acronym(short_form) in GENERIC_ACRONYMS:
        return None
    words = re.findall(r"[A-Za-z][\w\-]*", long_form)
    if not words:
        return None
    head = words[-1].lower().split("-")[-1]
    title_cased = all(w[0].isupper() for w in words[1:] if len(w) > 3)
    if head in ("models", "networks", "transformers", "methods") and not title_cased:
        return None  # "medical vision-and-language models (MVLMs)": a class, not a name
    for kind, heads in HEAD_TYPES.items():
        if head in heads or (kind == "modality" and head.endswith(("graphy", "scopy"))):
            if kind == "task" and title_cased and (len(words) > 2 or "-" in long_form):
                return "model"  # "MedRecord-Augmented Generation (MAG)" names a method
            return kind
    if head in LEARNING_HEADS:
        return "model" if title_cased else None  # "Contrastive Learning" names a method, "transfer learning" does not
    if head in MODEL_WORDS or head.rstrip("s") in MODEL_WORDS:
        return "model"
    if head in ("attention", "mechanism", "block", "loss", "machine", "bottleneck", "bottlenecks", "memory", "net"):
        return "model"
    return "model" if looks_coined(short_form) else None


def defined_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each name a sentence defines: "termed X", "named X", "we introduce X, a ...".

    >>> text = "we propose an innovative framework termed Image Textualization (IT), which ..."
    >>> [text[a:b] for a, b in defined_names(text)]
    ['Image Textualization']
    >>> text = "We introduce UNI, a general-purpose model."
    >>> [text[a:b] for a, b in defined_names(text)]
    ['UNI']
    """
    spans = []
    for match in DEFINED_NAME.finditer(text):
        group = "named" if match.group("named") else "introduced"
        start, end = match.span(group)
        name = text[start:end].rstrip(".")
        if len(name) >= 2 and name.split()[0].lower() not in ("the", "a", "an", "our", "this", "it"):
            spans.append((start, start + len(name)))
    return spans


def _places(text: str, name: str) -> list[re.Match]:
    """Each place `text` writes `name` as a whole word."""
    return list(re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text))


def _without_inside(spans: list[Span], known: list[tuple[int, int]], places: list[tuple[int, int]],
                    keep: tuple[str, ...] = ()) -> tuple[list[Span], list[tuple[int, int]]]:
    """The spans and known places less the mentions inside any of `places` (but those of the
    labels in `keep`): parts of a longer name, no mentions of their own."""
    inside = {(o.start_char, o.end_char) for o in spans
              if o.label_ not in keep and any(a <= o.start_char and o.end_char <= b for a, b in places)}
    return ([o for o in spans if (o.start_char, o.end_char) not in inside or o.label_ in keep],
            [place for place in known if place not in inside])


def _every_place(doc: Doc, name: str, known: list[tuple[int, int]], occurrences: dict[str, list[Span]]) -> None:
    """Add each place the text names `name` (a whole word, not inside a known mention) to its
    occurrences and to the known places."""
    for other in _places(text_of(doc), name):
        span = doc.char_span(other.start(), other.end(), alignment_mode="expand")
        if span is None or any(a < other.end() and other.start() < b for a, b in known):
            continue
        span._.kg_exact_chars = other.span()
        occurrences.setdefault(name, []).append(span)
        known.append(other.span())


def _known_parts(name: str, occurrences: list[Span], ontology: Ontology) -> set[str]:
    """The types of the known models and data sets a coined name is built on: matched inside
    it ("SAM" in "SAM-Med2D"), or its hyphen-joined pieces ("CLIP" in "CLIP-7B")."""
    doc = occurrences[0].doc
    kinds = {kind for a, b, kind in doc._.kg_name_parts for span in occurrences if span.start_char <= a and b <= span.end_char}
    for piece in re.split(r"[-_]", name)[:-1]:
        kinds |= {c.type for c in ontology.lookup(piece) if c.type in ("model", "dataset")}
    return kinds


def _around(span: Span) -> tuple[str, str]:
    """The text of the span's sentence before it and after it."""
    (start, end), text = sentence_chars(span), text_of(span.doc)
    return text[start : span.start_char], text[span.end_char : end]


def _head(long: Span, spans: list[Span]) -> Span | None:
    """The known concept that ends a long form ("progressive MCI" ends in a disease)."""
    heads = [s for s in spans if s.end == long.end and s.start >= long.start]
    return heads[0] if heads else None


class CoinedNameFinder:
    """The component: adds mentions of names the ontology lacks; `use_ontology` gives it the
    ontology whose models and data sets may be parts of a coined name."""

    def __init__(self) -> None:
        self.ontology: Ontology | None = None

    def use_ontology(self, ontology: Ontology) -> None:
        self.ontology = ontology

    def __call__(self, doc: Doc) -> Doc:
        if self.ontology is None:
            raise KGError("the coined-name finder has no ontology: call use_ontology(ontology) first")
        return find_coined_names(doc, self.ontology)


@Language.factory("kg_coined_names")
def make_coined_name_finder(nlp: Language, name: str) -> CoinedNameFinder:
    """The finder, without an ontology until `use_ontology`, with the attributes it fills."""
    add_mention_attributes()
    return CoinedNameFinder()


def find_coined_names(doc: Doc, ontology: Ontology) -> Doc:
    """Add mentions of names the ontology lacks: coined words (MedViTV2, SAM-Med2D) and
    abbreviation definitions whose long form says what they are."""
    spans = list(doc.spans[MENTIONS])
    known = [(span.start_char, span.end_char) for span in spans]
    defined: dict[str, str] = {}  # short form -> type
    new: list[Span] = []
    for short, long in doc._.kg_abbreviations:
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
            span._.kg_source, span._.kg_short_form, span._.kg_long_form = "abbreviation", short_text, long_text
            new.append(span)
        known.append((long.start_char, long.end_char))
    occurrences: dict[str, list[Span]] = {}
    for start, end in defined_names(text_of(doc)):
        name = text_of(doc)[start:end]
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(a <= start and end <= b for a, b in known) or name in GENERIC_ACRONYMS:
            continue
        span._.kg_exact_chars = (start, end)
        occurrences.setdefault(name, []).append(span)
        known.append((start, end))
    title_end = max(text_of(doc).find(TITLE_BREAK), 0)
    # an abbreviation a data set's head noun follows names the data set ("the Lung Cancer (LC)
    # dataset"), whatever the ontology's concept of the same letters
    for span in list(spans):
        after = text_of(doc)[span.end_char:span.end_char + 20]
        if (span.label_ != "dataset" and re.fullmatch(r"[A-Z][A-Z0-9\-]{1,9}", span.text) and DATASET_AFTER.match(after)
                and span.text not in occurrences and span.text not in GENERIC_ACRONYMS):
            name = span.text
            spans = [s for s in spans if s.text != name]
            new = [s for s in new if s.text != name]
            known = [(a, b) for a, b in known if text_of(doc)[a:b] != name]
            _every_place(doc, name, known, occurrences)
    introduced = introduced_names(text_of(doc), title_end)
    for start, end in named_datasets(text_of(doc), title_end) + named_models(text_of(doc), title_end) + introduced:
        name = text_of(doc)[start:end]
        if (start, end) in introduced and " " in name:
            # "SAM3" in the "Medical SAM3" a paper introduces is part of the name wherever it is written
            spans, known = _without_inside(spans, known, [m.span() for m in _places(text_of(doc), name)])
        # "Dental" in "the Tufts Dental Database" is part of the name, not a mention of its own
        if TITLED_HEAD.search(name):
            spans, known = _without_inside(spans, known, [(start, end)], keep=("model", "dataset"))
        if any(a < end and start < b for a, b in known):
            continue
        _every_place(doc, text_of(doc)[start:end], known, occurrences)
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
        span._.kg_exact_chars = (start, end)
        occurrences.setdefault(name, []).append(span)
    for name, found in occurrences.items():
        parts = _known_parts(name, found, ontology)
        kind = coined_type(name, (_around(span) for span in found), defined=defined.get(name), parts=parts)
        for occurrence in found:
            span = Span(doc, occurrence.start, occurrence.end, label=kind)
            span._.kg_source, span._.kg_exact_chars = "pattern", occurrence._.kg_exact_chars
            if name in defined:
                span._.kg_short_form = name
            new.append(span)
    doc.spans[MENTIONS] = sorted(spans + new, key=lambda s: (s.start, s.end))
    return doc
