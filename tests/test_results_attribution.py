"""Results attributed as a reader would: each value to the metric, model and data set its own
clause names; statistics that are not results left out. Each phrasing has a sentence that must
give the attribution and one that must not."""

import pytest

from conftest import FIXTURES
from kg.analysis import Analyzer
from kg.ontology import Ontology
from kg.papers import make_paper
from kg.result_clauses import mask_statistics

PROPOSE = "We propose SegNova, a new network for brain MRI. "


@pytest.fixture(scope="module")
def tools():
    return Analyzer.from_ontology(Ontology.load(FIXTURES / "ontology"))


def results(tools, abstract):
    record = next(tools.analyze([make_paper(title="A study of medical images", abstract=abstract, given_id="P")])).to_record()
    return [(r["metric"], r["value"], r["kind"], r["model"], r["dataset"]) for r in record["results"]]


# --- the data set of the value's own clause ----------------------------------------------------

def test_each_value_takes_the_dataset_of_its_clause(tools):
    found = results(tools, PROPOSE + "SegNova is evaluated on BraTS with a Dice of 0.89 and on CheXpert with 0.75.")
    assert found == [("Dice", "0.89", "score", "SegNova", "BraTS"), ("Dice", "0.75", "score", "SegNova", "CheXpert")]


def test_a_dataset_of_another_clause_is_not_taken(tools):
    found = results(tools, PROPOSE + "SegNova reaches a Dice of 0.89, while CheXpert remains unsolved.")
    assert found == [("Dice", "0.89", "score", "SegNova", None)]


def test_respectively_pairs_values_with_datasets_in_order(tools):
    found = results(tools, PROPOSE + "SegNova reaches a Dice of 0.89 and 0.75 on BraTS and CheXpert, respectively.")
    assert [(v, d) for _, v, _, _, d in found] == [("0.89", "BraTS"), ("0.75", "CheXpert")]


def test_without_respectively_the_values_do_not_pair_up(tools):
    found = results(tools, PROPOSE + "SegNova reaches a Dice of 0.89 and 0.75 on BraTS and CheXpert.")
    assert ("0.75", "CheXpert") not in [(v, d) for _, v, _, _, d in found]


def test_respectively_pairs_models(tools):
    found = results(tools, PROPOSE + "SegNova and U-Net reach Dice scores of 0.91 and 0.87, respectively.")
    assert [(v, m) for _, v, _, m, _ in found] == [("0.91", "SegNova"), ("0.87", "U-Net")]


# --- the metric written against the value -------------------------------------------------------

def test_a_metric_written_after_its_value(tools):
    found = results(tools, PROPOSE + "SegNova reaches 0.91 AUC and 0.85 Dice on BraTS.")
    assert [(m, v) for m, v, *_ in found] == [("AUC", "0.91"), ("Dice", "0.85")]


def test_listed_metrics_pair_with_listed_values(tools):
    found = results(tools, "The sensitivity and specificity were 90% and 85%.")
    assert [(m, v) for m, v, *_ in found] == [("sensitivity", "90%"), ("specificity", "85%")]


def test_one_metric_keeps_every_value_of_a_list(tools):
    found = results(tools, "The accuracy was 90% and 85% on BraTS and CheXpert.")
    assert [(m, v) for m, v, *_ in found] == [("accuracy", "90%"), ("accuracy", "85%")]


def test_a_parallel_clause_keeps_the_metric(tools):
    found = results(tools, "MedSAM achieves 0.91 Dice on BraTS, while U-Net achieves 0.85.")
    assert ("Dice", "0.85", "score", "U-Net", "BraTS") in found


def test_a_parallel_clause_about_something_else_takes_no_metric(tools):
    assert [v for _, v, *_ in results(tools, "MedSAM achieves 0.91 Dice on BraTS, while inference takes 0.2 s.")] == ["0.91"]


def test_a_clause_that_goes_on_with_is_keeps_the_metric(tools):
    found = results(tools, "The Dice of U-Net ranges from 0.80 to 0.85, and is 0.89 for MedSAM.")
    assert ("Dice", "0.89", "score", "MedSAM", None) in found


