"""The ontology: SKOS concept schemes in Turtle, loaded into an index of concepts and labels.

`Ontology.load()` reads every `*.ttl` file of the ontology folder (parsed by pyoxigraph), and
`load_ontology()` keeps one loaded copy per folder; lookups go through `by_label`, keyed by
`kg.text.label_key` (the linker's key, finer than the evaluator's `match_key`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import pyoxigraph

from kg import config
from kg.records import Concept, KGError
from kg.text import label_key

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
KG = config.SCHEMA_NAMESPACE
FACT_PROPERTIES = {"modality": KG + "modality", "organ": KG + "organ", "task": KG + "task", "family": KG + "family",
                   "based_on": KG + "basedOn"}

# subject IRI -> predicate IRI -> its objects (pyoxigraph terms; a triple stated twice is one)
Statements = dict[str, dict[str, set]]


def scheme_type(iri: str) -> str | None:
    """The entity type of a concept from its IRI: ".../kg/organ/lung" -> "organ"."""
    if not iri.startswith(config.CONCEPT_NAMESPACE):
        return None
    return iri[len(config.CONCEPT_NAMESPACE) :].split("/", 1)[0] or None


def read_turtle(files: Iterable[Path]) -> Statements:
    """The triples of the Turtle files, by subject and predicate."""
    statements: Statements = defaultdict(lambda: defaultdict(set))
    for path in files:
        try:
            for quad in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE):
                if isinstance(quad.subject, pyoxigraph.NamedNode):
                    statements[quad.subject.value][quad.predicate.value].add(quad.object)
        except SyntaxError as error:
            raise KGError(f"{path}: not valid Turtle: {str(error).splitlines()[0]}") from None
    return statements


def _texts(properties: dict[str, set], predicate: str) -> tuple[str, ...]:
    return tuple(sorted(o.value for o in properties.get(predicate, ()) if isinstance(o, pyoxigraph.Literal)))


def _iris(properties: dict[str, set], predicate: str) -> tuple[str, ...]:
    return tuple(sorted(o.value for o in properties.get(predicate, ()) if isinstance(o, pyoxigraph.NamedNode)))


def concepts_from_statements(statements: Statements) -> Iterator[Concept]:
    """Every skos:Concept of the statements as a Concept record."""
    concept = pyoxigraph.NamedNode(SKOS + "Concept")
    for iri in sorted(s for s, properties in statements.items() if concept in properties.get(RDF_TYPE, ())):
        properties = statements[iri]
        kind = scheme_type(iri)
        labels = _texts(properties, SKOS + "prefLabel")
        if kind is None or not labels:
            raise KGError(f"ontology concept {iri} needs an IRI under {config.CONCEPT_NAMESPACE} and a skos:prefLabel")
        facts = tuple((name, target) for name, predicate in FACT_PROPERTIES.items() for target in _iris(properties, predicate))
        definitions = _texts(properties, SKOS + "definition")
        yield Concept(
            iri=iri,
            type=kind,
            label=labels[0],
            alt_labels=_texts(properties, SKOS + "altLabel"),
            case_sensitive_labels=_texts(properties, KG + "caseSensitiveLabel"),
            context_labels=_texts(properties, KG + "contextLabel"),
            broader=_iris(properties, SKOS + "broader"),
            external_ids=_iris(properties, SKOS + "exactMatch") + _iris(properties, SKOS + "closeMatch")
            + _iris(properties, RDFS_SEE_ALSO),
            facts=facts,
            definition=definitions[0] if definitions else None,
            generic=any(isinstance(o, pyoxigraph.Literal) and o.datatype.value == XSD_BOOLEAN and o.value in ("true", "1")
                        for o in properties.get(KG + "generic", ())),
        )


class Ontology:
    """The concepts, indexed by IRI and by label key."""

    def __init__(self, concepts: Iterable[Concept]):
        self.concepts: dict[str, Concept] = {c.iri: c for c in concepts}
        self.by_label: dict[str, set[str]] = defaultdict(set)
        for concept in self.concepts.values():
            for label in concept.labels:
                self.by_label[label_key(label)].add(concept.iri)

    @classmethod
    def load(cls, folder: Path | None = None, vocabularies: tuple[str, ...] = ()) -> Ontology:
        """Read every Turtle file of the ontology folder (`config.ONTOLOGY_DIR` by default),
        with the outside vocabularies named ("hpo": the Human Phenotype Ontology's findings)."""
        folder = Path(folder or config.ONTOLOGY_DIR)
        files = sorted(folder.glob("*.ttl"))
        if not files:
            raise KGError(f"no ontology files (*.ttl) in {folder}")
        ontology = cls(concepts_from_statements(read_turtle(files)))
        for name in vocabularies:
            if name != "hpo":
                raise KGError(f"unknown vocabulary {name!r}; kg knows: hpo")
            from kg.phenotypes import load_findings, with_phenotypes
            ontology = cls(with_phenotypes(ontology, load_findings()))
        return ontology

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
    """The ontology of `folder`, loaded once and shared; by default the shipped one, with the
    outside vocabularies of `config.VOCABULARIES`."""
    return Ontology.load(folder, () if folder else config.VOCABULARIES)
