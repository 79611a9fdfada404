"""`kg build`: ingest, extract, link and graph, then every store and export in one folder.

A build streams. The papers are gathered (copies merged) in an SQLite file, the build's index
(kg/build_index.py), then read back in id order in chunks; each chunk is analyzed on its own
(in this process, on local worker processes or on a Dask cluster) into its segment of every
text file (kg/stores/text_outputs.py) and its part of each store (kg/stores/sink.py). Only the
entities, shared between papers, are merged in memory. The text files are written as the
chunks come; the RDF sink bulk-loads its parts into Oxigraph on a thread, the Cypher sink
appends them to its Parquet tables and bulk-loads LadybugDB at the end. Results come back in
chunk order, so a build is the same byte for byte however and wherever it ran.

Building into a build is an update. Only papers that are new or whose text changed are
analyzed (the index keeps every analysis under a digest of the paper's title and abstract);
the entities are merged again from what each paper contributes; and only the units of the
graph that changed (papers, entities, entity edges) are written: the text files are copied
from the old ones but for those units, the RDF store is a copy (hard links) of the old one
with their old triples removed and new ones added, the Cypher store a copy with their nodes
and edges replaced. The result is the same as a full build of all the papers. When the
extractor changed (kg's version or code, the ontology) or the exports asked for did, every
paper is built again, and the command says why.

A build or update is written beside the target folder and swapped in only when complete, so a
failed or interrupted one leaves the folder as it was (see kg/build_folder.py: which folders a build may
replace, and how). The folder keeps the papers it was built from (in its index, and as `papers.jsonl`): building
again with more input builds the union, so a second build of the same input changes nothing
and a new paper adds exactly its own nodes and edges; a build that would hold fewer papers
than the folder does is refused.

Layout of a build folder:

    papers.jsonl        the papers, one per line (as `kg ingest` writes them)
    index.sqlite        the build's index, which updates use (kg/build_index.py)
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

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__, config
from kg.build_folder import KIND, MANIFEST, PAPERS_FILE, install, only_build_into, prepare, target_folder, work_folder
from kg.build_index import INDEX_FILE, BuildIndex, extractor_key, rows_digest, text_digest
from kg.executors import run_in_order
from kg.graph import EntityGraph, GraphRows, add_counts, paper_key, paper_rows
from kg.ingest import read_papers
from kg.ontology import load_ontology
from kg.paper_sets import PaperSpool
from kg.records import IngestReport, KGError, Paper, PaperAnalysis
from kg.stores.cypher_store import CypherSink, CypherUpdate
from kg.stores.rdf_loader import RdfSink, update_rdf_store
from kg.stores.rdf_store import ntriples
from kg.stores.text_outputs import TextOutput, TextWriter, UnitText, lengths, rewrite, text_outputs, unit_text

if TYPE_CHECKING:
    from kg.analysis import Analyzer

ENTITY_BATCH = 50_000  # entity rows encoded for the stores at once


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
    analyzed: int = 0  # papers the extractor read (the others' analyses were kept)
    updated: bool = False  # whether only what changed was written (else everything was)
    reason: str | None = None  # why everything was built again in a folder that held a build
    units: int = 0  # units of the graph (papers, entities, entity edges) written


@dataclass
class ChunkResult:
    """What the analysis of one chunk of papers gives the build: each paper's analysis, what
    it contributes to the shared entity graph and its text (kg/stores/text_outputs.py); the
    chunk's part of each store (by sink name); its node and edge counts; the seconds it spent
    encoding each store's part; and how many papers the extractor read."""

    analyses: list[PaperAnalysis]
    contributions: list[GraphRows]
    texts: list[UnitText]
    parts: dict[str, Any]
    nodes: dict[str, int]
    edges: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    analyzed: int = 0

    @property
    def papers(self) -> int:
        return len(self.analyses)

    @property
    def shared(self) -> GraphRows:
        """What the chunk's papers contribute to the entity graph, together."""
        shared = GraphRows()
        for rows in self.contributions:
            shared.extend(rows)
        return shared


