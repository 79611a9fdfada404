"""Text of clinical journals and recent arXiv work: the findings, measures and tasks they name,
the organ a modality's name says, verbs that name a task, words that only look like names, and
LaTeX left in an abstract (each with sentences written for this test)."""

import pytest

from kg.analysis import shared_analyzer
from kg.papers import make_paper


def analysis(abstract: str, title: str = "A study"):
    """The analysis of one paper with the shipped ontology."""
    return next(shared_analyzer().analyze([make_paper(title=title, abstract=abstract, given_id="p")]))


def found_entities(abstract: str, title: str = "A study") -> dict[str, list[dict]]:
    """The entities of the paper's record, by type."""
    return analysis(abstract, title).to_record()["entities"]


def entities(abstract: str) -> dict[str, set[str]]:
    return {kind: {entity["name"] for entity in found} for kind, found in found_entities(abstract).items()}


# sentence, type, names it must give, names it must not give
CASES = [
    ("CT scans showed masses and calcifications in both lungs.", "disease", {"mass", "calcification"}, set()),
    ("A brain tumour is a mass of abnormal cells.", "disease", set(), {"mass"}),
    ("Obesity was measured by body mass index.", "disease", set(), {"mass"}),
    ("Intracerebral hemorrhage was segmented on non-contrast CT.", "disease", {"intracerebral hemorrhage"}, set()),
    ("Deep vein thrombosis and fungal keratitis were graded.", "disease", {"thrombus", "keratitis"}, set()),
    ("The risk score reached a hazard ratio of 2.1 and a C-index of 0.71.", "metric", {"hazard ratio", "C-index"}, set()),
    ("Retrieval reached a Recall@10 of 0.62 and an R@1 of 0.31.", "metric", {"Recall@K"}, set()),
    ("Robotic surgery calls for surgical precision.", "metric", set(), {"precision"}),
    ("We compare Falcon and Mistral on natural language inference.", "model", {"Falcon", "Mistral"}, set()),
    ("We evaluated MEDITRON, Gemini-2.5 and Claude-3.5 using few-shot prompting.", "model", {"MEDITRON", "Gemini", "Claude"}, set()),
    ("OOD detection reached an FPR95 of 12% and an AUROC of 0.95.", "metric", {"FPR95", "AUC"}, set()),
    ("OOD detection reached an FPR95 of 12% and an AUROC of 0.95.", "model", set(), {"FPR95"}),
    ("We compare Falcon and Mistral on natural language inference.", "task", {"natural language inference"}, set()),
    ("We generate captions for each image and retrieve similar cases.", "task", {"image captioning", "retrieval"}, set()),
    ("Lesions were segmented and classified by two readers.", "task", {"segmentation", "classification"}, set()),
    ("A model to detect rib fractures on radiographs.", "task", {"detection"}, set()),
    ("Transfer learning improves the capability to detect complex patterns.", "task", set(), {"detection"}),
    ("Large vessel occlusion and cerebral microbleeds were detected on CT angiography.", "disease",
     {"large vessel occlusion", "cerebral microbleed"}, set()),
    ("Mammograms showed architectural distortion and fibroadenomas; TNBC cases were excluded.", "disease",
     {"architectural distortion", "fibroadenoma", "triple-negative breast cancer"}, set()),
    ("Periapical lesions and bone metastases were segmented.", "disease", {"periapical lesion", "bone metastasis"}, set()),
    ("The mitral valve, pericardium and pulmonary artery were segmented in cardiac CT.", "organ",
     {"mitral valve", "pericardium", "pulmonary artery"}, set()),
    ("Fractures of the clavicle, humerus and tibia were detected on radiographs.", "organ", {"clavicle", "humerus", "tibia"}, set()),
    ("Polyps were found in 400 colonoscopy videos.", "organ", {"colon"}, set()),
    ("We combine stained slides with structured data and billing codes.", "modality",
     {"histopathology", "tabular clinical data"}, set()),
    ("We propose benchmarks named RetOxford and RetParis, built on the retrieval datasets, ROxfordX and RParisX.", "dataset",
     {"RetOxford", "RetParis", "ROxfordX", "RParisX"}, set()),
    ("Results in the Multi-Modal FaceSetHQ and the Cityscapes dataset improve.", "dataset", {"FaceSetHQ"}, set()),
    ("The registration kept the percentage of folding voxels below 0.1% and the TRE under 2 mm.", "metric",
     {"folding ratio", "target registration error"}, set()),
    ("Reports were scored by RaTEScore and a win rate against radiologists; WER of the transcripts was 4%.", "metric",
     {"RaTEScore", "win rate", "word error rate"}, set()),
    ("We use the SPH dataset from PhysioNet and images from Kaggle and TCIA.", "dataset", set(), {"PhysioNet", "Kaggle", "TCIA"}),
    ("We use the SPH dataset from PhysioNet and images from Kaggle and TCIA.", "model", set(), {"PhysioNet", "Kaggle", "TCIA"}),
    ("Models were trained on TN3K, LNDb, FracAtlas and CTSpine1K.", "dataset", {"TN3K", "LNDb", "FracAtlas", "CTSpine1K"}, set()),
    ("The model was evaluated on lung, breast, colorectal and prostate cancers.", "disease",
     {"lung cancer", "breast cancer", "colorectal cancer", "prostate cancer"}, set()),
    ("We detect hip and rib fractures on radiographs.", "disease", {"hip fracture", "rib fracture"}, set()),
    ("Patients with breast cancer and diabetes were excluded.", "disease", {"breast cancer"}, {"diabetes cancer"}),
    ("We present PathoSlides, the largest public collection of annotated slides.", "dataset", {"PathoSlides"}, set()),
    ("The model was fine-tuned for triplet recognition on CholecT50.", "dataset", {"CholecT50"}, set()),
    ("LASSO regression selected 12 radiomic features.", "task", set(), {"regression"}),
    ("The detector reached an mAP@0.5 of 0.81 on panoramic radiographs.", "metric", {"average precision"}, set()),
    ("Eye fundus photographs of 2,000 patients were graded.", "organ", {"eye"}, set()),
    ("Diabetic retinopathy was graded in 5,000 patients.", "organ", {"retina"}, set()),
    ("Dermoscopy images of melanoma were collected.", "organ", set(), {"skin"}),
    ("Patients in the US were screened with US of the thyroid.", "modality", {"ultrasound"}, set()),
    ("Hospitals across the US took part.", "modality", set(), {"ultrasound"}),
    ("On one hand, CT is fast; on the other hand, MRI is precise.", "organ", set(), {"hand"}),
    ("PI-RADS and Lung-RADS scores and HER2 and PD-L1 status were recorded.", "model", set(), {"PI-RADS", "Lung-RADS", "HER2", "PD-L1"}),
    (r"The U{-}Net reaches a Dice of $91.2\pm1.3\%$ on an{\ae}mia cases.", "model", {"U-Net"}, set()),
]


