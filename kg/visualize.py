"""The page of `kg viz`: a view of (part of) a build's graph, drawn in one self-contained HTML
file by the page's own script (`kg/data/viz/`), with no fetch from anywhere.

A view is what the page draws first, chosen to answer something: the most used data sets with
their modalities and tasks (`usage_overview`), an entity and its neighbours (`entity_view`), or
the answer of a library query (`query_view`, drawn as its `draw:` header lines say: the nodes
the rows name, joined by one edge per fact, captioned with the row's values). Around the view
the page carries a reserve of neighbours (`with_reserve`), shown by expanding a node.

Colours come from the Neo4j Browser style in `kg/data/queries/neo4j-browser.grass`, so a label
looks the same in the page, in the charts and in Neo4j Browser. Text from the graph and the
command line goes into the page as text only: the title is HTML-escaped, everything else is in
a JSON block with `<`, `>`, `&`, U+2028 and U+2029 escaped and is put on the page by the script
as text (never as markup); captions lose bidi controls and zero-width characters.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg import config
from kg.records import KGError
from kg.roles import USED_ROLES

STYLE_FILE = config.QUERIES_DIR / "neo4j-browser.grass"
PAGE_DIR = Path(__file__).parent / "data" / "viz"
MAX_SHOWN = 100  # nodes drawn at first
MAX_IN_FILE = 1500  # nodes in the file, the reserve included
MAX_NEIGHBOURS = 40  # neighbours of one node put in the reserve
CAPTION_CHARS = {"Paper": 34, "default": 26}


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


def short_caption(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, an ellipsis marking the cut
    (a single word longer than half the limit is cut inside it).

    >>> short_caption("Segment Anything in Medical Images", 26)
    'Segment Anything in…'
    >>> short_caption("BraTS", 26)
    'BraTS'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    head = text[:cut] if cut >= limit // 2 else text[: limit - 1]
    return head.rstrip(" ,;:.-–—(") + "…"


def full_caption(data: dict[str, Any], node: str) -> str:
    """The whole caption of a node: a paper's title, a result's metric and value, else the name."""
    if data["label"] == "Paper":
        text = data.get("title") or node
    elif data["label"] == "Result":
        text = f"{data.get('metric')} {data.get('value')}"
    else:
        text = data.get("name") or node
    return shown_text(str(text))


def caption(data: dict[str, Any], node: str = "") -> str:
    """The caption drawn under a node: its whole caption shortened at a word boundary."""
    return short_caption(full_caption(data, node or data.get("id", "")), CAPTION_CHARS.get(data["label"], CAPTION_CHARS["default"]))


@dataclass
class View:
    """What a page draws: nodes (id -> the row's extra values shown on hover) and edges
    (source, target, caption, values shown on hover), one edge per fact; `reserve` nodes and
    edges are in the file, drawn when a node is expanded."""

    title: str
    about: list[str]
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    reserve_nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    reserve_edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    query: str = ""
    kind: str = "overview"  # or "entity", "query": a query's edge captions are its answer, drawn first

    def add_node(self, node: str, values: dict[str, Any] | None = None) -> None:
        self.nodes.setdefault(node, {}).update(values or {})

    def add_edge(self, source: str, target: str, text: str, values: dict[str, Any] | None = None) -> None:
        if source != target:
            self.add_node(source)
            self.add_node(target)
            self.edges.setdefault((source, target, text), values or {})


def find_node(graph: nx.MultiDiGraph, key: str) -> str:
    """A node by id, or by name or title (case-insensitive)."""
    if key in graph:
        return key
    wanted = key.lower()
    for node, data in graph.nodes(data=True):
        if wanted in ((data.get("name") or "").lower(), (data.get("title") or "").lower()):
            return node
    raise KGError(f"no node with the id or name {key!r}")


# the caption of an edge of the graph; a MENTIONS edge with a role says the role instead
_EDGE_WORDS = {
    "MENTIONS": "mentions", "INTRODUCES": "introduces", "EVALUATED_ON": "evaluated on", "BASED_ON": "based on",
    "IN_FAMILY": "in family", "HAS_MODALITY": "modality", "COVERS_ORGAN": "covers", "FOR_TASK": "for task",
    "ADDRESSES": "addresses", "STUDIES": "studies", "REPORTS": "reports", "MEASURES": "measures",
    "FOR_MODEL": "model", "ON_DATASET": "on", "BROADER": "under", "PART_OF": "part of",
}
_ROLE_WORDS = {"base": "based on"}


def fact_edges(graph: nx.MultiDiGraph, source: str, target: str) -> tuple[str, dict[str, Any]] | None:
    """The one edge drawn from `source` to `target` for all the graph's edges between them
    (a disease a paper STUDIES and MENTIONS is one edge, "studies"; a data set it introduces,
    one "introduces"), with the evidence sentence; None when there is none."""
    if not graph.has_edge(source, target):
        return None
    words, evidence = [], ""
    for data in graph.get_edge_data(source, target).values():
        kind = data["type"]
        word = _EDGE_WORDS.get(kind, kind.lower())
        if kind == "MENTIONS" and data.get("role") and data["role"] != "mentioned":
            word = _ROLE_WORDS.get(data["role"], data["role"])
        words.append(word)
        evidence = evidence or _sentence(graph, source, data)
    kept = set(words)
    if len(kept) > 1:
        kept.discard("mentions")
    if "introduces" in kept:
        kept.discard("introduced")
    text = ", ".join(sorted(kept))
    return text, ({"evidence": evidence} if evidence else {})


def _sentence(graph: nx.MultiDiGraph, source: str, data: dict[str, Any]) -> str:
    if data.get("sentence"):
        return str(data["sentence"])
    start, end = data.get("sentence_start"), data.get("sentence_end")
    if start is None or end is None:
        return ""
    text = graph.nodes[source].get(data.get("field") or "abstract") or ""
    return text[start:end]


def _connect(graph: nx.MultiDiGraph, view: View, nodes: list[str]) -> None:
    """Join `nodes` in the view by the graph's edges between them, one per pair and direction."""
    chosen = set(nodes)
    for source in nodes:
        for target in graph.successors(source):
            if target in chosen and target != source:
                drawn = fact_edges(graph, source, target)
                if drawn:
                    view.add_edge(source, target, drawn[0], drawn[1])


def _users(graph: nx.MultiDiGraph, dataset: str) -> set[str]:
    return {p for p, _, d in graph.in_edges(dataset, data=True)
            if d["type"] == "MENTIONS" and d.get("role") in USED_ROLES}


def usage_overview(graph: nx.MultiDiGraph, limit: int = MAX_SHOWN, datasets: int = 30, per_dataset: int = 2) -> View:
    """The most used data sets (by papers that introduce, evaluate on or train on them) with
    the modalities and tasks of those papers' use: a data set's recorded modalities (tasks),
    else those the using papers name (address), `per_dataset` of each at most; each edge says
    how many using papers. At most `datasets` data sets and `limit` nodes."""
    used = {n: _users(graph, n) for n, d in graph.nodes(data=True) if d["label"] == "Dataset"}
    ranked = sorted((n for n in used if used[n]), key=lambda n: (-len(used[n]), graph.nodes[n]["name"]))
    view = View("kg: the most used data sets, with their modalities and tasks", [
        "Data sets by the papers that use them (introduce, evaluate on or train on them), with the modalities "
        "and tasks of that use; an edge says how many of those papers.",
    ])
    for dataset in ranked:
        links = []
        for label, recorded_type, named_type in (("Modality", "HAS_MODALITY", "MENTIONS"), ("Task", "FOR_TASK", "ADDRESSES")):
            recorded = {t for _, t, d in graph.out_edges(dataset, data=True) if d["type"] == recorded_type}
            counts: Counter = Counter()
            for paper in used[dataset]:
                named = {t for _, t, d in graph.out_edges(paper, data=True)
                         if d["type"] == named_type and graph.nodes[t]["label"] == label}
                for target in (recorded or named):
                    counts[target] += 1
            links += sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:per_dataset]
        new = {dataset} | {t for t, _ in links}
        if len(set(view.nodes) | new) > limit:
            break
        view.add_node(dataset, {"papers using it": len(used[dataset])})
        for target, n in links:  # a count of one is on hover only: captions where they tell most
            view.add_edge(dataset, target, f"{n} papers" if n > 1 else "", {"using papers": n, "weight": n})
        if len([n for n in view.nodes if graph.nodes[n]["label"] == "Dataset"]) >= datasets:
            break
    if not view.nodes:
        view.about.append("No paper of this build uses a data set; drawn instead: the most connected nodes.")
        for node in sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))[:limit]:
            view.add_node(node)
        _connect(graph, view, list(view.nodes))
    return view


