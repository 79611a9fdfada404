"""Pictures of a build: an interactive graph page (Neo4j's neo4j-viz, which draws the way Neo4j
Browser does) and PNG charts of what the graph holds (matplotlib).

Colours come from the Neo4j Browser style in `queries/neo4j-browser.grass`, so a label looks
the same in the page, in the charts and in Neo4j Browser.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from kg import config
from kg.records import KGError

STYLE_FILE = config.QUERIES_DIR / "neo4j-browser.grass"
MAX_NODES = 400


def label_colours(style: Path = STYLE_FILE) -> dict[str, str]:
    """Label -> colour (#RRGGBB), read from the GraSS style file."""
    text = style.read_text(encoding="utf-8")
    return {label: colour for label, colour in re.findall(r"node\.(\w+) \{\s*color: (#[0-9A-Fa-f]{6});", text)}


def caption(data: dict[str, Any]) -> str:
    if data["label"] == "Paper":
        return (data.get("title") or data["id"])[:60]
    if data["label"] == "Result":
        return f"{data.get('metric')} {data.get('value')}"
    return data.get("name") or data["id"]


def find_node(graph: nx.MultiDiGraph, key: str) -> str:
    """A node by id, or by name or title (case-insensitive)."""
    if key in graph:
        return key
    wanted = key.lower()
    for node, data in graph.nodes(data=True):
        if wanted in ((data.get("name") or "").lower(), (data.get("title") or "").lower()):
            return node
    raise KGError(f"no node with the id or name {key!r}")


def neighbourhood(graph: nx.MultiDiGraph, node: str, limit: int = MAX_NODES) -> nx.MultiDiGraph:
    """The node and its direct neighbours (the most connected first, up to `limit`)."""
    neighbours = set(graph.successors(node)) | set(graph.predecessors(node))
    keep = [node] + sorted(neighbours, key=lambda n: (-graph.degree(n), n))[: limit - 1]
    return graph.subgraph(keep).copy()


def nodes_in_rows(graph: nx.MultiDiGraph, rows: list[dict[str, Any]], limit: int = MAX_NODES) -> nx.MultiDiGraph:
    """The nodes a query's rows name (by id, name or title), and the edges between them."""
    index: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        for key in (node, data.get("name"), data.get("title")):
            if key:
                index.setdefault(str(key).lower(), node)
    keep = []
    for row in rows:
        for value in row.values():
            node = index.get(str(value).lower()) if value is not None else None
            if node and node not in keep:
                keep.append(node)
    if not keep:
        raise KGError("the query's rows name no node of the graph")
    return graph.subgraph(keep[:limit]).copy()


def overview(graph: nx.MultiDiGraph, limit: int = MAX_NODES) -> nx.MultiDiGraph:
    """The most connected nodes of the whole graph."""
    keep = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))[:limit]
    return graph.subgraph(keep).copy()


def graph_page(graph: nx.MultiDiGraph, *, title: str = "kg") -> str:
    """An interactive HTML page of the graph, coloured by label, with captions."""
    from neo4j_viz import Node, Relationship, VisualizationGraph

    colours = label_colours()
    nodes = [
        Node(id=node, caption=caption(data), color=colours.get(data["label"], "#A5ABB6"),
             size=10 + min(graph.degree(node), 30), properties={"label": data["label"], "id": node})
        for node, data in sorted(graph.nodes(data=True))
    ]
    edges = [
        Relationship(source=a, target=b, caption=data["type"], properties={"type": data["type"]})
        for a, b, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["type"]))
    ]
    html = VisualizationGraph(nodes=nodes, relationships=edges).render(height="800px")
    body = html.data if hasattr(html, "data") else str(html)
    return f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title></head><body>\n{body}\n</body></html>\n"


def write_charts(graph: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """PNG charts: entities per type, top data sets per modality, papers per year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    colours = label_colours()
    written = []

    def save(figure, name: str) -> None:
        path = folder / name
        figure.tight_layout()
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)

    counts = Counter(d["label"] for _, d in graph.nodes(data=True) if d["label"] not in ("Paper", "Result"))
    figure, axis = plt.subplots(figsize=(7, 4))
    labels = sorted(counts, key=lambda label: -counts[label])
    axis.bar(labels, [counts[label] for label in labels], color=[colours.get(label, "#A5ABB6") for label in labels])
    axis.set_title("Entities per type")
    axis.set_ylabel("entities")
    save(figure, "entities-per-type.png")

    # top data sets per modality: papers that mention both
    pairs: Counter = Counter()
    for paper, data in graph.nodes(data=True):
        if data["label"] != "Paper":
            continue
        mentioned = [graph.nodes[n] for n in graph.successors(paper)]
        for modality in (m for m in mentioned if m["label"] == "Modality"):
            for dataset in (d for d in mentioned if d["label"] == "Dataset"):
                pairs[(modality["name"], dataset["name"])] += 1
    by_modality: Counter = Counter()
    for (modality, _), n in pairs.items():
        by_modality[modality] += n
    top_modalities = [m for m, _ in by_modality.most_common(6)]
    figure, axes = plt.subplots(len(top_modalities) or 1, 1, figsize=(7, 1.6 * max(len(top_modalities), 1)), squeeze=False)
    for axis, modality in zip(axes[:, 0], top_modalities):
        best = sorted(((n, d) for (m, d), n in pairs.items() if m == modality), key=lambda x: (-x[0], x[1]))[:5]
        axis.barh([d for _, d in best][::-1], [n for n, _ in best][::-1], color=colours.get("Dataset"))
        axis.set_title(f"Top datasets with {modality}", fontsize=9)
    save(figure, "top-datasets-per-modality.png")

    years = Counter(d.get("year") for _, d in graph.nodes(data=True) if d["label"] == "Paper" and d.get("year"))
    figure, axis = plt.subplots(figsize=(7, 3.5))
    ordered = sorted(years)
    axis.bar([str(y) for y in ordered], [years[y] for y in ordered], color=colours.get("Paper"))
    axis.set_title("Papers per year (papers with a known year)")
    axis.set_ylabel("papers")
    save(figure, "papers-per-year.png")
    return written
