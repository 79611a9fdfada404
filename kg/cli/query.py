"""`kg query` (the query library on the stores or Neo4j) and `kg load neo4j`."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from kg.cli.common import neo4j_options, output_options, params_option, print_rows, reports_errors, require_neo4j, store_option
from kg.records import KGError


def _list_library(output: str) -> None:
    from kg.queries import load_library

    library = load_library()
    if output == "json":
        click.echo(json.dumps([q.to_dict() for q in library.values()], indent=2))
    elif output == "csv":
        print_rows([{"name": q.name, "title": q.title, "parameters": " ".join(f"{p.name}={p.default}" for p in q.parameters.values())}
                    for q in library.values()], "csv")
    else:
        for query in library.values():
            params_text = ", ".join(f"{p.name}={p.default}" for p in query.parameters.values())
            click.echo(f"{query.name:<28} {query.title}" + (f"  [{params_text}]" if params_text else ""))


def _is_query_file(name: str) -> bool:
    return Path(name).suffix in (".cypher", ".sparql") and Path(name).exists()


@click.command("query")
@click.argument("name", required=False)
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), help="The folder `kg build` wrote.")
@click.option("--lang", type=click.Choice(["cypher", "sparql"]), help="The language (default: cypher, or the file's).")
@params_option
@output_options
@click.option("--format", "legacy_format", type=click.Choice(["table", "csv", "json"]), hidden=True,
              help="Deprecated: use --json or --csv.")
@click.option("--neo4j", "on_neo4j", is_flag=True, help="Run the Cypher on the Neo4j server of --neo4j-uri instead.")
@neo4j_options
@click.option("--list", "list_queries", is_flag=True, help="List the query library.")
@click.option("--guide", "guide_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Neo4j Browser guide of the library to this HTML file (play it with :play).")
@reports_errors
def query_command(name, store, lang, params, output, legacy_format, on_neo4j, neo4j, list_queries, guide_path) -> None:
    """Run a query of the library by NAME, or a query FILE (.cypher or .sparql): Cypher on
    the embedded store (or Neo4j with --neo4j), SPARQL on the RDF store. Parameters are bound
    by the engine, never pasted into the query; a parameter that names an entity (dataset=brats)
    is looked up in the store, case, spaces and hyphens aside. Rows print as a table, or with
    --json or --csv.

    \b
    Example:
      kg query --list
      kg query models-on-dataset --store graph --param dataset=MedMNIST
      kg query leaderboard --store graph --param dataset=brats
      kg query models-on-dataset --store graph --lang sparql --json
      kg query models-on-dataset --neo4j --neo4j-uri bolt://localhost:7687
      kg query --guide guide.html
    """
    from kg.name_lookup import resolve_names
    from kg.queries import EmbeddedCypher, load_library, query_from_file, run_cypher_neo4j, run_sparql

    if legacy_format:
        if output != "table":
            raise click.UsageError("give --json or --csv, not --format")
        click.echo("kg: --format is deprecated for query output; use --json or --csv", err=True)
        output = legacy_format
    if guide_path or list_queries:
        if guide_path:
            from kg.atomic_file import write_atomically
            from kg.queries import browser_guide

            with write_atomically(guide_path) as handle:
                handle.write(browser_guide(load_library()))
            click.echo(f"wrote {guide_path}; in Neo4j Browser: :play <its URL>", err=True)
        if list_queries:
            _list_library(output)
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE, or --list")
    if on_neo4j:
        if store is not None:
            raise click.UsageError("give --store or --neo4j, not both")
        if (lang or ("sparql" if name.endswith(".sparql") else "cypher")) != "cypher":
            raise click.UsageError("--neo4j runs Cypher")
        require_neo4j(neo4j)
    elif store is None:
        raise click.UsageError("give --store DIR (the folder `kg build` wrote)")
    if _is_query_file(name):
        query, file_language = query_from_file(Path(name))
        lang = lang or file_language
    else:
        library = load_library()
        if name not in library:
            raise KGError(f"no query named {name!r}; `kg query --list` shows the library")
        query, lang = library[name], lang or "cypher"
    values = query.bind(params, lang)
    text = query.text(lang, "neo4j" if on_neo4j else None)
    if on_neo4j:
        uri, user, password = neo4j
        cypher = functools.partial(run_cypher_neo4j, uri=uri, user=user, password=password)
    else:
        cypher = EmbeddedCypher(store)
    # entity names as typed are looked up in the Cypher store, so that both languages bind the same name
    values = resolve_names(query, values, params, cypher)
    rows = cypher(text, values) if lang == "cypher" else run_sparql(store, text, values)
    print_rows(rows, output)


@click.group("load")
def load_group() -> None:
    """Load a build into a server.

    \b
    Example:
      kg load neo4j --store graph --neo4j-uri bolt://localhost:7687
    """


@load_group.command("neo4j")
@store_option
@neo4j_options
@click.option("--database", default=None, help="The Neo4j database (the server's default if not given).")
@reports_errors
def load_neo4j_command(store: Path, neo4j, database: str | None) -> None:
    """Load a build, read from its embedded Cypher store, into Neo4j with the official driver:
    uniqueness constraints, then batched UNWIND ... MERGE in managed transactions, so a re-run
    changes nothing. The server records which build and which update of it it holds: after
    `kg build` updates the build, only what changed is sent (old nodes and edges of the papers
    and entities it changed deleted first); a server holding another build gets all of it.

    The server and credentials come from --neo4j-uri, --neo4j-user and --neo4j-password, or
    from NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD (keep the password there, not on the
    command line).

    \b
    Example:
      NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=... kg load neo4j --store graph
    """
    require_neo4j(neo4j)
    from kg.stores.neo4j_loader import connect, describe_load, load_build

    with connect(*neo4j) as driver:
        report = load_build(store, driver, database=database)
    click.echo(describe_load(report), err=True)