def store_parts(rows: list[GraphRows], texts: list[UnitText], seconds: dict[str, float]) -> dict[str, Any]:
    """The rows (of one paper each, or of entities) as a part of each store, by sink name:
    their N-Triples (already in `texts`) and their Parquet tables; the CPU time the encoding
    took is added to `seconds`."""
    start = time.thread_time()
    parts = {RdfSink.name: b"".join(text.ntriples for text in texts), CypherSink.name: CypherSink.encode(rows)}
    seconds["encode cypher"] = seconds.get("encode cypher", 0.0) + time.thread_time() - start
    return parts


def shared_analyzer(ontology_dir: Path | None = None) -> Analyzer:
    """This process's analyzer (see kg.analysis.shared_analyzer)."""
    # imported here: spaCy takes seconds to load, and a build that stops before analyzing (a
    # refused folder, a bad input) should not wait for it
    from kg import analysis

    return analysis.shared_analyzer(ontology_dir)


def analyze_chunk(
    papers: list[Paper | tuple[Paper, PaperAnalysis | None]], exports: tuple[str, ...] = config.EXPORTS,
    ontology_dir: Path | None = None,
) -> ChunkResult:
    """Analyze and graph one chunk of papers (on whichever worker runs it), with the ontology
    in `ontology_dir` (the shipped one by default). A paper may come with its kept analysis
    (`paper`, `analysis` whose paper is unset), which is used instead of analyzing it again."""
    items = [item if isinstance(item, tuple) else (item, None) for item in papers]
    outputs = text_outputs(exports)
    to_read = [paper for paper, kept in items if kept is None]
    fresh = shared_analyzer(ontology_dir).analyze(to_read) if to_read else iter(())
    ontology = load_ontology(ontology_dir)
    seconds: dict[str, float] = {}
    analyses, contributions, texts, rows_list = [], [], [], []
    counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for paper, kept in items:
        analysis = next(fresh) if kept is None else replace(kept, paper=paper)
        rows = paper_rows(analysis, ontology)
        start = time.thread_time()
        texts.append(unit_text(paper_key(paper.id), rows, outputs, paper.to_dict(), analysis.to_record()))
        seconds["encode text"] = seconds.get("encode text", 0.0) + time.thread_time() - start
        add_counts(counts, rows)
        analyses.append(analysis)
        contributions.append(GraphRows(entities=rows.entities, entity_edges=rows.entity_edges))
        rows_list.append(rows)
    parts = store_parts(rows_list, texts, seconds)
    return ChunkResult(analyses, contributions, texts, parts, *counts, seconds, len(to_read))


