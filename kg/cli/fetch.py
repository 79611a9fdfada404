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


def _fetch_options(command):
    """--since, --limit, -o and --progress, which every service takes."""
    for option in reversed([
        click.option("--since", callback=_since, metavar="DATE", help="Only papers of this date or later (YYYY-MM-DD)."),
        click.option("--limit", type=click.IntRange(min=1), help="At most this many papers."),
        click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="The file to write (JSON Lines)."),
        click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal)."),
    ]):
        command = option(command)
    return command


def _run(fetch, what: str, since: str | None, limit: int | None, out: Path, progress: bool | None) -> None:
    import sys

    from tqdm import tqdm

    # as kg build: no bar where stderr is no terminal, unless --progress says otherwise
    with tqdm(unit=" papers", disable=None if progress is None else not progress, file=sys.stderr) as bar:
        summary = fetch(what, out, since=since, limit=limit, progress=bar.update)
    resumed = " (resumed)" if summary.resumed else ""
    click.echo(f"fetched {summary.papers} papers into {out}{resumed}; {summary.skipped} entries skipped; "
               f"{summary.requests} requests", err=True)


@fetch_group.command("arxiv")
@click.option("--query", required=True, help="An arXiv API search query, e.g. 'cat:eess.IV AND abs:\"segmentation\"'.")
@_fetch_options
@reports_errors
def fetch_arxiv_command(query: str, since: str | None, limit: int | None, out: Path, progress: bool | None) -> None:
    """Fetch arXiv papers, newest first, page by page (at most one request every 3 seconds, as
    arXiv asks; retries with backoff on 429, 5xx and dropped connections). --since is the
    submission date.

    \b
    Example:
      kg fetch arxiv --query 'cat:eess.IV AND abs:"segmentation"' --since 2026-11-28 -o arxiv.jsonl
      kg build arxiv.jsonl --out graph
    """
    from kg.fetch.arxiv import fetch_arxiv

    _run(fetch_arxiv, query, since, limit, out, progress)


@fetch_group.command("pubmed")
@click.option("--term", required=True, help="A PubMed search term, e.g. '\"deep learning\"[tiab] AND radiography[mh]'.")
@_fetch_options
@reports_errors
def fetch_pubmed_command(term: str, since: str | None, limit: int | None, out: Path, progress: bool | None) -> None:
    """Fetch PubMed records with NCBI's E-utilities (esearch on the history server, then efetch
    page by page), at most 3 requests a second, or 10 with an API key in NCBI_API_KEY. --since
    is the date a record entered PubMed.

    \b
    Example:
      kg fetch pubmed --term '"deep learning"[tiab] AND radiography[mh]' --since 2026-11-28 -o pubmed.jsonl
    """
    from kg.fetch.pubmed import fetch_pubmed

    _run(fetch_pubmed, term, since, limit, out, progress)


@fetch_group.command("openalex")
@click.option("--search", required=True, help="An OpenAlex full-text search, e.g. 'medical image segmentation'.")
@_fetch_options
@reports_errors
def fetch_openalex_command(search: str, since: str | None, limit: int | None, out: Path, progress: bool | None) -> None:
    """Fetch OpenAlex works by cursor paging, in its polite pool when OPENALEX_EMAIL gives a
    contact address. --since is the publication date.

    \b
    Example:
      OPENALEX_EMAIL=you@example.org kg fetch openalex --search 'medical image segmentation' --since 2026-11-28 -o works.jsonl
    """
    from kg.fetch.openalex import fetch_openalex

    _run(fetch_openalex, search, since, limit, out, progress)