def test_a_clause_comparing_something_else_takes_no_metric(tools):
    found = results(tools, "The Dice of U-Net ranges from 0.80 to 0.85, and the network is 1.5 times larger.")
    assert [v for _, v, *_ in found] == ["0.80 to 0.85"]


def test_values_compared_with_take_the_metrics_of_the_values_before_in_order(tools):
    found = results(tools, "SegNova detects pneumonia with 94% sensitivity and 88% specificity, compared with 85% and 80% "
                           "for U-Net.")
    assert found[2:] == [("sensitivity", "85%", "score", "U-Net", None), ("specificity", "80%", "score", "U-Net", None)]


def test_over_before_a_value_is_no_comparison(tools):
    assert results(tools, PROPOSE + "SegNova reaches an accuracy of over 99%.") == [
        ("accuracy", "99%", "score", "SegNova", None)]


def test_values_in_parentheses_after_models_take_the_metric_of_the_sentence_before(tools):
    found = results(tools, PROPOSE + "SegNova reaches a Dice of 0.91. It outperforms U-Net (0.87) and MedSAM (0.88).")
    assert ("Dice", "0.87", "score", "U-Net", None) in found and ("Dice", "0.88", "score", "MedSAM", None) in found


def test_values_in_parentheses_need_a_result_in_the_sentence_before(tools):
    assert results(tools, "We study SegNova for brain MRI. It outperforms U-Net (0.87) and MedSAM (0.88).") == []


# --- the model: the subject of the clause -----------------------------------------------------------

def test_our_method_is_the_proposed_model(tools):
    assert results(tools, PROPOSE + "Compared with U-Net, our method achieves a Dice of 0.91.")[0][3] == "SegNova"


def test_our_method_is_no_model_without_one_proposed(tools):
    assert results(tools, "Compared with U-Net, our method achieves a Dice of 0.91.")[0][3] is None


@pytest.mark.parametrize("sentence, model", [
    ("SegNova outperforms U-Net by 2.1% in Dice.", "SegNova"),
    ("U-Net outperforms SegNova by 2.1% in Dice.", "U-Net"),
    ("It surpasses U-Net by 2.1% in Dice.", "SegNova"),
])
def test_a_model_compared_against_is_not_the_one_the_value_is_for(tools, sentence, model):
    assert results(tools, PROPOSE + sentence)[0][3] == model


def test_a_sentence_naming_no_model_is_about_the_proposed_one(tools):
    assert results(tools, PROPOSE + "For large tumors, the Dice ranges from 0.89 to 0.97.")[0][3] == "SegNova"


def test_a_sentence_about_previous_methods_is_not_about_the_proposed_one(tools):
    assert results(tools, PROPOSE + "Previous methods reach a Dice of 0.80.")[0][3] is None


def test_a_paper_with_one_model_and_one_dataset_reports_on_them(tools):
    found = results(tools, "We train U-Net on BraTS. Our results show a Dice of 0.91.")
    assert found == [("Dice", "0.91", "score", "U-Net", "BraTS")]


def test_a_sentence_on_other_data_is_not_about_the_paper_s_only_dataset(tools):
    found = results(tools, "We train U-Net on BraTS. Our results show a Dice of 0.91 on an independent test set.")
    assert found == [("Dice", "0.91", "score", "U-Net", None)]


# --- from A to B, ranges and improvements ---------------------------------------------------------

def test_from_a_to_b_is_two_scores(tools):
    found = results(tools, PROPOSE + "SegNova improves the Dice from 0.80 to 0.85 on BraTS.")
    assert found == [("Dice", "0.80", "score", "SegNova", "BraTS"), ("Dice", "0.85", "score", "SegNova", "BraTS")]


def test_a_range_is_one_value(tools):
    assert [v for _, v, *_ in results(tools, PROPOSE + "On BraTS, the Dice ranges from 0.80 to 0.85.")] == ["0.80 to 0.85"]


