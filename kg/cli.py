"""The `kg` command line: thin wrappers over the stages. Results go to stdout or files,
progress and errors to stderr; exit 1 for bad input or a failed run, 2 for a usage error."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

from kg import __version__, config
from kg.executors import EXECUTORS
from kg.ingest import ingest, write_papers
from kg.records import ENTITY_TYPES, IngestReport, KGError, Paper

MAX_LISTED_PROBLEMS = 20


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that what cleans up after Ctrl-C runs too."""


def reports_errors(command):
    """Turn a KGError (or an interrupt, or SIGTERM) into one line on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KGError as error:
            click.echo(f"kg: error: {error}", err=True)
            sys.exit(1)
        except Terminated:
            click.echo("kg: terminated", err=True)
            sys.exit(143)
        except KeyboardInterrupt:
            click.echo("kg: interrupted", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build a knowledge graph of the medical-imaging AI literature from papers' titles and
    abstracts.

    \b
    Example:
      kg ingest ../shared/seeds -o papers.jsonl
    """
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        def terminate(signum, frame):
            raise Terminated

        previous = signal.signal(signal.SIGTERM, terminate)
        click.get_current_context().call_on_close(lambda: signal.signal(signal.SIGTERM, previous or signal.SIG_DFL))


def _report_input(report: IngestReport) -> None:
    """What reading the input cost, on stderr: entries, merges, skipped and bad records."""
    echo = functools.partial(click.echo, err=True)
    echo(
        f"read {report.entries} entries from {report.files} files; "
        f"merged {report.merged} duplicates; skipped {len(report.skipped)}; bad {len(report.bad)}"
    )
    for path in report.ignored:
        echo(f"  skipped {path}: not a regular file")
    for reason, count in Counter(s.reason for s in report.skipped).most_common():
        echo(f"  skipped {count}: {reason}")
    for problem in report.bad[:MAX_LISTED_PROBLEMS]:
        echo(f"  bad: {problem}")
    if len(report.bad) > MAX_LISTED_PROBLEMS:
        echo(f"  ... and {len(report.bad) - MAX_LISTED_PROBLEMS} more bad records")


def _summarize(papers: list[Paper], report: IngestReport, output: str) -> None:
    _report_input(report)
    dated = sum(1 for p in papers if p.published)
    counted = sum(1 for p in papers if p.author_count)
    where = "stdout" if output == "-" else output
    click.echo(f"wrote {len(papers)} papers to {where} ({dated} with a date, {counted} with an author count)", err=True)


def _input_options(command):
    """The arguments and options of every command that reads papers, as `kg ingest` does."""
    command = click.option("--skip-bad", is_flag=True, help="Skip bad files and records (counted on stderr) instead of stopping.")(command)
    command = click.option("--format", "format_", type=click.Choice(config.FORMATS), help="Read every file as this format instead of sniffing it.")(command)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))(command)


@main.command("ingest")
@_input_options
@click.option("-o", "--output", default="-", show_default=True, help="JSON Lines file to write ('-' for stdout).")
@reports_errors
def ingest_command(paths: tuple[Path, ...], format_: str | None, skip_bad: bool, output: str) -> None:
    """Read papers from files and folders into one JSON Lines file, one paper per line.

    Reads daily-papers listing pages, JSON Lines, CSV, arXiv Atom XML, PubMed XML, BibTeX
    and OpenAlex JSON, sniffing each file's format (`-` reads standard input). Copies of the
    same paper (same DOI, arXiv id, PMID, or title unless their ids differ) are merged. The
    output is written only if the run succeeds.

    \b
    Example:
      kg ingest ../shared/seeds refs.bib -o papers.jsonl
      curl -s https://example.org/papers.jsonl | kg ingest - -o papers.jsonl
    """
    papers, report = ingest(paths, format=format_, skip_bad=skip_bad)
    write_papers(papers, output)
    _summarize(papers, report, output)


