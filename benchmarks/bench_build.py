"""Benchmark `kg build` on one corpus, against floors measured in the same run.

    python benchmarks/bench_build.py CORPUS.jsonl --jobs 1,2 --out results/100k.json

Reports, as JSON (and a summary on stderr):

- the floor: spaCy's bare tokenizer (`spacy.blank("en").tokenizer`) over the same texts the
  pipeline reads (title, blank line, abstract), on one core, in papers per second;
- the machine's ceiling for N cores: the bare tokenizer in N processes at once, one per core,
  against one alone (the speed-up that work with nothing shared gets here);
- for each `--jobs N`: a whole `kg build --jobs N` in a fresh process pinned to N cores: its
  wall and CPU time, throughput per core and as a ratio of the floor, the speed-up over one
  job, the time of each stage, and the peak memory of its whole process tree, sampled every
  0.5 s: the sum of its processes' proportional set sizes (a page shared by n processes
  counts 1/n in each, so that the sum is the memory the build takes) and of their resident
  set sizes (shared pages counted in every process). The CPU time of a worker that ends is
  as last sampled (workers are children of multiprocessing's fork server, which nobody waits
  for);
- store loading, from the one-job build (else the first), the engines on as many cores: the
  rows (nodes and edges) per second the build spent on each store (the CPU time of encoding
  its parts and gathering them, and the time of loading them; for RDF, the build's own
  loader timed again, alone, on graph.nt cut into as many parts as the build had chunks,
  since in the build it shares its core with extraction) against the engine's own bulk
  loader given the same data in one go (LadybugDB `COPY FROM` one Parquet file per table,
  exported from the built store; pyoxigraph `bulk_load` of the build's graph.nt).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from kg import config

RUN_BUILD = """
import json, sys
from pathlib import Path
from kg.build import build
report = build([Path(sys.argv[1])], Path(sys.argv[2]), jobs=int(sys.argv[3]), exports=json.loads(sys.argv[4]))
print(json.dumps({"papers": report.papers, "nodes": report.nodes, "edges": report.edges, "seconds": report.seconds}))
"""


def texts(corpus: Path, batch: int = 1000):
    """Batches of the texts the pipeline tokenizes, read from the corpus."""
    chunk = []
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            paper = json.loads(line)
            chunk.append(" ".join(paper["title"].split()) + "\n\n" + " ".join(paper["abstract"].split()))
            if len(chunk) == batch:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def tokenizer_floor(corpus: Path) -> dict:
    """Papers per second of spaCy's bare tokenizer over the corpus texts (reading not timed)."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    papers, tokens, spent = 0, 0, 0.0
    for batch in texts(corpus):
        start = time.perf_counter()
        tokens += sum(len(doc) for doc in tokenizer.pipe(batch))
        spent += time.perf_counter() - start
        papers += len(batch)
    return {"papers": papers, "seconds": round(spent, 3), "papers_per_second": round(papers / spent, 1),
            "tokens_per_paper": round(tokens / papers, 1)}


def _tokenize_on_core(core: int, batches: list[list[str]], results) -> None:
    import spacy

    os.sched_setaffinity(0, {core})
    tokenizer = spacy.blank("en").tokenizer
    start = time.perf_counter()
    for batch in batches:
        for _ in tokenizer.pipe(batch):
            pass
    results.put(time.perf_counter() - start)


def tokenizer_scaling(corpus: Path, jobs: int, limit: int = 20000) -> dict:
    """The machine's own ceiling for running on `jobs` cores: the bare tokenizer over (the first
    `limit` papers of) the corpus in `jobs` processes at once, one per core, each doing all the
    texts; their papers per second against one such process alone."""
    import multiprocessing

    batches, papers = [], 0
    for batch in texts(corpus):
        batches.append(batch[: limit - papers])
        papers += len(batches[-1])
        if papers >= limit:
            break
    context = multiprocessing.get_context("fork")
    rates = {}
    for n in sorted({1, jobs}):
        results = context.Queue()
        processes = [context.Process(target=_tokenize_on_core, args=(core, batches, results)) for core in range(n)]
        for process in processes:
            process.start()
        slowest = max(results.get() for _ in processes)
        for process in processes:
            process.join()
        rates[n] = n * papers / slowest
    return {"papers": papers, "jobs": jobs, "papers_per_second": round(rates[jobs], 1),
            "speedup": round(rates[jobs] / rates[1], 2)}


