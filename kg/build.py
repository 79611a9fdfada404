"""`kg build`: ingest, extract, link and graph, then every store and export in one folder.

A build streams. The papers are gathered (copies merged) in an SQLite file beside the build,
then read back in id order in chunks; each chunk is analyzed on its own (in this process, on
local worker processes or on a Dask cluster) into its lines of the JSONL files and its rows,
already encoded by each sink (each store and export: kg/stores/sink.py) as a part of its
output. Only the entities, shared between papers, are merged in memory. The sinks take the
parts as they come (the RDF sink bulk-loads them into Oxigraph on a thread, the Cypher sink
appends them to its Parquet tables) and finish at the end (LadybugDB's bulk load, the merged
exports). Results come back in chunk order, so a build is the same byte for byte however and
wherever it ran.

A build is written beside the target folder and swapped in only when complete, so a failed or
interrupted build leaves the folder as it was (see kg/build_folder.py: which folders a build may
replace, and how). The folder keeps the papers it was built from (`papers.jsonl`): building
again with more input rebuilds from the union, so a second build of the same input changes
nothing and a new paper adds exactly its own nodes and edges; a build that would hold fewer
papers than the folder does is refused.

Layout of a build folder:

    papers.jsonl        the papers, one per line (as `kg ingest` writes them)
    extraction.jsonl    the extraction record of each paper (as `kg extract` writes them)
    cypher/             the embedded Cypher store (LadybugDB)
    rdf/                the Oxigraph store (oxigraph/), graph.nt, graph.ttl and graph.jsonld
    graph.graphml       the graph for networkx and other tools
    neo4j/              CSVs and the command for neo4j-admin database import

N-Triples, Turtle, JSON-LD, GraphML and the neo4j-admin CSVs are exports that can be left
out (`--exports`): a build of a million papers may not want copies of the graph besides the
stores.
    manifest.json       "kind": "kg build", node and edge counts, and the kg version that built it
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__, config
from kg.build_folder import KIND, MANIFEST, PAPERS_FILE, install, only_build_into, prepare, target_folder, work_folder
from kg.executors import run_in_order
from kg.graph import EntityGraph, GraphRows, add_counts, paper_rows
from kg.ingest import read_papers
from kg.ontology import load_ontology
from kg.paper_sets import PaperSpool
from kg.records import IngestReport, KGError, Paper
from kg.stores.cypher_store import CypherSink
from kg.stores.exports import GraphmlSink, Neo4jCsvSink
from kg.stores.rdf_loader import RdfSink
from kg.stores.sink import Sink

if TYPE_CHECKING:
    from kg.analysis import Analyzer

# every store and export a build can write, in the order they finish (see kg/stores/sink.py)
SINKS: tuple[type[Sink], ...] = (RdfSink, CypherSink, GraphmlSink, Neo4jCsvSink)


@dataclass
class BuildReport:
    ingest: IngestReport
    papers: int = 0
    added: int = 0
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    # wall time of each stage; the CPU time (summed over workers) spent encoding store parts
    # and gathering the Cypher tables (CPU time, since other threads share the cores); and the
    # time spent loading the RDF store (on a thread, while the analysis goes on)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class ChunkResult:
    """What the analysis of one chunk of papers gives the build: its lines of papers.jsonl and
    extraction.jsonl, its rows encoded as a part of each store and export (by sink name),
    the entities and entity edges it adds to the shared entity graph, and its node and edge
    counts, and the seconds it spent encoding each store's part."""

    papers: int
    paper_lines: str
    record_lines: str
    parts: dict[str, Any]
    shared: GraphRows
    nodes: dict[str, int]
    edges: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def sinks_for(exports: Iterable[str]) -> tuple[type[Sink], ...]:
    """The sinks of a build that writes the file `exports` named (see config.EXPORTS)."""
    exports = tuple(exports)
    return tuple(sink for sink in SINKS if sink.export is None or sink.export in exports)


