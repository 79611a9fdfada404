"""arXiv API responses: an Atom feed with one `entry` per paper."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from kg.formats.xml_records import iter_records, text_of
from kg.papers import make_paper
from kg.records import BadInput, Paper, Skipped

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def paper_from_entry(entry: ET.Element, source: str, where: str) -> Paper | Skipped:
    """One Paper from an Atom `entry` element."""
    title = text_of(entry.find(f"{ATOM}title"))
    abstract = text_of(entry.find(f"{ATOM}summary"))
    if not title:
        return Skipped(source, where, "entry has no title")
    if not abstract:
        return Skipped(source, where, "entry has no abstract")
    authors = tuple(
        name for author in entry.findall(f"{ATOM}author") if (name := text_of(author.find(f"{ATOM}name")))
    )
    url = text_of(entry.find(f"{ATOM}id"))
    return make_paper(
        title=title,
        abstract=abstract,
        arxiv_id=url,
        doi=text_of(entry.find(f"{ARXIV}doi")) or None,
        authors=authors,
        author_count=len(authors) or None,
        published=text_of(entry.find(f"{ATOM}published"))[:10] or None,
        url=url or None,
        sources=(source,),
    )


def read_arxiv(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from an arXiv API Atom feed."""
    source = str(path)
    return iter_records(path, f"{ATOM}entry", lambda entry, where: paper_from_entry(entry, source, where))