def _chunks(papers: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
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
    ontology_dir: Path | None = None, on_note: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build (or update) the stores in `out` from the papers under `paths`, with the file
    `exports` named (see config.EXPORTS) and the ontology in `ontology_dir` (the shipped one by
    default). `on_start` is told how many papers there are to graph, `on_chunk` how many each
    finished chunk held, `on_note` why a build into a build builds everything again."""
    exports, paths = tuple(exports), [Path(path) for path in paths]
    target = target_folder(Path(out), paths)
    with only_build_into(target, Path(out)):
        try:
            return _Build(paths, Path(out), target, format=format, skip_bad=skip_bad, jobs=jobs, executor=executor,
                          scheduler=scheduler, chunk_size=chunk_size, exports=exports, on_start=on_start,
                          on_chunk=on_chunk, ontology_dir=ontology_dir, on_note=on_note).run()
        except OSError as error:  # such as a full disk
            raise KGError(f"--out {out}: {error.filename or ''}: {error.strerror or error}") from None
        except EOFError as error:  # a text file shorter than the index says, changed since the size check
            raise KGError(f"--out {out}: {error}; nothing was changed") from None


@dataclass
class _Build:
    paths: list[Path]
    out: Path
    target: Path
    format: str | None
    skip_bad: bool
    jobs: int
    executor: str
    scheduler: str | None
    chunk_size: int
    exports: tuple[str, ...]
    on_start: Callable[[int], None] | None
    on_chunk: Callable[[int], None] | None
    ontology_dir: Path | None
    on_note: Callable[[str], None] | None
    seconds: dict[str, float] = field(default_factory=dict)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self._clock, 3)
        self._clock = now

    def run(self) -> BuildReport:
        prepare(self.target, self.out, self.paths)
        self.work = work_folder(self.target)
        self.work.mkdir(parents=True)
        self._clock = time.perf_counter()
        self.sinks: list[Any] = []
        self.spool: PaperSpool | None = None
        try:
            report = self._run()
            self.spool.close()
            self.spool = None
            if report.updated and report.units == 0:  # nothing changed: the folder stays as it is
                shutil.rmtree(self.work)
                return report
        except BaseException:
            for sink in self.sinks:
                sink.close()
            if self.spool is not None:
                self.spool.close()
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        try:
            install(self.work, self.target)
        except OSError as error:
            shutil.rmtree(self.work, ignore_errors=True)
            raise KGError(f"--out {self.out}: cannot put the build in place: {error.strerror or error}") from None
        return report

    def _run(self) -> BuildReport:
        old_index = self.target / INDEX_FILE
        has_index = old_index.exists() and (self.target / MANIFEST).exists()
        if has_index:
            shutil.copyfile(old_index, self.work / INDEX_FILE)
        self.spool = spool = PaperSpool(self.work / INDEX_FILE)
        index = BuildIndex(spool.db)
        self.ontology = load_ontology(self.ontology_dir)
        self.outputs = text_outputs(self.exports)
        key = extractor_key(self.ontology)
        reason = index.why_rebuild(key, [output.path for output in self.outputs]) if has_index else None
        if has_index and reason is None and not index.files_intact(self.target):
            reason = "its files were changed after it was built"
        previous = self.target / PAPERS_FILE
        before = len(spool) if has_index else _count_papers(self.target)
        if not has_index and previous.exists():  # a build made before builds kept an index
            # the folder's own papers are JSON Lines whatever `format` says of the new input
            read_papers([previous], spool, format="jsonl", skip_bad=self.skip_bad)
            reason = "the build has no index (made by an older kg)"
        spool.track()
        ingest_report = read_papers(self.paths, spool, format=self.format, skip_bad=self.skip_bad)
        total = len(spool)
        if total < before:
            raise KGError(f"--out {self.out}: the build would hold {total} papers, fewer than the {before} the folder "
                          "holds; nothing was changed")
        self.lap("ingest")
        if has_index and reason is None:
            report = self._update(spool, index)
        else:
            if reason and before:
                if self.on_note:
                    self.on_note(f"building all {total} papers again: {reason}")
            if not index.analyses_valid(key):
                index.forget_analyses()
            index.start(key, [output.path for output in self.outputs])
            report = self._full(spool, index)
            report.reason = reason if before else None
        report.ingest, report.papers, report.added = ingest_report, total, total - before
        index.note_sizes(self.work, self.outputs)
        spool.commit()
        manifest = {"kind": KIND, "kg_version": __version__, "papers": total, "nodes": report.nodes, "edges": report.edges}
        (self.work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        report.seconds = self.seconds | report.seconds
        return report

    def _analyze(self, items: Iterable[tuple[Paper, PaperAnalysis | None]], *, reads: bool = True) -> Iterator[ChunkResult]:
        """The chunks of `items` analyzed, in order; `reads`: whether some paper has no kept
        analysis (so that this process, with one local job, needs the extractor)."""
        if reads and self.executor == "local" and self.jobs <= 1:
            shared_analyzer(self.ontology_dir)  # made before the progress bar starts; worker processes make their own
        function = partial(analyze_chunk, exports=self.exports, ontology_dir=self.ontology_dir)
        yield from run_in_order(function, _chunks(items, self.chunk_size), jobs=self.jobs, executor=self.executor,
                                scheduler=self.scheduler)

    def _kept(self, index: BuildIndex, papers: Iterable[Paper]) -> Iterator[tuple[Paper, PaperAnalysis | None]]:
        for paper in papers:
            yield paper, index.analysis(paper.id, text_digest(paper.title, paper.abstract))

    def _full(self, spool: PaperSpool, index: BuildIndex) -> BuildReport:
        """Write every text output and store from all the papers."""
        total = len(spool)
        if self.on_start:
            self.on_start(total)
        counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
        encoding: dict[str, float] = {}
        parts = self.work / ".parts"
        rdf, cypher = RdfSink(parts / RdfSink.name, self.exports), CypherSink(parts / CypherSink.name, self.exports)
        self.sinks = [rdf, cypher]
        entities = EntityGraph(self.ontology)
        writer = TextWriter(self.work, self.outputs)
        analyzed = units = 0
        try:
            # the papers stream from the spool: a million of them need not fit in memory
            for number, result in enumerate(self._analyze(self._kept(index, spool)), 1):
                for analysis, contribution, text in zip(result.analyses, result.contributions, result.texts):
                    writer.write(text.segments)
                    index.put_analysis(analysis, contribution)
                    index.put_unit(text.key, lengths(text))
                    entities.add(contribution)
                self._take(f"{number:07d}", result.parts)
                analyzed, units = analyzed + result.analyzed, units + result.papers
                _add(counts, result.nodes, result.edges)
                _add_seconds(encoding, result.seconds)
                if self.on_chunk:
                    self.on_chunk(result.papers)
            batch, texts = [], []
            for key, rows in entities.units():
                text = unit_text(key, rows, self.outputs)
                writer.write(text.segments)
                index.put_unit(key, lengths(text), rows, rows_digest(rows))
                add_counts(counts, rows)
                batch.append(rows)
                texts.append(text)
                units += 1
                if len(batch) == ENTITY_BATCH:
                    self._take(f"{0:07d}-{units:09d}", store_parts(batch, texts, encoding))
                    batch, texts = [], []
            if batch:
                self._take(f"{0:07d}-{units:09d}", store_parts(batch, texts, encoding))
            writer.close()
        except BaseException:
            writer.abandon()
            raise
        del entities
        self.lap("analyze")
        for sink in self.sinks:
            sink.finish(self.work)
            self.lap(sink.stage)
            encoding |= sink.seconds
        shutil.rmtree(parts)
        nodes, edges = (dict(sorted(c.items())) for c in counts)
        return BuildReport(IngestReport(), nodes=nodes, edges=edges, analyzed=analyzed, units=units,
                           seconds={stage: round(spent, 3) for stage, spent in sorted(encoding.items())})

    def _take(self, number: str, parts: dict[str, Any]) -> None:
        for sink in self.sinks:
            sink.add(number, parts[sink.name])

    def _rewrite_text(self, changed: dict[str, UnitText | None]) -> None:
        """Write the text outputs of an update from the old build's (its index read on a
        connection of this thread's own)."""
        writer = TextWriter(self.work, self.outputs)
        old = BuildIndex.read_only(self.target / INDEX_FILE)
        try:
            start = time.perf_counter()
            rewrite(self.target, writer, old.units(), changed)
            writer.close()
            self.seconds["text (on a thread)"] = round(time.perf_counter() - start, 3)
        except BaseException:
            writer.abandon()
            raise
        finally:
            old.db.close()

    def _update(self, spool: PaperSpool, index: BuildIndex) -> BuildReport:
        """Write only the units that changed: see the module's docstring."""
        old, new = spool.changes()
        if self.on_start:
            self.on_start(len(new))
        manifest = json.loads((self.target / MANIFEST).read_text(encoding="utf-8"))
        counts = (dict(manifest["nodes"]), dict(manifest["edges"]))
        changed: dict[str, UnitText | None] = {paper_key(paper_id): None for paper_id in old}
        old_rows: list[GraphRows] = []  # the rows of every unit replaced or removed, as they were
        for paper_id, paper in old.items():
            kept = index.old_analysis(paper_id)
            if kept is not None:
                old_rows.append(paper_rows(replace(kept, paper=paper), self.ontology))
        # the papers new or changed, analyzed (or their kept analysis used) and graphed
        new_rows: list[GraphRows] = []
        store_parts_of_papers: list[dict[str, Any]] = []
        encoding: dict[str, float] = {}
        analyzed = 0
        items = list(self._kept(index, (new[paper_id] for paper_id in sorted(new))))
        for result in self._analyze(items, reads=any(kept is None for _, kept in items)):
            for analysis, contribution, text in zip(result.analyses, result.contributions, result.texts):
                index.put_analysis(analysis, contribution)
                changed[text.key] = text
            store_parts_of_papers.append(result.parts)
            _add(counts, result.nodes, result.edges)
            _add_seconds(encoding, result.seconds)
            analyzed += result.analyzed
            if self.on_chunk:
                self.on_chunk(result.papers)
        index.drop_analyses(set(old) - set(new))
        self.lap("analyze")
        # the entities merged again from every paper, and those whose rows changed
        entities = EntityGraph(self.ontology)
        for contributed in index.contributions():
            entities.add_contribution(*contributed)
        digests = index.entity_digests()
        existed = set(digests)
        entity_rows: dict[str, tuple[GraphRows, bytes]] = {}
        for key, rows in entities.units():
            digest = rows_digest(rows)
            if digests.pop(key, None) != digest:
                changed[key] = unit_text(key, rows, self.outputs)
                entity_rows[key] = (rows, digest)
                add_counts(counts, rows)
        del entities
        for key in digests:  # entities and entity edges no paper gives any more
            changed[key] = None
        for key in changed:
            if key in existed:
                old_rows.append(index.unit_rows(key))
        for rows in old_rows:
            _subtract(counts, rows)
        self.lap("entities")
        # the text outputs (the old files with the changed units in their places) are written
        # on a thread, mostly by the kernel, while the stores are updated
        writing = _Thread(self._rewrite_text, changed)
        try:
            added_texts = [text for text in changed.values() if text is not None]
            update_rdf_store(self.target / "rdf", self.work / "rdf", remove=b"".join(ntriples(rows) for rows in old_rows),
                             add=b"".join(text.ntriples for text in added_texts))
            self.lap("rdf")
            update = CypherUpdate(self.work / ".parts" / "cypher")
            for rows in old_rows:
                update.remove(rows)
            for parts in store_parts_of_papers:
                update.add_parts(parts[CypherSink.name])
            update.add_rows([rows for key, (rows, _) in entity_rows.items()], existed)
            update.apply(self.target / "cypher", self.work / "cypher")
            shutil.rmtree(self.work / ".parts", ignore_errors=True)
            self.lap("cypher")
        except BaseException:
            writing.join(quiet=True)  # its files are in the work folder, which goes
            raise
        writing.join()
        self.lap("text (the rest of its thread)")
        # the index: each unit's lengths, the entities' rows, what this generation changed
        for key, text in changed.items():
            if text is None:
                index.drop_units([key])
            elif key in entity_rows:
                index.put_unit(key, lengths(text), *entity_rows[key])
            else:
                index.put_unit(key, lengths(text))
        generation = index.generation + 1
        index.set("generation", str(generation))
        index.record_changes(generation, changed)
        nodes, edges = (dict(sorted((k, v) for k, v in c.items() if v)) for c in counts)
        return BuildReport(IngestReport(), nodes=nodes, edges=edges, analyzed=analyzed, updated=True,
                           units=len(changed), seconds={stage: round(spent, 3) for stage, spent in sorted(encoding.items())})


class _Thread(threading.Thread):
    """`function(*args)` on a thread; `join` raises what it raised."""

    def __init__(self, function: Callable[..., None], *args: Any):
        super().__init__(name=function.__name__, daemon=True)
        self.function, self.args, self.error = function, args, None
        self.start()

    def run(self) -> None:
        try:
            self.function(*self.args)
        except BaseException as error:  # raised again by join()
            self.error = error

    def join(self, timeout: float | None = None, *, quiet: bool = False) -> None:
        super().join(timeout)
        if self.error is not None and not quiet:
            raise self.error


def _count_papers(folder: Path) -> int:
    """How many papers the build in `folder` holds (0 for a new or empty folder)."""
    if not (folder / PAPERS_FILE).exists():
        return 0
    with open(folder / PAPERS_FILE, encoding="utf-8") as papers:
        return sum(1 for line in papers if line.strip())


def _add(counts: tuple[dict[str, int], dict[str, int]], nodes: dict[str, int], edges: dict[str, int]) -> None:
    for total, found in zip(counts, (nodes, edges)):
        for key, n in found.items():
            total[key] = total.get(key, 0) + n


def _subtract(counts: tuple[dict[str, int], dict[str, int]], rows: GraphRows) -> None:
    found: tuple[dict[str, int], dict[str, int]] = ({}, {})
    add_counts(found, rows)
    for total, part in zip(counts, found):
        for key, n in part.items():
            total[key] = total.get(key, 0) - n


def _add_seconds(total: dict[str, float], seconds: dict[str, float]) -> None:
    for stage, spent in seconds.items():
        total[stage] = total.get(stage, 0.0) + spent


