"""The spaCy components, each on sentences written for it, with the tiny test ontology."""

import pytest
from spacy.tokens import Doc, Span

from kg.extract import build_pipeline, extract_mentions
from kg.extract.abbreviations import is_short_form, long_form_start
from kg.extract.coined_names import looks_coined, type_of_long_form
from kg.extract.name_types import type_from_context, type_from_shape
from kg.ontology import Ontology
from kg.papers import make_paper


@pytest.fixture(scope="module")
def nlp():
    from conftest import FIXTURES

    return build_pipeline(Ontology.load(FIXTURES / "ontology"))


def test_the_pipeline_matches_the_ontology_it_is_given():
    from conftest import FIXTURES

    ontology = Ontology.load(FIXTURES / "ontology")
    nlp = build_pipeline(ontology)
    assert nlp.get_pipe("kg_ontology_matcher").ontology is ontology is nlp.get_pipe("kg_coined_names").ontology


def test_span_and_doc_attributes_are_prefixed(nlp):
    """scispaCy's own `abbreviations` and `long_form` stay free."""
    assert Doc.has_extension("kg_abbreviations") and Span.has_extension("kg_long_form")
    assert not Doc.has_extension("abbreviations") and not Span.has_extension("long_form")


def mentions(nlp, abstract, title="A title"):
    paper = make_paper(title=title, abstract=abstract, given_id="P")
    return next(extract_mentions([paper], nlp))[1]


def found(nlp, abstract, title="A title"):
    """(type, surface form, concept slug or None) of every mention."""
    return {(m.type, m.text, m.concept.rsplit("/", 1)[1] if m.concept else None) for m in mentions(nlp, abstract, title)}


# --- ontology matching: case, variants, whole words -------------------------------------

@pytest.mark.parametrize("text", ["X-ray", "x-ray", "X-rays", "Xray", "X ray", "radiographs"])
def test_modality_variants_match(nlp, text):
    assert ("modality", text, "x-ray") in found(nlp, f"We study {text} images.")


@pytest.mark.parametrize("text", ["MRI", "MRIs", "magnetic resonance imaging", "Magnetic Resonance Imaging"])
def test_case_and_plural_variants(nlp, text):
    assert ("modality", text, "mri") in found(nlp, f"Scans from {text} were used.")


@pytest.mark.parametrize(
    "sentence",
    ["The SAMPLE was small.", "We use CTransPath features.", "Results on MedSAMple data.", "The brainstem is small."],
)
def test_no_match_inside_a_longer_word(nlp, sentence):
    assert not any(c in ("sam", "ct", "brain") for _, _, c in found(nlp, sentence))


def test_case_sensitive_labels_match_only_as_written(nlp):
    assert ("modality", "US", "ultrasound") in found(nlp, "Breast US images were collected.")
    assert not any(c == "ultrasound" for _, _, c in found(nlp, "This helps us a lot."))


def test_greek_letters_are_spelled_out():
    from kg.text import token_norm

    assert token_norm("α") == token_norm("alpha")


def test_a_name_inside_a_coined_name_is_not_matched_alone(nlp):
    result = found(nlp, "We compare SAM-Med2D and UniMed-CLIP with SAM-based baselines.")
    assert ("model", "SAM-Med2D", None) in result and ("model", "UniMed-CLIP", None) in result
    assert sum(1 for _, text, c in result if c == "sam") == 1  # only the SAM of "SAM-based"


# --- compositional mentions ----------------------------------------------------------------

@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("chest X-ray", {("modality", "chest X-ray", "chest-x-ray"), ("organ", "chest", "chest")}),
        ("brain MRI", {("modality", "MRI", "mri"), ("organ", "brain", "brain")}),
        ("breast cancer", {("disease", "breast cancer", "breast-cancer"), ("organ", "breast", "breast")}),
        ("pulmonary nodules", {("organ", "pulmonary", "lung")}),
    ],
)
def test_compositional_mentions_give_every_part(nlp, phrase, expected):
    assert expected <= found(nlp, f"We study {phrase} in adults.")


# --- abbreviations -----------------------------------------------------------------------------

def test_short_form_used_later_resolves_to_its_long_form(nlp):
    result = mentions(nlp, "The Dice similarity coefficient (DSC) is reported. DSC improves by 2 points.")
    dsc = [m for m in result if m.text == "DSC"]
    assert len(dsc) == 2 and all(m.concept.endswith("/dice") for m in dsc)
    assert {m.source for m in dsc} == {"ontology", "abbreviation"} or {m.source for m in dsc} == {"abbreviation"}
    assert all(m.long_form == "Dice similarity coefficient" for m in dsc)


