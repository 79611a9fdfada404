"""The RDF loader bulk-loads each N-Triples part into Oxigraph as a build writes it."""

import pyoxigraph
import pytest

from kg.stores.rdf_loader import RdfLoader


def _parts(count):
    """`count` parts of two triples each, as a build makes them."""
    return [f'<https://example.org/p{number}> <https://example.org/title> "Paper {number}" .\n'
            f"<https://example.org/p{number}> <https://example.org/cites> <https://example.org/p0> .\n".encode()
            for number in range(count)]


def test_every_part_is_loaded(tmp_path):
    loader = RdfLoader(tmp_path / "rdf")
    for part in _parts(5):
        loader.add(part)
    loader.finish()
    store = pyoxigraph.Store.read_only(str(tmp_path / "rdf" / "oxigraph"))
    assert set(store) == set(pyoxigraph.parse(b"".join(_parts(5)), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(store) == 10


def test_a_part_that_does_not_parse_fails_the_build_at_the_end(tmp_path):
    parts = _parts(2)
    parts[1] = b"<https://example.org/p1> not a triple\n"
    loader = RdfLoader(tmp_path / "rdf")
    for part in parts:
        loader.add(part)
    with pytest.raises(SyntaxError):
        loader.finish()
