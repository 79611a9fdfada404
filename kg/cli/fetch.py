"""`kg fetch`: papers from where they live, as files `kg` reads."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import reports_errors
from kg.papers import check_date


def _since(ctx, param, value: str | None) -> str | None:
    if value is not None and (len(value) != 10 or check_date(value) != value):
        raise click.BadParameter(f"{value!r} is no date; write YYYY-MM-DD")
    return value


@click.group("fetch")
def fetch_group() -> None:
    """Fetch papers from a service into a file `kg` reads (JSON Lines). A run that stops
    part-way leaves OUT.part and OUT.fetch.json; the same command again goes on from there.

    \b
    Example:
      kg fetch arxiv --query 'cat:eess.IV AND abs:segmentation' --since 2026-11-28 -o new.jsonl
    """


@fetch_group.command("arxiv")
@click.option("--query", required=True, help="An arXiv API search query, e.g. 'cat:eess.IV AND abs:\"segmentation\"'.")
@click.option("--since", callback=_since, metavar="DATE", help="Only papers submitted on or after this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many papers.")
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@reports_errors
def fetch_arxiv_command(query: str, since: str | None, limit: int | None, out: Path, progress: bool | None) -> None:
    """Fetch arXiv papers, newest first, page by page (at most one request every 3 seconds, as
    arXiv asks; retries with backoff on 429, 5xx and dropped connections).

    \b
    Example:
      kg fetch arxiv --query 'cat:eess.IV AND abs:"segmentation"' --since 2026-11-28 -o arxiv.jsonl
      kg build arxiv.jsonl --out graph
    """
    import sys

    from tqdm import tqdm

    from kg.fetch.arxiv import fetch_arxiv

    with tqdm(unit=" papers", disable=not (sys.stderr.isatty() if progress is None else progress), file=sys.stderr) as bar:
        summary = fetch_arxiv(query, out, since=since, limit=limit, progress=bar.update)
    resumed = " (resumed)" if summary.resumed else ""
    click.echo(f"fetched {summary.papers} papers into {out}{resumed}; {summary.skipped} entries skipped; "
               f"{summary.requests} requests", err=True)
