"""`kg build`, `kg stats` and `kg validate`: the folder of stores, and what it holds."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from kg import config
from kg.cli.common import (input_options, neo4j_options, output_options, print_rows, report_input, reports_errors,
                           require_neo4j, store_option)
from kg.executors import EXECUTORS
from kg.records import KGError


def chosen_exports(exports: str) -> list[str]:
    """The names of a comma-separated --exports list ("none" for none); a usage error for an unknown one."""
    chosen = [name for name in exports.replace(" ", "").split(",") if name and name != "none"]
    if unknown := [name for name in chosen if name not in config.EXPORTS]:
        raise click.UsageError(f"unknown export {unknown[0]!r}; choose from {', '.join(config.EXPORTS)}")
    return chosen


@click.command("build")
@input_options
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="The folder of the stores (created or extended).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for extraction; 0 uses every core.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="Run extraction here (local) or on a Dask cluster (dask, with --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--exports", default=",".join(config.EXPORTS), show_default=True, metavar="LIST",
              help=f"File exports to write besides the two stores: some of {', '.join(config.EXPORTS)}, comma-separated, or none.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@reports_errors
def build_command(paths: tuple[Path, ...], format_: str | None, skip_bad: bool, out: Path, jobs: int,
                  executor: str, scheduler: str | None, exports: str, progress: bool | None) -> None:
    """Build the knowledge graph: ingest, extract, link, and write every store to one folder.

    Writes the embedded Cypher store (LadybugDB), the RDF store (Oxigraph) with Turtle,
    N-Triples and JSON-LD exports, GraphML, and CSVs for neo4j-admin import. Building into an
    existing build updates it: only papers new or changed are analyzed, and only what they
    change is written (unless kg, the ontology or the exports changed: then everything is
    built again, and the command says why). The folder is replaced only when the whole build
    succeeds. Papers stream through in chunks, so memory grows with the number
    of distinct entities, not of papers; a Dask run writes the same folder as a local one.

    \b
    Example:
      kg build ../shared/seeds --out graph
      kg build new-papers.jsonl --out graph        (adds them to the build)
      kg build corpus.jsonl --out graph --jobs 0
      kg build corpus.jsonl --out graph --executor dask --scheduler tcp://127.0.0.1:8786
      kg stats --store graph
    """
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler is for --executor dask")
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS (for example tcp://127.0.0.1:8786)")
    chosen = chosen_exports(exports)

    from tqdm import tqdm

    from kg.build import build

    bar = tqdm(total=0, unit=" papers", desc="extracting", file=sys.stderr, disable=None if progress is None else not progress,
               dynamic_ncols=True, mininterval=0.5)
    with bar:
        report = build(paths, out, format=format_, skip_bad=skip_bad, jobs=jobs or os.cpu_count() or 1, executor=executor,
                       scheduler=scheduler, exports=chosen, on_start=lambda n: bar.reset(total=n), on_chunk=bar.update,
                       on_note=lambda note: click.echo(note, err=True))
    report_input(report.ingest)
    nodes = ", ".join(f"{n} {label}" for label, n in report.nodes.items())
    done = (f"updated {out}: {report.units} units of the graph written, {report.analyzed} papers analyzed"
            if report.updated else f"built {out}: {report.analyzed} papers analyzed")
    click.echo(
        f"{done}; {report.papers} papers ({report.added} new); nodes: {nodes}; edges: {sum(report.edges.values())}",
        err=True,
    )


@click.command("stats")
@store_option
@output_options
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write charts, PNG and SVG, to this folder: entities per type, papers per year, the most used "
                   "data sets per modality and per task, and a leaderboard (results over time).")
@click.option("--dataset", help="The data set of the leaderboard chart (default: the one with the most dated scores).")
@click.option("--metric", help="The metric of the leaderboard chart (default: its most reported one).")
@click.option("--neo4j", "on_neo4j", is_flag=True, help="Count in the Neo4j server of --neo4j-uri too.")
@neo4j_options
@reports_errors
def stats_command(store: Path, output: str, plot_dir: Path | None, dataset: str | None, metric: str | None,
                  on_neo4j: bool, neo4j) -> None:
    """Count the nodes of each label and the edges of each type in each store of a build,
    reading the stores themselves (and, with --neo4j, the Neo4j server the build was loaded
    into). --csv prints one row per label and type.

    \b
    Example:
      kg stats --store graph --json
      kg stats --store graph --plot charts
      kg stats --store graph --plot charts --dataset BraTS --metric Dice
      kg stats --store graph --neo4j --neo4j-uri bolt://localhost:7687
    """
    from kg.stores.cypher_connection import connect, cypher_counts
    from kg.stores.rdf_store import open_store, rdf_counts

    if (dataset or metric) and plot_dir is None:
        raise click.UsageError("--dataset and --metric choose the leaderboard chart of --plot")
    if plot_dir is not None:
        from kg.charts import write_charts

        for path in write_charts(store, plot_dir, dataset, metric):
            click.echo(f"wrote {path}", err=True)
    if on_neo4j:
        require_neo4j(neo4j)
    cypher_nodes, cypher_edges = cypher_counts(connect(store / "cypher"))
    rdf_nodes, rdf_edges = rdf_counts(open_store(store / "rdf"))
    data = {"cypher": {"nodes": cypher_nodes, "edges": cypher_edges}, "rdf": {"nodes": rdf_nodes, "edges": rdf_edges}}
    if on_neo4j:
        from kg.stores.neo4j_loader import connect as connect_neo4j, neo4j_counts

        with connect_neo4j(*neo4j) as driver:
            neo4j_nodes, neo4j_edges = neo4j_counts(driver)
        data["neo4j"] = {"nodes": neo4j_nodes, "edges": neo4j_edges}
    if output == "json":
        click.echo(json.dumps(data, indent=2))
        return
    engines = list(data)
    rows = [{"kind": kind[:-1], "name": name, **{engine: data[engine][kind].get(name, 0) for engine in engines}}
            for kind in ("nodes", "edges") for name in sorted(set().union(*(data[e][kind] for e in engines)))]
    if output == "csv":
        print_rows(rows, "csv")
        return
    for kind in ("node", "edge"):
        click.echo(f"{kind:<14}" + "".join(f" {engine:>8}" for engine in engines))
        for row in rows:
            if row["kind"] == kind:
                click.echo(f"{row['name']:<14}" + "".join(f" {row[engine]:>8}" for engine in engines))
        click.echo("")


@click.command("validate")
@store_option
@reports_errors
def validate_command(store: Path) -> None:
    """Check a build's RDF graph against the SHACL shapes in kg/data/ontology/shapes.ttl; exit 1
    with one line per violation when it does not conform.

    \b
    Example:
      kg validate --store graph
    """
    from kg.validate import validate_store

    violations = validate_store(store)
    if violations:
        for line in violations[:50]:
            click.echo(line)
        raise KGError(f"{store}: {len(violations)} SHACL violations")
    click.echo(f"{store}: conforms to the shapes")
