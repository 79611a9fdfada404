"""The linker: exact, normalized, abbreviation and fuzzy links, thresholds, and new entities."""

import pytest

from conftest import FIXTURES
from kg.analysis import Analyzer
from kg.extract import build_pipeline, extract_mentions
from kg.link import Linker, link_mentions, new_entity_id
from kg.ontology import Ontology
from kg.papers import make_paper
from kg.records import Mention


@pytest.fixture(scope="module")
def ontology():
    return Ontology.load(FIXTURES / "ontology")


@pytest.fixture(scope="module")
def linker(ontology):
    return Linker(ontology)


def mention(text, kind="model", **extra):
    return Mention(paper_id="P", type=kind, text=text, field="abstract", start=0, end=len(text), sentence=text, **extra)


def test_exact_and_normalized_labels(linker):
    exact = linker.link(mention("CLIP", concept="https://example.org/kg/model/clip"))
    assert (exact.method, exact.score, exact.name) == ("exact", 1.0, "CLIP")
    variant = linker.link(mention("Vision Transformers", concept="https://example.org/kg/model/vit"))
    assert (variant.method, variant.name) == ("normalized", "ViT")


def test_a_coined_spelling_of_a_known_name_links_by_its_normal_form(linker):
    linked = linker.link(mention("ResNet50", source="pattern"))
    assert linked.entity_id.endswith("/model/resnet-50") and linked.method == "normalized"


def test_abbreviation_links_through_its_long_form(linker):
    linked = linker.link(mention("SAMv", source="pattern", short_form="SAMv", long_form="Segment Anything Model"))
    assert linked.entity_id.endswith("/model/sam") and linked.method == "abbreviation"


@pytest.mark.parametrize(
    "text, threshold, linked_to",
    [
        ("CheXpertt", 92, "dataset/chexpert"),  # a typo, similar enough
        ("CheXpertt", 99, None),  # the same typo under a stricter threshold
        ("ImageNet-22", 80, None),  # digits differ: never fuzzy
    ],
)
def test_fuzzy_threshold(ontology, text, threshold, linked_to):
    linked = Linker(ontology, fuzzy_threshold=threshold).link(mention(text, kind="dataset", source="pattern"))
    if linked_to:
        assert linked.method == "fuzzy" and linked.entity_id.endswith(linked_to) and 0.8 < linked.score < 1
    else:
        assert linked.method == "new"


def test_an_unknown_name_gets_a_stable_new_id(linker):
    linked = linker.link(mention("MedViTV2", source="pattern"))
    assert linked.is_new and linked.entity_id == new_entity_id("model", "MedViTV2")
    assert linked.entity_id == new_entity_id("model", "medvit-v2")


def test_the_same_new_name_in_two_papers_is_one_entity(ontology):
    nlp = build_pipeline(Ontology.load(FIXTURES / "ontology"))
    papers = [
        make_paper(title="SAM-Med2D for 2D images", abstract="We adapt SAM into SAM-Med2D.", given_id="A"),
        make_paper(title="Benchmarking promptable models", abstract="We compare MedSAM and SAM-Med2D on CT.", given_id="B"),
    ]
    linker = Linker(ontology)
    ids = []
    for paper, mentions, _ in extract_mentions(papers, nlp):
        ids.append({item.entity_id for item in link_mentions(mentions, linker) if item.name.startswith("SAM")})
    shared = ids[0] & ids[1]
    assert new_entity_id("model", "SAM-Med2D") in shared


@pytest.fixture(scope="module")
def analyzer(ontology):
    return Analyzer.from_ontology(ontology)


def entities_of(analyzer, abstract):
    """The entities of the paper's record, per type, as (name, aliases) pairs."""
    analysis = next(analyzer.analyze([make_paper(title="t", abstract=abstract, given_id="P")]))
    return {kind: [(e["name"], e["aliases"]) for e in found] for kind, found in analysis.to_record()["entities"].items()}


def test_a_modality_folds_into_a_broader_one_the_paper_mentions(analyzer):
    entities = entities_of(analyzer, "Chest X-ray and X-ray images. Retinal and eye scans.")
    assert entities["modality"] == [("X-ray", ["Chest X-ray", "X-ray"])]
    assert sorted(name for name, _ in entities["organ"]) == ["chest", "eye", "retina"]  # organs are not folded
    alone = entities_of(analyzer, "Chest X-ray images.")
    assert [name for name, _ in alone["modality"]] == ["chest X-ray"]


def test_tasks_are_named_by_the_broadest_concept(analyzer):
    entities = entities_of(analyzer, "We study zero-shot classification.")
    assert entities["task"] == [("classification", ["zero-shot classification"])]


def test_a_broad_disease_folds_into_a_narrower_one_and_a_generic_one_is_never_alone(analyzer):
    entities = entities_of(analyzer, "Breast cancer is a cancer; pneumonia too.")
    assert entities["disease"] == [
        ("breast cancer", ["Breast cancer", "cancer"]), ("pneumonia", ["pneumonia"])
    ]
    assert entities_of(analyzer, "Cancer is common.")["disease"] == []


def test_paper_record_has_the_guidelines_format(analyzer):
    paper = make_paper(title="Brain tumour segmentation", abstract="A U-Net reaches a Dice of 0.9 on BraTS.", given_id="S1")
    record = next(analyzer.analyze([paper])).to_record()
    assert record["id"] == "S1" and record["introduced"] == []
    assert record["results"] == [{"model": "U-Net", "dataset": "BraTS", "metric": "Dice", "value": "0.9", "kind": "score"}]
    assert set(record["entities"]) == {"model", "dataset", "modality", "organ", "metric", "task", "disease"}
    assert record["entities"]["dataset"] == [{"name": "BraTS", "id": "https://example.org/kg/dataset/brats", "aliases": ["BraTS"]}]