@pytest.mark.parametrize("abstract, kind, present, absent", CASES, ids=[f"{case[1]}: {case[0][:40]}" for case in CASES])
def test_clinical_and_recent_text(abstract, kind, present, absent):
    found = entities(abstract).get(kind, set())
    assert present <= found, f"{kind}: {present - found} missing from {found}"
    assert not (absent & found), f"{kind}: {absent & found} found"


def test_an_implied_organ_is_shown_by_the_words_of_its_modality():
    analyzed = analysis("We collected colonoscopy videos.", title="Polyp detection")
    (organ,) = [item for item in analyzed.linked if item.mention.type == "organ"]
    assert (organ.name, organ.method, organ.mention.text) == ("colon", "implied", "colonoscopy")
    (entity,) = [entity for entity in analyzed.entities if entity.type == "organ"]
    assert entity.aliases == ()  # "colonoscopy" is no name of the colon


def test_latex_in_an_abstract_is_stored_as_plain_text():
    paper = make_paper(title=r"{SAM} for an{\ae}mia", abstract=r"A Dice of $0.91\pm0.02$ and 94.6\% accuracy.", given_id="p")
    assert (paper.title, paper.abstract) == ("SAM for anæmia", "A Dice of 0.91±0.02 and 94.6% accuracy.")


@pytest.mark.parametrize("abstract, kind, name, alias", [
    ("We fine-tune Llama 3 8B on radiology reports.", "model", "Llama 3", "Llama 3 8B"),
    ("Our method ranked first in the KiTS19 Challenge.", "dataset", "KiTS19", "KiTS19 Challenge"),
])
def test_a_size_or_the_word_challenge_after_a_name_is_part_of_it(abstract, kind, name, alias):
    found = found_entities(abstract)[kind]
    assert [(entity["name"], entity["aliases"]) for entity in found] == [(name, [alias])]


def test_a_number_after_a_name_that_is_no_size_stays_out_of_it():
    record = found_entities("We fine-tune Llama 3 8 times on the KiTS19 challenge data.")
    assert [entity["aliases"] for entity in record["model"] + record["dataset"]] == [["Llama 3"], ["KiTS19"]]


def test_a_name_written_with_to_and_with_2_is_one_entity():
    (model,) = found_entities("We compare Text-to-CT with Text2CT.")["model"]
    assert set(model["aliases"]) == {"Text-to-CT", "Text2CT"}


@pytest.mark.parametrize("title, abstract, kind, present, absent", [
    ("Merlin: A Vision Language Foundation Model for 3D CT", "We introduce Merlin - a 3D VLM trained on paired CT scans.",
     "model", {"Merlin"}, set()),
    ("Medical SAM3: A Foundation Model for Segmentation", "We present Medical SAM3, a foundation model fine-tuned from SAM3.",
     "model", {"Medical SAM3", "SAM3"}, set()),
    ("Symbrain: A large-scale dataset of MRI images for neonatal brain", "We describe its annotation.", "dataset", {"Symbrain"}, set()),
    ("Ember Era: A Comprehensive Survey of State Space Models", "We review 200 papers.", "model", set(), {"Ember Era"}),
])
def test_a_name_a_paper_gives_what_it_introduces(title, abstract, kind, present, absent):
    found = {entity["name"] for entity in found_entities(abstract, title)[kind]}
    assert present <= found and not (absent & found), found


def test_a_readers_number_is_a_result_of_its_own_metric_and_no_model():
    record = analysis("ResNet-50 achieved an AUC of 0.94; the sensitivity of radiologists was 0.88.").to_record()
    assert [(r["metric"], r["value"], r["model"]) for r in record["results"]] == [
        ("AUC", "0.94", "ResNet-50"), ("sensitivity", "0.88", None)]
