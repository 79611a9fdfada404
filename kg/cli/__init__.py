"""The `kg` command line: thin wrappers over the stages, one module per group of related
commands. Results go to stdout or files, progress and errors to stderr; exit 1 for bad input
or a failed run, 2 for a usage error."""

from __future__ import annotations

import click

from kg import __version__
from kg.cli.build import build_command, stats_command, validate_command
from kg.cli.common import Terminated, reports_errors
from kg.cli.explore import serve_command, viz_command
from kg.cli.fetch import fetch_group
from kg.cli.neo4j import neo4j_group
from kg.cli.papers import eval_command, extract_command, ingest_command
from kg.cli.query import load_group, query_command

__all__ = ["main", "reports_errors", "Terminated"]


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


for _command in (ingest_command, extract_command, eval_command, build_command, stats_command, validate_command,
                 load_group, query_command, serve_command, viz_command, neo4j_group, fetch_group):
    main.add_command(_command)