def encode_parts(rows: list[GraphRows], sinks: Iterable[type[Sink]], seconds: dict[str, float]) -> dict[str, Any]:
    """The rows (of one paper each, or of the entities) as a part of each sink's output, by
    sink name; the CPU time each encoding took is added to `seconds`."""
    parts = {}
    for sink in sinks:
        start = time.thread_time()
        parts[sink.name] = sink.encode(rows)
        seconds[f"encode {sink.name}"] = seconds.get(f"encode {sink.name}", 0.0) + time.thread_time() - start
    return parts


def shared_analyzer(ontology_dir: Path | None = None) -> Analyzer:
    """This process's analyzer (see kg.analysis.shared_analyzer)."""
    # imported here: spaCy takes seconds to load, and a build that stops before analyzing (a
    # refused folder, a bad input) should not wait for it
    from kg import analysis

    return analysis.shared_analyzer(ontology_dir)


def analyze_chunk(
    papers: list[Paper], exports: tuple[str, ...] = config.EXPORTS, ontology_dir: Path | None = None
) -> ChunkResult:
    """Analyze and graph one chunk of papers (on whichever worker runs it), with the ontology
    in `ontology_dir` (the shipped one by default)."""
    analyzer = shared_analyzer(ontology_dir)
    rows, shared, paper_lines, record_lines = [], GraphRows(), [], []
    for analysis in analyzer.analyze(papers):
        rows.append(paper_rows(analysis, analyzer.ontology))
        shared.entities += rows[-1].entities
        shared.entity_edges += rows[-1].entity_edges
        paper_lines.append(json.dumps(analysis.paper.to_dict(), ensure_ascii=False) + "\n")
        record_lines.append(json.dumps(analysis.to_record(), ensure_ascii=False) + "\n")
    counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for paper in rows:
        add_counts(counts, paper)
    seconds: dict[str, float] = {}
    parts = encode_parts(rows, sinks_for(exports), seconds)
    return ChunkResult(len(papers), "".join(paper_lines), "".join(record_lines), parts, shared, *counts, seconds)


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    chunk: list[Paper] = []
    for paper in papers:
        chunk.append(paper)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(
    paths: Iterable[Path], out: Path, *, format: str | None = None, skip_bad: bool = False, jobs: int = 1,
    executor: str = "local", scheduler: str | None = None, chunk_size: int = config.CHUNK_PAPERS,
    exports: Iterable[str] = config.EXPORTS, on_start: Callable[[int], None] | None = None, on_chunk: Callable[[int], None] | None = None,
    ontology_dir: Path | None = None,
) -> BuildReport:
    """Build (or extend) the stores in `out` from the papers under `paths`, with the file
    `exports` named (see config.EXPORTS) and the ontology in `ontology_dir` (the shipped one by
    default). `on_start` is told how many papers there are to analyze, `on_chunk` how many each
    finished chunk held."""
    exports, paths = tuple(exports), [Path(path) for path in paths]
    target = target_folder(Path(out), paths)
    with only_build_into(target, Path(out)):
        try:
            return _build(paths, Path(out), target, format=format, skip_bad=skip_bad, jobs=jobs, executor=executor,
                          scheduler=scheduler, chunk_size=chunk_size, exports=exports, on_start=on_start,
                          on_chunk=on_chunk, ontology_dir=ontology_dir)
        except OSError as error:  # such as a full disk
            raise KGError(f"--out {out}: {error.filename or ''}: {error.strerror or error}") from None