def timed_build(corpus: Path, out: Path, jobs: int, exports: list[str]) -> dict:
    """Run one build in a fresh process pinned to `jobs` cores (its RDF loading thread and its
    workers included); its report, wall and CPU time, and the peak memory of its process tree."""
    shutil.rmtree(out, ignore_errors=True)
    cores = list(range(os.cpu_count() or 1))[:jobs]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = psutil.Popen([sys.executable, "-c", RUN_BUILD, str(corpus), str(out), str(jobs), json.dumps(exports)],
                           stdout=subprocess.PIPE, text=True, preexec_fn=lambda: os.sched_setaffinity(0, cores))
    peak_rss = peak_pss = 0
    samples: list[tuple[float, int]] = []  # (seconds since the start, PSS of the tree)
    cpu_by_process: dict[int, float] = {}  # the CPU time each process of the tree had last
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            for member in tree:
                times = member.cpu_times()
                cpu_by_process[member.pid] = times.user + times.system
            memory = [member.memory_full_info() for member in tree]
            peak_rss = max(peak_rss, sum(m.rss for m in memory))
            peak_pss = max(peak_pss, sum(m.pss for m in memory))
            samples.append((time.perf_counter() - start, sum(m.pss for m in memory)))
        except psutil.Error:  # a worker ended while it was read
            pass
        time.sleep(0.5)
    wall = time.perf_counter() - start
    # the build's own CPU time is exact; its workers' is as last sampled, since they are the
    # children of multiprocessing's fork server, which nobody waits for
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(own, cpu_by_process.pop(process.pid, 0.0)) + sum(cpu_by_process.values())
    if process.returncode != 0:
        raise SystemExit(f"bench_build: the build with --jobs {jobs} failed (exit {process.returncode})")
    report = json.loads(process.stdout.read())
    by_stage = peaks_by_stage(samples, report["seconds"], wall)
    return {**report, "jobs": jobs, "cores": len(cores), "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(peak_rss / 2**20), "peak_pss_mb": round(peak_pss / 2**20),
            "peak_pss_mb_by_stage": {stage: round(pss / 2**20) for stage, pss in by_stage.items()}}


BUILD_STAGES = ("ingest", "analyze", "rdf", "cypher")  # the build's laps, in order (text files are written in analyze)


def peaks_by_stage(samples: list[tuple[float, int]], seconds: dict[str, float], end: float) -> dict[str, int]:
    """The largest sample in each stage of a build that ended at `end` (seconds since its process
    started), the stages placed back from the end by their wall times; the process's start-up
    counts as ingest."""
    bounds, stop = {}, end
    for stage in reversed(BUILD_STAGES):
        bounds[stage] = (stop - seconds.get(stage, 0.0), stop)
        stop = bounds[stage][0]
    bounds["ingest"] = (0.0, bounds["ingest"][1])
    return {stage: max((pss for t, pss in samples if bounds[stage][0] <= t < bounds[stage][1]), default=0)
            for stage in BUILD_STAGES}


