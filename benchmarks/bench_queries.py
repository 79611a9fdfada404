"""Time every query of the library, in both languages, on one or more builds.

    python benchmarks/bench_queries.py /tmp/bw10k/jobs-1 /tmp/bw100k/jobs-1 --out results/queries.json

Each query runs with its default parameters in a child process of its own, which opens the
store (not timed) and then runs the query once (timed): Cypher on the embedded store, SPARQL
on the RDF store, and, with --neo4j-uri, Cypher on a Neo4j server holding the same build
(`kg load neo4j`). A query still running after --timeout seconds is stopped and reported as
such. Each answer is kept as its row count and a digest of its rows (numbers rounded, rows
sorted), so the languages are compared on every build, not only on the seed build the tests
check. Also measured: the start-up of `kg query` (the wall time of a whole `kg query` in a
fresh process, less the time of its query in-process), and the machine's tokenizer floor of
the same run (spaCy's bare tokenizer over --corpus, as bench_build.py measures it), to set the
figures beside.

Reports JSON (and a table on stderr).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

def _comparable(rows: list[dict[str, Any]]) -> list[str]:
    def value(v: Any) -> Any:
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float)):
            return round(float(v), 6)
        if isinstance(v, list):
            return sorted(map(str, v))
        return str(v)

    return sorted(json.dumps({k: value(v) for k, v in sorted(row.items())}) for row in rows)


def _run(store: str, name: str, runner: str, neo4j: dict, connection) -> None:
    """In the child: open the store, run the query once, send (seconds, rows, digest)."""
    from kg import queries

    try:
        query = queries.load_library()[name]
        values = query.bind({})
        if runner == "cypher":
            engine = queries.EmbeddedCypher(Path(store))
            engine("RETURN 1 AS one", {})  # opens the store
            run = lambda: engine(query.text("cypher"), values)  # noqa: E731
        elif runner == "sparql":
            from kg.stores.rdf_store import open_store

            open_store(Path(store) / "rdf")  # the first opening pays for reading the store's files
            run = lambda: queries.run_sparql(Path(store), query.text("sparql"), values)  # noqa: E731
        else:
            run = lambda: queries.run_cypher_neo4j(query.text("cypher", "neo4j"), values, **neo4j)  # noqa: E731
        start = time.perf_counter()
        rows = run()
        seconds = time.perf_counter() - start
        digest = hashlib.sha1("\n".join(_comparable(rows)).encode()).hexdigest()[:12]
        connection.send({"seconds": round(seconds, 4), "rows": len(rows), "digest": digest})
    except Exception as error:  # reported, not raised: one failing query costs only its row
        connection.send({"error": f"{type(error).__name__}: {error}"[:300]})


def time_query(store: Path, name: str, runner: str, timeout: float, neo4j: dict) -> dict:
    """One query in a fresh child process: its time, rows and digest, or a timeout or error."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(str(store), name, runner, neo4j, send))
    child.start()
    if receive.poll(timeout + 30):  # the child's start and the store's opening are not timed
        result = receive.recv()
    else:
        result = {"timeout": timeout}
    child.kill()
    child.join()
    if result.get("seconds", 0) > timeout:
        result["over_timeout"] = True
    return result


def startup(store: Path) -> dict:
    """The start-up of `kg query`: the wall time of `kg query external-ids --json` in a fresh
    process, less its query's time in-process (the median of five)."""
    in_process = time_query(store, "external-ids", "cypher", 60, {})["seconds"]
    walls = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", "query", "external-ids", "--store", str(store), "--json"],
                       check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    python = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python.append(time.perf_counter() - start)
    wall = statistics.median(walls)
    return {"wall": round(wall, 3), "query": in_process, "startup": round(wall - in_process, 3),
            "python_alone": round(statistics.median(python), 3)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", type=Path, help="folders `kg build` wrote")
    parser.add_argument("--timeout", type=float, default=120.0, help="stop a query after this many seconds (default 120)")
    parser.add_argument("--only", help="comma-separated query names (default: the whole library)")
    parser.add_argument("--neo4j-uri", help="also run the Cypher on this Neo4j server (one build only)")
    parser.add_argument("--neo4j-user", default="neo4j")
    parser.add_argument("--neo4j-password", default="")
    parser.add_argument("--corpus", type=Path, help="the builds' corpus, to measure the tokenizer floor on")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON (default: stdout)")
    args = parser.parse_args(argv)
    from bench_build import tokenizer_floor, write_figures

    from kg.queries import load_library

    names = args.only.split(",") if args.only else sorted(load_library())
    runners = ["cypher", "sparql"] + (["neo4j"] if args.neo4j_uri else [])
    neo4j = {"uri": args.neo4j_uri, "user": args.neo4j_user, "password": args.neo4j_password} if args.neo4j_uri else {}
    figures: dict[str, Any] = {"tokenizer_floor": tokenizer_floor(args.corpus) if args.corpus else None, "builds": {}}
    print(f"tokenizer floor: {figures['tokenizer_floor']}", file=sys.stderr)
    for build in args.builds:
        manifest = json.loads((build / "manifest.json").read_text())
        results: dict[str, Any] = {}
        for name in names:
            results[name] = {runner: time_query(build, name, runner, args.timeout, neo4j) for runner in runners}
            answers = {r["digest"] for r in results[name].values() if "digest" in r}
            results[name]["agree"] = len(answers) == 1 and all("digest" in r for r in results[name].values())
            cells = "  ".join(f"{runner} {_cell(results[name][runner])}" for runner in runners)
            print(f"{build.name} {name:38} {cells}  {'same' if results[name]['agree'] else 'DIFFER'}", file=sys.stderr)
        figures["builds"][str(build)] = {"papers": manifest.get("papers"), "queries": results, "startup": startup(build)}
        print(f"{build.name} kg query start-up: {figures['builds'][str(build)]['startup']}", file=sys.stderr)
    write_figures(figures, args.out)


def _cell(result: dict) -> str:
    if "seconds" in result:
        return f"{result['seconds']:8.3f}s {result['rows']:6d} rows"
    return f"{'timeout' if 'timeout' in result else 'error':>23}"


if __name__ == "__main__":
    main()
