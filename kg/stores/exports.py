"""File exports of the graph: GraphML (networkx) and CSVs for `neo4j-admin database import`.

The CSV headers follow neo4j-admin's format: `id:ID` and `:LABEL` for nodes, `:START_ID`,
`:END_ID` and `:TYPE` for relationships, and typed properties (`year:long`,
`score:double`, `aliases:string[]` with `;` between array items).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx

from kg.graph import EDGE_TYPES, NODE_PROPERTIES

NEO4J_TYPES = {"STRING": "", "INT64": ":long", "DOUBLE": ":double", "BOOLEAN": ":boolean", "STRING[]": ":string[]"}
ARRAY_DELIMITER = ";"


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML of the graph; list properties become JSON text, missing ones are left out."""
    plain = nx.MultiDiGraph()
    for node, data in sorted(graph.nodes(data=True)):
        plain.add_node(node, **{k: json.dumps(v) if isinstance(v, list) else v for k, v in data.items() if v is not None})
    for source, target, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        plain.add_edge(source, target, key=key, **{k: v for k, v in data.items() if v is not None})
    nx.write_graphml(plain, path)


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "STRING[]":
        return ARRAY_DELIMITER.join(str(item).replace(ARRAY_DELIMITER, ",") for item in value)
    if kind == "BOOLEAN":
        return "true" if value else "false"
    return str(value)


def neo4j_header(properties: dict[str, str], *, node_label: str | None = None) -> list[str]:
    """The header row of a neo4j-admin CSV for a node label (or a relationship type)."""
    if node_label is not None:
        return [f"{name}:ID" if name == "id" else name + NEO4J_TYPES[kind] for name, kind in properties.items()] + [":LABEL"]
    return [":START_ID", ":END_ID", ":TYPE"] + [name + NEO4J_TYPES[kind] for name, kind in properties.items()]


def write_neo4j_csvs(graph: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """One CSV per node label and per relationship type; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for label, properties in NODE_PROPERTIES.items():
        rows = sorted((d for _, d in graph.nodes(data=True) if d["label"] == label), key=lambda d: d["id"])
        path = folder / f"nodes_{label}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(neo4j_header(properties, node_label=label))
            for row in rows:
                writer.writerow([_cell(row.get(name), kind) for name, kind in properties.items()] + [label])
        written.append(path)
    for kind, (properties, _) in EDGE_TYPES.items():
        rows = sorted((a, b, d) for a, b, d in graph.edges(data=True) if d["type"] == kind)
        path = folder / f"relationships_{kind}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(neo4j_header(properties))
            for source, target, data in rows:
                writer.writerow([source, target, kind] + [_cell(data.get(name), column) for name, column in properties.items()])
        written.append(path)
    command = ["neo4j-admin database import full neo4j --overwrite-destination", f'--array-delimiter="{ARRAY_DELIMITER}"']
    command += [f"--nodes={p.name}" for p in written if p.name.startswith("nodes_")]
    command += [f"--relationships={p.name}" for p in written if p.name.startswith("relationships_")]
    (folder / "import.sh").write_text("#!/bin/sh\n# Run from this folder, with the Neo4j server stopped.\n" + " \\\n  ".join(command) + "\n")
    return written


def read_graphml(path: Path) -> nx.MultiDiGraph:
    """The graph `write_graphml` wrote, with its list properties decoded."""
    from kg.records import KGError

    if not Path(path).exists():
        raise KGError(f"no graph at {path}; run `kg build` first")
    graph = nx.read_graphml(path, force_multigraph=True)
    for _, data in graph.nodes(data=True):
        for name, kind in NODE_PROPERTIES[data["label"]].items():
            if kind == "STRING[]":
                data[name] = json.loads(data[name]) if name in data else []
            elif name not in data:
                data[name] = None
    return graph
