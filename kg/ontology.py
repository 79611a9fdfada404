"""The ontology: SKOS concept schemes in Turtle, loaded into an index of concepts and labels.

`Ontology.load()` reads every `*.ttl` file of the ontology folder with rdflib, and
`load_ontology()` keeps one loaded copy per folder; lookups go through `by_label`, keyed by
`kg.text.label_key` (the linker's key, finer than the evaluator's `match_key`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import config
from kg.records import Concept, KGError
from kg.text import label_key

KG = Namespace(config.SCHEMA_NAMESPACE)
FACT_PROPERTIES = {"modality": KG.modality, "organ": KG.organ, "task": KG.task, "family": KG.family, "based_on": KG.basedOn}


def scheme_type(iri: str) -> str | None:
    """The entity type of a concept from its IRI: ".../kg/organ/lung" -> "organ"."""
    if not iri.startswith(config.CONCEPT_NAMESPACE):
        return None
    return iri[len(config.CONCEPT_NAMESPACE) :].split("/", 1)[0] or None


def _texts(graph: Graph, subject: URIRef, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)))


def _iris(graph: Graph, subject: URIRef, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, URIRef)))


def concepts_from_graph(graph: Graph) -> Iterator[Concept]:
    """Every skos:Concept of a graph as a Concept record."""
    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
        iri = str(subject)
        kind = scheme_type(iri)
        labels = _texts(graph, subject, SKOS.prefLabel)
        if kind is None or not labels:
            raise KGError(f"ontology concept {iri} needs an IRI under {config.CONCEPT_NAMESPACE} and a skos:prefLabel")
        facts = tuple(
            (name, target) for name, predicate in FACT_PROPERTIES.items() for target in _iris(graph, subject, predicate)
        )
        definitions = _texts(graph, subject, SKOS.definition)
        yield Concept(
            iri=iri,
            type=kind,
            label=labels[0],
            alt_labels=_texts(graph, subject, SKOS.altLabel),
            case_sensitive_labels=_texts(graph, subject, KG.caseSensitiveLabel),
            broader=_iris(graph, subject, SKOS.broader),
            external_ids=_iris(graph, subject, SKOS.exactMatch) + _iris(graph, subject, SKOS.closeMatch)
            + _iris(graph, subject, RDFS.seeAlso),
            facts=facts,
            definition=definitions[0] if definitions else None,
            generic=any(o.toPython() is True for o in graph.objects(subject, KG.generic)),
        )


class Ontology:
    """The concepts, indexed by IRI and by label key."""

    def __init__(self, concepts: Iterable[Concept], graph: Graph | None = None):
        self.concepts: dict[str, Concept] = {c.iri: c for c in concepts}
        self.graph = graph
        self.by_label: dict[str, set[str]] = defaultdict(set)
        for concept in self.concepts.values():
            for label in concept.labels:
                self.by_label[label_key(label)].add(concept.iri)

    @classmethod
    def load(cls, folder: Path | None = None) -> Ontology:
        """Read every Turtle file of the ontology folder (`config.ONTOLOGY_DIR` by default)."""
        folder = Path(folder or config.ONTOLOGY_DIR)
        graph = Graph()
        files = sorted(folder.glob("*.ttl"))
        if not files:
            raise KGError(f"no ontology files (*.ttl) in {folder}")
        for path in files:
            try:
                graph.parse(path, format="turtle")
            except Exception as error:  # rdflib raises several unrelated types for bad Turtle
                raise KGError(f"{path}: not valid Turtle: {str(error).splitlines()[0]}") from None
        return cls(concepts_from_graph(graph), graph)

    def __len__(self) -> int:
        return len(self.concepts)

    def __getitem__(self, iri: str) -> Concept:
        return self.concepts[iri]

    def of_type(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.type == kind]

    def lookup(self, name: str, kind: str | None = None) -> list[Concept]:
        """Concepts one of whose labels has the same key as `name`, of `kind` if given."""
        found = (self.concepts[iri] for iri in sorted(self.by_label.get(label_key(name), ())))
        return [c for c in found if kind is None or c.type == kind]

    def ancestors(self, iri: str) -> list[str]:
        """Every concept above `iri` by skos:broader, nearest first."""
        seen: list[str] = []
        frontier = list(self.concepts[iri].broader) if iri in self.concepts else []
        while frontier:
            parent = frontier.pop(0)
            if parent not in seen and parent in self.concepts:
                seen.append(parent)
                frontier.extend(self.concepts[parent].broader)
        return seen

    def top(self, iri: str) -> str:
        """The broadest concept above `iri` in its scheme (itself when it has no broader)."""
        chain = [a for a in self.ancestors(iri) if self.concepts[a].type == self.concepts[iri].type]
        return chain[-1] if chain else iri


@lru_cache(maxsize=4)
def load_ontology(folder: str | Path | None = None) -> Ontology:
    """The ontology of `folder` (`config.ONTOLOGY_DIR` by default), loaded once and shared."""
    return Ontology.load(folder)
