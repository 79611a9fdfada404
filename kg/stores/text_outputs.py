"""The text files of a build: papers.jsonl, extraction.jsonl and the exports (N-Triples,
Turtle, JSON-LD, GraphML, the neo4j-admin CSVs).

Each file is a header, then one segment for each unit of the graph in the order of its key
(see kg.graph: each paper, then each entity, then each edge between entities), then a footer.
A unit's segment depends on nothing but the unit: so a build writes the segments as the units
come, and an update writes a new file from the old one, copying the bytes of every run of
units that did not change (the index of the build keeps each unit's length in each file) and
encoding only the units that did. Either way the file is the same, byte for byte.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.graph import GraphRows
from kg.stores.exports import GRAPHML_FOOTER, graphml_header, graphml_part, neo4j_csv_headers, neo4j_csv_parts, neo4j_import_script
from kg.stores.rdf_store import JSONLD_FOOTER, JSONLD_HEADER, TURTLE_HEADER, jsonld, ntriples, turtle

PAPERS_FILE, RECORDS_FILE = "papers.jsonl", "extraction.jsonl"


@dataclass(frozen=True)
class TextOutput:
    """One text file of a build: its path in the build folder, what it holds before the
    segments and after them."""

    path: str
    header: bytes = b""
    footer: bytes = b""


def text_outputs(exports: Iterable[str]) -> tuple[TextOutput, ...]:
    """The text files of a build that writes the file `exports` named (see config.EXPORTS)."""
    exports = tuple(exports)
    outputs = [TextOutput(PAPERS_FILE), TextOutput(RECORDS_FILE)]
    if "nt" in exports:
        outputs.append(TextOutput("rdf/graph.nt"))
    if "ttl" in exports:
        outputs.append(TextOutput("rdf/graph.ttl", TURTLE_HEADER))
    if "jsonld" in exports:
        outputs.append(TextOutput("rdf/graph.jsonld", JSONLD_HEADER, JSONLD_FOOTER))
    if "graphml" in exports:
        outputs.append(TextOutput("graph.graphml", graphml_header(), GRAPHML_FOOTER))
    if "neo4j" in exports:
        outputs += [TextOutput(f"neo4j/{name}", header) for name, header in neo4j_csv_headers().items()]
    return tuple(outputs)


@dataclass(frozen=True)
class UnitText:
    """A unit of the graph as text: its key, its N-Triples (which the RDF store loads whether
    or not graph.nt is kept) and its segment in each text output, in the order of the outputs."""

    key: str
    ntriples: bytes
    segments: tuple[bytes, ...]


def unit_text(key: str, rows: GraphRows, outputs: tuple[TextOutput, ...], paper: dict | None = None,
              record: dict | None = None) -> UnitText:
    """The text of one unit: a paper's rows with its paper and extraction record (its lines of
    papers.jsonl and extraction.jsonl), or an entity's or entity edge's rows."""
    nt = ntriples(rows)
    csvs = neo4j_csv_parts(rows) if any(output.path.startswith("neo4j/") for output in outputs) else {}
    segments = []
    for output in outputs:
        path = output.path
        if path == PAPERS_FILE:
            segment = _json_line(paper)
        elif path == RECORDS_FILE:
            segment = _json_line(record)
        elif path == "rdf/graph.nt":
            segment = nt
        elif path == "rdf/graph.ttl":
            segment = turtle(nt)
        elif path == "rdf/graph.jsonld":
            segment = jsonld(nt)
        elif path == "graph.graphml":
            segment = graphml_part(rows)
        else:
            segment = csvs.get(path.removeprefix("neo4j/"), b"")
        segments.append(segment)
    return UnitText(key, nt, tuple(segments))


def _json_line(value: dict | None) -> bytes:
    return b"" if value is None else (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")


class TextWriter:
    """Writes the text outputs of a build into `folder`: headers first, then each unit's
    segments as they come (in key order), then the footers at `close`."""

    def __init__(self, folder: Path, outputs: tuple[TextOutput, ...]):
        self.folder, self.outputs = Path(folder), outputs
        self.files: list[BinaryIO] = []
        for output in outputs:
            path = self.folder / output.path
            path.parent.mkdir(parents=True, exist_ok=True)
            self.files.append(open(path, "wb"))
            self.files[-1].write(output.header)
        if any(output.path.startswith("neo4j/") for output in outputs):
            (self.folder / "neo4j" / "import.sh").write_text(neo4j_import_script())

    def write(self, segments: tuple[bytes, ...]) -> None:
        for file, segment in zip(self.files, segments):
            file.write(segment)

    def copy(self, old: list[BinaryIO], start: list[int], end: list[int]) -> None:
        """Copy the bytes [start, end) of each old file to its new one."""
        for file, source, first, last in zip(self.files, old, start, end):
            _copy_range(source, file, first, last)

    def close(self) -> None:
        for file, output in zip(self.files, self.outputs):
            if not file.closed:
                file.write(output.footer)
                file.close()

    def abandon(self) -> None:
        for file in self.files:
            file.close()


def _copy_range(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    """Copy the bytes [start, end) of `source` to the end of `target`, in the kernel where it can."""
    if end <= start:
        return
    target.flush()
    if hasattr(os, "copy_file_range"):
        try:
            while start < end:
                copied = os.copy_file_range(source.fileno(), target.fileno(), end - start, start)
                if copied == 0:
                    raise EOFError(f"{source.name} ended before byte {end}")
                start += copied
            target.seek(0, os.SEEK_END)
            return
        except OSError:  # not between these files (another file system, say): copy through Python
            target.seek(0, os.SEEK_END)
    source.seek(start)
    while start < end:
        block = source.read(min(1 << 20, end - start))
        if not block:
            raise EOFError(f"{source.name} ended before byte {end}")
        target.write(block)
        start += len(block)


def rewrite(old_folder: Path, writer: TextWriter, old_units: Iterable[tuple[str, tuple[int, ...]]],
            changed: dict[str, UnitText | None]) -> None:
    """Write the text outputs of an update: the old files (in `old_folder`, whose units and
    their lengths in each file `old_units` gives in key order) with the `changed` units (by
    key; None for a unit that is gone) put in their places. Every run of unchanged units is
    copied as it is."""
    outputs = writer.outputs
    old = [open(Path(old_folder, output.path), "rb") for output in outputs]
    try:
        offsets = [len(output.header) for output in outputs]
        run_start = list(offsets)
        pending = iter(sorted(changed))
        next_key = next(pending, None)

        def flush_run() -> None:
            writer.copy(old, run_start, offsets)

        for key, lengths in old_units:
            while next_key is not None and next_key < key:  # a new unit before this one
                flush_run()
                run_start[:] = offsets
                if changed[next_key] is not None:
                    writer.write(changed[next_key].segments)
                next_key = next(pending, None)
            if key == next_key:
                flush_run()
                offsets = [offset + length for offset, length in zip(offsets, lengths)]
                run_start[:] = offsets
                if changed[key] is not None:
                    writer.write(changed[key].segments)
                next_key = next(pending, None)
            else:
                offsets = [offset + length for offset, length in zip(offsets, lengths)]
        flush_run()
        while next_key is not None:
            if changed[next_key] is not None:
                writer.write(changed[next_key].segments)
            next_key = next(pending, None)
    finally:
        for file in old:
            file.close()


def lengths(unit: UnitText) -> tuple[int, ...]:
    """The length of the unit's segment in each output."""
    return tuple(map(len, unit.segments))
