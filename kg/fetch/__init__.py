"""Fetching papers from where they live, as files `kg` reads: one module per service
(`arxiv`), sharing a polite HTTP client (`polite_http`: a least interval between requests,
retries with backoff on 429, 5xx and dropped connections) and resumable runs (`resumable`:
the papers so far and where the run got to, kept beside the output until it is complete)."""