def test_long_form_in_parentheses(nlp):
    result = mentions(nlp, "We fine-tune SAM (Segment Anything Model) on CT.")
    assert {m.text for m in result if m.concept and m.concept.endswith("/sam")} == {"SAM", "Segment Anything Model"}


def test_undefined_abbreviation_pair_becomes_a_new_typed_entity(nlp):
    result = mentions(nlp, "We introduce the Medical Vision Transformer (MedViTV2). MedViTV2 is fast.")
    named = [m for m in result if m.short_form == "MedViTV2"]
    assert {m.text for m in named} == {"Medical Vision Transformer", "MedViTV2"}
    assert {m.type for m in named} == {"model"} and all(m.concept is None for m in named)
    assert not any(m.concept and m.concept.endswith("/vit") for m in result)  # part of the longer name


@pytest.mark.parametrize(
    "short, words, start",
    [
        ("DSC", "the Dice similarity coefficient", 1),
        ("KAN", "Kolmogorov-Arnold Network", 0),
        ("CBMs", "Concept Bottleneck Models", 0),
        ("MedViTV2", "we introduce the Medical Vision Transformer", 3),
        ("SAM", "we study images", None),
        ("AUC", "results were good", None),
    ],
)
def test_long_form_start(short, words, start):
    assert long_form_start(short, words.split()) == start


@pytest.mark.parametrize("text, expected", [("DSC", True), ("e.g.", False), ("2021", False), ("n=12", False), ("a b c", False)])
def test_is_short_form(text, expected):
    assert is_short_form(text) is expected


# --- coined names ------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["MedViTV2", "SAM-Med2D", "xLSTM-UNet", "CheXWorld", "GMAI-VL-5.5M", "Med3D", "CT-RATE"])
def test_coined_words(word):
    assert looks_coined(word)


@pytest.mark.parametrize("word", ["Model", "CNN", "LLMs", "GAN", "3D", "T1", "COVID-19", "Transformer", "H&E", "AI", "CNN-LSTM"])
def test_ordinary_and_generic_words_are_not_coined(word):
    assert not looks_coined(word)


@pytest.mark.parametrize(
    "name, kind", [("MedTrinity-25M", "dataset"), ("Quilt-1M", "dataset"), ("xLSTM-UNet", "model"), ("CheXWorld", None)]
)
def test_type_from_shape(name, kind):
    assert type_from_shape(name) == kind


@pytest.mark.parametrize(
    "before, after, kind",
    [("results on the", "dataset show", "dataset"), ("we propose", ", a network for", "model"),
     ("models were trained on", ".", "dataset"), ("We present", "in this paper.", None)],
)
def test_type_from_context(before, after, kind):
    assert type_from_context(before, after) == kind


@pytest.mark.parametrize(
    "long, short, kind",
    [("Fréchet Radiomic Distance", "FRD", "metric"), ("Large Language Models", "LLMs", None),
     ("MedRecord-Augmented Generation", "MAG", "model"), ("Brain Tumor Challenge", "BTC", "dataset")],
)
def test_type_of_long_form(long, short, kind):
    assert type_of_long_form(long, short) == kind


def test_generic_classes_and_section_words_are_not_entities(nlp):
    text = "Methods: CNNs, GANs and LLMs are compared. Results: Our Model and the Transformer improve."
    assert {m for m in found(nlp, text) if m[0] in ("model", "dataset")} == set()


def test_coined_name_typed_as_dataset_from_context(nlp):
    result = found(nlp, "We release MedVault-9, a dataset of CT scans, and train MedNetX on it.")
    assert ("dataset", "MedVault-9", None) in result and ("model", "MedNetX", None) in result


def test_mentions_keep_sentence_and_offsets(nlp):
    paper = make_paper(title="Brain MRI segmentation", abstract="First sentence. We use CT here.", given_id="P")
    result = next(extract_mentions([paper], nlp))[1]
    ct = next(m for m in result if m.text == "CT")
    assert ct.field == "abstract" and paper.abstract[ct.start : ct.end] == "CT"
    assert ct.sentence == "We use CT here." == paper.abstract[ct.sentence_start : ct.sentence_end]
    brain = next(m for m in result if m.text == "brain" or m.text == "Brain")
    assert brain.field == "title" and paper.title[brain.start : brain.end] == "Brain"
    assert brain.sentence == "Brain MRI segmentation" == paper.title[brain.sentence_start : brain.sentence_end]


