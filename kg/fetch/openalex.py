"""`kg fetch openalex`: works from the OpenAlex API, by cursor paging, in its polite pool when
OPENALEX_EMAIL gives a contact address; written as JSON Lines `kg` reads."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from kg import config
from kg.fetch.polite_http import PoliteClient
from kg.fetch.resumable import FetchSummary, ResumableOutput, split_papers
from kg.formats.openalex import paper_from_work
from kg.records import KGError


def fetch_openalex(search: str, out: Path, *, since: str | None = None, limit: int | None = None, page_size: int = 200,
                   client: PoliteClient | None = None, progress: Callable[[int], None] | None = None) -> FetchSummary:
    """Fetch the works of an OpenAlex search into `out`, published on or after `since` (an ISO
    date), at most `limit`."""
    client = client or PoliteClient(config.OPENALEX_REQUEST_SECONDS)
    url = config.OPENALEX_API_URL.rstrip("/") + "/works"
    email = os.environ.get("OPENALEX_EMAIL")
    params = {"search": search, "per-page": page_size, **({"filter": f"from_publication_date:{since}"} if since else {}),
              **({"mailto": email} if email else {})}
    output = ResumableOutput(out, {"service": "openalex", "url": url, "search": search, "since": since, "limit": limit},
                             progress)
    cursor = output.position if output.resumed else "*"  # "" once the last page is in
    skipped = 0
    while cursor and output.wants_more:
        body = client.get(url, {**params, "cursor": cursor})
        try:
            page = json.loads(body)
            results, next_cursor = page.get("results") or [], (page.get("meta") or {}).get("next_cursor") or ""
        except (ValueError, AttributeError):
            raise KGError(f"{url}: the answer for cursor {cursor!r} is not an OpenAlex page") from None
        papers, unusable = split_papers([paper_from_work(work, url, f"work {number}")
                                         for number, work in enumerate(results, output.count + 1)])
        skipped += unusable
        cursor = next_cursor if results else ""
        output.add(papers, cursor)
    output.finish()
    return FetchSummary(output.count, skipped, client.requests, output.resumed)
