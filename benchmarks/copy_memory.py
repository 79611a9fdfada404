"""Peak memory of LadybugDB's COPY FROM loading a built graph, and what it grows with.

    python benchmarks/copy_memory.py BUILD --scale 10
    python benchmarks/copy_memory.py BUILD --scale 10 --drop-edge-property sentence
    python benchmarks/copy_memory.py BUILD --scale 10 --buffer-pool-gb 1.5 --node-batches 8

Exports the Cypher store of a `kg build` folder to one Parquet file per table, as the build
gathers them; with `--scale K`, makes K copies of everything the papers own (papers, results,
the entities the ontology lacks, and their edges; ontology concepts stay one each), which is
how a build K times as large looks; then loads the files into a fresh database with the
build's schema, in a fresh process, and reports the peak resident memory and the time of each
table's load on stdout as JSON. `--drop-edge-property` leaves a property off every edge type
that has it, to see what it costs; `--node-batches` loads each node table in that many COPY
statements; `--buffer-pool-gb` bounds LadybugDB's buffer pool (0: its default, 80% of RAM) and
`--threads` its threads.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))


def scale_tables(folder: Path, times: int, keep: set[str]) -> None:
    """Make `times` copies of every row whose ids are not in `keep` (ids are suffixed ~1,
    ~2, ...), in place; rows between kept ids stay one."""
    kept = pa.array(sorted(keep), pa.string())
    for file in sorted(folder.glob("*.parquet")):
        table = pq.read_table(file)
        ids = ["id"] if "id" in table.schema.names else ["from", "to"]
        owned = [pc.invert(pc.is_in(table[name], value_set=kept)) for name in ids]
        copied = owned[0] if len(owned) == 1 else pc.or_(*owned)
        pieces = [table.filter(pc.invert(copied))]
        for copy in range(times):
            piece = table.filter(copied)
            for name in ids:
                column = piece[name]
                renamed = pc.if_else(pc.is_in(column, value_set=kept), column,
                                     pc.binary_join_element_wise(column, pa.scalar(f"~{copy}" if copy else ""), ""))
                piece = piece.set_column(piece.schema.get_field_index(name), name, renamed)
            pieces.append(piece)
        scaled = pa.concat_tables(pieces)
        # a row group per chunk of about 1000 papers, as the build writes them
        pq.write_table(scaled, file, row_group_size=max(1, scaled.num_rows // (100 * times)),
                       use_dictionary=False, write_statistics=False)


def prepare(folder: Path, drop: set[str], node_batches: int) -> None:
    """Leave the `drop` properties off the edge tables and split each node table into
    `node_batches` files (`<label>.<n>.parquet`), in place; done before the fresh process
    starts, so that its memory is the load's alone."""
    from kg.graph import NODE_PROPERTIES

    for file in sorted(folder.glob("*.parquet")):
        if file.stem in NODE_PROPERTIES:
            source = pq.ParquetFile(file)
            groups, batches = source.num_row_groups, min(node_batches, source.num_row_groups)
            if batches > 1:
                for batch in range(batches):
                    part = source.read_row_groups(list(range(batch * groups // batches, (batch + 1) * groups // batches)))
                    pq.write_table(part, folder / f"{file.stem}.{batch}.parquet", use_dictionary=False, write_statistics=False)
                file.unlink()
        elif dropped := drop & set(pq.read_schema(file).names):
            table = pq.read_table(file).drop_columns(sorted(dropped))
            pq.write_table(table, file, row_group_size=max(1, table.num_rows // 100), use_dictionary=False, write_statistics=False)


def load(folder: Path, database: Path, drop: set[str], buffer_pool_gb: float, threads: int = 0) -> dict:
    """Load the tables (as `prepare` left them) into a fresh database, in this process; the
    peak resident memory and the seconds of each table."""
    import ladybug

    from kg.graph import EDGE_TYPES, NODE_PROPERTIES
    from kg.stores.cypher_store import schema_statements, table_name

    db = ladybug.Database(str(database), buffer_pool_size=int(buffer_pool_gb * 2**30), max_num_threads=threads)
    connection = ladybug.Connection(db)
    for statement in schema_statements():
        connection.execute(statement)
    for kind, (properties, _) in EDGE_TYPES.items():
        for name in drop & set(properties):
            connection.execute(f"ALTER TABLE {kind} DROP {name}")
    seconds: dict[str, float] = {}

    def copy(statement: str, name: str) -> None:
        start = time.perf_counter()
        connection.execute(statement)
        seconds[name] = round(seconds.get(name, 0.0) + time.perf_counter() - start, 2)

    for label in NODE_PROPERTIES:
        files = [folder / f"{label}.parquet"] if (folder / f"{label}.parquet").exists() else \
            sorted(folder.glob(f"{label}.*.parquet"), key=lambda part: int(part.suffixes[0][1:]))
        for file in files:
            copy(f"COPY {label} FROM '{file}'", label)
    for kind, (properties, pairs) in EDGE_TYPES.items():
        for start, end in pairs:
            if (file := folder / f"{table_name((kind, start, end))}.parquet").exists():
                ends = f"(from='{start}', to='{end}')" if len(pairs) > 1 else ""
                copy(f"COPY {kind} FROM '{file}' {ends}", file.stem)
    connection.close()
    db.close()
    return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "seconds": round(sum(seconds.values()), 2), "tables": seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="a `kg build` folder")
    parser.add_argument("--scale", type=int, default=1, help="copies of the papers' rows to load (default 1)")
    parser.add_argument("--drop-edge-property", action="append", default=[], metavar="NAME",
                        help="leave this property off every edge type (repeatable)")
    parser.add_argument("--node-batches", type=int, default=1, help="COPY statements per node table (default 1)")
    parser.add_argument("--buffer-pool-gb", type=float, default=0.0, help="LadybugDB's buffer pool (default 0: its own)")
    parser.add_argument("--threads", type=int, default=0, help="LadybugDB's threads (default 0: one per core)")
    parser.add_argument("--tables", type=Path, help=argparse.SUPPRESS)  # the child's side
    args = parser.parse_args(argv)
    if args.tables:  # in the fresh process: load and report
        with tempfile.TemporaryDirectory() as scratch:
            figures = load(args.tables, Path(scratch, "db"), set(args.drop_edge_property), args.buffer_pool_gb, args.threads)
        print(json.dumps(figures))
        return
    if not (args.build / "cypher").exists():
        parser.error(f"no Cypher store in {args.build}; run `kg build` first")
    from bench_build import export_tables

    from kg.extract import load_ontology

    with tempfile.TemporaryDirectory() as folder:
        print("exporting the tables ...", file=sys.stderr)
        export_tables(args.build, Path(folder))
        if args.scale > 1:
            print(f"scaling them {args.scale} times ...", file=sys.stderr)
            scale_tables(Path(folder), args.scale, set(load_ontology().concepts))
        prepare(Path(folder), set(args.drop_edge_property), args.node_batches)
        print("loading them in a fresh process ...", file=sys.stderr)
        child = [sys.executable, __file__, str(args.build), "--tables", folder,
                 "--buffer-pool-gb", str(args.buffer_pool_gb), "--threads", str(args.threads)]
        child += [option for name in args.drop_edge_property for option in ("--drop-edge-property", name)]
        done = subprocess.run(child, capture_output=True, text=True)
    if done.returncode:
        print(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}", file=sys.stderr)
        sys.exit(1)
    figures = {"build": str(args.build), "scale": args.scale, "drop_edge_properties": args.drop_edge_property,
               "node_batches": args.node_batches, "buffer_pool_gb": args.buffer_pool_gb, "threads": args.threads, **json.loads(done.stdout)}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
