"""The graph: papers, entities and results in the one schema that every store follows (the
embedded Cypher store, RDF, Neo4j, GraphML and the CSV exports).

Nodes carry a label (one of `NODE_PROPERTIES`) and that label's properties; edges carry a
type (one of `EDGE_TYPES`) and that type's properties. Node ids are paper ids, concept IRIs,
new-entity IRIs and result ids (the paper id + "#result-N").

The graph is built in two halves so that a build streams: `paper_rows` turns one analyzed
paper into the rows it owns (its Paper and Result nodes and every edge leaving them), which
depend on nothing but the paper and can be made on any worker; and `EntityGraph` merges the
entities and the edges between entities that papers share, whose size is bounded by the
number of distinct entities, not of papers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kg import __version__
from kg.ontology import Ontology
from kg.records import EntityEdge, EntityNode, GraphRows, LinkedMention, Paper

ENTITY_LABELS = {
    "model": "Model", "dataset": "Dataset", "modality": "Modality", "organ": "Organ",
    "metric": "Metric", "task": "Task", "disease": "Disease",
}
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
# rather than holding a copy: MENTIONS edges alone are a dozen per paper.
_EVIDENCE = {"confidence": "DOUBLE", "sentence": "STRING", "source": "STRING"}
_PAPER_EVIDENCE = {"confidence": "DOUBLE", "field": "STRING", "sentence_start": "INT64", "sentence_end": "INT64",
                   "source": "STRING"}
_ENTITIES = tuple(ENTITY_LABELS.values())
# type -> (properties, allowed (from label, to label) pairs)
EDGE_TYPES: dict[str, tuple[dict[str, str], tuple[tuple[str, str], ...]]] = {
    "MENTIONS": (
        {"field": "STRING", "start_char": "INT64", "end_char": "INT64", "sentence_start": "INT64", "sentence_end": "INT64",
         "surface": "STRING", "score": "DOUBLE", "method": "STRING", "extractor": "STRING", "mention_count": "INT64"},
        tuple(("Paper", label) for label in _ENTITIES),
    ),
    "INTRODUCES": (_PAPER_EVIDENCE, (("Paper", "Model"), ("Paper", "Dataset"))),
    "EVALUATED_ON": (_EVIDENCE, (("Model", "Dataset"),)),
    "BASED_ON": (_EVIDENCE, (("Model", "Model"),)),
    "HAS_MODALITY": (_EVIDENCE, (("Dataset", "Modality"),)),
    "COVERS_ORGAN": (_EVIDENCE, (("Dataset", "Organ"),)),
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


def _allowed(kind: str, start_label: str, end_label: str) -> bool:
    return (start_label, end_label) in EDGE_TYPES[kind][1]


def paper_rows(paper: Paper, linked: Iterable[LinkedMention], record: dict[str, Any], ontology: Ontology) -> GraphRows:
    """The rows one paper owns (its Paper and Result nodes and the edges from them), the
    entities it names and the edges between entities it states."""
    rows = GraphRows()
    year = int(paper.published[:4]) if paper.published and paper.published[:4].isdigit() else None
    rows.add_node("Paper", {
        "id": paper.id, "title": paper.title, "abstract": paper.abstract, "published": paper.published, "year": year,
        "doi": paper.doi, "arxiv_id": paper.arxiv_id, "pmid": paper.pmid, "url": paper.url,
        "author_count": paper.author_count, "upvotes": paper.upvotes,
    })
    labels: dict[str, str] = {}  # entity id -> label, for the entities this paper names
    entities: dict[str, EntityNode] = {}

    def entity(iri: str, kind: str, name: str) -> EntityNode:
        if iri not in entities:
            entities[iri] = EntityNode(iri, kind, name)
            labels[iri] = ENTITY_LABELS[kind]
        return entities[iri]

    mentions: dict[str, dict[str, Any]] = {}
    for item in linked:
        node = entity(item.entity_id, item.mention.type, item.name)
        for alias in (item.mention.text, item.mention.long_form, item.mention.short_form):
            if alias and alias not in node.aliases:
                node.aliases.append(alias)
        mention, best = item.mention, mentions.get(item.entity_id)
        if best is None or best["score"] < item.score:
            mentions[item.entity_id] = {
                "from": paper.id, "to": item.entity_id, "field": mention.field, "start_char": mention.start,
                "end_char": mention.end, "sentence_start": mention.sentence_start, "sentence_end": mention.sentence_end,
                "surface": mention.text, "score": item.score,
                "method": item.method, "extractor": EXTRACTOR,
                "mention_count": best["mention_count"] if best else 0,
            }
        mentions[item.entity_id]["mention_count"] += 1
    for iri, edge in mentions.items():
        rows.add_edge("MENTIONS", "Paper", labels[iri], edge)
    names: dict[tuple[str, str], str] = {}
    for kind, found in record["entities"].items():
        for item in found:
            entity(item["id"], kind, item["name"])
            names[(kind, item["name"])] = item["id"]
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for relation in record.get("relations", []):
        for end in (relation["subject"], relation["object"]):
            if end not in labels and end in ontology.concepts and ontology[end].type in ENTITY_LABELS:
                entity(end, ontology[end].type, ontology[end].label)
        start = "Paper" if relation["subject"] == paper.id else labels.get(relation["subject"])
        end_label = labels.get(relation["object"])
        kind = relation["predicate"]
        if start is None or end_label is None or not _allowed(kind, start, end_label):
            continue
        if start != "Paper":
            evidence = {"confidence": relation["confidence"], "sentence": relation["sentence"], "source": relation["source"]}
            rows.entity_edges.append(EntityEdge(relation["subject"], kind, relation["object"], evidence))
            continue
        evidence = {"confidence": relation["confidence"], **_sentence_in(paper, relation["sentence"]), "source": relation["source"]}
        key = (relation["subject"], kind, relation["object"])
        if key not in seen or seen[key]["confidence"] < evidence["confidence"]:
            seen[key] = {"from": paper.id, "to": relation["object"], **evidence, "_labels": (start, end_label)}
    for (_, kind, _), edge in seen.items():
        start, end_label = edge.pop("_labels")
        rows.add_edge(kind, start, end_label, edge)
    for number, result in enumerate(record.get("results", []), start=1):
        node = f"{paper.id}#result-{number}"
        rows.add_node("Result", {"id": node, "sentence": result.get("sentence", ""),
                                 **{k: result.get(k) for k in ("metric", "value", "kind", "model", "dataset")}})
        rows.add_edge("REPORTS", "Paper", "Result", {"from": paper.id, "to": node})
        for field, kind, edge in (("metric", "metric", "MEASURES"), ("model", "model", "FOR_MODEL"), ("dataset", "dataset", "ON_DATASET")):
            target = names.get((kind, result.get(field)))
            if target:
                rows.add_edge(edge, "Result", labels[target], {"from": node, "to": target})
    rows.entities = list(entities.values())
    return rows


def _sentence_in(paper: Paper, sentence: str) -> dict[str, Any]:
    """Where `sentence` is in the paper: its field and character offsets (none if it is not)."""
    for field in ("title", "abstract"):
        start = getattr(paper, field).find(sentence) if sentence else -1
        if start >= 0:
            return {"field": field, "sentence_start": start, "sentence_end": start + len(sentence)}
    return {}


class EntityGraph:
    """The entities of every paper, each once, and the edges between them: a concept comes with
    its broader concepts (BROADER, or PART_OF for organs); a new entity keeps the name the first
    paper gave it; aliases gather from every paper; an edge keeps its best evidence."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def _node(self, iri: str, kind: str, name: str) -> dict[str, Any]:
        node = self.nodes.get(iri)
        if node is not None:
            return node
        concept = self.ontology.concepts.get(iri)
        node = self.nodes[iri] = {
            "label": ENTITY_LABELS[kind], "id": iri, "name": concept.label if concept else name, "aliases": [],
            "is_new": concept is None, "external_ids": list(concept.external_ids) if concept else [],
        }
        if concept is not None:
            for parent in concept.broader:
                if parent in self.ontology.concepts and self.ontology[parent].type == kind:
                    self._node(parent, kind, self.ontology[parent].label)
                    edge = "PART_OF" if node["label"] == "Organ" else "BROADER"
                    self.edges.setdefault((iri, edge, parent), {})
        return node

    def add(self, rows: GraphRows) -> None:
        """Merge the entities and entity edges of one paper's (or many papers') rows."""
        for entity in rows.entities:
            aliases = self._node(entity.id, entity.type, entity.name)["aliases"]
            aliases += [alias for alias in entity.aliases if alias not in aliases]
        for edge in rows.entity_edges:
            start, end = self.nodes.get(edge.start), self.nodes.get(edge.end)
            if start is None or end is None or not _allowed(edge.type, start["label"], end["label"]):
                continue
            key = (edge.start, edge.type, edge.end)
            old = self.edges.get(key)
            if old is None or old.get("confidence", 0) < edge.properties.get("confidence", 0):
                self.edges[key] = dict(edge.properties)

    def rows(self, batch: int = 50_000) -> Iterator[GraphRows]:
        """Every entity node, then every entity edge, as rows in id order, `batch` at a time
        (a million entities at once would take as much memory again as the graph)."""
        rows = GraphRows()
        for iri in sorted(self.nodes):
            node = self.nodes[iri]
            rows.add_node(node["label"], {k: v for k, v in node.items() if k != "label"})
            if len(rows) == batch:
                yield rows
                rows = GraphRows()
        for start, kind, end in sorted(self.edges):
            edge = {"from": start, "to": end, **self.edges[(start, kind, end)]}
            rows.add_edge(kind, self.nodes[start]["label"], self.nodes[end]["label"], edge)
            if len(rows) == batch:
                yield rows
                rows = GraphRows()
        if len(rows):
            yield rows


def add_counts(total: tuple[dict[str, int], dict[str, int]], rows: GraphRows) -> None:
    """Add the nodes per label and edges per type of `rows` to `total` (nodes, edges)."""
    nodes, edges = total
    for label, found in rows.nodes.items():
        nodes[label] = nodes.get(label, 0) + len(found)
    for (kind, _, _), found in rows.edges.items():
        edges[kind] = edges.get(kind, 0) + len(found)
