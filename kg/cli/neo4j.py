"""`kg neo4j serve`: a build in a real Neo4j server, looked at in Neo4j Browser, without Docker."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import click

from kg.cli.common import reports_errors, store_option
from kg.records import KGError


@click.group("neo4j")
def neo4j_group() -> None:
    """A real Neo4j 5 Community server and Neo4j Browser for a build, started by kg (Java and
    Maven needed; with Docker, `docker compose up` runs the same).

    \b
    Example:
      NEO4J_PASSWORD=choose-a-password kg neo4j serve --store graph
    """


@neo4j_group.command("serve")
@store_option
@click.option("--bolt-port", type=click.IntRange(1, 65535), default=7687, show_default=True, help="Neo4j's Bolt port.")
@click.option("--http-port", type=click.IntRange(1, 65535), default=7474, show_default=True,
              help="The port Neo4j Browser is served on.")
@click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path),
              help="Neo4j's data folder (default: one per build, in kg's cache folder).")
@click.option("--neo4j-password", "password", envvar="NEO4J_PASSWORD", show_envvar=True, default="", show_default=False,
              metavar="PASSWORD", help="The password of the user neo4j, 8 characters or more (better in the environment).")
@reports_errors
def serve_command(store: Path, bolt_port: int, http_port: int, data: Path | None, password: str) -> None:
    """Start Neo4j with the build loaded, and serve Neo4j Browser, until Ctrl-C or SIGTERM.

    The first run builds the launcher with Maven (Neo4j and the Browser come from Maven
    Central) into kg's cache folder. The build is loaded as `kg load neo4j` loads it:
    constraints, then batched UNWIND ... MERGE, so a second run on the same data changes
    nothing. Prints the Browser URL, the Bolt URI and the Browser guide of the query library.

    \b
    Example:
      export NEO4J_PASSWORD=choose-a-password
      kg neo4j serve --store graph
      kg query models-on-dataset --neo4j --neo4j-uri bolt://localhost:7687
    """
    from kg.neo4j_server import Neo4jServer, default_data_folder, progress
    from kg.queries import browser_guide, load_library
    from kg.stores.neo4j_loader import connect, describe_load, load_build

    if not (store / "cypher").exists():
        raise KGError(f"{store}: no build here (no cypher store); run `kg build ... --out {store}` first")
    data = data or default_data_folder(store)
    server = Neo4jServer(data, password, bolt_port=bolt_port, http_port=http_port, log=progress,
                         guide=browser_guide(load_library()))
    started = time.monotonic()
    with server:
        progress(f"Neo4j started in {time.monotonic() - started:.1f} s (data in {data})")
        started = time.monotonic()
        with connect(server.bolt_uri, "neo4j", password) as driver:
            report = load_build(store, driver)
        progress(f"{describe_load(report)} in {time.monotonic() - started:.1f} s")
        click.echo(f"Neo4j Browser: {server.browser_url}?connectURL={quote(server.bolt_uri, safe='')}")
        click.echo(f"Bolt:          {server.bolt_uri} (user neo4j, the password of NEO4J_PASSWORD)")
        click.echo(f"Guide:         :play {server.guide_url}")
        progress("serving; Ctrl-C or SIGTERM stops Neo4j")
        code = server.wait()
        if code not in (0, 130, 143):
            raise KGError(f"Neo4j stopped with exit code {code}; its logs are in {data}/logs")
