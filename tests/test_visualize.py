"""`kg viz` writes the page of an entity or a query; `kg stats --plot` writes charts. (The page
drawn in headless Chromium: test_viz_escaping.py.)"""

import pytest
from headless_browser import png_colours

from kg.graph import NODE_PROPERTIES
from kg.visualize import label_colours

@pytest.fixture(scope="module")
def store(corpus_store):
    """The build of the test corpus, shared by the whole run (these tests only read it)."""
    return corpus_store


def test_every_label_has_a_colour():
    assert set(NODE_PROPERTIES) <= set(label_colours())


def test_the_page_of_a_query(store, run_kg, tmp_path):
    page = tmp_path / "q.html"
    result = run_kg("viz", "--store", store, "--query", "models-on-dataset", "--param", "dataset=BraTS", "-o", page)
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and page.stat().st_size > 1000


def test_charts_are_written_through_links_and_refuse_a_file_for_a_folder(neo4j_export_store, run_kg, tmp_path):
    """On a build without GraphML: the charts are drawn from the stores."""
    store = neo4j_export_store
    charts = tmp_path / "charts"
    charts.mkdir()
    kept = tmp_path / "kept.png"
    kept.write_bytes(b"old")
    (charts / "entities-per-type.png").symlink_to(kept)
    result = run_kg("stats", "--store", store, "--plot", charts)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in charts.iterdir())
    assert names == ["entities-per-type.png", "papers-per-year.png", "top-datasets-per-modality.png"]
    assert (charts / "entities-per-type.png").is_symlink() and kept.read_bytes().startswith(b"\x89PNG")
    assert len(png_colours(kept.read_bytes())) > 5
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine\n")
    result = run_kg("stats", "--store", store, "--plot", not_a_folder / "charts")
    assert result.exit_code == 1 and result.stderr.startswith("kg: error: ") and "is a file" in result.stderr
    assert not_a_folder.read_text() == "mine\n"
