"""`kg viz` draws a page that a headless Chromium renders; `kg stats --plot` writes charts."""

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from kg.graph import NODE_PROPERTIES
from kg.visualize import label_colours

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def store(corpus_store):
    """The build of the test corpus, shared by the whole run (these tests only read it)."""
    return corpus_store


def png_colours(path: Path) -> set[tuple[int, int, int]]:
    """The distinct colours of an 8-bit RGB(A) PNG (enough to tell a drawing from a blank)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = {}, 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunks.setdefault(kind, b"")
        chunks[kind] += data[position + 8 : position + 8 + length]
        position += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    channels = {2: 3, 6: 4}[colour_type]
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * channels
    colours, previous = set(), bytearray(stride)
    for row in range(height):
        kind = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                best = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[i] = (line[i] + best) & 255
        colours.update(tuple(line[i : i + 3]) for i in range(0, stride, channels))
        previous = line
    return colours


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
    # with a new profile and a longer wait
    for attempt, budget in enumerate((8000, 8000, 15000, 30000, 60000)):
        shoot = [CHROMIUM, *flags, f"--user-data-dir={profile}-{attempt}", f"--virtual-time-budget={budget}",
                 f"--screenshot={shot}", page.as_uri()]
        subprocess.run(shoot, capture_output=True, timeout=180)
        colours = png_colours(shot)
        if len(colours) > 20 and colours & wanted:
            break
    dom = subprocess.run([CHROMIUM, *flags, f"--user-data-dir={profile}-dom", "--virtual-time-budget=8000", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "<canvas" in dom  # the renderer drew its canvas
    # the node colours of the style are in the picture: the graph was drawn, not a blank page
    assert len(colours) > 20 and colours & wanted


def test_the_page_of_a_query(store, run_kg, tmp_path):
    page = tmp_path / "q.html"
    result = run_kg("viz", "--store", store, "--query", "models-on-dataset", "--param", "dataset=BraTS", "-o", page)
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and page.stat().st_size > 1000


def test_charts_are_written(store, run_kg, tmp_path):
    result = run_kg("stats", "--store", store, "--plot", tmp_path / "charts")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert names == ["entities-per-type.png", "papers-per-year.png", "top-datasets-per-modality.png"]
    assert len(png_colours(tmp_path / "charts" / "entities-per-type.png")) > 5


def test_charts_go_through_links_and_refuse_a_file_for_a_folder(store, run_kg, tmp_path):
    charts = tmp_path / "charts"
    charts.mkdir()
    kept = tmp_path / "kept.png"
    kept.write_bytes(b"old")
    (charts / "entities-per-type.png").symlink_to(kept)
    assert run_kg("stats", "--store", store, "--plot", charts).exit_code == 0
    assert (charts / "entities-per-type.png").is_symlink() and kept.read_bytes().startswith(b"\x89PNG")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine\n")
    result = run_kg("stats", "--store", store, "--plot", not_a_folder / "charts")
    assert result.exit_code == 1 and result.stderr.startswith("kg: error: ") and "is a file" in result.stderr
    assert not_a_folder.read_text() == "mine\n"