@pytest.mark.parametrize("word", ["MVLMs", "H&E-IHC", "XIIth", "CNN-LSTM"])
def test_more_words_that_are_not_names(word):
    assert not looks_coined(word)


def test_a_known_model_inside_a_coined_name_makes_it_a_model(nlp):
    result = found(nlp, "We fine-tune CLIP-7B on the benchmark data.")
    assert ("model", "CLIP-7B", None) in result


def test_a_model_name_inside_a_metric_name_is_not_a_model(nlp):
    result = found(nlp, "Image quality is measured by the Dice similarity coefficient of ViT outputs.")
    assert ("metric", "Dice similarity coefficient", "dice") in result


def test_the_long_form_of_a_known_short_form_is_its_alias(nlp):
    result = mentions(nlp, "We adapt the Medical Segment Anything Model (MedSAM). MedSAM is strong.")
    medsam = [m for m in result if m.concept and m.concept.endswith("/medsam")]
    assert {m.text for m in medsam} == {"Medical Segment Anything Model", "MedSAM"}
    assert not any(m.concept and m.concept.endswith("/sam") for m in result)


def test_a_missing_space_after_a_period_is_not_a_name(nlp):
    assert not any(kind == "model" for kind, _, _ in found(nlp, "We release the dataset.Our code is public."))


def test_a_generic_class_defined_as_an_abbreviation_is_not_a_name(nlp):
    result = found(nlp, "Recent medical vision-and-language models (MVLMs) are strong.")
    assert not any(kind == "model" for kind, _, _ in result)
    named = found(nlp, "We use Concept Bottleneck Models (CBMs) here.")
    assert ("model", "CBMs", None) in named


def test_a_name_before_a_period_keeps_only_the_name(nlp):
    result = mentions(nlp, "It improves on the original MedViT. Additionally, it is fast.")
    medvit = next(m for m in result if m.text.startswith("MedViT"))
    assert medvit.text == "MedViT" and "It improves on the original MedViT. Additionally"[medvit.start : medvit.end] == "MedViT"


@pytest.mark.parametrize("word", ["40GB", "Wei2022ChainOT", "3.5GHz"])
def test_units_and_citation_keys_are_not_names(word):
    assert not looks_coined(word)


def test_a_learning_paradigm_is_not_a_model_but_a_named_method_is(nlp):
    assert not any(k == "model" for k, _, _ in found(nlp, "We use transfer learning (TL) for this."))
    assert ("model", "ICL", None) in found(nlp, "We design Intra-image Contrastive Learning (ICL) for this.")


def test_a_named_variant_of_a_task_is_that_task(nlp):
    result = mentions(nlp, "We study interactive medical image segmentation (IMIS) here.")
    imis = [m for m in result if m.text == "IMIS"]
    assert len(imis) == 1 and imis[0].type == "task" and imis[0].concept.endswith("/segmentation")


@pytest.mark.parametrize(
    "sentence, name, kind",
    [
        ("Results on the MedScan benchmark are strong.", "MedScan", "dataset"),
        ("We won the LUNA-X challenge last year.", "LUNA-X", "dataset"),
        ("We train PathFormer, a network for slides.", "PathFormer", "model"),
        ("A new dataset named Lumen is released.", "Lumen", "dataset"),
    ],
)
def test_names_typed_by_the_words_around_them(nlp, sentence, name, kind):
    assert (kind, name, None) in found(nlp, sentence)


def test_a_name_that_is_both_a_dataset_and_a_model_gives_two_entities(nlp):
    result = found(nlp, "We build UniMed, a dataset of 5M image-text pairs, and train UniMed-CLIP on it.")
    assert ("dataset", "UniMed", None) in result and ("model", "UniMed-CLIP", None) in result


def test_capitalized_ordinary_words_in_a_title_are_not_names(nlp):
    result = found(nlp, "We study it.", title="Towards Robust And Fair Segmentation With Deep Networks: A Survey")
    assert not any(kind in ("model", "dataset") for kind, _, _ in result)


@pytest.mark.parametrize("abstract, name, kind", [
    ("We also find a spurious correlation in the Chaksu dataset.", "Chaksu", "dataset"),
    ("Experiments on the CDH-1848 dataset show gains.", "CDH-1848", "dataset"),
    ("We test on three public datasets: CheXpert, BraTS, and NEATX.", "NEATX", "dataset"),
    ("We collect a large Lung Cancer (LC) dataset of 828 CT scans. Results on the LC dataset are good.", "LC", "dataset"),
    ("We train our developed Cerberus model on 600K objects.", "Cerberus", "model"),
])
def test_names_the_words_around_them_make_models_and_data_sets(nlp, abstract, name, kind):
    assert (kind, name) in {(kind, text) for kind, text, _ in found(nlp, abstract)}


