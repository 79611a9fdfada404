"""What the commands share: error handling, the input, store, output, parameter and Neo4j
options, and printing rows. Data goes to stdout, diagnostics to stderr; exit 1 for a failed
run, 2 for a usage error (found before any work starts)."""

from __future__ import annotations

import csv
import functools
import json
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import click

from kg import config
from kg.records import IngestReport, KGError

MAX_LISTED_PROBLEMS = 20
TABLE_CELL_WIDTH = 60  # a longer cell wraps


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


def input_options(command):
    """The arguments and options of every command that reads papers, as `kg ingest` does."""
    command = click.option("--skip-bad", is_flag=True, help="Skip bad files and records (counted on stderr) instead of stopping.")(command)
    command = click.option("--format", "format_", type=click.Choice(config.FORMATS), help="Read every file as this format instead of sniffing it.")(command)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))(command)


def store_option(command):
    """--store DIR, the folder `kg build` wrote."""
    return click.option("--store", "store", required=True, type=click.Path(file_okay=False, path_type=Path),
                        help="The folder `kg build` wrote.")(command)


def output_options(command):
    """--json and --csv, passed on as `output` ("table", "json" or "csv"): the one way every
    command that prints data chooses its form, as sqlite-utils does."""

    @functools.wraps(command)
    def wrapper(*args, as_json: bool, as_csv: bool, **kwargs):
        if as_json and as_csv:
            raise click.UsageError("give --json or --csv, not both")
        return command(*args, output="json" if as_json else "csv" if as_csv else "table", **kwargs)

    wrapper = click.option("--csv", "as_csv", is_flag=True, help="Print the data as CSV.")(wrapper)
    return click.option("--json", "as_json", is_flag=True, help="Print the data as JSON.")(wrapper)


def _parse_params(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    given = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"takes K=V, not {item!r}")
        given[key.strip()] = value
    return given


def params_option(command):
    """--param K=V (repeatable), passed on as a dict `params`."""
    return click.option("--param", "params", multiple=True, metavar="K=V", callback=_parse_params,
                        help="A query parameter (repeatable).")(command)


def neo4j_options(command):
    """--neo4j-uri, --neo4j-user and --neo4j-password, from NEO4J_URI, NEO4J_USERNAME and
    NEO4J_PASSWORD when not given; passed on as `neo4j` (uri, user, password). The password
    is never shown: its help names only the variable."""
    options = [
        click.option("--neo4j-password", "neo4j_password", envvar="NEO4J_PASSWORD", show_envvar=True, default="",
                     show_default=False, metavar="PASSWORD", help="The Neo4j password (better in the environment)."),
        click.option("--neo4j-user", "neo4j_user", envvar="NEO4J_USERNAME", show_envvar=True, default="neo4j",
                     show_default=True, help="The Neo4j user."),
        click.option("--neo4j-uri", "neo4j_uri", envvar="NEO4J_URI", show_envvar=True, metavar="URI",
                     help="The Neo4j server, e.g. bolt://localhost:7687."),
    ]

    @functools.wraps(command)
    def wrapper(*args, neo4j_uri, neo4j_user, neo4j_password, **kwargs):
        return command(*args, neo4j=(neo4j_uri, neo4j_user, neo4j_password), **kwargs)

    for option in options:
        wrapper = option(wrapper)
    return wrapper


def require_neo4j(neo4j: tuple[str | None, str, str]) -> None:
    """A usage error unless a Neo4j server is given."""
    if not neo4j[0]:
        raise click.UsageError("give --neo4j-uri or set NEO4J_URI (for example bolt://localhost:7687), "
                               "NEO4J_USERNAME and NEO4J_PASSWORD")


def print_rows(rows: list[dict[str, Any]], output: str | None) -> None:
    """Rows on stdout as a table (the row count on stderr), JSON or CSV."""
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    columns = list(rows[0]) if rows else []
    if output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
        return
    for line in table_lines(rows, columns):
        click.echo(line)
    click.echo(f"({len(rows)} rows)", err=True)


def table_lines(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    """Rows as aligned columns; a cell longer than TABLE_CELL_WIDTH wraps onto more lines of
    its column, and then a blank line parts the rows."""
    cells = [[_wrap(row[c]) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(line) for row in cells for line in row[i]]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    wrapped = any(len(cell) > 1 for row in cells for cell in row)
    for row in cells:
        if wrapped and len(lines) > 1:
            lines.append("")
        for i in range(max((len(cell) for cell in row), default=1)):
            lines.append("  ".join((cell[i] if i < len(cell) else "").ljust(w) for cell, w in zip(row, widths)).rstrip())
    return lines


def _wrap(value: Any) -> list[str]:
    text = "" if value is None else str(value)
    return textwrap.wrap(text, TABLE_CELL_WIDTH, break_on_hyphens=False) or [""]


def report_input(report: IngestReport) -> None:
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
