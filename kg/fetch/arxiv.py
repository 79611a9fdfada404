"""`kg fetch arxiv`: papers from the arXiv API (its Atom feed), newest first, page by page, at
most one request every 3 seconds as arXiv asks; written as JSON Lines `kg` reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from kg import config
from kg.fetch.polite_http import PoliteClient
from kg.fetch.resumable import FetchSummary, ResumableOutput, split_papers
from kg.formats.arxiv import ATOM, paper_from_entry
from kg.records import KGError, Paper

OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def fetch_arxiv(query: str, out: Path, *, since: str | None = None, limit: int | None = None, page_size: int = 100,
                client: PoliteClient | None = None, progress: Callable[[int], None] | None = None) -> FetchSummary:
    """Fetch the papers of an arXiv search into `out`, newest first, stopping at the first
    paper submitted before `since` (an ISO date), after `limit` papers, or at the end."""
    client = client or PoliteClient(config.ARXIV_REQUEST_SECONDS)
    url = config.ARXIV_API_URL
    output = ResumableOutput(out, {"service": "arxiv", "url": url, "query": query, "since": since, "limit": limit},
                             progress)
    start, skipped = output.position or 0, 0
    while output.wants_more:
        body = client.get(url, {"search_query": query, "start": start, "max_results": page_size,
                                "sortBy": "submittedDate", "sortOrder": "descending"})
        try:
            feed = ET.fromstring(body)
        except ET.ParseError as error:
            raise KGError(f"{url}: the answer to start={start} is not an Atom feed ({error})") from None
        entries = feed.findall(f"{ATOM}entry")
        total = int(feed.findtext(f"{OPENSEARCH}totalResults") or 0)
        records = [paper_from_entry(entry, url, f"entry {number}") for number, entry in enumerate(entries, start + 1)]
        # newest first: the first paper submitted before `since` ends the run
        older = next((i for i, r in enumerate(records) if isinstance(r, Paper) and since and r.published
                      and r.published < since), None)
        papers, unusable = split_papers(records[:older])
        skipped += unusable
        start += len(entries)
        output.add(papers, start)
        if older is not None or not entries or start >= total:
            break
    output.finish()
    return FetchSummary(output.count, skipped, client.requests, output.resumed)