@main.command("extract")
@_input_options
@click.option("-o", "--output", default="-", show_default=True, help="JSON Lines file of extraction records ('-' for stdout).")
@click.option("--entities", "entities_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every distinct entity, with the papers that mention it, to this JSON Lines file.")
@reports_errors
def extract_command(paths: tuple[Path, ...], format_: str | None, skip_bad: bool, output: str, entities_path: Path | None) -> None:
    """Find the models, datasets, modalities, organs, metrics, tasks and diseases each paper
    mentions, linked to the ontology, one record per paper.

    Reads anything `kg ingest` reads (a gold file keeps its ids). Each record has `id`,
    `title`, `entities` per type (each with `name`, concept `id` and the `aliases` found in
    the text), `introduced` and `results`, as in the annotation guidelines.

    With --entities, one more file lists each distinct entity once (id, type, name, whether
    it is new to the ontology, aliases, and the ids of the papers that mention it).

    \b
    Example:
      kg extract ../shared/seeds -o predictions.jsonl --entities entities.jsonl
    """
    from kg.analysis import Analyzer
    from kg.atomic_file import write_atomically
    from kg.entities import EntityTable

    papers, report = ingest(paths, format=format_, skip_bad=skip_bad)
    _report_input(report)
    analyzer = Analyzer()
    counts: Counter = Counter()
    new_entities: set[str] = set()
    table = EntityTable()
    with write_atomically(output) as handle, click.progressbar(
        length=len(papers), label="extracting", file=sys.stderr
    ) as progress:
        for analysis in analyzer.analyze(papers):
            handle.write(json.dumps(analysis.to_record(), ensure_ascii=False) + "\n")
            table.add(analysis)
            counts.update(entity.type for entity in analysis.entities)
            new_entities.update(item.entity_id for item in analysis.linked if item.is_new)
            progress.update(1)
    if entities_path:
        with write_atomically(entities_path) as handle:
            for row in table:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = ", ".join(f"{counts[kind]} {kind}" for kind in ENTITY_TYPES)
    click.echo(f"extracted {len(papers)} papers: {summary} ({len(new_entities)} new entities)", err=True)


@main.command("eval")
@click.argument("predictions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", is_flag=True, help="Also list the false positives and negatives of each paper.")
@reports_errors
def eval_command(predictions: Path, gold: Path, as_json: bool, errors: bool) -> None:
    """Score extraction records against gold records: precision, recall and F1 per entity
    type and overall, by the matching rule of the annotation guidelines.

    \b
    Example:
      kg eval predictions.jsonl ../shared/eval/dev_gold.jsonl --errors
    """
    from kg.evaluate import evaluate, format_table, read_records

    result = evaluate(read_records(predictions), read_records(gold))
    if as_json:
        data = result.to_dict()
        if errors:
            data["errors"] = result.errors
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(format_table(result))
    if result.missing:
        click.echo(f"{len(result.missing)} gold papers have no prediction: {', '.join(result.missing[:10])}", err=True)
    if errors:
        for error in result.errors:
            click.echo(f"\n{error['id']} {error['type']}")
            for label, items in (("  FP", error["false_positives"]), ("  FN", error["false_negatives"])):
                for item in items:
                    click.echo(f"{label} {item['name']}  {item['aliases']}")


def _store_option(command):
    return click.option("--store", "store", required=True, type=click.Path(file_okay=False, path_type=Path),
                        help="The folder `kg build` wrote.")(command)


