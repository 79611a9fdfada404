"""`kg fetch pubmed`: papers from PubMed through NCBI's E-utilities: esearch with the history
server, then efetch page by page, at most 3 requests a second (10 with an API key in
NCBI_API_KEY, as NCBI allows); written as JSON Lines `kg` reads."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from kg import config
from kg.fetch.polite_http import PoliteClient
from kg.fetch.resumable import FetchSummary, ResumableOutput, split_papers
from kg.formats.pubmed import paper_from_article
from kg.records import KGError


def _xml(body: bytes, what: str) -> ET.Element:
    try:
        return ET.fromstring(body)
    except ET.ParseError as error:
        raise KGError(f"{config.PUBMED_API_URL}: the {what} answer is not XML ({error})") from None


def fetch_pubmed(term: str, out: Path, *, since: str | None = None, limit: int | None = None, page_size: int = 200,
                 client: PoliteClient | None = None, progress: Callable[[int], None] | None = None) -> FetchSummary:
    """Fetch the papers of a PubMed search into `out`, entered on or after `since` (an ISO
    date), at most `limit`."""
    key = os.environ.get("NCBI_API_KEY")
    client = client or PoliteClient(1 / 10 if key else 1 / 3)
    base = config.PUBMED_API_URL.rstrip("/")
    output = ResumableOutput(out, {"service": "pubmed", "url": base, "term": term, "since": since, "limit": limit},
                             progress)
    common = {"db": "pubmed", "tool": "kg", **({"api_key": key} if key else {})}
    search = {**common, "term": term, "usehistory": "y", "retmax": 0}
    if since:
        search.update(datetype="edat", mindate=since.replace("-", "/"), maxdate="3000")
    # a history server's results expire: a resumed run searches again and goes on from its position
    found = _xml(client.get(f"{base}/esearch.fcgi", search), "esearch")
    count, web_env, query_key = found.findtext("Count"), found.findtext("WebEnv"), found.findtext("QueryKey")
    if count is None or not web_env or not query_key:
        raise KGError(f"{base}/esearch.fcgi: no Count, WebEnv and QueryKey in the answer")
    total = int(count) if limit is None else min(int(count), limit)
    start, skipped = output.position or 0, 0
    while start < total:
        page = _xml(client.get(f"{base}/efetch.fcgi", {**common, "WebEnv": web_env, "query_key": query_key,
                                                       "retstart": start, "retmax": min(page_size, total - start),
                                                       "retmode": "xml"}), "efetch")
        articles = page.findall("PubmedArticle")
        if not articles:
            break
        papers, unusable = split_papers([paper_from_article(article, base, f"record {number}")
                                         for number, article in enumerate(articles, start + 1)])
        skipped += unusable
        start += len(articles)
        output.add(papers, start)
    output.finish()
    return FetchSummary(output.count, skipped, client.requests, output.resumed)
