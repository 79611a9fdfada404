"""The RDF loader gathers N-Triples parts into batches before loading them into Oxigraph."""

import pyoxigraph
import pytest

from kg.stores.rdf_store import RdfLoader


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


@pytest.mark.parametrize("batch_bytes, loads", [(1, 5), (250, 3), (1 << 20, 1)])
def test_parts_are_loaded_in_batches_of_the_size_asked(tmp_path, batch_bytes, loads):
    parts = _parts(tmp_path / "parts", 5)
    expected = b"".join(part.read_bytes() for part in parts)
    loader = RdfLoader(tmp_path / "rdf", batch_bytes=batch_bytes)
    for part in parts:
        loader.add(part)
    loader.finish()

    assert loader.loads == loads
    assert (tmp_path / "rdf" / "graph.nt").read_bytes() == expected
    assert sorted(p.name for p in (tmp_path / "rdf").iterdir()) == ["graph.nt", "oxigraph"]
    assert not any(part.exists() for part in parts)
    store = pyoxigraph.Store.read_only(str(tmp_path / "rdf" / "oxigraph"))
    assert len(store) == 10


def test_a_part_that_does_not_parse_fails_the_load(tmp_path):
    parts = _parts(tmp_path / "parts", 2)
    parts[1].write_bytes(b"<https://example.org/p1> not a triple\n")
    loader = RdfLoader(tmp_path / "rdf", keep=False)
    for part in parts:
        loader.add(part)
    with pytest.raises(SyntaxError):
        loader.finish()
    assert not (tmp_path / "rdf" / ".batch.nt").exists()
