"""An HTTP client that asks a service no faster than it allows and rides out its bad moments:
a least interval between requests, and retries with exponential backoff (or the server's
Retry-After) on 429, 5xx answers, timeouts and dropped connections."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request

from kg import __version__, config
from kg.records import KGError

RETRY_STATUSES = {429, 500, 502, 503, 504}


class PoliteClient:
    """GET requests at most one per `interval` seconds, each tried up to `retries` more times."""

    def __init__(self, interval: float, *, retries: int | None = None, backoff: float | None = None,
                 timeout: float = 60):
        self.interval = interval
        self.retries = config.FETCH_RETRIES if retries is None else retries
        self.backoff = config.FETCH_BACKOFF_SECONDS if backoff is None else backoff
        self.timeout = timeout
        self._last: float | None = None
        self.requests = 0

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last = time.monotonic()

    def get(self, url: str, params: dict[str, str | int] | None = None) -> bytes:
        """The body of a GET of `url` with `params`; a KGError once the retries are spent."""
        full = url + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(full, headers={"User-Agent": f"kg/{__version__} (literature graph builder)"})
        for attempt in range(self.retries + 1):
            self._wait_turn()
            self.requests += 1
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code not in RETRY_STATUSES or attempt == self.retries:
                    raise KGError(f"{url}: HTTP {error.code} {error.reason}") from None
                delay = _retry_after(error.headers.get("Retry-After"))
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as error:
                if attempt == self.retries:
                    reason = getattr(error, "reason", error)
                    raise KGError(f"{url}: {reason or type(error).__name__}") from None
                delay = None
            time.sleep(delay if delay is not None else self.backoff * 2**attempt)
        raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: back off as usual
