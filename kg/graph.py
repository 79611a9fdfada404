"""The graph: papers, entities and results as a networkx MultiDiGraph, in the one schema that
every store follows (the embedded Cypher store, RDF, Neo4j, GraphML and the CSV exports).

Nodes carry `label` (one of `NODE_PROPERTIES`) and that label's properties; edges carry
`type` (one of `EDGE_TYPES`) and that type's properties. Node ids are paper ids, concept
IRIs, new-entity IRIs and result ids (the paper id + "#result-N").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from kg import __version__
from kg.ontology import Ontology
from kg.records import LinkedMention, Paper

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
_EVIDENCE = {"confidence": "DOUBLE", "sentence": "STRING", "source": "STRING"}
_ENTITIES = tuple(ENTITY_LABELS.values())
# type -> (properties, allowed (from label, to label) pairs)
EDGE_TYPES: dict[str, tuple[dict[str, str], tuple[tuple[str, str], ...]]] = {
    "MENTIONS": (
        {"sentence": "STRING", "field": "STRING", "start_char": "INT64", "end_char": "INT64", "surface": "STRING",
         "score": "DOUBLE", "method": "STRING", "extractor": "STRING", "mention_count": "INT64"},
        tuple(("Paper", label) for label in _ENTITIES),
    ),
    "INTRODUCES": (_EVIDENCE, (("Paper", "Model"), ("Paper", "Dataset"))),
    "EVALUATED_ON": (_EVIDENCE, (("Model", "Dataset"),)),
    "BASED_ON": (_EVIDENCE, (("Model", "Model"),)),
    "HAS_MODALITY": (_EVIDENCE, (("Dataset", "Modality"),)),
    "COVERS_ORGAN": (_EVIDENCE, (("Dataset", "Organ"),)),
    "ADDRESSES": (_EVIDENCE, (("Paper", "Task"),)),
    "STUDIES": (_EVIDENCE, (("Paper", "Disease"),)),
    "REPORTS": ({}, (("Paper", "Result"),)),
    "MEASURES": ({}, (("Result", "Metric"),)),
    "FOR_MODEL": ({}, (("Result", "Model"),)),
    "ON_DATASET": ({}, (("Result", "Dataset"),)),
    "BROADER": ({}, tuple((label, label) for label in _ENTITIES if label != "Organ")),
    "PART_OF": ({}, (("Organ", "Organ"),)),
}
EXTRACTOR = f"kg {__version__}"


def _entity_node(graph: nx.MultiDiGraph, iri: str, kind: str, name: str, ontology: Ontology) -> str:
    """Add (or update) an entity node, with its ancestors and hierarchy edges for concepts."""
    label = ENTITY_LABELS[kind]
    if iri not in graph:
        concept = ontology.concepts.get(iri)
        graph.add_node(
            iri, label=label, id=iri, name=concept.label if concept else name, aliases=[],
            is_new=concept is None, external_ids=list(concept.external_ids) if concept else [],
        )
        if concept is not None:
            for parent in concept.broader:
                if parent in ontology.concepts and ontology[parent].type == kind:
                    _entity_node(graph, parent, kind, ontology[parent].label, ontology)
                    edge = "PART_OF" if label == "Organ" else "BROADER"
                    if not graph.has_edge(iri, parent, key=edge):
                        graph.add_edge(iri, parent, key=edge, type=edge)
    return iri


def _add_alias(graph: nx.MultiDiGraph, iri: str, alias: str | None) -> None:
    aliases = graph.nodes[iri]["aliases"]
    if alias and alias not in aliases:
        aliases.append(alias)


def _edge(graph: nx.MultiDiGraph, start: str, end: str, kind: str, **properties: Any) -> None:
    """Add one edge of a schema type between existing nodes, keeping the best evidence."""
    pairs = EDGE_TYPES[kind][1]
    if (graph.nodes[start]["label"], graph.nodes[end]["label"]) not in pairs:
        return
    if graph.has_edge(start, end, key=kind):
        old = graph.edges[start, end, kind]
        if properties.get("confidence", 0) <= old.get("confidence", 0):
            return
    graph.add_edge(start, end, key=kind, type=kind, **properties)


def add_paper(
    graph: nx.MultiDiGraph, paper: Paper, linked: Iterable[LinkedMention], record: dict[str, Any], ontology: Ontology
) -> None:
    """Add one paper, its mentions, relations and results to the graph."""
    year = int(paper.published[:4]) if paper.published and paper.published[:4].isdigit() else None
    graph.add_node(
        paper.id, label="Paper", id=paper.id, title=paper.title, abstract=paper.abstract, published=paper.published,
        year=year, doi=paper.doi, arxiv_id=paper.arxiv_id, pmid=paper.pmid, url=paper.url,
        author_count=paper.author_count, upvotes=paper.upvotes,
    )
    counts: dict[str, int] = {}
    for item in linked:
        iri = _entity_node(graph, item.entity_id, item.mention.type, item.name, ontology)
        for alias in (item.mention.text, item.mention.long_form, item.mention.short_form):
            _add_alias(graph, iri, alias)
        counts[iri] = counts.get(iri, 0) + 1
        mention = item.mention
        if not graph.has_edge(paper.id, iri, key="MENTIONS") or graph.edges[paper.id, iri, "MENTIONS"]["score"] < item.score:
            graph.add_edge(
                paper.id, iri, key="MENTIONS", type="MENTIONS", sentence=mention.sentence, field=mention.field,
                start_char=mention.start, end_char=mention.end, surface=mention.text, score=item.score, method=item.method,
                extractor=EXTRACTOR,
            )
        graph.edges[paper.id, iri, "MENTIONS"]["mention_count"] = counts[iri]
    names: dict[tuple[str, str], str] = {}
    for kind, entities in record["entities"].items():
        for entity in entities:
            _entity_node(graph, entity["id"], kind, entity["name"], ontology)
            names[(kind, entity["name"])] = entity["id"]
    for relation in record.get("relations", []):
        for end in (relation["subject"], relation["object"]):
            if end not in graph and end in ontology.concepts and ontology[end].type in ENTITY_LABELS:
                _entity_node(graph, end, ontology[end].type, ontology[end].label, ontology)
        if relation["subject"] in graph and relation["object"] in graph:
            _edge(graph, relation["subject"], relation["object"], relation["predicate"], confidence=relation["confidence"],
                  sentence=relation["sentence"], source=relation["source"])
    for number, result in enumerate(record.get("results", []), start=1):
        node = f"{paper.id}#result-{number}"
        graph.add_node(node, label="Result", id=node, sentence=result.get("sentence", ""),
                       **{k: result.get(k) for k in ("metric", "value", "kind", "model", "dataset")})
        graph.add_edge(paper.id, node, key="REPORTS", type="REPORTS")
        for field, kind, edge in (("metric", "metric", "MEASURES"), ("model", "model", "FOR_MODEL"), ("dataset", "dataset", "ON_DATASET")):
            target = names.get((kind, result.get(field)))
            if target:
                graph.add_edge(node, target, key=edge, type=edge)


def label_counts(graph: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, edges per type), the figures every store must agree on."""
    nodes: dict[str, int] = {}
    edges: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        nodes[data["label"]] = nodes.get(data["label"], 0) + 1
    for _, _, data in graph.edges(data=True):
        edges[data["type"]] = edges.get(data["type"], 0) + 1
    return dict(sorted(nodes.items())), dict(sorted(edges.items()))
