"""`kg build`: ingest, extract, link and graph, then every store and export in one folder.

A build is written beside the target folder and swapped in only when complete, so a failed or
interrupted build leaves the folder as it was. The folder keeps the papers it was built from
(`papers.jsonl`): building again with more input rebuilds from the union, so a second build of
the same input changes nothing and a new paper adds exactly its own nodes and edges.

Layout of a build folder:

    papers.jsonl        the papers, one per line (as `kg ingest` writes them)
    extraction.jsonl    the extraction record of each paper (as `kg extract` writes them)
    cypher/             the embedded Cypher store (LadybugDB)
    rdf/                graph.ttl, graph.nt, graph.jsonld and the Oxigraph store (oxigraph/)
    graph.graphml       the graph for networkx and other tools
    neo4j/              CSVs and the command for neo4j-admin database import
    manifest.json       node and edge counts, and the kg version that built it
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg import __version__
from kg.atomic_file import write_atomically
from kg.extract import build_pipeline, extract_mentions, load_ontology
from kg.graph import add_paper, label_counts
from kg.ingest import ingest, write_papers
from kg.link import Linker, link_mentions, paper_record
from kg.ontology import Ontology
from kg.records import IngestReport, LinkedMention, Paper
from kg.stores.cypher_store import write_cypher_store
from kg.stores.exports import write_graphml, write_neo4j_csvs
from kg.stores.rdf_store import write_rdf_store

PAPERS_FILE = "papers.jsonl"


@dataclass
class BuildReport:
    ingest: IngestReport
    papers: int = 0
    added: int = 0
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)


def analyze(papers: Iterable[Paper], ontology: Ontology) -> Iterator[tuple[Paper, list[LinkedMention], dict]]:
    """Each paper with its linked mentions and its extraction record."""
    linker = Linker(ontology)
    for paper, mentions in extract_mentions(papers, build_pipeline()):
        linked = link_mentions(mentions, linker)
        yield paper, linked, paper_record(paper, linked, ontology)


def build_graph(
    papers: list[Paper], ontology: Ontology, *, on_paper: Callable[[dict], None] | None = None
) -> nx.MultiDiGraph:
    """The graph of the papers; `on_paper` sees each extraction record as it is made."""
    graph = nx.MultiDiGraph()
    for paper, linked, record in analyze(sorted(papers, key=lambda p: p.id), ontology):
        add_paper(graph, paper, linked, record, ontology)
        if on_paper:
            on_paper(record)
    return graph


def build(
    paths: Iterable[Path], out: Path, *, format: str | None = None, skip_bad: bool = False,
    on_paper: Callable[[dict], None] | None = None,
) -> BuildReport:
    """Build (or extend) the stores in `out` from the papers under `paths`."""
    out = Path(out)
    previous = out / PAPERS_FILE
    inputs = ([previous] if previous.exists() else []) + list(paths)
    papers, ingest_report = ingest(inputs, format=format, skip_bad=skip_bad)
    before = sum(1 for _ in open(previous, encoding="utf-8")) if previous.exists() else 0
    ontology = load_ontology()
    work = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        write_papers(sorted(papers, key=lambda p: p.id), work / PAPERS_FILE)
        with write_atomically(work / "extraction.jsonl") as records:
            def keep(record: dict) -> None:
                records.write(json.dumps(record, ensure_ascii=False) + "\n")
                if on_paper:
                    on_paper(record)

            graph = build_graph(papers, ontology, on_paper=keep)
        write_cypher_store(graph, work / "cypher")
        (work / "rdf").mkdir()
        write_rdf_store(graph, work / "rdf")
        write_graphml(graph, work / "graph.graphml")
        write_neo4j_csvs(graph, work / "neo4j")
        nodes, edges = label_counts(graph)
        manifest = {"kg_version": __version__, "papers": len(papers), "nodes": nodes, "edges": edges}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        _swap(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BuildReport(ingest_report, len(papers), len(papers) - before, nodes, edges)


def _swap(work: Path, out: Path) -> None:
    """Put the finished build in place of `out`; the old one is removed only after."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(work, out)
    shutil.rmtree(old, ignore_errors=True)
