"""PubMed efetch XML: a `PubmedArticleSet` of `PubmedArticle`s.

Structured abstracts come as several labelled `AbstractText` sections; they are joined in
order as "LABEL: text".
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from kg.formats.xml_records import iter_records, text_of
from kg.papers import make_paper
from kg.records import BadInput, Paper, Skipped
from kg.text import month_number


def join_abstract(abstract: ET.Element | None) -> str:
    """The abstract text, its labelled sections joined in document order."""
    if abstract is None:
        return ""
    parts = []
    for section in abstract.findall("AbstractText"):
        text = text_of(section)
        label = section.get("Label")
        if text:
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def publication_date(article: ET.Element) -> str | None:
    """The most precise date the record gives: the electronic date, else the issue's date."""
    for date in (article.find("ArticleDate"), article.find("Journal/JournalIssue/PubDate")):
        if date is None:
            continue
        year = text_of(date.find("Year")) or text_of(date.find("MedlineDate"))[:4]
        if not re.fullmatch(r"[0-9]{4}", year):
            continue
        month = month_number(text_of(date.find("Month")))
        day = text_of(date.find("Day"))
        if month and re.fullmatch(r"[0-9]{1,2}", day) and 1 <= int(day) <= 31:
            return f"{year}-{month:02d}-{int(day):02d}"
        return f"{year}-{month:02d}" if month else year
    return None


def _author_name(author: ET.Element) -> str:
    collective = text_of(author.find("CollectiveName"))
    names = (text_of(author.find("ForeName")), text_of(author.find("LastName")))
    return collective or " ".join(name for name in names if name)


def paper_from_article(element: ET.Element, source: str, where: str) -> Paper | Skipped:
    """One Paper from a `PubmedArticle` element."""
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    if article is None:
        return Skipped(source, where, "article has no Article element")
    title = text_of(article.find("ArticleTitle"))
    abstract = join_abstract(article.find("Abstract"))
    if not title:
        return Skipped(source, where, "article has no title")
    if not abstract:
        return Skipped(source, where, "article has no abstract")
    ids = {node.get("IdType"): text_of(node) for node in element.findall("PubmedData/ArticleIdList/ArticleId")}
    doi = ids.get("doi") or next(
        (text_of(node) for node in article.findall("ELocationID") if node.get("EIdType") == "doi"), None
    )
    pmid = text_of(citation.find("PMID")) or ids.get("pubmed")
    authors = tuple(name for author in article.findall("AuthorList/Author") if (name := _author_name(author)))
    return make_paper(
        title=title.rstrip("."),
        abstract=abstract,
        doi=doi,
        pmid=pmid or None,
        authors=authors,
        author_count=len(authors) or None,
        published=publication_date(article),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None,
        sources=(source,),
    )


def read_pubmed(path: Path) -> Iterator[Paper | Skipped | BadInput]:
    """Papers from a PubMed efetch XML file."""
    source = str(path)
    return iter_records(path, "PubmedArticle", lambda element, where: paper_from_article(element, source, where))
