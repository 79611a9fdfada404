"""One reader per input format; each turns a file into papers (see `kg.ingest.read`)."""
