"""Pictures of a build: an interactive graph page (Neo4j's neo4j-viz, which draws the way Neo4j
Browser does) and PNG charts of what the graph holds (matplotlib).

Colours come from the Neo4j Browser style in `kg/data/queries/neo4j-browser.grass`, so a label looks
the same in the page, in the charts and in Neo4j Browser.

Text from the graph and the command line goes into the page as text only: the title is
HTML-escaped, captions and property values go into the JSON data block with `<`, `>`, `&`,
U+2028 and U+2029 escaped, and captions lose bidi controls and zero-width characters.
"""

from __future__ import annotations

import html
import json
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


# bidi embeddings, overrides and isolates, zero-width characters and marks, the BOM: text that
# reorders or hides what is shown next to it
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown_text(text: str) -> str:
    """`text` as the page shows it: without bidi controls and zero-width characters, other
    control characters (but tab and newline) as U+FFFD."""
    return _CONTROL.sub("\ufffd", _INVISIBLE.sub("", text))


def caption(data: dict[str, Any]) -> str:
    """The caption of a node: a paper's title (60 characters), a result's metric and value,
    else the name."""
    if data["label"] == "Paper":
        text = (data.get("title") or data["id"])[:60]
    elif data["label"] == "Result":
        text = f"{data.get('metric')} {data.get('value')}"
    else:
        text = data.get("name") or data["id"]
    return shown_text(text)


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


_DATA_SCRIPT = '<script type="application/json" id="neo4j-viz-data">'
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(data: Any) -> str:
    """`data` as JSON to put inside a <script> element: no `</script`, `<!--` or line
    separator can end it or change how it parses, and JSON.parse gives `data` back."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def graph_page(graph: nx.MultiDiGraph, *, title: str = "kg") -> str:
    """An interactive HTML page of the graph, coloured by label, with captions: neo4j-viz's
    page with `title` (escaped) as its title and its data block written again by
    `script_json`, so the escaping does not rest on the library's version."""
    from neo4j_viz import Node, Relationship, VisualizationGraph

    colours = label_colours()
    nodes = [
        Node(id=node, caption=caption(data), color=colours.get(data["label"], "#A5ABB6"),
             size=10 + min(graph.degree(node), 30), properties={"label": data["label"], "id": shown_text(node)})
        for node, data in sorted(graph.nodes(data=True))
    ]
    edges = [
        Relationship(source=a, target=b, caption=data["type"], properties={"type": data["type"]})
        for a, b, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["type"]))
    ]
    rendered = VisualizationGraph(nodes=nodes, relationships=edges).render(height="800px")
    page = rendered.data if hasattr(rendered, "data") else str(rendered)
    start = page.rfind(_DATA_SCRIPT)
    end = page.find("</script>", start)
    try:
        data = json.loads(page[start + len(_DATA_SCRIPT) : end]) if start >= 0 else None
    except ValueError:
        data = None
    if data is None or len(data.get("nodes", ())) != len(nodes):
        raise KGError("neo4j-viz wrote a page whose graph data cannot be read back; not writing it")
    page = page[: start + len(_DATA_SCRIPT)] + script_json(data) + page[end:]
    heading = f"<title>{html.escape(shown_text(title))}</title>"
    page, titles = re.subn(r"<title>[^<]*</title>", lambda _: heading, page, count=1)
    if not titles:
        raise KGError("neo4j-viz wrote a page with no <title>; not writing it")
    return page


def write_charts(graph: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """PNG charts: entities per type, top data sets per modality, papers per year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kg.atomic_file import OutputError, write_atomically

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{folder}: is a file, not a folder for the charts") from None
    except OSError as error:
        raise OutputError(f"{folder}: cannot make the folder: {error.strerror or error}") from None
    colours = label_colours()
    written = []

    def save(figure, name: str) -> None:
        path = folder / name
        figure.tight_layout()
        with write_atomically(path, binary=True) as handle:
            figure.savefig(handle, format="png", dpi=110)
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
