"""Results, introductions and relations, each pattern on sentences written for it."""

from dataclasses import replace

import pytest

from conftest import FIXTURES
from kg.analysis import Analyzer
from kg.entities import EntityTable
from kg.graph import EDGE_TYPES
from kg.ontology import Ontology
from kg.papers import make_paper


@pytest.fixture(scope="module")
def tools():
    return Analyzer.from_ontology(Ontology.load(FIXTURES / "ontology"))


def analysis(tools, abstract, title="A study of medical images"):
    return next(tools.analyze([make_paper(title=title, abstract=abstract, given_id="P")]))


def record(tools, abstract, title="A study of medical images"):
    return analysis(tools, abstract, title).to_record()


def results(tools, abstract, title="A study of medical images"):
    return [(r["metric"], r["value"], r["kind"], r["model"], r["dataset"]) for r in record(tools, abstract, title)["results"]]


# --- results -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The classifier reaches an AUC of 0.93.", ("AUC", "0.93", "score")),
        ("U-Net obtains a Dice of 85.2% on BraTS.", ("Dice", "85.2%", "score")),
        ("It reaches 0.91 AUC on CheXpert.", ("AUC", "0.91", "score")),
        ("Accuracy improved to 95.1% after tuning.", ("accuracy", "95.1%", "score")),
        ("MedNetX outperforms ViT by 3.1\\% in accuracy.", ("accuracy", "3.1%", "improvement")),
    ],
)
def test_a_value_tied_to_a_metric(tools, sentence, expected):
    assert expected in [r[:3] for r in results(tools, sentence)]


def test_improvements_on_several_datasets(tools):
    found = results(tools, "MedViTV2 enhances accuracy, achieving improvements of 4.6\\% on MedMNIST and 5.8\\% on NonMNIST.")
    assert ("accuracy", "4.6%", "improvement", "MedViTV2", "MedMNIST") in found
    assert ("accuracy", "5.8%", "improvement", "MedViTV2", "NonMNIST") in found


def test_slashed_metrics_and_values_pair_up(tools):
    found = results(tools, "RadNetX reached a sensitivity/specificity of 80/73% on the test set.")
    assert [(m, v) for m, v, *_ in found] == [("sensitivity", "80%"), ("specificity", "73%")]


@pytest.mark.parametrize(
    "sentence",
    [
        "We evaluate accuracy on 17 datasets and 1,000 patients.",
        "In 2023, accuracy was studied widely.",
        "MedViTV2 is 44% more efficient, and we also report accuracy.",
        "The model is fast (Table 2).",
    ],
)
def test_numbers_that_are_not_results(tools, sentence):
    assert results(tools, sentence) == []


# --- introductions -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "title, abstract, name",
    [
        ("A title", "We introduce the Medical Vision Transformer (MedViTV2), a novel architecture.", "MedViTV2"),
        ("A title", "We release a new dataset named MedVault for CT.", "MedVault"),
        ("CheXWorld: Exploring world models", "We study radiographs.", "CheXWorld"),
        ("A title", "Our proposed LungFormer improves accuracy.", "LungFormer"),
        ("A title", "We introduce UniScan, a general-purpose model for CT.", "UniScan"),
    ],
)
def test_what_the_paper_introduces(tools, title, abstract, name):
    assert name in record(tools, abstract, title)["introduced"]


@pytest.mark.parametrize(
    "abstract",
    [
        "We compare MedSAM and U-Net on CT.",
        "We propose a method built on SAM for CT images.",
        "Prior work such as LungFormer was evaluated on CheXpert.",
    ],
)
def test_names_the_paper_only_uses_are_not_introduced(tools, abstract):
    assert record(tools, abstract)["introduced"] == []


# --- relations ---------------------------------------------------------------------------------

def relations(tools, abstract, title="A study of medical images"):
    return {(r["subject"].rsplit("/", 1)[-1], r["predicate"], r["object"].rsplit("/", 1)[-1]): r for r in record(tools, abstract, title)["relations"]}


def test_every_predicate_is_in_the_vocabulary(tools):
    found = relations(tools, "We propose LungFormer, a new model based on ViT, and reach an AUC of 0.9 on CheXpert for pneumonia classification.")
    assert {predicate for _, predicate, _ in found} <= set(EDGE_TYPES)


def test_based_on_from_the_name_and_from_the_text(tools):
    found = relations(tools, "We present SAM-Med2D. LungFormer is adapted from ViT for CT.")
    assert ("sammed2d", "BASED_ON", "sam") not in found  # SAM itself is not mentioned on its own
    assert ("lungformer", "BASED_ON", "vit") in found
    assert found[("lungformer", "BASED_ON", "vit")]["sentence"] == "LungFormer is adapted from ViT for CT."


def test_based_on_when_a_coined_name_contains_a_mentioned_model(tools):
    found = relations(tools, "We adapt SAM into SAM-Med2D for CT images.")
    assert ("sammed2d", "BASED_ON", "sam") in found


def test_evaluated_on_introduces_addresses_studies_and_ontology_facts(tools):
    found = relations(tools, "We propose LungFormer, a new model. LungFormer reaches an AUC of 0.9 on CheXpert for pneumonia classification.")
    assert ("lungformer", "EVALUATED_ON", "chexpert") in found
    assert ("P", "INTRODUCES", "lungformer") in found
    assert ("P", "ADDRESSES", "classification") in found and ("P", "STUDIES", "pneumonia") in found
    fact = found[("chexpert", "HAS_MODALITY", "chest-x-ray")]
    assert fact["source"] == "ontology" and fact["confidence"] == 1.0
    assert 0 < found[("lungformer", "EVALUATED_ON", "chexpert")]["confidence"] < 1


def test_the_entity_table_lists_a_new_name_once_with_every_paper(tools):
    table = EntityTable()
    table.add(analysis(tools, "We introduce LungFormer for CT."))
    other = analysis(tools, "LungFormer is compared with U-Net.")
    table.add(replace(other, paper=replace(other.paper, id="Q")))
    rows = [row for row in table if row["name"] == "LungFormer"]
    assert len(rows) == 1 and rows[0]["papers"] == ["P", "Q"] and rows[0]["new"] is True
