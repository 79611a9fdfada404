"""Facts of models and data sets: a model's families (from the ontology, from the model a paper
builds on, and from what the paper calls the model it introduces) and a data set's tasks."""

import pytest

from kg.analysis import shared_analyzer
from kg.records import Paper

FAMILY = "https://example.org/kg/family/"


def families(abstract: str) -> set[tuple[str, str, str]]:
    """(model name, family, source) of every IN_FAMILY relation of a one-abstract paper."""
    analysis = next(shared_analyzer().analyze([Paper(id="p", title="A study", abstract=abstract)]))
    names = {entity.id: entity.name for entity in analysis.entities}
    return {(names.get(r.subject, r.subject), r.object.removeprefix(FAMILY), r.source)
            for r in analysis.relations if r.predicate == "IN_FAMILY"}


def test_a_known_model_has_the_families_the_ontology_gives():
    assert ("DINOv2", "foundation-model", "ontology") in families("We evaluate DINOv2 on chest X-ray classification.")


@pytest.mark.parametrize("abstract, model, family", [
    ("We present PathoDuet, a pathology foundation model trained on 100k slides.", "PathoDuet", "pathology-foundation-model"),
    ("We introduce CTFound, a vision-language foundation model for CT.", "CTFound", "foundation-model"),
    ("We propose the foundation model EchoGPT for echocardiography.", "EchoGPT", "foundation-model"),
    ("We propose MedDiff. MedDiff is a diffusion model for MRI synthesis.", "MedDiff", "diffusion-model"),
])
def test_an_introduced_model_is_in_the_family_the_paper_calls_it(abstract, model, family):
    assert (model, family, "text") in families(abstract)


@pytest.mark.parametrize("abstract", [
    "We present PathoDuet, which outperforms the foundation model UNI on BRACS.",
    "We propose LesionNet and compare it with foundation models.",
])
def test_a_family_named_elsewhere_in_the_sentence_is_not_the_model_s(abstract):
    assert not {found for found in families(abstract) if found[2] == "text" and found[1].endswith("foundation-model")
                and found[0] in ("PathoDuet", "LesionNet")}


def test_a_model_built_on_another_takes_its_architecture_but_is_no_foundation_model_for_it():
    found = families("We fine-tune SAM for polyp segmentation and propose PolypSAM. PolypSAM is built on SAM.")
    assert ("PolypSAM", "sam-adaptation", "text") in found  # the family defined by its base model
    assert ("PolypSAM", "vision-transformer", "text") in found
    assert not any(model == "PolypSAM" and family == "foundation-model" for model, family, _ in found)


def test_the_one_proposed_model_takes_the_families_of_its_base_model():
    found = families("We propose MedSAM-CA, a context-aware adaptation of MedSAM for segmentation.")
    assert ("MedSAM-CA", "sam-adaptation", "text") in found


def test_a_known_data_set_has_the_tasks_the_ontology_records():
    """What the library's datasets-for-task-modality uses to leave out VQA-RAD from classification."""
    analysis = next(shared_analyzer().analyze([Paper(id="p", title="A study", abstract="We evaluate on VQA-RAD.")]))
    tasks = {r.object.rsplit("/", 1)[1] for r in analysis.relations if r.predicate == "FOR_TASK"}
    assert tasks == {"visual-question-answering"}
