"""`kg viz` draws a page that a headless Chromium renders; `kg stats --plot` writes charts."""

from pathlib import Path

import pytest
from headless_browser import CHROMIUM
from PIL import Image

from kg.graph import NODE_PROPERTIES
from kg.visualize import label_colours

@pytest.fixture(scope="module")
def store(corpus_store):
    """The build of the test corpus, shared by the whole run (these tests only read it)."""
    return corpus_store


def png_colours(path: Path) -> set[tuple[int, int, int]]:
    """The distinct colours of a PNG (enough to tell a drawing from a blank), read with Pillow
    (a dependency of matplotlib): a decoder written in Python took 1.6 s a screenshot."""
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        return {colour for _, colour in rgb.getcolors(maxcolors=rgb.width * rgb.height)}


def test_every_label_has_a_colour():
    assert set(NODE_PROPERTIES) <= set(label_colours())


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_graph_page_renders_in_headless_chromium(store, run_kg, tmp_path, browser):
    page = tmp_path / "sam.html"
    result = run_kg("viz", "--store", store, "--entity", "SAM", "-o", page)
    assert result.exit_code == 0, result.stderr
    wanted = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in label_colours().values()}
    shot = tmp_path / "shot.png"

    def drawn(png: bytes) -> bool:
        shot.write_bytes(png)
        colours = png_colours(shot)
        return len(colours) > 20 and bool(colours & wanted)

    browser.open(page.as_uri())
    assert browser.wait_until("document.querySelector('canvas') !== null")  # drawn on its canvas
    # the node colours of the style are in the picture: the graph was drawn, not a blank page
    assert drawn(browser.wait_for(drawn, seconds=60))


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
    assert len(png_colours(kept)) > 5
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine\n")
    result = run_kg("stats", "--store", store, "--plot", not_a_folder / "charts")
    assert result.exit_code == 1 and result.stderr.startswith("kg: error: ") and "is a file" in result.stderr
    assert not_a_folder.read_text() == "mine\n"