def export_tables(build: Path, folder: Path) -> list[str]:
    """Export the built Cypher store to one Parquet file per table under `folder`, named as
    the build names them; return the COPY FROM statements that load them."""
    import ladybug

    from kg.graph import EDGE_TYPES, NODE_PROPERTIES
    from kg.stores.cypher_store import table_name

    source = ladybug.Connection(ladybug.Database(str(build / "cypher"), read_only=True))
    copies = []
    for label, properties in NODE_PROPERTIES.items():
        file = folder / f"{table_name(label)}.parquet"
        columns = ", ".join(f"n.{name} AS {name}" for name in properties)
        source.execute(f"COPY (MATCH (n:{label}) RETURN {columns}) TO '{file}'")
        copies.append(f"COPY {label} FROM '{file}'")
    for kind, (properties, pairs) in EDGE_TYPES.items():
        for start, end in pairs:
            file = folder / f"{table_name((kind, start, end))}.parquet"
            columns = "".join(f", r.{name} AS {name}" for name in properties)
            source.execute(f"COPY (MATCH (a:{start})-[r:{kind}]->(b:{end}) RETURN a.id AS `from`, b.id AS `to`{columns}) TO '{file}'")
            ends = f"(from='{start}', to='{end}')" if len(pairs) > 1 else ""
            copies.append(f"COPY {kind} FROM '{file}' {ends}")
    source.close()
    return copies


def cypher_floor(build: Path, scratch: Path) -> float:
    """Seconds LadybugDB's COPY FROM takes to load the built graph from one Parquet file per
    table (exported from the built store, not timed) into a fresh database with the schema
    (not timed), and to close it."""
    import ladybug

    from kg.stores.cypher_store import schema_statements

    copies = export_tables(build, scratch)
    database = ladybug.Database(str(scratch / "db"))
    target = ladybug.Connection(database)
    for statement in schema_statements():
        target.execute(statement)
    start = time.perf_counter()
    for statement in copies:
        target.execute(statement)
    target.close()
    database.close()  # as the build does: the data is on disk when the time stops
    return time.perf_counter() - start


