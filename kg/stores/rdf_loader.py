"""The RDF store of a build: each chunk's N-Triples bulk-loaded into Oxigraph on a thread as
the chunks come; and, for an update, a copy of the old store with the triples of the units
that changed removed and their new ones added."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pyoxigraph

from kg.graph import GraphRows
from kg.stores.sink import Sink


class RdfLoader:
    """Bulk-loads N-Triples parts into the Oxigraph store of `folder` on a background thread
    as a build makes them (pyoxigraph lets go of the GIL while it loads, so extraction goes
    on meanwhile)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.store = pyoxigraph.Store(str(self.folder / "oxigraph"))
        self.seconds = 0.0  # time spent loading
        self._error: BaseException | None = None
        self._parts: queue.Queue[bytes | None] = queue.Queue()
        self._thread = threading.Thread(target=self._load, name="rdf-loader", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        while (part := self._parts.get()) is not None:
            if self._error is not None:
                continue
            start = time.perf_counter()
            try:
                self.store.bulk_load(input=part, format=pyoxigraph.RdfFormat.N_TRIPLES)
            except BaseException as error:  # raised again by finish()
                self._error = error
            self.seconds += time.perf_counter() - start

    def add(self, part: bytes) -> None:
        """Queue N-Triples for loading."""
        if part:
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


class RdfSink(Sink):
    """The Oxigraph store of a build (rdf/oxigraph); graph.nt, graph.ttl and graph.jsonld are
    text outputs (kg/stores/text_outputs.py)."""

    name = stage = "rdf"

    def __init__(self, scratch: Path, exports: tuple[str, ...] = ()):
        self.scratch = Path(scratch)
        self.loader = RdfLoader(self.scratch / "rdf")
        self.seconds = {"load rdf": 0.0}

    @staticmethod
    def encode(rows: list[GraphRows]) -> bytes:
        """The rows as N-Triples, one paper after another (see `ntriples`)."""
        from kg.stores.rdf_store import ntriples

        return b"".join(map(ntriples, rows))

    def add(self, index: str, part: bytes) -> None:
        self.loader.add(part)

    def finish(self, folder: Path) -> None:
        self.loader.finish()
        self.seconds["load rdf"] = self.loader.seconds
        target = Path(folder, "rdf")
        target.mkdir(exist_ok=True)
        (self.scratch / "rdf" / "oxigraph").rename(target / "oxigraph")

    def close(self) -> None:
        self.loader.close()


def update_rdf_store(old: Path, new: Path, *, remove: bytes, add: bytes) -> None:
    """Make new/oxigraph a copy of old/oxigraph (hard links to its immutable files), then
    remove the triples of `remove` and add those of `add` (N-Triples). The copy is the new
    build's own: a failure leaves the old store as it was."""
    Path(new).mkdir(parents=True, exist_ok=True)
    source = pyoxigraph.Store.read_only(str(Path(old, "oxigraph")))
    source.backup(str(Path(new, "oxigraph")))
    del source
    store = pyoxigraph.Store(str(Path(new, "oxigraph")))
    if remove:
        for quad in pyoxigraph.parse(remove, format=pyoxigraph.RdfFormat.N_TRIPLES):
            store.remove(quad)
    if add:
        store.bulk_load(input=add, format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    del store
