"""Extraction: a spaCy pipeline that finds the entities a paper's title and abstract mention.

A blank English pipeline (no pretrained weights, `tokens`) with components registered the
spaCy way, each in its own module:

    kg_sentences -> kg_abbreviations -> kg_ontology_matcher -> kg_coined_names

Every mention lands in `doc.spans["kg_mentions"]`, labelled with its entity type, with the
concept IRI as `kb_id_` when the ontology knows it. spaCy objects never leave this package:
`extract_mentions` turns the spans into `Mention` records (`mentions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language

# importing the component modules registers their factories
from kg.extract import abbreviations, coined_names, ontology_matcher, sentences  # noqa: F401
from kg.extract.mentions import MENTIONS, to_mention
from kg.extract.sentences import TITLE_BREAK
from kg.extract.tokens import blank_pipeline
from kg.ontology import Ontology, load_ontology
from kg.records import Mention, Paper, Section

__all__ = ["build_pipeline", "extract_mentions", "load_ontology"]


def build_pipeline(ontology: Ontology | None = None) -> Language:
    """The extraction pipeline, matching `ontology` (the shipped one, loaded once, by default)."""
    ontology = ontology if ontology is not None else load_ontology()
    nlp = blank_pipeline()
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_ontology_matcher").use_ontology(ontology)
    nlp.add_pipe("kg_coined_names").use_ontology(ontology)
    return nlp


def extract_mentions(
    papers: Iterable[Paper], nlp: Language | None = None, *, batch_size: int = 64
) -> Iterator[tuple[Paper, list[Mention], tuple[Section, ...]]]:
    """Each paper with the mentions found in its title and abstract, and the sections of its
    abstract (none for prose); a section's heading holds no mention."""
    nlp = nlp or build_pipeline()
    texts = ((paper.title + TITLE_BREAK + paper.abstract, paper) for paper in papers)
    for doc, paper in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        headings = doc.user_data["kg_headings"]
        yield paper, [to_mention(paper, span) for span in doc.spans[MENTIONS]
                      if not any(start <= span.start_char < end for start, end in headings)], doc.user_data["kg_sections"]
