"""The graph: papers, entities and results in the one schema that every store follows (the
embedded Cypher store, RDF, Neo4j, GraphML and the CSV exports).

Nodes carry a label (one of `NODE_PROPERTIES`) and that label's properties; edges carry a
type (one of `EDGE_TYPES`) and that type's properties. Node ids are paper ids, concept IRIs,
new-entity IRIs and result ids (the paper id + "#result-N").

The graph is built in two halves so that a build streams: `paper_rows` turns one paper's
analysis into the rows it owns (its Paper and Result nodes and every edge leaving them), which
depend on nothing but the paper and can be made on any worker; and `EntityGraph` merges the
entities and the edges between entities that papers share, whose size is bounded by the
number of distinct entities, not of papers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kg import __version__
from kg.entities import EntitySet
from kg.ontology import Ontology
from kg.records import ENTITY_LABELS, Entity, PaperAnalysis

_ENTITY_PROPERTIES = {"id": "STRING", "name": "STRING", "aliases": "STRING[]", "is_new": "BOOLEAN", "external_ids": "STRING[]"}
NODE_PROPERTIES: dict[str, dict[str, str]] = {
    "Paper": {
        "id": "STRING", "title": "STRING", "abstract": "STRING", "published": "STRING", "year": "INT64",
        "doi": "STRING", "arxiv_id": "STRING", "pmid": "STRING", "url": "STRING", "author_count": "INT64",
        "upvotes": "INT64",
    },
    **{label: dict(_ENTITY_PROPERTIES) for label in ENTITY_LABELS.values()},
    "Result": {"id": "STRING", "metric": "STRING", "value": "STRING", "kind": "STRING", "model": "STRING",
               "dataset": "STRING", "sentence": "STRING"},
}
# Evidence of an edge: the sentence it was found in. An edge from a paper points into the
# paper's own text (the sentence is `field` [sentence_start:sentence_end] of the Paper node)
# rather than holding a copy: MENTIONS edges alone are a dozen per paper. An edge between two
# entities keeps the sentence itself and `paper`, the id of the paper it comes from (None for
# a fact of the ontology).
_EVIDENCE = {"confidence": "DOUBLE", "paper": "STRING", "sentence": "STRING", "source": "STRING"}
_PAPER_EVIDENCE = {"confidence": "DOUBLE", "field": "STRING", "sentence_start": "INT64", "sentence_end": "INT64",
                   "source": "STRING"}
_ENTITIES = tuple(ENTITY_LABELS.values())
_NAMED_IN_TEXT = tuple(label for label in _ENTITIES if label != "Family")
# type -> (properties, allowed (from label, to label) pairs)
EDGE_TYPES: dict[str, tuple[dict[str, str], tuple[tuple[str, str], ...]]] = {
    "MENTIONS": (
        {"field": "STRING", "start_char": "INT64", "end_char": "INT64", "sentence_start": "INT64", "sentence_end": "INT64",
         "surface": "STRING", "score": "DOUBLE", "method": "STRING", "extractor": "STRING", "mention_count": "INT64",
         "role": "STRING"},
        tuple(("Paper", label) for label in _NAMED_IN_TEXT),
    ),
    "INTRODUCES": (_PAPER_EVIDENCE, (("Paper", "Model"), ("Paper", "Dataset"))),
    "EVALUATED_ON": (_EVIDENCE, (("Model", "Dataset"),)),
    "BASED_ON": (_EVIDENCE, (("Model", "Model"),)),
    "IN_FAMILY": (_EVIDENCE, (("Model", "Family"),)),
    "HAS_MODALITY": (_EVIDENCE, (("Dataset", "Modality"),)),
    "COVERS_ORGAN": (_EVIDENCE, (("Dataset", "Organ"),)),
    "FOR_TASK": (_EVIDENCE, (("Dataset", "Task"),)),
    "ADDRESSES": (_PAPER_EVIDENCE, (("Paper", "Task"),)),
    "STUDIES": (_PAPER_EVIDENCE, (("Paper", "Disease"),)),
    "REPORTS": ({}, (("Paper", "Result"),)),
    "MEASURES": ({}, (("Result", "Metric"),)),
    "FOR_MODEL": ({}, (("Result", "Model"),)),
    "ON_DATASET": ({}, (("Result", "Dataset"),)),
    "BROADER": ({}, tuple((label, label) for label in _ENTITIES if label != "Organ")),
    "PART_OF": ({}, (("Organ", "Organ"),)),
}
EXTRACTOR = f"kg {__version__}"


# The units of the graph, in the order every text output holds them (kg/stores/text_outputs.py):
# each paper (its node, results and the edges from them), then each entity node, then each
# edge between entities; an update replaces whole units. Keys sort in that order (no id holds
# a NUL character).
def paper_key(paper_id: str) -> str:
    return "1\t" + paper_id


def entity_key(iri: str) -> str:
    return "2\t" + iri


def entity_edge_key(start: str, kind: str, end: str) -> str:
    return "3\t" + "\0".join((start, kind, end))


def is_paper_key(key: str) -> bool:
    return key.startswith("1\t")


@dataclass(frozen=True)
class EntityEdge:
    """An edge between two entities, stated by one paper, with its evidence: the sentence itself
    (the edge outlives the paper's text) and `paper`, the id of the paper whose sentence it is
    (None for a fact of the ontology)."""

    start: str
    type: str
    end: str
    confidence: float
    sentence: str
    source: str
    paper: str | None = None

    def properties(self) -> dict[str, Any]:
        return {"confidence": self.confidence, "paper": self.paper, "sentence": self.sentence, "source": self.source}

    def better_than(self, other: EntityEdge) -> bool:
        """Whether this evidence of an edge is to be kept rather than `other`: the higher
        confidence; on equal confidence, a paper's sentence rather than none, then the paper
        with the smaller id (so a build keeps the same evidence whatever order papers come in)."""
        if self.confidence != other.confidence:
            return self.confidence > other.confidence
        if (self.paper is None) != (other.paper is None):
            return self.paper is not None
        return self.paper is not None and other.paper is not None and self.paper < other.paper


@dataclass
class GraphRows:
    """Rows of the graph: node property dicts per label, edge dicts ("from", "to" and the
    type's properties) per (type, from label, to label); and, from a paper, the entities it
    names and the edges between entities it states, which `EntityGraph` merges."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    entity_edges: list[EntityEdge] = field(default_factory=list)

    def add_node(self, label: str, row: dict[str, Any]) -> None:
        self.nodes.setdefault(label, []).append(row)

    def add_edge(self, kind: str, start_label: str, end_label: str, row: dict[str, Any]) -> None:
        self.edges.setdefault((kind, start_label, end_label), []).append(row)

    def __len__(self) -> int:
        """How many node and edge rows there are."""
        return sum(map(len, self.nodes.values())) + sum(map(len, self.edges.values()))

    def extend(self, other: GraphRows) -> None:
        """Append every row of `other`."""
        for label, rows in other.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for key, rows in other.edges.items():
            self.edges.setdefault(key, []).extend(rows)
        self.entities.extend(other.entities)
        self.entity_edges.extend(other.entity_edges)


def _allowed(kind: str, start_label: str, end_label: str) -> bool:
    return (start_label, end_label) in EDGE_TYPES[kind][1]


def paper_rows(analysis: PaperAnalysis, ontology: Ontology) -> GraphRows:
    """The rows one paper owns (its Paper and Result nodes and the edges from them), the
    entities it names and the edges between entities it states."""
    paper, rows = analysis.paper, GraphRows()
    year = int(paper.published[:4]) if paper.published and paper.published[:4].isdigit() else None
    rows.add_node("Paper", {
        "id": paper.id, "title": paper.title, "abstract": paper.abstract, "published": paper.published, "year": year,
        "doi": paper.doi, "arxiv_id": paper.arxiv_id, "pmid": paper.pmid, "url": paper.url,
        "author_count": paper.author_count, "upvotes": paper.upvotes,
    })
    # the entities this paper names: those its mentions link to, those it reports, and the
    # concepts its relations reach (the first copy of each gives the node's type and name)
    entities = EntitySet(Entity(item.entity_id, item.mention.type, item.name, item.mention.aliases) for item in analysis.linked)
    mentions: dict[str, dict[str, Any]] = {}
    roles = dict(analysis.roles)  # what the paper does with each model and data set
    # each entity's edge shows the mention that shows its role, else its best-linked one
    shows_role = {(entity_id, field, start) for entity_id, field, start in analysis.role_places}
    with_place = {entity_id for entity_id, _, _ in analysis.role_places}
    best_score: dict[str, float] = {}
    for item in analysis.linked:
        mention, best = item.mention, mentions.get(item.entity_id)
        if item.entity_id in with_place:
            chosen = (item.entity_id, mention.field, mention.start) in shows_role
        else:
            chosen = best is None or best["score"] < item.score
        if best is None or chosen:
            mentions[item.entity_id] = {
                "from": paper.id, "to": item.entity_id, "field": mention.field, "start_char": mention.start,
                "end_char": mention.end, "sentence_start": mention.sentence_start, "sentence_end": mention.sentence_end,
                "surface": mention.text, "score": item.score, "method": item.method, "extractor": EXTRACTOR,
                "mention_count": best["mention_count"] if best else 0, "role": roles.get(item.entity_id),
            }
        mentions[item.entity_id]["mention_count"] += 1
        best_score[item.entity_id] = max(best_score.get(item.entity_id, 0.0), item.score)
    for iri, edge in mentions.items():
        edge["score"] = best_score[iri]  # the entity's best link, whichever mention the edge shows
        rows.add_edge("MENTIONS", "Paper", ENTITY_LABELS[entities.type_of(iri)], edge)
    for entity in analysis.entities:
        entities.add(Entity(entity.id, entity.type, entity.name))
    for relation in analysis.relations:
        for end in (relation.subject, relation.object):
            if end not in entities and end in ontology.concepts and ontology[end].type in ENTITY_LABELS:
                entities.add(Entity(end, ontology[end].type, ontology[end].label))
        label = {iri: ENTITY_LABELS[entities.type_of(iri)] for iri in (relation.subject, relation.object) if iri in entities}
        start = "Paper" if relation.subject == paper.id else label.get(relation.subject)
        end_label, kind = label.get(relation.object), relation.predicate
        if start is None or end_label is None or not _allowed(kind, start, end_label):
            continue
        if start != "Paper":
            sentence = paper.text(relation.field, relation.sentence_start, relation.sentence_end)
            rows.entity_edges.append(EntityEdge(relation.subject, kind, relation.object, relation.confidence,
                                                sentence, relation.source,
                                                None if relation.source == "ontology" else paper.id))
            continue
        place = {"field": relation.field, "sentence_start": relation.sentence_start,
                 "sentence_end": relation.sentence_end} if relation.field else {}
        rows.add_edge(kind, start, end_label, {"from": paper.id, "to": relation.object,
                                               "confidence": relation.confidence, **place, "source": relation.source})
    names = {entity.id: entity.name for entity in analysis.entities}
    for number, result in enumerate(analysis.results, start=1):
        node = f"{paper.id}#result-{number}"
        # the sentence that states the result, so that a result read on its own can be checked
        sentence = paper.text(result.field, result.sentence_start, result.sentence_end)
        rows.add_node("Result", {"id": node, "sentence": sentence, "metric": names[result.metric], "value": result.value,
                                 "kind": result.kind, **{end: names.get(getattr(result, end)) for end in ("model", "dataset")}})
        rows.add_edge("REPORTS", "Paper", "Result", {"from": paper.id, "to": node})
        for target, edge in ((result.metric, "MEASURES"), (result.model, "FOR_MODEL"), (result.dataset, "ON_DATASET")):
            if target:
                rows.add_edge(edge, "Result", ENTITY_LABELS[entities.type_of(target)], {"from": node, "to": target})
    rows.entities = list(entities)
    return rows


class EntityGraph:
    """The entities of every paper, each once, and the edges between them: a concept comes with
    its broader concepts (BROADER, or PART_OF for organs); a new entity keeps the name the first
    paper gave it; aliases gather from every paper; an edge keeps its best evidence."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.entities = EntitySet()
        self.edges: dict[tuple[str, str, str], EntityEdge | None] = {}  # None: a hierarchy edge

    def _node(self, iri: str, kind: str, name: str) -> None:
        if iri in self.entities:
            return
        concept = self.ontology.concepts.get(iri)
        self.entities.add(Entity(iri, kind, concept.label if concept else name))
        for parent in concept.broader if concept else ():
            if parent in self.ontology.concepts and self.ontology[parent].type == kind:
                self._node(parent, kind, self.ontology[parent].label)
                self.edges.setdefault((iri, "PART_OF" if kind == "organ" else "BROADER", parent), None)

    def _label(self, iri: str) -> str:
        return ENTITY_LABELS[self.entities.type_of(iri)]

    def add(self, rows: GraphRows) -> None:
        """Merge the entities and entity edges of one paper's (or many papers') rows."""
        self.add_contribution(*contribution(rows))

    def add_contribution(self, entities: tuple[tuple, ...], edges: tuple[tuple, ...]) -> None:
        """Merge what one paper contributes, as `contribution` gives it (plain tuples, which a
        build's index keeps and an update reads back for every paper)."""
        first, aliases = self.entities._first, self.entities._aliases
        for iri, kind, name, names in entities:
            if iri not in first:
                self._node(iri, kind, name)
            aliases[iri].update(dict.fromkeys(names))
        for start, kind, end, confidence, sentence, source, paper in edges:
            if start not in first or end not in first:
                continue
            if not _allowed(kind, ENTITY_LABELS[first[start].type], ENTITY_LABELS[first[end].type]):
                continue
            key, edge = (start, kind, end), EntityEdge(start, kind, end, confidence, sentence, source, paper)
            old = self.edges.get(key)
            if old is None or edge.better_than(old):
                self.edges[key] = edge

    def units(self) -> Iterator[tuple[str, GraphRows]]:
        """(key, rows) of every entity node, then every entity edge, in key order."""
        for iri in sorted(self.entities.ids()):
            rows = GraphRows()
            rows.add_node(ENTITY_LABELS[self.entities.type_of(iri)], self._node_row(iri))
            yield entity_key(iri), rows
        for start, kind, end in sorted(self.edges):
            edge, rows = self.edges[(start, kind, end)], GraphRows()
            rows.add_edge(kind, self._label(start), self._label(end), {"from": start, "to": end, **(edge.properties() if edge else {})})
            yield entity_edge_key(start, kind, end), rows

    def _node_row(self, iri: str) -> dict[str, Any]:
        entity, concept = self.entities[iri], self.ontology.concepts.get(iri)
        return {"id": iri, "name": entity.name, "aliases": list(entity.aliases), "is_new": concept is None,
                "external_ids": list(concept.external_ids) if concept else []}

    def rows(self, batch: int = 50_000) -> Iterator[GraphRows]:
        """Every entity node, then every entity edge, as rows in id order, `batch` at a time
        (a million entities at once would take as much memory again as the graph)."""
        rows = GraphRows()
        for iri in sorted(self.entities.ids()):
            rows.add_node(ENTITY_LABELS[self.entities.type_of(iri)], self._node_row(iri))
            if len(rows) == batch:
                yield rows
                rows = GraphRows()
        for start, kind, end in sorted(self.edges):
            edge = self.edges[(start, kind, end)]
            row = {"from": start, "to": end, **(edge.properties() if edge else {})}
            rows.add_edge(kind, self._label(start), self._label(end), row)
            if len(rows) == batch:
                yield rows
                rows = GraphRows()
        if len(rows):
            yield rows


def contribution(rows: GraphRows) -> tuple[tuple[tuple, ...], tuple[tuple, ...]]:
    """The entities and entity edges of rows as plain tuples: ((id, type, name, aliases), ...)
    and ((start, type, end, confidence, sentence, source, paper), ...)."""
    return (tuple((e.id, e.type, e.name, e.aliases) for e in rows.entities),
            tuple((e.start, e.type, e.end, e.confidence, e.sentence, e.source, e.paper) for e in rows.entity_edges))


def add_counts(total: tuple[dict[str, int], dict[str, int]], rows: GraphRows) -> None:
    """Add the nodes per label and edges per type of `rows` to `total` (nodes, edges)."""
    nodes, edges = total
    for label, found in rows.nodes.items():
        nodes[label] = nodes.get(label, 0) + len(found)
    for (kind, _, _), found in rows.edges.items():
        edges[kind] = edges.get(kind, 0) + len(found)
