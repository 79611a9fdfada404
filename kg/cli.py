"""The `kg` command line: thin wrappers over the stages. Results go to stdout or files,
progress and errors to stderr; exit 1 for bad input or a failed run, 2 for a usage error."""

from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path

import click

from kg import __version__, config
from kg.ingest import ingest, write_papers
from kg.records import IngestReport, KGError, Paper

MAX_LISTED_PROBLEMS = 20


def reports_errors(command):
    """Turn a KGError (or an interrupt) into one line on stderr and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KGError as error:
            click.echo(f"kg: error: {error}", err=True)
            sys.exit(1)
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


def _summarize(papers: list[Paper], report: IngestReport, output: str) -> None:
    echo = functools.partial(click.echo, err=True)
    echo(
        f"read {report.entries} entries from {report.files} files; "
        f"merged {report.merged} duplicates; skipped {len(report.skipped)}; bad {len(report.bad)}"
    )
    for reason, count in Counter(s.reason for s in report.skipped).most_common():
        echo(f"  skipped {count}: {reason}")
    for problem in report.bad[:MAX_LISTED_PROBLEMS]:
        echo(f"  bad: {problem}")
    if len(report.bad) > MAX_LISTED_PROBLEMS:
        echo(f"  ... and {len(report.bad) - MAX_LISTED_PROBLEMS} more bad records")
    dated = sum(1 for p in papers if p.published)
    counted = sum(1 for p in papers if p.author_count)
    where = "stdout" if output == "-" else output
    echo(f"wrote {len(papers)} papers to {where} ({dated} with a date, {counted} with an author count)")


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", default="-", show_default=True, help="JSON Lines file to write ('-' for stdout).")
@click.option("--format", "format_", type=click.Choice(config.FORMATS), help="Read every file as this format instead of sniffing it.")
@click.option("--skip-bad", is_flag=True, help="Skip bad files and records (counted on stderr) instead of stopping.")
@reports_errors
def ingest_command(paths: tuple[Path, ...], output: str, format_: str | None, skip_bad: bool) -> None:
    """Read papers from files and folders into one JSON Lines file, one paper per line.

    Reads daily-papers listing pages, JSON Lines, CSV, arXiv Atom XML, PubMed XML, BibTeX
    and OpenAlex JSON, sniffing each file's format. Copies of the same paper (same DOI,
    arXiv id, PMID or title) are merged. The output is written only if the run succeeds.

    \b
    Example:
      kg ingest ../shared/seeds refs.bib -o papers.jsonl
    """
    papers, report = ingest(paths, format=format_, skip_bad=skip_bad)
    write_papers(papers, output)
    _summarize(papers, report, output)