def rdf_floor(build: Path, scratch: Path) -> tuple[float, int]:
    """(seconds, triples) of pyoxigraph's bulk_load of the build's graph.nt into a fresh store."""
    import pyoxigraph

    store = pyoxigraph.Store(str(scratch / "oxigraph"))
    start = time.perf_counter()
    store.bulk_load(path=str(build / "rdf" / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    spent = time.perf_counter() - start
    return spent, len(store)


def rdf_as_built(build: Path, scratch: Path, parts: int) -> float:
    """Seconds the build's own RDF loader takes to load the build's graph.nt, cut at line ends
    into `parts` parts as the build wrote them (the cutting not timed), into a fresh store."""
    from kg.stores.rdf_loader import RdfLoader

    source = build / "rdf" / "graph.nt"
    size = max(1, source.stat().st_size // max(parts, 1))
    blocks = []
    with open(source, "rb") as lines:
        while block := lines.read(size):
            blocks.append(block + lines.readline())  # to the end of the line
    start = time.perf_counter()
    loader = RdfLoader(scratch / "as-built")
    for block in blocks:
        loader.add(block)
    loader.finish()
    return time.perf_counter() - start


def write_figures(figures: dict, out: Path | None) -> None:
    """The figures as JSON, into `out` (its folder made) or else onto stdout."""
    text = json.dumps(figures, indent=2)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")
    else:
        print(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a JSON Lines corpus (see make_corpus.py)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run (default 1,2)")
    parser.add_argument("--exports", default="nt,neo4j", help="the build's --exports (default nt,neo4j; 'none' for none)")
    parser.add_argument("--work", type=Path, help="where builds go (default: a temporary folder, removed after)")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON (default: stdout)")
    parser.add_argument("--no-loading", dest="loading", action="store_false",
                        help="skip the store-loading comparison (it needs graph.nt and room for a second RDF store)")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        parser.error(f"no corpus at {args.corpus}")
    exports = [] if args.exports == "none" else args.exports.split(",")
    if args.loading and "nt" not in exports:
        parser.error("the loading comparison needs the nt export (or give --no-loading)")
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:1])  # floors on one core, as builds with --jobs 1
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: dict = {"corpus": str(args.corpus), "cores": psutil.cpu_count(), "exports": exports}
    print("tokenizer floor ...", file=sys.stderr)
    figures["tokenizer"] = floor = tokenizer_floor(args.corpus)
    figures["builds"] = []
    figures["tokenizer_scaling"] = []
    for jobs in [int(j) for j in args.jobs.split(",")]:
        print(f"kg build --jobs {jobs} ...", file=sys.stderr)
        run = timed_build(args.corpus, work / f"jobs-{jobs}", jobs, exports)
        run["papers_per_second"] = round(run["papers"] / run["wall_seconds"], 1)
        run["per_core"] = round(run["papers_per_second"] / run["cores"], 1)
        run["ratio_to_tokenizer"] = round(run["per_core"] / floor["papers_per_second"], 3)
        if figures["builds"]:
            run["speedup_over_one_job"] = round(figures["builds"][0]["wall_seconds"] / run["wall_seconds"], 2)
            print(f"tokenizer on {jobs} cores ...", file=sys.stderr)
            figures["tokenizer_scaling"].append(tokenizer_scaling(args.corpus, jobs))
        figures["builds"].append(run)
    # loading is compared on the one-job build, where nothing else shares its core, if any
    single = next((run for run in figures["builds"] if run["jobs"] == 1), figures["builds"][0] if figures["builds"] else None)
    for run in figures["builds"]:
        if run is not single:
            shutil.rmtree(work / f"jobs-{run['jobs']}", ignore_errors=True)
    if single and args.loading:
        build = work / f"jobs-{single['jobs']}"
        figures["loading_from_jobs"] = single["jobs"]
        rows = sum(single["nodes"].values()) + sum(single["edges"].values())
        seconds = single["seconds"]
        print("engine bulk loaders ...", file=sys.stderr)
        os.sched_setaffinity(0, list(range(os.cpu_count() or 1))[: single["cores"]])  # the build's cores
        with tempfile.TemporaryDirectory(dir=work) as scratch:
            cypher_engine = cypher_floor(build, Path(scratch))
            rdf_engine, triples = rdf_floor(build, Path(scratch))
            # the build loads RDF on a thread while extraction goes on, on the same core, so the
            # thread's time is not the loading's alone: its loader is timed again, alone
            rdf_ours = rdf_as_built(build, Path(scratch), -(-single["papers"] // config.CHUNK_PAPERS))
        # the N-Triples are encoded with the other text files now ("encode text"), an upper bound
        ours = {"cypher": seconds["encode cypher"] + seconds["append cypher"] + seconds["cypher"],
                "rdf": seconds.get("encode text", 0.0) + rdf_ours}
        figures["loading"] = {
            store: {"rows": rows, "ours_seconds": round(ours[store], 3), "engine_seconds": round(engine, 3),
                    "ours_rows_per_second": round(rows / ours[store]), "engine_rows_per_second": round(rows / engine),
                    "ratio": round(engine / ours[store], 3)}
            for store, engine in (("cypher", cypher_engine), ("rdf", rdf_engine))
        }
        figures["loading"]["rdf"]["triples"] = triples
        # the loading alone: the build's parts into a fresh store against one bulk_load of them all
        figures["loading"]["rdf"]["loading_only"] = {"ours_seconds": round(rdf_ours, 3),
                                                     "ratio": round(rdf_engine / rdf_ours, 3)}
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    write_figures(figures, args.out)
    for run in figures["builds"]:
        print(f"jobs {run['jobs']}: {run['papers_per_second']} papers/s, {run['per_core']}/core = "
              f"{run['ratio_to_tokenizer']} x tokenizer ({floor['papers_per_second']}/s), peak {run['peak_pss_mb']} MB",
              file=sys.stderr)
    for scaling in figures["tokenizer_scaling"]:
        print(f"the tokenizer alone on {scaling['jobs']} cores: speed-up {scaling['speedup']}", file=sys.stderr)
    for store, load in figures.get("loading", {}).items():
        print(f"{store}: {load['ours_rows_per_second']} rows/s vs engine {load['engine_rows_per_second']} = {load['ratio']}"
              + (f"; loading alone {load['loading_only']['ratio']}" if "loading_only" in load else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