@pytest.mark.parametrize("sentence, value", [
    ("SegNova achieves an improvement of 13.4% in accuracy on ImageNet.", "13.4%"),
    ("SegNova outperforms U-Net by 4.6% in Dice.", "4.6%"),
    ("SegNova obtains +2.1 Dice over U-Net on BraTS.", "+2.1"),
    ("SegNova gives a 5% improvement in AUC.", "5%"),
    ("SegNova improves accuracy by at least 20%.", "20%"),
])
def test_an_improvement_is_never_a_score(tools, sentence, value):
    assert (value, "improvement") in [(v, k) for _, v, k, *_ in results(tools, PROPOSE + sentence)]


@pytest.mark.parametrize("sentence", [
    "SegNova reaches a Dice of 0.91 on BraTS.",
    "The Dice of SegNova improved to 0.91 after tuning.",
    "SegNova achieves up to 0.91 AUC.",
])
def test_an_absolute_value_is_a_score(tools, sentence):
    assert [k for _, _, k, *_ in results(tools, PROPOSE + sentence)] == ["score"]


def test_the_values_of_a_list_of_improvements_are_all_improvements(tools):
    found = results(tools, PROPOSE + "SegNova enhances accuracy, achieving improvements of 4.6% on BraTS, 5.8% on ImageNet, "
                                     "and 13.4% on CheXpert.")
    assert [(v, k, d) for _, v, k, _, d in found] == [("4.6%", "improvement", "BraTS"), ("5.8%", "improvement", "ImageNet"),
                                                      ("13.4%", "improvement", "CheXpert")]


# --- statistics that are not results ---------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "The classifier reached an AUC of 0.85 (95% CI 0.80-0.90).",
    "The classifier reached an AUC of 0.85 (95% confidence interval: 0.80, 0.90; p < 0.001).",
    "The classifier reached an AUC of 0.85 (0.80-0.90), and the hazard ratio was 2.31.",
    "The classifier reached an AUC of 0.85 ± 0.02, with an odds ratio of 1.75.",
    "The classifier reached an AUC of 0.85 in 300 patients, of whom 120 (40%) had pneumonia.",
    "The classifier reached an AUC of 0.85 with only 2% of the training data.",
])
def test_intervals_p_values_ratios_and_counts_are_not_results(tools, sentence):
    assert [(m, v) for m, v, *_ in results(tools, sentence)] == [("AUC", "0.85")]


def test_a_percentage_beside_them_is_still_a_result(tools):
    found = results(tools, "The classifier reached an AUC of 0.85 and an accuracy of 95%.")
    assert [(m, v) for m, v, *_ in found] == [("AUC", "0.85"), ("accuracy", "95%")]


def test_a_ratio_keeps_its_value_where_a_metric_names_the_ratio():
    sentence = "the hazard ratio was 2.31 and the AUC 0.85"
    assert "2.31" in mask_statistics(sentence, [(4, 16)])
    assert "2.31" not in mask_statistics(sentence, [])


def test_an_independent_evaluation_is_not_on_the_paper_s_only_data_set(tools):
    found = results(tools, PROPOSE + "SegNova is trained on BraTS. In an independent clinical evaluation, SegNova "
                                     "reaches an AUC of 0.91.")
    assert found == [("AUC", "0.91", "score", "SegNova", None)]
    found = results(tools, PROPOSE + "SegNova is trained on BraTS. SegNova reaches an AUC of 0.91.")
    assert found == [("AUC", "0.91", "score", "SegNova", "BraTS")]


def test_a_value_on_an_unnamed_test_set_is_on_no_named_data_set(tools):
    found = results(tools, "In this retrospective study, we train a U-Net. The model reaches an AUC of 0.94 on BraTS "
                           "and an AUC of 0.91 on the independent test set.")
    assert found == [("AUC", "0.94", "score", "U-Net", "BraTS"), ("AUC", "0.91", "score", "U-Net", None)]


def test_a_backbone_named_in_the_subject_is_not_the_model_of_the_result(tools):
    found = results(tools, "Our temporal model, built on a U-Net backbone, achieves an accuracy of 91.2% on BraTS, "
                           "surpassing ViT.")
    assert found == [("accuracy", "91.2%", "score", None, "BraTS")]
    found = results(tools, "U-Net achieves an accuracy of 91.2% on BraTS.")
    assert found == [("accuracy", "91.2%", "score", "U-Net", "BraTS")]
