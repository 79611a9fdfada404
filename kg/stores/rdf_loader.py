"""The RDF store of a build: each chunk's N-Triples bulk-loaded into Oxigraph on a thread as
the chunks come, kept as graph.nt, and dumped as Turtle and JSON-LD at the end."""

from __future__ import annotations

import queue
import shutil
import threading
import time
from pathlib import Path

import pyoxigraph
from rdflib import RDF
from rdflib.namespace import PROV, SDO, SKOS

from kg.graph import GraphRows
from kg.stores.rdf_store import KG, ntriples, open_store
from kg.stores.sink import PartFiles, Sink

RDF_EXPORTS = ("ttl", "jsonld")  # dumped from the loaded store


class RdfLoader:
    """Bulk-loads N-Triples parts into the Oxigraph store of `folder` on a background thread
    as a build writes them (pyoxigraph lets go of the GIL while it loads, so extraction goes
    on meanwhile). Each loaded part is appended to graph.nt when `keep` is set, and removed:
    the parts never take more room than the one file."""

    def __init__(self, folder: Path, *, keep: bool = True):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.store = pyoxigraph.Store(str(self.folder / "oxigraph"))
        self.keep = keep
        self.seconds = 0.0  # time spent loading
        self._error: BaseException | None = None
        self._parts: queue.Queue[Path | None] = queue.Queue()
        self._thread = threading.Thread(target=self._load, name="rdf-loader", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        merged = open(self.folder / "graph.nt", "wb") if self.keep else None
        try:
            while (part := self._parts.get()) is not None:
                if self._error is not None:
                    continue
                start = time.perf_counter()
                try:
                    self.store.bulk_load(path=str(part), format=pyoxigraph.RdfFormat.N_TRIPLES)
                    if merged is not None:
                        with open(part, "rb") as handle:
                            shutil.copyfileobj(handle, merged, 1 << 20)
                    part.unlink()
                except BaseException as error:  # raised again by finish()
                    self._error = error
                self.seconds += time.perf_counter() - start
        finally:
            if merged is not None:
                merged.close()

    def add(self, part: Path) -> None:
        """Queue one N-Triples file for loading (and merging into graph.nt)."""
        self._parts.put(part)

    def finish(self) -> None:
        """Wait until every queued part is loaded, flush the store and close it (an open store
        goes on compacting in the background, on cores the rest of the build wants)."""
        self.close()
        if self._error is not None:
            raise self._error
        self.store.flush()
        self.store = None

    def close(self) -> None:
        """Stop the loading thread (once the parts queued so far are done)."""
        if self._thread.is_alive():
            self._parts.put(None)
            self._thread.join()


def export_rdf(store: pyoxigraph.Store, folder: Path, formats: list[str]) -> None:
    """Dump an Oxigraph store as folder/graph.ttl and/or graph.jsonld ("ttl", "jsonld")."""
    prefixes = {"kg": str(KG), "skos": str(SKOS), "schema": str(SDO), "prov": str(PROV), "rdf": str(RDF)}
    for name in formats:
        fmt = {"ttl": pyoxigraph.RdfFormat.TURTLE, "jsonld": pyoxigraph.RdfFormat.JSON_LD}[name]
        store.dump(str(Path(folder, f"graph.{name}")), fmt, from_graph=pyoxigraph.DefaultGraph(), prefixes=prefixes)


class RdfSink(Sink):
    """The Oxigraph store of a build (rdf/oxigraph), graph.nt beside it when the "nt" export is
    asked for, and the Turtle and JSON-LD exports asked for, dumped from the store."""

    name = stage = "rdf"

    def __init__(self, scratch: Path, exports: tuple[str, ...] = ()):
        self.scratch, self.exports = Path(scratch), tuple(exports)
        self.parts = PartFiles(self.scratch / "parts", ".nt")
        self.loader = RdfLoader(self.scratch / "rdf", keep="nt" in self.exports)
        self.seconds = {"load rdf": 0.0}

    @staticmethod
    def encode(rows: list[GraphRows]) -> bytes:
        """The rows as N-Triples, one paper after another (see `ntriples`)."""
        return b"".join(map(ntriples, rows))

    def add(self, index: str, part: bytes) -> None:
        if path := self.parts.write(index, part):
            self.loader.add(path)

    def finish(self, folder: Path) -> None:
        self.loader.finish()
        self.seconds["load rdf"] = self.loader.seconds
        (self.scratch / "rdf").rename(Path(folder, "rdf"))
        if formats := [name for name in self.exports if name in RDF_EXPORTS]:
            export_rdf(open_store(Path(folder, "rdf")), Path(folder, "rdf"), formats)

    def close(self) -> None:
        self.loader.close()
