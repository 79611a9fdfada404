"""`kg viz` draws a page that a headless Chromium renders; `kg stats --plot` writes charts."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from kg.graph import NODE_PROPERTIES
from kg.visualize import label_colours

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


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
def test_the_graph_page_renders_in_headless_chromium(store, run_kg, tmp_path):
    page = tmp_path / "sam.html"
    result = run_kg("viz", "--store", store, "--entity", "SAM", "-o", page)
    assert result.exit_code == 0, result.stderr
    shot = tmp_path / "shot.png"
    profile = tmp_path / "profile"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--run-all-compositor-stages-before-draw", "--window-size=1000,800"]
    wanted = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in label_colours().values()}
    # headless Chromium sometimes takes the picture before the first frame is drawn (about one
    # time in ten with these flags, on the original page as on this one): try again, each time
    # with a new profile and a longer wait. One run both takes the picture and dumps the DOM.
    for attempt, budget in enumerate((8000, 8000, 15000, 30000, 60000)):
        shoot = [CHROMIUM, *flags, f"--user-data-dir={profile}-{attempt}", f"--virtual-time-budget={budget}",
                 f"--screenshot={shot}", "--dump-dom", page.as_uri()]
        dom = subprocess.run(shoot, capture_output=True, text=True, timeout=180).stdout
        colours = png_colours(shot)
        if len(colours) > 20 and colours & wanted and "<canvas" in dom:
            break
    assert "<canvas" in dom  # the renderer drew its canvas
    # the node colours of the style are in the picture: the graph was drawn, not a blank page
    assert len(colours) > 20 and colours & wanted


def test_the_page_of_a_query(store, run_kg, tmp_path):
    page = tmp_path / "q.html"
    result = run_kg("viz", "--store", store, "--query", "models-on-dataset", "--param", "dataset=BraTS", "-o", page)
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and page.stat().st_size > 1000


def test_charts_are_written_through_links_and_refuse_a_file_for_a_folder(store, run_kg, tmp_path):
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
