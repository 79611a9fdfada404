"""`kg serve` (a read-only SPARQL endpoint) and `kg viz` (a page of the graph)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import params_option, reports_errors, store_option
from kg.records import KGError


@click.command("serve")
@store_option
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


@click.command("viz")
@store_option
@click.option("--query", "query_name", help="Draw the answer of this library query (its Cypher version), as its `draw:` lines say.")
@params_option
@click.option("--entity", help="Draw this entity or paper (id or name) and the facts about it.")
@click.option("--max-nodes", default=100, show_default=True, type=click.IntRange(min=2), metavar="N",
              help="Nodes drawn at first; the rest of the page's nodes are drawn by expanding a node.")
@click.option("-o", "--output", default="graph.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@reports_errors
def viz_command(store: Path, query_name: str | None, params: dict[str, str], entity: str | None, max_nodes: int,
                output: Path) -> None:
    """Write one HTML page (it works offline) that draws part of a build's graph, coloured by
    label as in Neo4j Browser, with captions readable at the default zoom, a legend, and what
    it shows (query, parameters, date, counts). Without --query or --entity it draws the most
    used data sets with the modalities and tasks of their use. Double-click a node marked +
    to draw the rest of its edges.

    \b
    Example:
      kg viz --store graph -o datasets.html
      kg viz --store graph --entity MedSAM -o medsam.html
      kg viz --store graph --query leaderboard --param dataset=MedMNIST -o leaderboard.html
    """
    if entity and query_name:
        raise click.UsageError("give --query or --entity, not both")
    if params and not query_name:
        raise click.UsageError("--param is for --query")
    from datetime import datetime, timezone

    from kg.atomic_file import write_atomically
    from kg.name_lookup import resolve_names
    from kg.queries import EmbeddedCypher, load_library
    from kg.stores.graph_reader import read_graph
    from kg.visualize import entity_view, find_node, graph_page, page_data, query_view, usage_overview, with_reserve

    if query_name:
        library = load_library()
        if query_name not in library:
            raise KGError(f"no query named {query_name!r}; `kg query --list` shows the library")
        query = library[query_name]
        values = query.bind(params)
    graph = read_graph(store)
    if entity:
        view = entity_view(graph, find_node(graph, entity), limit=max_nodes)
    elif query_name:
        cypher = EmbeddedCypher(store)
        values = resolve_names(query, values, params, cypher)
        rows = cypher(query.text("cypher"), values)
        view = query_view(graph, query, rows, values, limit=max_nodes)
    else:
        view = usage_overview(graph, limit=max_nodes)
    with_reserve(graph, view)
    papers = sum(1 for _, d in graph.nodes(data=True) if d["label"] == "Paper")
    written = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with write_atomically(output) as handle:
        handle.write(graph_page(page_data(graph, view, written=written, papers=papers)))
    click.echo(f"wrote {output}: {len(view.nodes)} nodes and {len(view.edges)} edges drawn, "
               f"{len(view.reserve_nodes)} more nodes to expand into", err=True)
