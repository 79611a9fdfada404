"""Settings of `kg` in one place. Every default works as it is."""

from __future__ import annotations

# Longest line or record a reader accepts; anything longer is reported as bad input
# rather than read into memory (a real abstract is a few kilobytes).
MAX_RECORD_BYTES = 4 * 1024 * 1024

# How many bytes of a file are looked at to guess its format.
SNIFF_BYTES = 64 * 1024

# Input formats `kg ingest` reads; `--format` takes one of these names.
FORMATS = ("listing", "jsonl", "csv", "arxiv", "pubmed", "bibtex", "openalex")
