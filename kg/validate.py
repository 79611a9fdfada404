"""Validation of a build's RDF graph against the SHACL shapes in `kg/data/ontology/shapes.ttl`."""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from kg import config
from kg.records import KGError

SH = Namespace("http://www.w3.org/ns/shacl#")


def validate_graph(data: Graph, shapes_path: Path | None = None) -> list[str]:
    """One line per SHACL violation of `data` ("focus node: message"); empty when it conforms."""
    shapes = Graph().parse(shapes_path or config.ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    conforms, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    if conforms:
        return []
    lines = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        lines.append(f"{focus} {path or ''}: {message}".replace("  ", " "))
    return sorted(lines)


def validate_store(folder: Path) -> list[str]:
    """Validate the RDF export of the build in `folder`."""
    path = Path(folder, "rdf", "graph.nt")
    if not path.exists():
        raise KGError(f"no RDF export at {path}; run `kg build` first")
    return validate_graph(Graph().parse(path, format="nt"))
