"""The Neo4j Browser style file colours and captions every node label of the schema."""

import re
from pathlib import Path

from kg.graph import NODE_PROPERTIES

STYLE = Path(__file__).resolve().parents[1] / "kg" / "data" / "queries" / "neo4j-browser.grass"


def test_every_label_has_a_colour_and_a_caption_of_an_existing_property():
    text = STYLE.read_text()
    for label, properties in NODE_PROPERTIES.items():
        block = re.search(rf"node\.{label} \{{(.*?)\n\}}", text, re.S)
        assert block, label
        assert re.search(r"\bcolor: #[0-9A-F]{6};", block.group(1))
        caption = re.search(r'caption: "(.*?)";', block.group(1)).group(1)
        assert set(re.findall(r"\{(\w+)\}", caption)) <= set(properties)
