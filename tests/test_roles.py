"""Roles and evaluations: what a paper does with each model and data set, read clause by clause."""

import pytest

from conftest import FIXTURES
from kg.analysis import Analyzer
from kg.ontology import Ontology
from kg.papers import make_paper


@pytest.fixture(scope="module")
def tools():
    return Analyzer.from_ontology(Ontology.load(FIXTURES / "ontology"))


def record(tools, abstract, title="A study of medical images"):
    return next(tools.analyze([make_paper(title=title, abstract=abstract, given_id="P")])).to_record()


def dataset_role(tools, abstract, name):
    return record(tools, abstract)["roles"]["datasets"].get(name)


def model_role(tools, abstract, name):
    return record(tools, abstract)["roles"]["models"].get(name)


@pytest.mark.parametrize("abstract, name, role", [
    ("We propose a segmentation network. Experiments on BraTS show it is accurate.", "BraTS", "evaluated"),
    ("We evaluate our classifier on three public datasets: CheXpert, BraTS and ImageNet.", "BraTS", "evaluated"),
    ("Our model reaches an AUC of 0.91 on CheXpert.", "CheXpert", "evaluated"),
    ("The model is trained and evaluated on CheXpert.", "CheXpert", "evaluated"),
    ("We train our classifier on CheXpert and study its errors.", "CheXpert", "trained"),
    ("We initialize the encoder by pre-training on ImageNet.", "ImageNet", "trained"),
    ("We build a new benchmark from images collected from CheXpert.", "CheXpert", "source"),
    ("Our collection is larger than CheXpert.", "CheXpert", "mentioned"),
    ("Models pre-trained on ImageNet are common in medical imaging.", "ImageNet", "mentioned"),
    ("Our method needs less labelled data than an ImageNet initialized counterpart.", "ImageNet", "mentioned"),
    ("We transfer pre-trained models to lung segmentation in BraTS.", "BraTS", "evaluated"),
    ("We train our scalable SegNova models on a large BraTS set.", "BraTS", "trained"),
    ("We propose SegNova. SegNova is evaluated under zero-shot and supervised fine-tuning settings on CheXpert.",
     "CheXpert", "evaluated"),
])
def test_a_dataset_role_comes_from_the_cue_nearest_its_name(tools, abstract, name, role):
    assert dataset_role(tools, abstract, name) == role


@pytest.mark.parametrize("abstract, name, role", [
    ("We propose SegNova, built on top of U-Net, for brain MRI.", "U-Net", "base"),
    ("We fine-tune CLIP on chest X-ray reports.", "CLIP", "base"),
    ("Our network uses a ViT backbone.", "ViT", "base"),
    ("We propose SegNova. SegNova outperforms U-Net and MedSAM on BraTS.", "MedSAM", "compared"),
    ("We evaluate SAM on chest X-ray segmentation.", "SAM", "compared"),
    ("Transformers such as ViT have changed computer vision.", "ViT", "mentioned"),
    ("Both networks performed superior to the plain model, ResNet-50.", "ResNet-50", "compared"),
    ("In this study, we extensively evaluate six widely used CLIP-based models on CheXpert.", "CLIP", "compared"),
    ("We use CLIP-based models to embed chest X-ray reports.", "CLIP", "base"),
    ("Comparative analyses with U-Net and ViT reveal the strengths of SAM.", "U-Net", "compared"),
])
def test_a_model_role_comes_from_the_cue_nearest_its_name(tools, abstract, name, role):
    assert model_role(tools, abstract, name) == role


def test_an_introduced_dataset_and_model_keep_their_first_roles(tools):
    roles = record(tools, "We introduce SegNova, a new segmentation network. We release NovaSet, a new dataset of CT "
                          "scans. SegNova reaches a Dice of 0.91 on NovaSet.")["roles"]
    assert roles["models"]["SegNova"] == "proposed" and roles["datasets"]["NovaSet"] == "introduced"


def pairs(tools, abstract):
    return sorted((e["model"], e["dataset"]) for e in record(tools, abstract)["evaluations"])


def test_a_result_ties_its_model_and_dataset(tools):
    assert pairs(tools, "MedSAM reaches a Dice of 0.91 on BraTS.") == [("MedSAM", "BraTS")]


def test_our_method_stands_for_the_one_proposed_model(tools):
    abstract = "We propose SegNova, a novel network for brain MRI. Experiments on BraTS show that our method is accurate."
    assert pairs(tools, abstract) == [("SegNova", "BraTS")]


def test_each_combination_a_sentence_states_counts(tools):
    abstract = "We evaluate SAM and MedSAM on CheXpert and BraTS."
    assert pairs(tools, abstract) == [("MedSAM", "BraTS"), ("MedSAM", "CheXpert"), ("SAM", "BraTS"), ("SAM", "CheXpert")]


