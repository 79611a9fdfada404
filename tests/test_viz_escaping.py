"""`kg viz` writes text from the graph and the command line into its page as text only."""

import json
import re
from html.parser import HTMLParser

import networkx as nx
import pytest
from headless_browser import CHROMIUM, png_colours

from kg.visualize import label_colours

PWNED = "</title><script>window.pwned=1</script>"
RETITLE = "</title><script>document.title='pwned'</script><!--"  # visible in the DOM if it runs
ABSTRACT = "We train a 3D U-Net on BraTS and report a Dice of 0.88."


class Page(HTMLParser):
    """The elements of a page (tag, attributes, text) as html.parser sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[list] = []
        self._open: list[list] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in ("meta", "link", "br", "img", "input"):
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2] += data

    def all(self, tag: str) -> list[list]:
        return [element for element in self.elements if element[0] == tag]


def data_block(page: Page) -> dict:
    (block,) = [s for s in page.all("script") if s[1].get("type") == "application/json"]
    return json.loads(block[2])


def check_page(text: str, title: str) -> dict:
    """The page's structure: one title holding `title` as text, the page's own script and the
    JSON data block and no other script; gives the data block."""
    page = Page(text)
    assert [element[2] for element in page.all("title")] == [title]
    assert sorted(str(s[1].get("type")) for s in page.all("script")) == ["None", "application/json"]
    script = next(s for s in page.all("script") if s[1].get("type") is None)
    assert "pwned" not in script[2] and len(page.all("html")) == 1 and len(page.all("body")) == 1
    return data_block(page)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from click.testing import CliRunner

    from kg.cli import main

    folder = tmp_path_factory.mktemp("xss")
    source = folder / "papers.jsonl"
    papers = [{"id": "X1", "title": PWNED, "abstract": ABSTRACT}, {"id": "X2", "title": RETITLE, "abstract": ABSTRACT}]
    source.write_text("".join(json.dumps(paper) + "\n" for paper in papers), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(folder / "graph")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return folder / "graph"


@pytest.mark.parametrize("title", [PWNED, RETITLE])
def test_a_title_and_entity_argument_with_markup_stay_text(store, run_kg, tmp_path, title):
    page = tmp_path / "page.html"
    result = run_kg("viz", "--store", store, "--entity", title, "-o", page)
    assert result.exit_code == 0, result.stderr
    data = check_page(page.read_text(encoding="utf-8"), f"kg: {title}")
    assert title in {node["text"] for node in data["nodes"]}  # the paper's title, as text
    raw = page.read_text(encoding="utf-8")
    block = raw[raw.rindex('id="kg-view-data">') + len('id="kg-view-data">'):]
    block = block[: block.index("</script>")]
    assert not re.search("[<>&\u2028\u2029]", block)  # nothing in the data can end or comment out the block


def test_entity_names_and_captions_are_escaped_and_lose_bidi_and_zero_width_characters():
    from kg.visualize import View, graph_page, page_data

    name = "</script><script>window.pwned=1</script><!--\u2028\u2029 \u202eevil\u2066\u200b\ufeff"
    graph = nx.MultiDiGraph()
    graph.add_node("https://example.org/kg/entity/model/x", label="Model", name=name, id="https://example.org/kg/entity/model/x")
    graph.add_node("P\u202e1", label="Paper", title="Se\u200dgment \u202aall\u202c", id="P\u202e1")
    graph.add_edge("P\u202e1", "https://example.org/kg/entity/model/x", type="MENTIONS")
    view = View(f"kg: {name}", [f"about {name}"], query=f"MATCH (n) // {name}")
    view.add_edge("P\u202e1", "https://example.org/kg/entity/model/x", name)
    text = graph_page(page_data(graph, view, written="today", papers=1))
    data = check_page(text, "kg: </script><script>window.pwned=1</script><!--\u2028\u2029 evil")
    texts = {node["label"]: node["text"] for node in data["nodes"]}
    assert texts == {"Model": "</script><script>window.pwned=1</script><!--\u2028\u2029 evil", "Paper": "Segment all"}
    assert data["about"] == ["about </script><script>window.pwned=1</script><!--\u2028\u2029 evil"]
    assert data["edges"][0]["caption"] == texts["Model"] and data["query"].endswith(texts["Model"])
    assert {node["details"]["id"] for node in data["nodes"]} == {"P1", "https://example.org/kg/entity/model/x"}
    assert {node["id"] for node in data["nodes"]} == set(graph)  # the ids the edges use, unchanged
    block = text[text.rindex('id="kg-view-data">') + len('id="kg-view-data">'):]
    block = block[: block.index("</script>")]
    assert not re.search("[<>&\u2028\u2029]", block)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_headless_chromium_draws_the_graph_and_runs_no_injected_script(store, run_kg, tmp_path, browser):
    page = tmp_path / "page.html"
    assert run_kg("viz", "--store", store, "--entity", RETITLE, "-o", page).exit_code == 0
    wanted = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in label_colours().values()}

    def drawn(png: bytes) -> bool:
        colours = png_colours(png)
        return len(colours) > 20 and bool(colours & wanted)

    browser.open(page.as_uri())
    # the page ran its own script: the graph is on its canvas, in the node colours of the style
    assert browser.wait_until("document.querySelector('canvas') !== null")
    assert drawn(browser.wait_for(drawn, seconds=60))
    dom, title = browser.evaluate("document.documentElement.outerHTML"), browser.evaluate("document.title")
    # had the injected script run, the title would read "pwned"
    assert [element[2] for element in Page(dom).all("title")] == [f"kg: {RETITLE}"] and title == f"kg: {RETITLE}"
    # and the markup is shown as text: in the heading, and as the paper's caption on hover
    assert browser.evaluate("document.getElementById('title').textContent") == f"kg: {RETITLE}"
    assert browser.evaluate("document.scripts.length") == 2 and browser.evaluate("typeof window.pwned") == "undefined"
