"""The RDF store: the graph as N-Triples, bulk-loaded into Oxigraph (pyoxigraph) for SPARQL.

Rows are written as N-Triples text directly (one part per chunk of papers), which streams;
kg/stores/rdf_loader.py bulk-loads each part as it comes, and Turtle and JSON-LD are written
per unit from the same N-Triples (`turtle`, `jsonld`).

Vocabulary: schema.org for papers (`schema:ScholarlyArticle`) and data sets
(`schema:Dataset`), SKOS for concepts (`skos:Concept`, `skos:broader`, `skos:exactMatch`),
and the project's own `kg:` namespace for the rest.
Every node has `rdf:type kg:<Label>` with the labels of `kg.graph` and its id as `kg:id`.
An entity's IRI is its id; a paper's is minted from its id under `<base>paper/`, a result's
under `<base>result/` (`node_iri`), so no paper id, even one that is an IRI, names another
node. Every edge is a triple `kg:<camelCaseType>` (BROADER is `skos:broader`). The evidence of
the edges from one node to another is one evidence node (`evidence_iri`): `start kg:evidence
e . e kg:entity end`. From a paper, each edge's place in the paper is one packed literal,
`e kg:mentionsAt "abstract 120 200 131 139 2 0.75 exact"` (`PACKED_FIELDS`), and a mention's
role is `kg:role`; between entities, the properties are triples of their own (`kg:sentence`,
`kg:paper`, ...). A dozen mentions a paper would otherwise take 15 triples each.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
from rdflib import RDF, XSD, Literal, Namespace, URIRef
from rdflib.namespace import SDO, SKOS

from kg import config
from kg.graph import EDGE_TYPES, NODE_PROPERTIES, GraphRows
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


def paper_iri(paper_id: str) -> str:
    """The IRI of a paper: minted in the paper namespace from its id, percent-encoded, so that
    no id (not even a concept's IRI) gives an IRI of anything but that paper."""
    return f"{DATA}paper/{quote(paper_id, safe='', errors='surrogatepass')}"


def node_iri(label: str, node_id: str) -> str:
    """The IRI of a node of `label`: papers and results are minted under the base (a result's
    id is its paper's id + "#result-N"); an entity's id is its IRI."""
    if label == "Paper":
        return paper_iri(node_id)
    if label == "Result":
        return f"{DATA}result/{quote(node_id, safe='', errors='surrogatepass')}"
    return node_id


_XSD_TYPES = {"INT64": str(XSD.integer), "DOUBLE": str(XSD.double), "BOOLEAN": str(XSD.boolean)}
# N-Triples literals: quote, backslash and every control character escaped
_ESCAPES = {code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F)}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _iri(value: str) -> str:
    return "<" + (_NOT_IN_IRI.sub(lambda m: quote(m.group()), value)) + ">"


def _literal(value, kind: str = "STRING") -> str:
    if kind == "BOOLEAN":
        text = "true" if value else "false"
    elif kind == "DOUBLE":
        text = repr(float(value))
    else:
        text = str(value)
    quoted = '"' + text.translate(_ESCAPES) + '"'
    return quoted + f"^^<{_XSD_TYPES[kind]}>" if kind in _XSD_TYPES else quoted


_RDF_TYPE = _iri(str(RDF.type))
_PREDICATES = {
    "name": _iri(str(SKOS.prefLabel)), "external_ids": _iri(str(SKOS.exactMatch)),
    **{name: _iri(str(iri)) for name, iri in PAPER_PROPERTIES.items()},
}
_EVIDENCE, _ENTITY, _ROLE = (_iri(str(KG[name])) for name in ("evidence", "entity", "role"))