def test_naming_a_model_and_a_dataset_in_one_sentence_is_not_an_evaluation(tools):
    assert pairs(tools, "MedSAM was released after BraTS became popular.") == []
    assert pairs(tools, "Unlike CheXpert, our data covers CT; SAM is a foundation model.") == []


def test_evaluated_on_edges_come_from_evaluations_only(tools):
    relations = record(tools, "MedSAM was released after BraTS became popular. SAM reaches a Dice of 0.80 on CheXpert.")["relations"]
    evaluated = [(r["subject"].rsplit("/", 1)[-1], r["object"].rsplit("/", 1)[-1]) for r in relations if r["predicate"] == "EVALUATED_ON"]
    assert evaluated == [("sam", "chexpert")]


def facts(tools, abstract):
    relations = record(tools, abstract)["relations"]
    return sorted((r["subject"].rsplit("/", 1)[-1], r["predicate"], r["object"].rsplit("/", 1)[-1]) for r in relations
                  if r["predicate"] in ("HAS_MODALITY", "COVERS_ORGAN") and r["source"] == "text")


def test_a_dataset_takes_the_organs_of_its_own_clause(tools):
    abstract = "We test on lung segmentation in NovaLungSet and brain segmentation on NovaBrainSet."
    assert facts(tools, abstract) == [("novabrainset", "COVERS_ORGAN", "brain"), ("novalungset", "COVERS_ORGAN", "lung")]


def test_a_semicolon_ends_what_describes_a_dataset(tools):
    assert facts(tools, "We release NovaSet; MRI is common elsewhere.") == []
    assert facts(tools, "We release NovaSet, a collection of brain MRI.") == [
        ("novaset", "COVERS_ORGAN", "brain"), ("novaset", "HAS_MODALITY", "mri")]


def test_a_data_set_the_new_one_is_named_after_is_its_source(tools):
    roles = record(tools, "We release CheXpert-Plus, a new dataset of chest X-ray reports. CheXpert has been widely used.")["roles"]
    assert roles["datasets"] == {"CheXpert-Plus": "introduced", "CheXpert": "source"}
    roles = record(tools, "We release NovaSet, a new dataset of chest X-ray reports. CheXpert has been widely used.")["roles"]
    assert roles["datasets"]["CheXpert"] == "mentioned"


def test_our_method_is_the_model_the_title_names_or_else_the_first_the_paper_introduces(tools):
    abstract = ("We propose SegNova. SegNova uses a novel Cascaded Fusion Transformer architecture. "
                "Experiments on BraTS show that our method is accurate.")
    pairs = {(e["model"], e["dataset"]) for e in record(tools, abstract)["evaluations"]}
    assert pairs == {("SegNova", "BraTS")}


def test_a_name_inside_an_opening_comparison_is_only_compared_with(tools):
    roles = record(tools, "We propose SegNova. Compared to fine-tuning CLIP with only CheXpert data for the same task, "
                          "SegNova is better in clinical metrics.")["roles"]
    assert roles["datasets"]["CheXpert"] == "mentioned" and roles["models"]["CLIP"] == "compared"
    roles = record(tools, "We propose SegNova. We fine-tune CLIP with only CheXpert data for the same task.")["roles"]
    assert roles["datasets"]["CheXpert"] == "trained" and roles["models"]["CLIP"] == "base"


def test_a_clinical_study_s_own_model_is_the_architecture_it_trains(tools):
    abstract = ("MATERIALS AND METHODS: In this retrospective study, 12,000 radiographs were used to train a U-Net model. "
                "RESULTS: The model reached an AUC of 0.94 on CheXpert.")
    roles = record(tools, abstract)["roles"]
    assert roles == {"datasets": {"CheXpert": "evaluated"}, "models": {"U-Net": "base"}}
    assert record(tools, "Radiographs were used to train a U-Net model in earlier work.")["roles"]["models"]["U-Net"] == "mentioned"


def test_the_paper_s_edge_to_a_data_set_shows_the_sentence_of_its_role(tools):
    from kg.graph import paper_rows

    abstract = "CheXpert is a popular chest X-ray collection. We propose SegNova and evaluate it on CheXpert."
    analysis = next(tools.analyze([make_paper(title="A study of medical images", abstract=abstract, given_id="P")]))
    [edge] = [e for e in paper_rows(analysis, tools.ontology).edges[("MENTIONS", "Paper", "Dataset")]]
    sentence = abstract[edge["sentence_start"]:edge["sentence_end"]]
    assert edge["role"] == "evaluated" and sentence == "We propose SegNova and evaluate it on CheXpert."
    assert edge["mention_count"] == 2
