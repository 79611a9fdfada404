"""What a paper introduces: the phrasings papers use, and never a name it only builds on or studies."""

import pytest

from conftest import FIXTURES
from kg.analysis import Analyzer
from kg.ontology import Ontology
from kg.papers import make_paper


@pytest.fixture(scope="module")
def tools():
    return Analyzer.from_ontology(Ontology.load(FIXTURES / "ontology"))


def introduced(tools, abstract, title="A study of medical images"):
    return next(tools.analyze([make_paper(title=title, abstract=abstract, given_id="P")])).to_record()["introduced"]


@pytest.mark.parametrize("abstract, name", [
    ("We constructed NovaSet, a collection of 2,000 CT scans.", "NovaSet"),
    ("We are developing SegNova for brain MRI segmentation.", "SegNova"),
    ("We release our dataset (NovaSet) to the community.", "NovaSet"),
    ("We fine-tune CLIP on chest X-rays; the resulting model, NovaCLIP, is public.", "NovaCLIP"),
    ("We train several models within the new NovaNet family.", "NovaNet"),
    ("We propose CLIP for chest X-rays.", "CLIP"),  # a known name right after the verb
    ("We fine-tune CLIP for chest X-rays and propose NovaCLIP.", "NovaCLIP"),
    ("As part of this work, we train our developed Cerberus model on 600K objects.", "Cerberus"),
    ("We propose SegNova. SegNova uses a novel Cascaded Fusion Transformer architecture.", "Cascaded Fusion Transformer"),
    ("We propose SegNova. The training of SegNova involves two components: image-text alignment (IT-Align) "
     "and patch alignment (PC-Align).", "PC-Align"),
])
def test_the_phrasings_that_introduce(tools, abstract, name):
    assert name in introduced(tools, abstract)


@pytest.mark.parametrize("abstract, name", [
    ("We propose SegNova, a U-Net structured network for brain MRI.", "U-Net"),
    ("SAM, an open-source foundation model, segments anything; we evaluate it on chest X-rays.", "SAM"),
    ("We propose MedSAM-CA, an adaptation of MedSAM.", "MedSAM"),
    ("To counter the fragility of our NovaViT, we propose NovaViTV2.", "NovaViT"),
    ("We propose SegNova, which is built on top of BraTS images.", "BraTS"),
    ("We propose SegNova. A related network employs Dual Fusion Attention (DFA) for CT.", "DFA"),
])
def test_names_a_paper_only_builds_on_or_studies_are_not_introduced(tools, abstract, name):
    assert name not in introduced(tools, abstract)


def test_two_names_one_inside_the_other_are_both_introduced_when_both_are_stated(tools):
    abstract = "We present NovaVL-5M, a dataset of image-text pairs. Building on it, we propose NovaVL, a vision-language model."
    assert set(introduced(tools, abstract)) == {"NovaVL-5M", "NovaVL"}


def test_a_new_family_introduces_a_name_the_ontology_knows_too(tools):
    assert "CLIP" in introduced(tools, "Building upon ViT, we develop several models within the new CLIP family.")
