"""Ingest: files and folders in, one list of distinct papers out.

`read` picks a reader by sniffing the file's content (an explicit format overrides), and
`ingest` reads many paths, merges the copies of each paper and counts what it skipped.
"""

from __future__ import annotations

import contextlib
import json
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg import config
from kg.atomic_file import write_atomically
from kg.formats.arxiv import read_arxiv
from kg.formats.bibtex import read_bibtex
from kg.formats.listing import read_listing
from kg.formats.openalex import read_openalex
from kg.formats.pubmed import read_pubmed
from kg.formats.tabular import read_csv, read_jsonl
from kg.input_copy import as_regular_utf8, renamed
from kg.paper_sets import PaperSet, PaperSpool
from kg.records import BadInput, IngestReport, Paper, Skipped
from kg.sniff import sniff_format

Reader = Callable[[Path], Iterable[Paper | Skipped | BadInput]]
READERS: dict[str, Reader] = {
    "listing": read_listing,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "arxiv": read_arxiv,
    "pubmed": read_pubmed,
    "bibtex": read_bibtex,
    "openalex": read_openalex,
}
assert tuple(READERS) == config.FORMATS


STDIN = "<stdin>"  # the name standard input (given as `-`) goes by in messages


def read(path: Path, format: str | None = None) -> Iterator[Paper | Skipped | BadInput]:
    """Every record of one file: papers, skipped records and bad records, in file order.

    `-` is standard input. A fault of the file as a whole (unreadable, empty, binary,
    unknown format) is raised.
    """
    source = STDIN if str(path) == "-" else str(path)
    real, encoding = path, None
    with contextlib.ExitStack() as stack:
        try:
            real, encoding = as_regular_utf8(path, source, stack)
            records = READERS[format or sniff_format(real)](real)
            for record in records:
                yield record if real is path else renamed(record, str(real), source, encoding)
        except OSError as error:
            raise BadInput(source, f"cannot read: {error.strerror or error}") from None
        except BadInput as error:
            raise renamed(error, str(real), source, encoding) from None


def iter_files(paths: Iterable[Path], on_skip: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """The files named, with the files under each folder in sorted order (hidden ones left out).

    A FIFO, device or socket inside a folder is passed to `on_skip` rather than read (a FIFO
    would wait for a writer forever); a FIFO named on its own is read as a stream (see `read`).
    """
    for path in paths:
        if str(path) == "-" or not path.is_dir():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            if any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            try:
                mode = child.stat().st_mode
            except OSError:
                yield child  # the reader says why it cannot be read
                continue
            if stat.S_ISREG(mode):
                yield child
            elif not stat.S_ISDIR(mode) and on_skip:
                on_skip(child)


def read_papers(
    paths: Iterable[Path], papers: PaperSet | PaperSpool, *, format: str | None = None, skip_bad: bool = False,
) -> IngestReport:
    """Read every file under `paths` into `papers`, which merges the copies of each paper.

    Without `skip_bad` the first bad file or record is raised as BadInput; with it, bad input
    is counted in the report and every good record is kept.
    """
    report = IngestReport()
    for path in iter_files(paths, on_skip=lambda path: report.ignored.append(str(path))):
        report.files += 1
        try:
            for record in read(path, format):
                if isinstance(record, BadInput):
                    if not skip_bad:
                        raise record
                    report.bad.append(record)
                elif isinstance(record, Skipped):
                    report.skipped.append(record)
                else:
                    report.entries += 1
                    report.merged += papers.add(record)
        except BadInput as error:
            if not skip_bad:
                raise
            report.bad.append(error)
    return report


def ingest(
    paths: Iterable[Path], *, format: str | None = None, skip_bad: bool = False
) -> tuple[list[Paper], IngestReport]:
    """Read every file under `paths` into a list of distinct papers (see `read_papers`)."""
    papers = PaperSet()
    report = read_papers(paths, papers, format=format, skip_bad=skip_bad)
    return list(papers), report


def write_papers(papers: Iterable[Paper], path: str | Path) -> int:
    """Write papers as JSON Lines, atomically (`-` for standard output); returns the count."""
    count = 0
    with write_atomically(path) as handle:
        for paper in papers:
            handle.write(json.dumps(paper.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count