def result_edge(graph: nx.MultiDiGraph, result: str) -> tuple[str, str, str, dict[str, Any]] | None:
    """A Result drawn as the edge it states: from its model (else the reporting paper) to its
    data set, captioned with the metric and value ("+" before an improvement); None for a
    result on no named data set."""
    ends: dict[str, str] = {}
    for source, _, data in graph.in_edges(result, data=True):
        if data["type"] == "REPORTS":
            ends["paper"] = source
    for _, target, data in graph.out_edges(result, data=True):
        ends[data["type"]] = target
    data = graph.nodes[result]
    source, target = ends.get("FOR_MODEL") or ends.get("paper"), ends.get("ON_DATASET")
    if not source or not target:
        return None
    sign = "+" if data.get("kind") == "improvement" else ""
    details = {"kind": data.get("kind"), "paper": ends.get("paper"), "evidence": data.get("sentence")}
    return source, target, shown_text(f"{data.get('metric')} {sign}{data.get('value')}"), {k: v for k, v in details.items() if v}


def node_facts(graph: nx.MultiDiGraph, node: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The edges drawn for a node: one per neighbour and direction (`fact_edges`), a result
    as the edge it states (`result_edge`) rather than as a node."""
    facts = []
    for other in sorted((set(graph.successors(node)) | set(graph.predecessors(node))) - {node}):
        if graph.nodes[other]["label"] == "Result":
            drawn = result_edge(graph, other)
            if drawn and node in (drawn[0], drawn[1], drawn[3].get("paper")):
                facts.append(drawn)
            continue
        for source, target in ((node, other), (other, node)):
            found = fact_edges(graph, source, target)
            if found:
                facts.append((source, target, found[0], found[1]))
    if graph.nodes[node]["label"] == "Result":
        drawn = result_edge(graph, node)
        facts += [drawn] if drawn else []
    return facts


def entity_view(graph: nx.MultiDiGraph, node: str, limit: int = MAX_SHOWN) -> View:
    """An entity (or paper) and the facts about it: its neighbours tied to it by a role, a
    result (drawn as an edge with its value), BASED_ON and the like before those that only
    mention it, the most connected first."""
    data = graph.nodes[node]
    view = View(f"kg: {full_caption(data, node)}", [f"{data['label']} {full_caption(data, node)}: what the graph states about it."],
                kind="entity")
    def rank(fact: tuple) -> tuple:
        other = fact[1] if fact[0] == node else fact[0]
        return fact[2] == "mentions", -graph.degree(other), fact[:3]

    facts = sorted(node_facts(graph, node), key=rank)
    view.add_node(node)
    left_out = 0
    for source, target, text, details in facts:
        if len(set(view.nodes) | {source, target}) > limit:
            left_out += 1
            continue
        view.add_edge(source, target, text, details)
    if left_out:
        view.about.append(f"{left_out} of its {len(facts)} edges are left out to keep to {limit} nodes (expand a node to see more).")
    return view


# a draw line: `FROM -[CAPTION]-> TO [if COLUMN = VALUE [and ...]]`, or `NODE` alone. FROM, TO and
# NODE are a column or `$parameter`, with `:Label` to say what it names; CAPTION is text with
# `{column}` or `{$parameter}` values, the alternatives after `|` used when a value is missing;
# VALUE `null` means the column is empty.
_DRAW_EDGE = re.compile(r"^(\$?\w+)(?::(\w+))?\s*-\[(.*?)\]->\s*(\$?\w+)(?::(\w+))?(?:\s+if\s+(.+))?$")
_CONDITION = re.compile(r"^(\w+)\s*=\s*(\S+)$")
_DRAW_NODE = re.compile(r"^(\$?\w+)(?::(\w+))?$")


def _name_index(graph: nx.MultiDiGraph) -> dict[tuple[str, str], str]:
    """(label, lower-case name) -> node, and ("", id or name) -> node."""
    index: dict[tuple[str, str], str] = {}
    for node, data in graph.nodes(data=True):
        index.setdefault(("", node), node)
        for key in (data.get("name"), data.get("title")):
            if key:
                index.setdefault((data["label"], str(key).lower()), node)
                index.setdefault(("", str(key).lower()), node)
    return index


def _fill(template: str, row: dict[str, Any], params: dict[str, Any]) -> str | None:
    for choice in template.split("|"):
        missing = False

        def value(match: re.Match) -> str:
            nonlocal missing
            name = match.group(1)
            found = params.get(name[1:]) if name.startswith("$") else row.get(name)
            if found is None or found == "":
                missing = True
                return ""
            return shown_text(str(found))

        text = re.sub(r"\{(\$?\w+)\}", value, choice).strip()
        if not missing and text:
            return text
    return None


def _holds(condition: str, row: dict[str, Any], name: str) -> bool:
    match = _CONDITION.match(condition.strip())
    if not match:
        raise KGError(f"query {name}: cannot read the draw condition {condition!r}; write `column = value`")
    column, wanted = match.groups()
    return row.get(column) is None if wanted == "null" else str(row.get(column)) == wanted


def query_view(graph: nx.MultiDiGraph, query, rows: list[dict[str, Any]], params: dict[str, Any],
               limit: int = MAX_SHOWN) -> View:
    """The answer of a library query: the nodes its rows name joined by one edge per fact, as
    the query's `draw:` lines say (without them: the nodes the rows name and the graph's edges
    between them); a row's other values are shown on hover."""
    about = [f"Query {query.name}: {query.title}."]
    if params:
        about.append("Parameters: " + ", ".join(f"{k} = {v}" for k, v in params.items()) + ".")
    view = View(f"kg: {query.title or query.name}", about, query=query.text("cypher") if "cypher" in query.files else "",
                kind="query")
    index = _name_index(graph)

    def node_of(ref: str, label: str | None, row: dict[str, Any]) -> str | None:
        value = params.get(ref[1:]) if ref.startswith("$") else row.get(ref)
        if value is None:
            return None
        text = str(value)
        return index.get(("", text)) if text in graph else index.get((label or "", text.lower()))

    drawings = query.drawings or ["*"]  # "*": every value of the row that names a node
    drawn_rows = 0
    for row in rows:
        before = set(view.nodes)
        extra = {k: v for k, v in row.items() if v is not None and not isinstance(v, (list, dict))}
        for line in drawings:
            edge, alone = _DRAW_EDGE.match(line), _DRAW_NODE.match(line)
            if line == "*":
                for value in row.values():
                    node = index.get(("", str(value))) or index.get(("", str(value).lower())) if value is not None else None
                    if node:
                        view.add_node(node)
            elif edge:
                source_ref, source_label, template, target_ref, target_label, conditions = edge.groups()
                if conditions and not all(_holds(condition, row, query.name) for condition in conditions.split(" and ")):
                    continue
                source, target = node_of(source_ref, source_label, row), node_of(target_ref, target_label, row)
                text = _fill(template, row, params)
                if source and target and text:
                    view.add_edge(source, target, text, extra)
            elif alone:
                node = node_of(alone.group(1), alone.group(2), row)
                if node:
                    view.add_node(node, extra)
            else:
                raise KGError(f"query {query.name}: cannot read the draw line {line!r}")
        if len(view.nodes) > limit:
            for node in set(view.nodes) - before:
                del view.nodes[node]
            view.edges = {key: v for key, v in view.edges.items() if key[0] in view.nodes and key[1] in view.nodes}
            break
        drawn_rows += 1
    if not view.nodes:
        raise KGError(f"the rows of {query.name} name no node of the graph; `kg query {query.name}` gives them as a table")
    if not view.edges or not query.drawings:
        _connect(graph, view, list(view.nodes))
    about.append(f"{len(rows)} rows" + (f"; the first {drawn_rows} are drawn (at most {limit} nodes)." if drawn_rows < len(rows) else ", all drawn."))
    return view