@main.command("build")
@_input_options
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
    existing folder adds the new papers to the ones it holds; the folder is replaced only when
    the whole build succeeds. Papers stream through in chunks, so memory grows with the number
    of distinct entities, not of papers; a Dask run writes the same folder as a local one.

    \b
    Example:
      kg build ../shared/seeds --out graph
      kg build corpus.jsonl --out graph --jobs 0
      kg build corpus.jsonl --out graph --executor dask --scheduler tcp://127.0.0.1:8786
      kg stats --store graph
    """
    from tqdm import tqdm

    from kg.build import build

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler is for --executor dask")
    chosen = [name for name in exports.replace(" ", "").split(",") if name and name != "none"]
    if unknown := [name for name in chosen if name not in config.EXPORTS]:
        raise click.UsageError(f"unknown export {unknown[0]!r}; choose from {', '.join(config.EXPORTS)}")
    bar = tqdm(total=0, unit=" papers", desc="extracting", file=sys.stderr, disable=None if progress is None else not progress,
               dynamic_ncols=True, mininterval=0.5)
    with bar:
        try:
            report = build(paths, out, format=format_, skip_bad=skip_bad, jobs=jobs or os.cpu_count() or 1, executor=executor,
                           scheduler=scheduler, exports=chosen, on_start=lambda n: bar.reset(total=n), on_chunk=bar.update)
        except OSError as error:  # such as a full disk
            raise KGError(f"--out {out}: {error.filename or ''}: {error.strerror or error}") from None
    _report_input(report.ingest)
    nodes = ", ".join(f"{n} {label}" for label, n in report.nodes.items())
    click.echo(
        f"built {out}: {report.papers} papers ({report.added} new); nodes: {nodes}; edges: {sum(report.edges.values())}",
        err=True,
    )


@main.command("stats")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write PNG charts (entities per type, top datasets per modality, papers per year) to this folder.")
@reports_errors
def stats_command(store: Path, as_json: bool, plot_dir: Path | None) -> None:
    """Count the nodes of each label and the edges of each type in each store of a build,
    reading the stores themselves.

    \b
    Example:
      kg stats --store graph --json
      kg stats --store graph --plot charts
    """
    if plot_dir is not None:
        from kg.stores.exports import read_graphml
        from kg.visualize import write_charts

        for path in write_charts(read_graphml(store / "graph.graphml"), plot_dir):
            click.echo(f"wrote {path}", err=True)
    from kg.stores.cypher_store import connect, cypher_counts
    from kg.stores.rdf_store import open_store, rdf_counts

    cypher_nodes, cypher_edges = cypher_counts(connect(store / "cypher"))
    rdf_nodes, rdf_edges = rdf_counts(open_store(store / "rdf"))
    data = {"cypher": {"nodes": cypher_nodes, "edges": cypher_edges}, "rdf": {"nodes": rdf_nodes, "edges": rdf_edges}}
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for kind in ("nodes", "edges"):
        names = sorted(set(data["cypher"][kind]) | set(data["rdf"][kind]))
        click.echo(f"{kind[:-1]:<14} {'cypher':>8} {'rdf':>8}")
        for name in names:
            click.echo(f"{name:<14} {data['cypher'][kind].get(name, 0):>8} {data['rdf'][kind].get(name, 0):>8}")
        click.echo("")


@main.command("validate")
@_store_option
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


@main.group("load")
def load_group() -> None:
    """Load a build into a server.

    \b
    Example:
      kg load neo4j --store graph
    """


@load_group.command("neo4j")
@_store_option
@click.option("--database", default=None, help="The Neo4j database (the server's default if not given).")
@reports_errors
def load_neo4j_command(store: Path, database: str | None) -> None:
    """Load a build into Neo4j with the official driver: uniqueness constraints, then batched
    UNWIND ... MERGE in managed transactions, so a re-run changes nothing.

    The connection comes from NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD (never from the
    command line).

    \b
    Example:
      NEO4J_URI=bolt://localhost:7687 kg load neo4j --store graph
    """
    from kg.stores.exports import read_graphml
    from kg.stores.neo4j_loader import connect, load_into_neo4j

    graph = read_graphml(store / "graph.graphml")
    driver = connect()
    try:
        rows = load_into_neo4j(graph, driver, database=database)
    finally:
        driver.close()
    click.echo(f"loaded {graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges ({rows} rows merged)", err=True)


def _print_rows(rows: list[dict], output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    columns = list(rows[0]) if rows else []
    if output_format == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
        return
    cells = [[("" if row[c] is None else str(row[c]))[:60] for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    click.echo(f"({len(rows)} rows)", err=True)


@main.command("query")
@click.argument("name", required=False)
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), help="The folder `kg build` wrote.")
@click.option("--lang", type=click.Choice(["cypher", "sparql"]), help="The language (default: cypher, or the file's).")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--neo4j", "on_neo4j", is_flag=True, help="Run the Cypher on the Neo4j server of NEO4J_URI instead.")
@click.option("--list", "list_queries", is_flag=True, help="List the query library.")
@click.option("--guide", "guide_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Neo4j Browser guide of the library to this HTML file (play it with :play).")
@reports_errors
def query_command(name, store, lang, params, output_format, on_neo4j, list_queries, guide_path) -> None:
    """Run a query of the library by NAME, or a query FILE (.cypher or .sparql): Cypher on
    the embedded store (or Neo4j with --neo4j), SPARQL on the RDF store. Parameters are bound
    by the engine, never pasted into the query.

    \b
    Example:
      kg query --list
      kg query models-on-dataset --store graph --param dataset=MedMNIST
      kg query models-on-dataset --store graph --lang sparql --format json
      kg query --guide guide.html
    """
    from kg.queries import load_library, query_from_file, run_cypher, run_cypher_neo4j, run_sparql

    if guide_path:
        from kg.atomic_file import write_atomically
        from kg.queries import browser_guide

        with write_atomically(guide_path) as handle:
            handle.write(browser_guide(load_library()))
        click.echo(f"wrote {guide_path}; in Neo4j Browser: :play <its URL>", err=True)
        return
    if list_queries:
        library = load_library()
        if output_format == "json":
            click.echo(json.dumps([q.to_dict() for q in library.values()], indent=2))
        else:
            for query in library.values():
                params_text = ", ".join(f"{p.name}={p.default}" for p in query.parameters.values())
                click.echo(f"{query.name:<28} {query.title}" + (f"  [{params_text}]" if params_text else ""))
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE, or --list")
    if Path(name).suffix in (".cypher", ".sparql") and Path(name).exists():
        query, file_language = query_from_file(Path(name))
        lang = lang or file_language
    else:
        library = load_library()
        if name not in library:
            raise KGError(f"no query named {name!r}; `kg query --list` shows the library")
        query, lang = library[name], lang or "cypher"
    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param takes K=V, not {item!r}")
        given[key.strip()] = value
    values = query.bind(given)
    text = query.text(lang)
    if on_neo4j:
        if lang != "cypher":
            raise click.UsageError("--neo4j runs Cypher")
        rows = run_cypher_neo4j(text, values)
    else:
        if store is None:
            raise click.UsageError("give --store DIR (the folder `kg build` wrote)")
        rows = run_cypher(store, text, values) if lang == "cypher" else run_sparql(store, text, values)
    _print_rows(rows, output_format)


@main.command("serve")
@_store_option
@click.option("--port", default=7878, show_default=True, help="The port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--timeout", "timeout", default=30, show_default=True, help="Seconds a query may run before it is stopped.")
@click.option("--memory-limit", default=1024, show_default=True, type=click.IntRange(min=1), metavar="MB",
              help="Memory a query's process may use before it is stopped.")
@click.option("--max-queries", default=2, show_default=True, type=click.IntRange(min=1), metavar="N",
              help="Queries run at once; more get 503 with Retry-After.")
@click.option("--allow-service", multiple=True, metavar="URL",
              help="A SPARQL endpoint that SERVICE may call (repeatable; exact IRI). Without it SERVICE is refused.")
@click.option("--cors-origin", multiple=True, metavar="ORIGIN",
              help="A web origin allowed cross-origin requests, e.g. https://app.example (repeatable). None by default.")
@reports_errors
def serve_command(store: Path, port: int, host: str, timeout: int, memory_limit: int, max_queries: int,
                  allow_service: tuple[str, ...], cors_origin: tuple[str, ...]) -> None:
    """Serve a build's RDF store as a read-only SPARQL 1.1 Protocol endpoint: queries by GET
    or POST at /query, results in the standard formats by content negotiation, each query
    stopped at the time and memory limits, updates refused, SERVICE refused unless allowed,
    and requests answered only when addressed to this server (its Host) and not cross-origin
    unless allowed.

    \b
    Example:
      kg serve --store graph --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/query
    """
    from kg.serve import serve

    location = store / "rdf" / "oxigraph"
    if not location.exists():
        raise KGError(f"no RDF store at {location}; run `kg build` first")
    address = f"[{host}]" if ":" in host else host
    click.echo(f"SPARQL endpoint: http://{address}:{port}/query (read-only, {timeout} s and {memory_limit} MB per query)", err=True)
    try:
        serve(location, host, port, timeout, memory_limit=memory_limit, max_queries=max_queries,
              allow_service=allow_service, cors_origins=cors_origin)
    except OSError as error:
        raise KGError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


@main.command("viz")
@_store_option
@click.option("--query", "query_name", help="Draw the nodes the rows of this library query name (its Cypher version).")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A parameter of the query (repeatable).")
@click.option("--entity", help="Draw this entity (id or name) and its neighbours.")
@click.option("-o", "--output", default="graph.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def viz_command(store: Path, query_name: str | None, params: tuple[str, ...], entity: str | None, output: Path) -> None:
    """Write an interactive page of (part of) a build's graph, drawn by Neo4j's neo4j-viz,
    coloured by label as in Neo4j Browser, with captions. Without --query or --entity, the
    most connected nodes are drawn.

    \b
    Example:
      kg viz --store graph --entity MedSAM -o medsam.html
      kg viz --store graph --query leaderboard --param dataset=MedMNIST -o leaderboard.html
    """
    from kg.atomic_file import write_atomically
    from kg.queries import load_library, run_cypher
    from kg.stores.exports import read_graphml
    from kg.visualize import find_node, graph_page, neighbourhood, nodes_in_rows, overview

    graph = read_graphml(store / "graph.graphml")
    if entity and query_name:
        raise click.UsageError("give --query or --entity, not both")
    if entity:
        part, title = neighbourhood(graph, find_node(graph, entity)), f"kg: {entity}"
    elif query_name:
        library = load_library()
        if query_name not in library:
            raise KGError(f"no query named {query_name!r}; `kg query --list` shows the library")
        query = library[query_name]
        given = dict(item.partition("=")[::2] for item in params)
        rows = run_cypher(store, query.text("cypher"), query.bind(given))
        part, title = nodes_in_rows(graph, rows), f"kg: {query.title}"
    else:
        part, title = overview(graph), "kg"
    with write_atomically(output) as handle:
        handle.write(graph_page(part, title=title))
    click.echo(f"wrote {output}: {part.number_of_nodes()} nodes, {part.number_of_edges()} edges", err=True)
