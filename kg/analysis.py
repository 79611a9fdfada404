"""The analysis of papers: extract their mentions, link them, and find what each paper
introduces, the results it reports and its relations, with one ontology throughout.

`Analyzer` is the one loop from papers to `PaperAnalysis` records; `kg build` and `kg extract`
both run it, through `shared_analyzer`, which makes one per process and ontology folder. Its spaCy pipeline and its linker are made from the same `Ontology` object, so
the matcher never finds a concept the linker does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from kg.extract import build_pipeline, extract_mentions
from kg.families import find_families
from kg.link import Linker, link_mentions, reported_entities, with_implied_organs
from kg.ontology import Ontology, load_ontology
from kg.records import Mention, Paper, PaperAnalysis, Section
from kg.relations import find_introduced, find_relations, with_evaluations
from kg.results import find_results
from kg.roles import find_roles


def analyze_paper(paper: Paper, mentions: Iterable[Mention], linker: Linker,
                  sections: tuple[Section, ...] = ()) -> PaperAnalysis:
    """One paper's mentions linked with `linker` (and its ontology), its reported entities,
    what it introduces, its results and its relations; `sections` are its abstract's, as the
    extraction found them."""
    linked = with_implied_organs(link_mentions(mentions, linker), linker.ontology)
    pairs = reported_entities(linked, linker.ontology)
    entities = list({entity.id: entity for _, entity in pairs}.values())
    introduced = find_introduced(paper, pairs)
    results = find_results(pairs, introduced)
    relations = find_relations(paper, pairs, introduced, results, linker.ontology)
    roles, evaluations, places = find_roles(pairs, introduced, results, relations)
    relations = with_evaluations(relations, evaluations)
    relations += find_families(pairs, introduced, roles, relations, linker.ontology)
    return PaperAnalysis(paper, tuple(linked), tuple(entities), tuple(entity.id for entity in introduced),
                         tuple(results), tuple(relations), tuple(sorted(roles.items())), tuple(evaluations),
                         tuple(sorted((entity_id, *place) for entity_id, place in places.items())),
                         sections)


class Analyzer:
    """Analyzes papers with one ontology: the spaCy pipeline's matcher and the linker share it.

    `Analyzer()` uses the ontology `kg` ships; `Analyzer.from_ontology(ontology)` another, such
    as a test's.
    """

    def __init__(self, ontology: Ontology | None = None):
        self.ontology = load_ontology() if ontology is None else ontology
        self.nlp = build_pipeline(self.ontology)
        self.linker = Linker(self.ontology)

    @classmethod
    def from_ontology(cls, ontology: Ontology) -> Analyzer:
        return cls(ontology)

    def analyze(self, papers: Iterable[Paper]) -> Iterator[PaperAnalysis]:
        """Each paper's analysis, in the order of `papers`."""
        for paper, mentions, sections in extract_mentions(papers, self.nlp):
            yield analyze_paper(paper, mentions, self.linker, sections)


@lru_cache(maxsize=2)
def shared_analyzer(ontology_dir: Path | None = None) -> Analyzer:
    """The analyzer of this process for the ontology in `ontology_dir` (the shipped one by
    default), made once: a worker process makes its own from the folder, which, unlike the
    spaCy pipeline, is cheap to send."""
    return Analyzer.from_ontology(load_ontology(ontology_dir))
