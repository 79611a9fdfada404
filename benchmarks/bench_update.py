"""Benchmark an update against a full build, and check that they give the same graph.

    python benchmarks/bench_update.py CORPUS.jsonl --papers 100000 --jobs 1 --out results/update-100k.json

In one run, each step a `kg build` in a fresh process (the start of Python and of spaCy
included, as a user waits for them):

1. a full build of the corpus's first N papers;
2. an update of that build with the next 1% (`--added`) of the corpus's papers;
3. a full build of those N + 1% papers, from scratch;

then the updated build is compared with the full one (kg/build_compare.py: every text file
byte for byte, the counts of both stores, the triples of the RDF stores, every library query
in Cypher and, unless --no-sparql, in SPARQL). Reports, as
JSON (and a summary on stderr), the seconds of each step, the update's share of the full
builds' time, the update's time by stage, and the differences found (none, or the run fails).
The corpus must hold N + 1% papers (make_corpus.py --papers).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import write_figures

RUN_BUILD = """
import json, sys
from pathlib import Path
from kg.build import build
report = build([Path(p) for p in json.loads(sys.argv[1])], Path(sys.argv[2]), jobs=int(sys.argv[3]),
               exports=json.loads(sys.argv[4]), on_note=lambda note: print(note, file=sys.stderr))
print(json.dumps({"papers": report.papers, "analyzed": report.analyzed, "updated": report.updated,
                  "units": report.units, "nodes": report.nodes, "edges": report.edges, "seconds": report.seconds}))
"""


def timed_build(inputs: list[Path], out: Path, jobs: int, exports: list[str]) -> dict:
    """One `kg build` in a fresh process: its report and its wall time."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN_BUILD, json.dumps([str(p) for p in inputs]), str(out), str(jobs),
                           json.dumps(exports)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"kg build {out} failed:\n{done.stderr}")
    return json.loads(done.stdout) | {"wall": round(wall, 2)}


def split(corpus: Path, papers: int, added: int, work: Path) -> tuple[Path, Path]:
    """The corpus's first `papers` lines, and the `added` after them, as two files."""
    base, more = work / "base.jsonl", work / "added.jsonl"
    with open(corpus, encoding="utf-8") as lines, open(base, "w", encoding="utf-8") as first, \
            open(more, "w", encoding="utf-8") as second:
        for number, line in enumerate(lines):
            if number < papers:
                first.write(line)
            elif number < papers + added:
                second.write(line)
            else:
                break
    if sum(1 for _ in open(more, encoding="utf-8")) < added:
        raise SystemExit(f"{corpus} holds fewer than {papers + added} papers")
    return base, more


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a JSON Lines corpus (see make_corpus.py)")
    parser.add_argument("--papers", type=int, required=True, help="N, the papers of the first build")
    parser.add_argument("--added", type=float, default=0.01, help="the update's papers, as a share of N (default 0.01)")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of every build (default 1)")
    parser.add_argument("--exports", default="nt,ttl,jsonld,graphml,neo4j",
                        help="the builds' --exports (default: all of them; 'none' for none)")
    parser.add_argument("--work", type=Path, help="where builds go (default: a temporary folder, removed after)")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON (default: stdout)")
    parser.add_argument("--no-sparql", dest="sparql", action="store_false",
                        help="compare the RDF stores by their triples only, not by the library's SPARQL answers too "
                             "(some take minutes on a large build)")
    args = parser.parse_args(argv)
    exports = [] if args.exports == "none" else args.exports.split(",")
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-update-"))
    work.mkdir(parents=True, exist_ok=True)
    added = math.ceil(args.papers * args.added)
    try:
        base, more = split(args.corpus, args.papers, added, work)
        updated, full = work / "updated", work / "full"
        for folder in (updated, full):
            shutil.rmtree(folder, ignore_errors=True)
        print(f"full build of {args.papers} papers ...", file=sys.stderr)
        first = timed_build([base], updated, args.jobs, exports)
        print(f"  {first['wall']} s; update with {added} papers ...", file=sys.stderr)
        update = timed_build([more], updated, args.jobs, exports)
        print(f"  {update['wall']} s; full build of {args.papers + added} papers ...", file=sys.stderr)
        whole = timed_build([base, more], full, args.jobs, exports)
        print(f"  {whole['wall']} s; comparing ...", file=sys.stderr)
        start_compare = time.perf_counter()
        from kg.build_compare import differences

        found = differences(full, updated, sparql=args.sparql)
        compared = time.perf_counter() - start_compare
        figures = {
            "papers": args.papers, "added": added, "jobs": args.jobs, "exports": exports,
            "full_build": first, "update": update, "full_build_after": whole,
            "update_share_of_full_build": round(update["wall"] / first["wall"], 4),
            "update_share_of_full_build_after": round(update["wall"] / whole["wall"], 4),
            "differences": found, "compared_sparql": args.sparql, "compare_seconds": round(compared, 1),
        }
        write_figures(figures, args.out)
        print(f"update: {update['wall']} s for {added} papers = {figures['update_share_of_full_build']:.1%} of the full "
              f"build of {args.papers} ({first['wall']} s); the updated build and a full one "
              + ("are the same" if not found else f"differ: {found}"), file=sys.stderr)
        if found or not update["updated"]:
            raise SystemExit(1)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
