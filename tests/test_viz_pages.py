"""The pages of `kg viz` in headless Chromium at 1400x900 and a pixel density of 1: every kind
of page (the top view, an entity's, a paper's, each library query that names nodes) draws its
captions at a readable size, fits the graph to the window and lists in its legend every label
it shows; a node expands into its neighbours; the page needs nothing from the network."""

import io
import json
from html.parser import HTMLParser

import pytest
from headless_browser import CHROMIUM
from PIL import Image

from kg.queries import load_library
from kg.visualize import label_colours

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
VIEWPORT = (1400, 900)
QUERIES = sorted(name for name, query in load_library().items() if query.drawings)
PAGES = {"top": [], "entity": ["--entity", "BraTS"], "paper": ["--entity", "C07"],
         **{f"query-{name}": ["--query", name] for name in QUERIES}}


@pytest.fixture(scope="module")
def pages(corpus_store, tmp_path_factory):
    from click.testing import CliRunner

    from kg.cli import main

    folder = tmp_path_factory.mktemp("pages")
    for name, options in PAGES.items():
        result = CliRunner().invoke(main, ["viz", "--store", str(corpus_store), *options, "-o", str(folder / f"{name}.html")])
        assert result.exit_code == 0, (name, result.stderr)
    return folder


def render(browser, path) -> tuple[dict, list[str], Image.Image]:
    """The page's report of its drawing, the labels its legend lists, and a screenshot."""
    browser.open(path.as_uri(), viewport=VIEWPORT)
    assert browser.wait_until("document.body !== null && document.body.dataset.ready === 'yes'", seconds=30)
    assert browser.evaluate("window.devicePixelRatio") == 1 and browser.evaluate("window.innerWidth") == VIEWPORT[0]
    report = json.loads(browser.evaluate("JSON.stringify(window.kgView.report())"))
    legend = json.loads(browser.evaluate("JSON.stringify([...document.querySelectorAll('#legend .entry')].map(e => e.textContent))"))
    shot = Image.open(io.BytesIO(browser.screenshot())).convert("RGB")
    return report, legend, shot


def canvas_part(browser, shot: Image.Image) -> Image.Image:
    top, left, width, height = json.loads(browser.evaluate(
        "JSON.stringify((r => [r.top, r.left, r.width, r.height])(document.querySelector('canvas').getBoundingClientRect()))"))
    return shot.crop((int(left), int(top), int(left + width), int(top + height)))


def check_readable(report: dict, legend: list[str], canvas: Image.Image) -> None:
    # captions at a size read at the default zoom, nearly all drawn (a hidden one shows on hover)
    assert report["captionPx"] >= 12 and report["edgeCaptionPx"] >= 11
    assert report["captionsDrawn"] >= max(1, 0.9 * report["nodes"]), report
    # the graph fits the canvas and is centred in it
    x0, y0, x1, y1 = report["box"]
    assert -1 <= x0 and x1 <= report["width"] + 1 and -1 <= y0 and y1 <= report["height"] + 1, report
    assert abs((y0 + y1) / 2 - report["height"] / 2) < 2
    assert (x1 - x0) >= 0.5 * report["width"] or (y1 - y0) >= 0.5 * report["height"] or report["zoom"] >= 1.5, report
    # the legend lists every label drawn, with how many
    assert [entry.split(" (")[0] for entry in legend] == report["labels"] and all(e.endswith(")") for e in legend)
    # and the pixels agree: each label's colour is on the canvas, and dark caption text is
    colours = {colour for _, colour in canvas.getcolors(maxcolors=canvas.width * canvas.height)}
    for label in report["labels"]:
        hex_colour = label_colours()[label]
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) in colours, label
    dark = sum(n for n, (r, g, b) in canvas.getcolors(maxcolors=canvas.width * canvas.height) if max(r, g, b) < 90)
    assert dark > 60 * report["captionsDrawn"], (dark, report)


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_is_readable_at_1x_in_a_1400x900_window(pages, browser, name):
    report, legend, shot = render(browser, pages / f"{name}.html")
    check_readable(report, legend, canvas_part(browser, shot))
    if name.startswith("query-"):  # an answer's values are drawn on its edges
        assert report["edgeCaptionsDrawn"] >= 0.8 * report["edges"], report


def test_the_top_view_draws_the_used_data_sets_and_a_node_expands(pages, browser):
    report, legend, _ = render(browser, pages / "top.html")
    assert report["labels"] == ["Dataset", "Modality", "Task"] and report["nodes"] <= 100
    before = report["nodes"]
    node = report["expandable"][0]
    browser.evaluate(f"window.kgView.expand({json.dumps(node)})")
    after = json.loads(browser.evaluate("JSON.stringify(window.kgView.report())"))
    legend = json.loads(browser.evaluate("JSON.stringify([...document.querySelectorAll('#legend .entry')].map(e => e.dataset.label))"))
    assert after["nodes"] > before and node not in after["expandable"]
    assert legend == after["labels"] and "Paper" in after["labels"]
    x0, y0, x1, y1 = after["box"]
    assert x0 >= -1 and y0 >= -1 and x1 <= after["width"] + 1 and y1 <= after["height"] + 1


def test_a_query_page_says_what_it_shows(pages, browser):
    browser.open((pages / "query-leaderboard.html").as_uri(), viewport=VIEWPORT)
    assert browser.wait_until("document.body !== null && document.body.dataset.ready === 'yes'", seconds=30)
    about = browser.evaluate("document.getElementById('about').textContent")
    assert "Query leaderboard" in about and "dataset = " in about and "rows" in about and "page written 20" in about
    assert "MATCH" in browser.evaluate("document.querySelector('#query-text pre').textContent")
    captions = json.loads(browser.evaluate("JSON.stringify(window.kgView.report().edgeCaptions)"))
    assert captions and all(any(ch.isdigit() for ch in caption) for caption in captions)  # metric and value


class Elements(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.attributes: list[tuple[str, str, str]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def test_a_page_is_one_file_that_fetches_nothing(pages):
    text = (pages / "top.html").read_text(encoding="utf-8")
    attributes = Elements(text).attributes
    assert not [a for a in attributes if a[1] in ("src", "href", "srcset", "action")]
    policy = next(value for tag, name, value in attributes if name == "content" and "default-src" in value)
    assert "default-src 'none'" in policy and "connect-src" not in policy
    assert "url(" not in text.split('id="kg-view-data"')[0] and "@import" not in text
