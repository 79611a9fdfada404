"""The ontology: SKOS concept schemes in Turtle, loaded into an index of concepts and labels.

`Ontology.load()` reads every `*.ttl` file of the ontology folder with rdflib; lookups go
through `by_label`, keyed by `label_key`, the same normal form the evaluator compares names in.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import config
from kg.records import Concept, KGError

KG = Namespace(config.SCHEMA_NAMESPACE)
FACT_PROPERTIES = {"modality": KG.modality, "organ": KG.organ, "task": KG.task, "family": KG.family, "based_on": KG.basedOn}
GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "ω": "omega", "χ": "chi", "ρ": "rho",
}


def spell_out_greek(text: str) -> str:
    """Greek letters as words: "α-synuclein" -> "alpha-synuclein"."""
    return "".join(GREEK.get(char.lower(), char) for char in text)


def label_key(text: str) -> str:
    """The normal form two names are compared in: lower case, Greek spelled out, no accents,
    no spaces, hyphens or dots, and no plural "s".

    >>> label_key("Vision Transformers") == label_key("vision-transformer")
    True
    >>> label_key("Fréchet Inception Distance")
    'frechetinceptiondistance'
    """
    text = unicodedata.normalize("NFKD", spell_out_greek(text.lower()))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[\s\-\u2010-\u2015_.]+", "", text)
    if len(text) > 3 and text.endswith("s") and not text.endswith(("ss", "us", "is")):
        text = text[:-1]
    return text


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
