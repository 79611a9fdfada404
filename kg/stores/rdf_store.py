"""The RDF store: the graph as RDF (rdflib), persisted in Oxigraph (pyoxigraph) for SPARQL.

Vocabulary: schema.org for papers (`schema:ScholarlyArticle`) and data sets
(`schema:Dataset`), SKOS for concepts (`skos:Concept`, `skos:broader`, `skos:exactMatch`),
PROV-O for where a statement comes from, and the project's own `kg:` namespace for the rest.
Every node has `rdf:type kg:<Label>` with the labels of `kg.graph`; every edge is a triple
`kg:<camelCaseType>` (BROADER is `skos:broader`), and an edge with evidence also gets an
`rdf:Statement` that carries its properties.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pyoxigraph
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SDO, SKOS

from kg import config
from kg.graph import EDGE_TYPES, NODE_PROPERTIES
from kg.records import KGError

KG = Namespace(config.SCHEMA_NAMESPACE)
DATA = Namespace(config.BASE_IRI)
EXTRA_TYPES = {"Paper": SDO.ScholarlyArticle, "Dataset": SDO.Dataset}
PAPER_PROPERTIES = {
    "title": SDO.name, "abstract": SDO.abstract, "published": SDO.datePublished, "url": SDO.url,
}


def predicate(edge_type: str) -> URIRef:
    """The RDF predicate of an edge type: BROADER is skos:broader, others kg:camelCase."""
    if edge_type == "BROADER":
        return SKOS.broader
    head, *rest = edge_type.lower().split("_")
    return KG[head + "".join(word.title() for word in rest)]


EDGE_OF_PREDICATE = {predicate(kind): kind for kind in EDGE_TYPES}


def node_iri(node_id: str) -> URIRef:
    """The IRI of a node: itself when it is an IRI, else a paper or result IRI under the base."""
    if node_id.startswith(("http://", "https://")):
        return URIRef(node_id)
    kind = "result" if "#result-" in node_id else "paper"
    return DATA[f"{kind}/{quote(node_id, safe='')}"]


def _literal(value, kind: str) -> Literal:
    datatype = {"INT64": XSD.integer, "DOUBLE": XSD.double, "BOOLEAN": XSD.boolean}.get(kind)
    return Literal(value, datatype=datatype)


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """The graph as an rdflib Graph."""
    rdf = Graph()
    for prefix, namespace in (("kg", KG), ("skos", SKOS), ("schema", SDO), ("prov", PROV)):
        rdf.bind(prefix, namespace)
    for node, data in graph.nodes(data=True):
        subject = node_iri(node)
        label = data["label"]
        rdf.add((subject, RDF.type, KG[label]))
        if label in EXTRA_TYPES:
            rdf.add((subject, RDF.type, EXTRA_TYPES[label]))
        if label not in ("Paper", "Result"):
            rdf.add((subject, RDF.type, SKOS.Concept))
        for name, kind in NODE_PROPERTIES[label].items():
            value = data.get(name)
            if value is None or value == [] or name == "external_ids":
                continue
            if name == "name":
                rdf.add((subject, SKOS.prefLabel, Literal(value)))
            elif label == "Paper" and name in PAPER_PROPERTIES:
                rdf.add((subject, PAPER_PROPERTIES[name], Literal(value)))
            elif kind == "STRING[]":
                for item in value:
                    rdf.add((subject, KG[name], Literal(item)))
            else:
                rdf.add((subject, KG[name], _literal(value, kind)))
        for external in data.get("external_ids") or []:
            rdf.add((subject, SKOS.exactMatch, URIRef(external)))
    for source, target, data in graph.edges(data=True):
        kind = data["type"]
        triple = (node_iri(source), predicate(kind), node_iri(target))
        rdf.add(triple)
        properties = EDGE_TYPES[kind][0]
        if not properties:
            continue
        digest = hashlib.sha1("|".join((source, kind, target)).encode()).hexdigest()[:16]
        statement = DATA[f"statement/{digest}"]
        rdf.add((statement, RDF.type, RDF.Statement))
        rdf.add((statement, RDF.subject, triple[0]))
        rdf.add((statement, RDF.predicate, triple[1]))
        rdf.add((statement, RDF.object, triple[2]))
        rdf.add((statement, PROV.wasDerivedFrom, node_iri(source) if kind == "MENTIONS" else triple[0]))
        for name, column in properties.items():
            if data.get(name) is not None:
                rdf.add((statement, KG[name], _literal(data[name], column)))
    return rdf


EXPORTS = {"graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}


def _sorted_json(value):
    if isinstance(value, dict):
        return {key: _sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return sorted((_sorted_json(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def write_rdf_store(graph: nx.MultiDiGraph, folder: Path) -> None:
    """Write the Turtle, N-Triples and JSON-LD exports and bulk-load an Oxigraph store."""
    rdf = to_rdf(graph)
    for name, fmt in EXPORTS.items():
        data = rdf.serialize(format=fmt, encoding="utf-8")
        # the same graph gives the same bytes: N-Triples sorted by line, JSON-LD by value
        if fmt == "nt":
            data = b"".join(sorted(line + b"\n" for line in data.splitlines() if line.strip()))
        elif fmt == "json-ld":
            data = json.dumps(_sorted_json(json.loads(data)), indent=2, ensure_ascii=False).encode("utf-8")
        Path(folder, name).write_bytes(data)
    store = pyoxigraph.Store(str(Path(folder, "oxigraph")))
    store.bulk_load(path=str(Path(folder, "graph.nt")), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()


def open_store(folder: Path) -> pyoxigraph.Store:
    """The Oxigraph store of a build, read-only."""
    path = Path(folder, "oxigraph")
    if not path.exists():
        raise KGError(f"no RDF store at {path}; run `kg build` first")
    return pyoxigraph.Store.read_only(str(path))


def sparql(store: pyoxigraph.Store, query: str, substitutions: dict | None = None) -> list[dict[str, object]]:
    """The rows of a SPARQL SELECT query, each a dict of plain Python values; `substitutions`
    pre-binds variables (pyoxigraph Variable -> term)."""
    results = store.query(query, substitutions=substitutions or None)
    if not hasattr(results, "variables"):
        raise KGError("only SELECT queries return rows")
    names = [variable.value for variable in results.variables]
    return [{name: None if (term := solution[name]) is None else _python(term) for name in names} for solution in results]


def _python(term):
    if isinstance(term, pyoxigraph.Literal):
        return Literal(term.value, datatype=term.datatype.value if term.datatype else None).toPython()
    return term.value


def rdf_counts(store: pyoxigraph.Store) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per label, edges per type), read from the store with SPARQL."""
    nodes = {}
    for label in NODE_PROPERTIES:
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{KG[label]}> }}"
        count = int(next(iter(store.query(query)))["n"].value)
        if count:
            nodes[label] = count
    edges = {}
    for iri, kind in EDGE_OF_PREDICATE.items():
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{iri}> ?o }}"
        count = int(next(iter(store.query(query)))["n"].value)
        if count:
            edges[kind] = count
    return dict(sorted(nodes.items())), dict(sorted(edges.items()))