def _build(
    paths: list[Path], out: Path, target: Path, *, format: str | None, skip_bad: bool, jobs: int, executor: str,
    scheduler: str | None, chunk_size: int, exports: tuple[str, ...], on_start: Callable[[int], None] | None,
    on_chunk: Callable[[int], None] | None, ontology_dir: Path | None,
) -> BuildReport:
    prepare(target, Path(out), paths)
    previous = target / PAPERS_FILE
    before = _count_papers(target)
    work = work_folder(target)
    work.mkdir(parents=True)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    sinks: list[Sink] = []

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(seconds.get(stage, 0.0) + now - clock, 3)
        clock = now

    try:
        spool = PaperSpool(work / ".papers.sqlite")
        # the folder's own papers are JSON Lines whatever `format` says of the new input
        ingest_report = _combined(
            read_papers([previous] if previous.exists() else [], spool, format="jsonl", skip_bad=skip_bad),
            read_papers(paths, spool, format=format, skip_bad=skip_bad))
        total = len(spool)
        if total < before:
            raise KGError(f"--out {out}: the build would hold {total} papers, fewer than the {before} the folder "
                          "holds; nothing was changed")
        lap("ingest")
        if on_start:
            on_start(total)
        if executor == "local" and jobs <= 1:
            shared_analyzer(ontology_dir)  # made before the progress bar starts; worker processes make their own
        parts, counts, encoding = work / ".parts", ({}, {}), {}
        entities = EntityGraph(load_ontology(ontology_dir))
        sink_classes = sinks_for(exports)
        sinks += [sink_class(parts / sink_class.name, exports) for sink_class in sink_classes]

        def take(index: str, chunk_parts: dict[str, Any]) -> None:
            for sink in sinks:
                sink.add(index, chunk_parts[sink.name])
        with open(work / PAPERS_FILE, "w", encoding="utf-8") as papers_out, \
                open(work / "extraction.jsonl", "w", encoding="utf-8") as records_out:
            chunks = _chunks(spool, chunk_size)
            for index, result in enumerate(run_in_order(partial(analyze_chunk, exports=exports, ontology_dir=ontology_dir), chunks, jobs=jobs, executor=executor, scheduler=scheduler), 1):
                papers_out.write(result.paper_lines)
                records_out.write(result.record_lines)
                take(f"{index:07d}", result.parts)
                entities.add(result.shared)
                for stage, spent in result.seconds.items():
                    encoding[stage] = encoding.get(stage, 0.0) + spent
                for total_counts, chunk_counts in zip(counts, (result.nodes, result.edges)):
                    for key, n in chunk_counts.items():
                        total_counts[key] = total_counts.get(key, 0) + n
                if on_chunk:
                    on_chunk(result.papers)
        spool.close()
        (work / ".papers.sqlite").unlink()
        # the entities' parts go first among the parts of each output ("0000000-..." sorts first)
        for number, entity_rows in enumerate(entities.rows(), 1):
            add_counts(counts, entity_rows)
            take(f"{0:07d}-{number:05d}", encode_parts([entity_rows], sink_classes, encoding))
        del entities
        lap("analyze")
        for sink in sinks:
            sink.finish(work)
            lap(sink.stage)
            encoding |= sink.seconds
        seconds |= {stage: round(spent, 3) for stage, spent in sorted(encoding.items())}
        shutil.rmtree(parts)
        nodes, edges = (dict(sorted(c.items())) for c in counts)
        manifest = {"kind": KIND, "kg_version": __version__, "papers": total, "nodes": nodes, "edges": edges}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        for sink in sinks:
            sink.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        install(work, target)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise KGError(f"--out {out}: cannot put the build in place: {error.strerror or error}") from None
    return BuildReport(ingest_report, total, total - before, nodes, edges, seconds)


def _count_papers(folder: Path) -> int:
    """How many papers the build in `folder` holds (0 for a new or empty folder)."""
    if not (folder / PAPERS_FILE).exists():
        return 0
    with open(folder / PAPERS_FILE, encoding="utf-8") as papers:
        return sum(1 for line in papers if line.strip())


def _combined(*reports: IngestReport) -> IngestReport:
    """One report of several reads: counts added, lists joined."""
    return IngestReport(**{
        name.name: sum((getattr(report, name.name) for report in reports[1:]), getattr(reports[0], name.name))
        for name in dataclasses.fields(IngestReport)
    })