@pytest.mark.parametrize("abstract, name", [
    ("Similar datasets are largely absent in medical imaging.", "Similar"),
    ("We used 624 slides of breast cancer from a Norwegian cohort.", "Norwegian"),
    ("We evaluate our model on supervised and zero-shot VQA datasets.", "VQA"),
    ("A CH-specific dataset would be highly valuable.", "CH-specific"),
])
def test_words_that_only_look_like_a_data_set_name_are_not_one(nlp, abstract, name):
    assert ("dataset", name) not in {(kind, text) for kind, text, _ in found(nlp, abstract)}


@pytest.mark.parametrize("sentence, is_modality", [
    ("We release pathology slides of breast cancer.", True),
    ("Foundation models have unlocked potential, particularly in pathology.", True),
    ("We cover six modalities: X-ray, CT, MRI, Ultrasound, Pathology, and Fundus.", True),
    ("Segmentation of anatomical structures and pathology is essential.", False),
    ("The reports come with many pathology labels and RadGraph annotations.", False),
    ("We split the features into anatomy-relevant and pathology-relevant streams.", False),
])
def test_a_context_label_is_dropped_where_it_has_its_ordinary_sense(sentence, is_modality):
    from kg.analysis import shared_analyzer  # the shipped ontology: "pathology" is a context label of histopathology

    paper = make_paper(title="A title", abstract=sentence, given_id="P")
    found = {m.concept.rsplit("/", 1)[1] for m in next(extract_mentions([paper], shared_analyzer().nlp))[1] if m.concept}
    assert ("histopathology" in found) is is_modality


def test_a_model_inside_the_long_form_of_the_model_built_on_it_is_not_mentioned():
    from kg.analysis import shared_analyzer  # the shipped ontology: MedSAM is built on SAM

    def models(sentence):
        paper = make_paper(title="A title", abstract=sentence, given_id="P")
        return {m.concept.rsplit("/", 1)[1] for m in next(extract_mentions([paper], shared_analyzer().nlp))[1]
                if m.type == "model" and m.concept}

    assert models("We adapt the pretrained foundation model, Medical Segment Anything (MedSAM).") == {"medsam"}
    assert models("We compare Segment Anything (SAM) with MedSAM.") == {"sam", "medsam"}


def test_a_data_set_named_with_an_indefinite_article_is_a_kind_not_a_name(nlp):
    assert ("dataset", "SQL") not in {(kind, text) for kind, text, _ in found(nlp, "We build an SQL database of citations.")}


@pytest.mark.parametrize("sentence", ["The AUC was 0.91 in the Internal dataset.", "We enrolled 300 patients in the Validation cohort.",
                                      "Images came from the Chinese dataset."])
def test_a_capitalized_ordinary_word_before_dataset_is_no_name(nlp, sentence):
    assert not {text for kind, text, _ in found(nlp, sentence) if kind == "dataset"}


def test_a_size_in_billions_makes_a_model_and_one_in_millions_a_data_set():
    from kg.extract.name_types import coined_type

    assert coined_type("Meditron-70B", [("LLMs such as ", " and MedLM-Large.")], defined=None, parts=set()) == "model"
    assert coined_type("Meditron-70B", [("results on the ", " benchmark")], defined=None, parts=set()) == "dataset"
    assert coined_type("MedTrinity-25M", [("we train on ", "")], defined=None, parts=set()) == "dataset"


def test_a_title_cased_data_set_name_keeps_its_words_and_a_unit_is_no_model(nlp):
    mentions = found(nlp, "DentNova is trained on the Tufts Dental Database. It improves PSNR to 36.4 dB.")
    assert ("dataset", "Tufts Dental Database") in {(kind, text) for kind, text, _ in mentions}
    assert "dB" not in {text for _, text, _ in mentions}
    assert not {text for kind, text, _ in found(nlp, "Results in the Training Cohort were good.") if kind == "dataset"}


def test_a_list_of_data_sets_keeps_the_modalities_in_it(nlp):
    mentions = found(nlp, "Three imaging datasets, including PET, CT, and PET-CT scans, are studied.")
    assert not {text for kind, text, _ in mentions if kind == "dataset"}
