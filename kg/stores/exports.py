"""File exports of the graph: GraphML (networkx reads it) and CSVs for `neo4j-admin database
import`: the encoding of rows, and what each file holds before and after them (the files are
written by kg/stores/text_outputs.py).

The CSV headers follow neo4j-admin's format: `id:ID` and `:LABEL` for nodes, `:START_ID`,
`:END_ID` and `:TYPE` for relationships, and typed properties (`year:long`,
`score:double`, `aliases:string[]` with `;` between array items).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from kg.graph import EDGE_TYPES, NODE_PROPERTIES, GraphRows

if TYPE_CHECKING:  # networkx is imported where a graph is read: a build's workers never need it
    import networkx as nx

NEO4J_TYPES = {"STRING": "", "INT64": ":long", "DOUBLE": ":double", "BOOLEAN": ":boolean", "STRING[]": ":string[]"}
ARRAY_DELIMITER = ";"


_GRAPHML_TYPES = {"STRING": "string", "INT64": "long", "DOUBLE": "double", "BOOLEAN": "boolean", "STRING[]": "string"}


def _graphml_keys() -> list[tuple[str, str, str]]:
    """(for, name, GraphML type) of every property of the schema, plus `label` and `type`."""
    keys = {("node", "label"): "string", ("edge", "type"): "string"}
    for properties in NODE_PROPERTIES.values():
        for name, kind in properties.items():
            keys.setdefault(("node", name), _GRAPHML_TYPES[kind])
    for properties, _ in EDGE_TYPES.values():
        for name, kind in properties.items():
            keys.setdefault(("edge", name), _GRAPHML_TYPES[kind])
    return [(scope, name, kind) for (scope, name), kind in keys.items()]


# Characters XML 1.0 cannot hold, not even as a character reference: the C0 controls but tab,
# newline and carriage return, lone surrogates, U+FFFE and U+FFFF
_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def graphml_text(value: str) -> str:
    """`value` as GraphML can hold it: each character XML 1.0 cannot hold becomes the text
    \\uXXXX (so "a\\x01" and "a\\x02" stay two ids); everything else is kept. Node ids in
    graph.graphml are the ids of the other stores passed through this."""
    return _NOT_IN_XML.sub(lambda m: f"\\u{ord(m.group()):04X}", value)


def _xml_text(value: str) -> str:
    """Element text: a carriage return as a reference, or the parser would make it a newline."""
    return escape(graphml_text(value), {"\r": "&#13;"})


def _xml_attribute(value: str) -> str:
    return quoteattr(graphml_text(value))


def _graphml_value(value, kind: str) -> str:
    if kind == "STRING[]":
        value = json.dumps(value)
    elif kind == "BOOLEAN":
        value = "true" if value else "false"
    return _xml_text(str(value))


def graphml_part(rows: GraphRows) -> bytes:
    """The rows as GraphML node and edge elements (list properties as JSON text, missing ones
    left out), to go between `graphml_header()` and GRAPHML_FOOTER. Ids and text pass
    through `graphml_text`."""
    lines = []
    for label, found in rows.nodes.items():
        columns = [(name, kind) for name, kind in NODE_PROPERTIES[label].items() if name != "id"]
        for row in found:
            data = "".join(
                f'<data key="n_{name}">{_graphml_value(row[name], kind)}</data>'
                for name, kind in columns if row.get(name) is not None
            )
            lines.append(f'<node id={_xml_attribute(row["id"])}><data key="n_label">{label}</data>{data}<data key="n_id">{_xml_text(row["id"])}</data></node>')
    for (kind, _, _), found in rows.edges.items():
        columns = list(EDGE_TYPES[kind][0].items())
        for row in found:
            data = "".join(
                f'<data key="e_{name}">{_graphml_value(row[name], column)}</data>'
                for name, column in columns if row.get(name) is not None
            )
            lines.append(f'<edge source={_xml_attribute(row["from"])} target={_xml_attribute(row["to"])} id="{kind}">'
                         f'<data key="e_type">{kind}</data>{data}</edge>')
    return ("\n".join(lines) + "\n").encode("utf-8", "replace") if lines else b""


def graphml_header() -> bytes:
    """What graph.graphml holds before its elements: the XML declaration, the keys of every
    property of the schema, and the opening of the graph."""
    keys = "\n".join(
        f'<key id="{scope[0]}_{name}" for="{scope}" attr.name="{name}" attr.type="{kind}" />'
        for scope, name, kind in _graphml_keys()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        f'{keys}\n<graph edgedefault="directed">\n'
    ).encode("utf-8")


GRAPHML_FOOTER = b"</graph>\n</graphml>\n"


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


def neo4j_csv_parts(rows: GraphRows) -> dict[str, bytes]:
    """The rows as neo4j-admin CSV bodies (no header), one per node label and relationship type."""
    buffers: dict[str, io.StringIO] = {}

    def writer(name: str):
        return csv.writer(buffers.setdefault(name, io.StringIO()))

    for label, found in rows.nodes.items():
        properties = NODE_PROPERTIES[label]
        writer(f"nodes_{label}.csv").writerows(
            [_cell(row.get(name), kind) for name, kind in properties.items()] + [label] for row in found
        )
    for (kind, _, _), found in rows.edges.items():
        properties = EDGE_TYPES[kind][0]
        writer(f"relationships_{kind}.csv").writerows(
            [row["from"], row["to"], kind] + [_cell(row.get(name), column) for name, column in properties.items()] for row in found
        )
    return {name: buffer.getvalue().encode("utf-8", "replace") for name, buffer in buffers.items()}


def neo4j_csv_headers() -> dict[str, bytes]:
    """The header line of each neo4j-admin CSV, by file name: every node label, then every
    relationship type."""
    headers = {f"nodes_{label}.csv": neo4j_header(properties, node_label=label) for label, properties in NODE_PROPERTIES.items()}
    headers |= {f"relationships_{kind}.csv": neo4j_header(properties) for kind, (properties, _) in EDGE_TYPES.items()}
    lines = {}
    for name, header in headers.items():
        buffer = io.StringIO()
        csv.writer(buffer).writerow(header)
        lines[name] = buffer.getvalue().encode("utf-8")
    return lines


def neo4j_import_script() -> str:
    """import.sh: the neo4j-admin command that imports the CSVs."""
    names = list(neo4j_csv_headers())
    command = ["neo4j-admin database import full neo4j --overwrite-destination", f'--array-delimiter="{ARRAY_DELIMITER}"']
    command += [f"--nodes={name}" for name in names if name.startswith("nodes_")]
    command += [f"--relationships={name}" for name in names if name.startswith("relationships_")]
    return "#!/bin/sh\n# Run from this folder, with the Neo4j server stopped.\n" + " \\\n  ".join(command) + "\n"


def read_graphml(path: Path) -> nx.MultiDiGraph:
    """The graph `write_graphml` wrote, with its list properties decoded."""
    import networkx as nx

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
