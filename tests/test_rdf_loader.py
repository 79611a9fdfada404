"""The RDF loader bulk-loads each N-Triples part into Oxigraph as a build writes it."""

import pyoxigraph
import pytest

from kg.stores.rdf_loader import RdfLoader


def _parts(folder, count):
    """`count` parts of two triples each, as a build writes them."""
    folder.mkdir()
    parts = []
    for number in range(count):
        part = folder / f"{number:07d}.nt"
        part.write_bytes(
            f'<https://example.org/p{number}> <https://example.org/title> "Paper {number}" .\n'
            f"<https://example.org/p{number}> <https://example.org/cites> <https://example.org/p0> .\n".encode()
        )
        parts.append(part)
    return parts


def test_every_part_is_loaded_kept_in_graph_nt_and_removed(tmp_path):
    parts = _parts(tmp_path / "parts", 5)
    expected = b"".join(part.read_bytes() for part in parts)
    loader = RdfLoader(tmp_path / "rdf")
    for part in parts:
        loader.add(part)
    loader.finish()

    assert (tmp_path / "rdf" / "graph.nt").read_bytes() == expected
    assert not any(part.exists() for part in parts)
    assert len(pyoxigraph.Store.read_only(str(tmp_path / "rdf" / "oxigraph"))) == 10


def test_a_part_that_does_not_parse_fails_the_build_at_the_end(tmp_path):
    parts = _parts(tmp_path / "parts", 2)
    parts[1].write_bytes(b"<https://example.org/p1> not a triple\n")
    loader = RdfLoader(tmp_path / "rdf", keep=False)
    for part in parts:
        loader.add(part)
    with pytest.raises(SyntaxError):
        loader.finish()
    assert not (tmp_path / "rdf" / "graph.nt").exists()
