"""The `kg` command line: thin wrappers over the stages, one module per group of related
commands. Results go to stdout or files, progress and errors to stderr; exit 1 for bad input
or a failed run, 2 for a usage error."""

from __future__ import annotations

import importlib

import click

from kg import __version__
from kg.cli.common import Terminated, reports_errors

__all__ = ["main", "reports_errors", "Terminated"]

# command -> (module, attribute): a command's module is imported only when it runs or help is
# shown, so that `kg query` does not pay for importing spaCy, Arrow or Dask
COMMANDS = {
    "ingest": ("kg.cli.papers", "ingest_command"),
    "extract": ("kg.cli.papers", "extract_command"),
    "eval": ("kg.cli.papers", "eval_command"),
    "build": ("kg.cli.build", "build_command"),
    "stats": ("kg.cli.build", "stats_command"),
    "validate": ("kg.cli.build", "validate_command"),
    "load": ("kg.cli.query", "load_group"),
    "query": ("kg.cli.query", "query_command"),
    "serve": ("kg.cli.explore", "serve_command"),
    "viz": ("kg.cli.explore", "viz_command"),
    "neo4j": ("kg.cli.neo4j", "neo4j_group"),
    "fetch": ("kg.cli.fetch", "fetch_group"),
}


class CommandsOnDemand(click.Group):
    """A group whose commands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=CommandsOnDemand, context_settings={"help_option_names": ["-h", "--help"]})
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