@lru_cache(maxsize=None)
def _node_terms(label: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(the rdf:type IRIs, (property, kind, predicate IRI) of each property) of a node label."""
    types = [_iri(str(KG[label]))] + ([_iri(str(EXTRA_TYPES[label]))] if label in EXTRA_TYPES else [])
    types += [] if label in ("Paper", "Result") else [_iri(str(SKOS.Concept))]
    properties = [
        (name, kind, _PREDICATES[name] if name == "name" or (label == "Paper" and name in PAPER_PROPERTIES) else _iri(str(KG[name])))
        for name, kind in NODE_PROPERTIES[label].items()
    ]
    return types, properties


@lru_cache(maxsize=None)
def _edge_terms(kind: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(the predicate IRI, (property, kind, predicate IRI) of each property) of an edge type."""
    return _iri(str(predicate(kind))), [(name, column, _iri(str(KG[name]))) for name, column in EDGE_TYPES[kind][0].items()]


def ntriples(rows: GraphRows) -> bytes:
    """The rows as N-Triples (UTF-8), in row order: the same rows give the same bytes."""
    lines: list[str] = []
    add = lines.append
    for label, found in rows.nodes.items():
        types, properties = _node_terms(label)
        for row in found:
            subject = _iri(node_iri(label, row["id"]))
            for kind_iri in types:
                add(f"{subject} {_RDF_TYPE} {kind_iri} .")
            for name, kind, predicate_iri in properties:
                value = row.get(name)
                if value is None or value == []:
                    continue
                if name == "external_ids":
                    for external in value:
                        add(f"{subject} {_PREDICATES[name]} {_iri(external)} .")
                elif kind == "STRING[]":
                    for item in value:
                        add(f"{subject} {predicate_iri} {_literal(item)} .")
                else:
                    add(f"{subject} {predicate_iri} {_literal(value, 'STRING' if name == 'name' else kind)} .")
    evidence: dict[tuple[str, str], list[tuple[str, dict]]] = {}
    for (kind, start_label, end_label), found in rows.edges.items():
        predicate_iri, columns = _edge_terms(kind)
        for row in found:
            start, end = _iri(node_iri(start_label, row["from"])), _iri(node_iri(end_label, row["to"]))
            add(f"{start} {predicate_iri} {end} .")
            if columns:
                evidence.setdefault((start, end), []).append((kind, row))
    nodes = {pair: _iri(evidence_iri(*pair)) for pair in evidence}
    for (start, _), node in nodes.items():
        add(f"{start} {_EVIDENCE} {node} .")
    for (start, end), edges in evidence.items():
        node = nodes[start, end]
        add(f"{node} {_ENTITY} {end} .")
        for kind, row in edges:
            if "field" in EDGE_TYPES[kind][0]:  # an edge from a paper: where in it, packed in one literal
                add(f"{node} {_at_predicate(kind)} {_literal(' '.join(_packed(row, kind)))} .")
                if row.get("role") is not None:
                    add(f"{node} {_ROLE} {_literal(row['role'])} .")
                continue
            for name, column, name_iri in _edge_terms(kind)[1]:
                if row.get(name) is not None:
                    add(f"{node} {name_iri} {_literal(row[name], column)} .")
    return ("\n".join(lines) + "\n").encode("utf-8", "replace") if lines else b""


def evidence_iri(start: str, end: str) -> str:
    """The IRI of the evidence node of the edges from `start` to `end` (N-Triples terms, which
    hold no "|"): one node for all the edges between a paper and an entity."""
    digest = hashlib.sha1(f"{start}|{end}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return str(DATA[f"evidence/{digest}"])


# The packed evidence of an edge from a paper, in this order, "-" for a missing value
PACKED_FIELDS = {
    "MENTIONS": ("field", "sentence_start", "sentence_end", "start_char", "end_char", "mention_count", "score", "method"),
    "OTHER": ("field", "sentence_start", "sentence_end", "confidence", "source"),
}


def _packed(row: dict, kind: str) -> Iterator[str]:
    for name in PACKED_FIELDS["MENTIONS" if kind == "MENTIONS" else "OTHER"]:
        value = row.get(name)
        yield "-" if value is None else repr(value) if isinstance(value, float) else str(value)


@lru_cache(maxsize=None)
def _at_predicate(kind: str) -> str:
    """kg:mentionsAt, kg:addressesAt, ...: where in a paper an edge from it was read."""
    return _iri(str(predicate(kind)) + "At")


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


# Turtle and JSON-LD are written from the N-Triples of each paper or entity, as graph.nt is,
# so that an update can copy the bytes of what did not change (a dump of the store could not)
TURTLE_PREFIXES = {"rdf": str(RDF), "skos": str(SKOS), "kg": str(KG), "schema": str(SDO)}
TURTLE_HEADER = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in TURTLE_PREFIXES.items()).encode()
# a JSON-LD document is one array: each node object is written with the comma before it, after
# an empty first object, which JSON-LD drops, so that no object depends on what comes before
JSONLD_HEADER, JSONLD_FOOTER = b"[{}\n", b"]\n"
_LOCAL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@lru_cache(maxsize=4096)
def _turtle_term(term: str) -> str:
    """An IRI term of N-Triples as a prefixed name where one of TURTLE_PREFIXES makes it one."""
    if term == _RDF_TYPE:
        return "a"
    if term.startswith("<"):
        for name, iri in TURTLE_PREFIXES.items():
            if term.startswith(iri, 1) and _LOCAL_NAME.fullmatch(term[len(iri) + 1:-1]):
                return f"{name}:{term[len(iri) + 1:-1]}"
    return term


def _triples(data: bytes) -> Iterator[tuple[str, str, str]]:
    """(subject, predicate, object) of each line `ntriples` wrote: no IRI it writes holds a
    space, so only the object may."""
    for line in data.decode("utf-8").splitlines():
        subject, predicate_term, rest = line.split(" ", 2)
        yield subject, predicate_term, rest[:-2]


def _by_subject(data: bytes) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The triples grouped by subject, as they follow one another."""
    subject, pairs = None, []
    for s, p, o in _triples(data):
        if s != subject and pairs:
            yield subject, pairs
            pairs = []
        subject = s
        pairs.append((p, o))
    if pairs:
        yield subject, pairs


def turtle(data: bytes) -> bytes:
    """N-Triples that `ntriples` wrote as Turtle (under TURTLE_HEADER): the same triples."""
    out = []
    for subject, pairs in _by_subject(data):
        body = " ;\n\t".join(f"{_turtle_term(p)} {_turtle_term(o) if o.startswith('<') else o}" for p, o in pairs)
        out.append(f"{subject} {body} .\n")
    return "".join(out).encode("utf-8")


def _jsonld_object(term: str) -> str:
    if term.startswith("<"):
        return '{"@id":"' + term[1:-1] + '"}'
    # a literal `ntriples` wrote is a JSON string (it escapes only as JSON does), then maybe ^^<type>
    text, _, datatype = term.rpartition('"^^<') if term.endswith(">") else (term[:-1], "", "")
    return '{"@value":' + text + '"' + (',"@type":"' + datatype[:-1] + '"' if datatype else "") + "}"


def jsonld(data: bytes) -> bytes:
    """N-Triples that `ntriples` wrote as expanded JSON-LD node objects, each after a comma
    (between JSONLD_HEADER and JSONLD_FOOTER): the same triples."""
    out = []
    for subject, pairs in _by_subject(data):
        values: dict[str, list[str]] = {}
        for p, o in pairs:
            values.setdefault(p[1:-1], []).append(_jsonld_object(o))
        body = ",".join(f'"{p}":[' + ",".join(objects) + "]" for p, objects in values.items())
        out.append(',{"@id":"' + subject[1:-1] + '",' + body + "}\n")
    return "".join(out).encode("utf-8")