def with_reserve(graph: nx.MultiDiGraph, view: View, most: int = MAX_IN_FILE, per_node: int = MAX_NEIGHBOURS) -> View:
    """`view` with a reserve of neighbours for the page to expand: breadth first from the drawn
    nodes, up to `per_node` facts a node (those beyond "mentions" first) and `most` nodes in
    all; a node whose facts are not all in the file says how many are missing."""
    in_file = set(view.nodes)
    queue, done = list(view.nodes), 0
    drawn_pairs = {key[:2] for key in view.edges}
    while done < len(queue):
        node = queue[done]
        done += 1
        facts = sorted(node_facts(graph, node), key=lambda f: (f[2] == "mentions", f[0], f[1], f[2]))
        kept = 0
        for source, target, text, details in facts:
            new = {source, target} - in_file
            if kept >= per_node or len(in_file) + len(new) > most:
                continue
            kept += 1
            for other in sorted(new):
                in_file.add(other)
                view.reserve_nodes[other] = {}
                queue.append(other)
            if (source, target) not in drawn_pairs:
                view.reserve_edges.setdefault((source, target, text), details)
        if kept < len(facts):
            record = view.nodes[node] if node in view.nodes else view.reserve_nodes[node]
            record["edges not in this page"] = len(facts) - kept
    return view


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(data: Any) -> str:
    """`data` as JSON to put inside a <script> element: no `</script`, `<!--` or line
    separator can end it or change how it parses, and JSON.parse gives `data` back."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def _node_record(graph: nx.MultiDiGraph, node: str, values: dict[str, Any], shown: bool, colours: dict[str, str]) -> dict:
    data = graph.nodes[node]
    details = {"label": data["label"], "id": node}
    for key in ("year", "doi", "arxiv_id", "metric", "value", "kind"):
        if data.get(key) not in (None, ""):
            details[key] = data[key]
    details.update(values)
    link = ""
    if data.get("doi"):
        link = "https://doi.org/" + data["doi"]
    elif data.get("arxiv_id"):
        link = "https://arxiv.org/abs/" + data["arxiv_id"]
    elif str(data.get("url") or "").startswith(("https://", "http://")):
        link = data["url"]
    return {"id": node, "label": data["label"], "caption": caption(data, node), "text": full_caption(data, node),
            "colour": colours.get(data["label"], "#A5ABB6"), "shown": shown, "link": link,
            "details": {k: shown_text(str(v)) for k, v in details.items()}}


def page_data(graph: nx.MultiDiGraph, view: View, *, written: str, papers: int) -> dict[str, Any]:
    """The JSON the page draws from."""
    colours = label_colours()
    nodes = [_node_record(graph, n, v, True, colours) for n, v in view.nodes.items()]
    nodes += [_node_record(graph, n, v, False, colours) for n, v in view.reserve_nodes.items() if n not in view.nodes]
    edges = [{"source": s, "target": t, "caption": shown_text(c), "shown": shown, "weight": values.get("weight", 1),
              "details": {k: shown_text(str(v)) for k, v in values.items() if k != "weight"}}
             for shown, part in ((True, view.edges), (False, view.reserve_edges)) for (s, t, c), values in part.items()]
    return {"title": shown_text(view.title), "about": [shown_text(line) for line in view.about],
            "query": shown_text(view.query), "kind": view.kind, "written": written, "papers": papers,
            "graph": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
            "nodes": nodes, "edges": edges}


def graph_page(data: dict[str, Any]) -> str:
    """One HTML file drawing `data` (from `page_data`): the page's style and script inline,
    the title escaped and the data in a JSON block that no text in it can end."""
    template = (PAGE_DIR / "page.html").read_text(encoding="utf-8")
    parts = {
        "{{title}}": html.escape(data["title"]),
        "{{style}}": (PAGE_DIR / "page.css").read_text(encoding="utf-8"),
        "{{data}}": script_json(data),
        "{{script}}": (PAGE_DIR / "page.js").read_text(encoding="utf-8"),
    }
    return re.sub("|".join(re.escape(k) for k in parts), lambda m: parts[m.group(0)], template)
