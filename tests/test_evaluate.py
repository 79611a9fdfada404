"""The evaluator and `kg eval`, on records written for them."""

import csv
import io
import json
from pathlib import Path

import pytest

from kg.evaluate import compare_entities, evaluate, read_records
from kg.evaluate_roles import same_entity
from kg.text import match_key


def entity(name, *aliases):
    return {"name": name, "aliases": list(aliases)}


def record(pid, **entities):
    return {"id": pid, "title": f"Paper {pid}", "entities": entities}


@pytest.mark.parametrize("a, b", [("Vision Transformers", "vision-transformer"), ("X-rays", "x ray"), ("U-Net", "UNet")])
def test_match_key_follows_the_guidelines(a, b):
    assert match_key(a) == match_key(b)


def test_alias_of_either_side_can_match():
    matches, fps, fns = compare_entities([entity("ViT", "Vision Transformers")], [entity("Vision Transformer")])
    assert (matches, fps, fns) == (1, [], [])


def test_one_prediction_is_credited_for_one_gold_entity_only():
    predicted = [entity("X-ray", "chest X-ray", "CT")]
    matches, fps, fns = compare_entities(predicted, [entity("X-ray"), entity("CT")])
    assert matches == 1 and len(fns) == 1


def test_scores_per_type_and_overall():
    gold = [record("1", model=[entity("SAM"), entity("MedSAM")], organ=[entity("brain")])]
    predicted = [record("1", model=[entity("SAM"), entity("CNN")], organ=[entity("Brain")])]
    result = evaluate(predicted, gold)
    assert result.by_type["model"].to_dict()["f1"] == 0.5
    assert result.by_type["organ"].f1 == 1.0
    assert (result.overall.true_positives, result.overall.predicted, result.overall.gold) == (2, 3, 3)
    assert result.errors[0]["false_positives"][0]["name"] == "CNN"


def test_missing_prediction_counts_every_gold_entity_as_missed():
    result = evaluate([], [record("1", task=[entity("segmentation")])])
    assert result.missing == ["1"] and result.by_type["task"].recall == 0.0


def test_eval_command_table_json_and_errors(run_kg, tmp_path):
    gold = tmp_path / "gold.jsonl"
    predictions = tmp_path / "pred.jsonl"
    gold.write_text(json.dumps(record("1", metric=[entity("Dice", "DSC")])) + "\n")
    predictions.write_text(json.dumps(record("1", metric=[entity("Dice"), entity("IoU")])) + "\n")
    table = run_kg("eval", predictions, gold)
    assert table.exit_code == 0 and "metric" in table.stdout and "overall" in table.stdout
    data = json.loads(run_kg("eval", predictions, gold, "--json").stdout)
    assert data["types"]["metric"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "predicted": 2, "gold": 1}
    errors = run_kg("eval", predictions, gold, "--errors").stdout
    assert "FP IoU" in errors


def test_eval_command_reports_a_bad_file(run_kg, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1"}\n{"id": \n')
    result = run_kg("eval", bad, bad)
    assert result.exit_code == 1 and "bad.jsonl, line 2: invalid JSON" in result.stderr


def test_introduced_matches_names_and_aliases():
    gold = {**record("1", model=[entity("MedViTV2", "Medical Vision Transformer")]), "introduced": ["MedViTV2"]}
    predicted = {**record("1", model=[entity("Medical Vision Transformer", "MedViTV2")]),
                 "introduced": ["Medical Vision Transformer", "U-Net"]}
    tally = evaluate([predicted], [gold]).introduced
    assert (tally.true_positives, tally.predicted, tally.gold) == (1, 2, 1)


def test_results_match_on_metric_and_value_and_score_model_and_dataset_apart():
    gold_results = [
        {"model": "MedViTV2", "dataset": "MedMNIST", "metric": "accuracy", "value": "4.6%", "kind": "improvement"},
        {"model": None, "dataset": None, "metric": "AUC", "value": "0.93", "kind": "score"},
    ]
    predicted_results = [
        {"model": "MedViTV2", "dataset": None, "metric": "accuracy", "value": "4.6\\%", "kind": "improvement"},
        {"model": None, "dataset": None, "metric": "AUROC", "value": "0.93", "kind": "score"},
        {"model": None, "dataset": None, "metric": "Dice", "value": "0.93", "kind": "score"},
    ]
    gold = {**record("1", metric=[entity("accuracy"), entity("AUC", "AUROC")]), "results": gold_results}
    predicted = {**record("1", metric=[entity("accuracy"), entity("AUROC")]), "results": predicted_results}
    result = evaluate([predicted], [gold])
    assert (result.results.true_positives, result.results.predicted, result.results.gold) == (2, 3, 2)
    assert result.result_models.precision == 1.0 and result.result_datasets.precision == 0.5


# Three papers written for the role scores (tests/fixtures/eval): counts worked out by hand.
# dataset roles: 6 matched (ImageNet missed, ChestX-ray14 extra), MIMIC-CXR and LAION-5B wrong;
# model roles: 5 matched (U-Net extra), ResNet-50 and SAM wrong; "ViT" and "MD1M" match by alias.
EVAL_FIXTURES = Path(__file__).parent / "fixtures" / "eval"
EXPECTED_ROWS = {
    "used_datasets": {"precision": 0.5714, "recall": 0.8, "f1": 0.6667, "tp": 4, "predicted": 7, "gold": 5},
    "evaluations": {"precision": 0.6, "recall": 0.75, "f1": 0.6667, "tp": 3, "predicted": 5, "gold": 4},
    "results_full": {"precision": 0.6, "recall": 0.6, "f1": 0.6, "tp": 3, "predicted": 5, "gold": 5},
    "dataset_roles": {"accuracy": 0.6667, "correct": 4, "matched": 6, "predicted": 7, "gold": 7},
    "model_roles": {"accuracy": 0.6, "correct": 3, "matched": 5, "predicted": 6, "gold": 5},
}


def role_fixture(name):
    return read_records(EVAL_FIXTURES / name)


def test_role_rows_on_the_fixture_papers():
    data = evaluate(role_fixture("pred.jsonl"), role_fixture("gold.jsonl")).to_dict()
    assert {name: data[name] for name in EXPECTED_ROWS} == EXPECTED_ROWS
    # the rows there were before keep their figures
    assert data["results"]["tp"] == 5 and data["results_model_accuracy"] == 0.6 and data["introduced"]["tp"] == 3


def test_role_mismatches_name_paper_entity_and_both_roles():
    scores = evaluate(role_fixture("pred.jsonl"), role_fixture("gold.jsonl")).roles
    mismatches = {(e["id"], e["type"], e["name"], e["gold_role"], e["predicted_role"]) for e in scores.role_errors}
    assert mismatches == {
        ("E1", "dataset", "MIMIC-CXR", "mentioned", "evaluated"), ("E1", "model", "ResNet-50", "compared", "mentioned"),
        ("E2", "dataset", "LAION-5B", "source", "trained"), ("E2", "model", "SAM", "base", "compared"),
    }
    assert scores.confusion()[("model", "base", "compared")] == 1


def test_a_role_keyed_by_an_alias_matches_only_when_the_aliases_connect():
    gold = {**record("1", model=[entity("Vision Transformer", "ViT")]), "roles": {"models": {"Vision Transformer": "base"}}}
    predicted = {**record("1", model=[entity("ViT")]), "roles": {"models": {"ViT": "base"}}}
    gold_without_alias = {**gold, "entities": {"model": [entity("Vision Transformer")]}}
    assert evaluate([predicted], [gold]).roles.roles["model"].to_dict() == {
        "accuracy": 1.0, "correct": 1, "matched": 1, "predicted": 1, "gold": 1}
    assert evaluate([predicted], [gold_without_alias]).roles.roles["model"].matched == 0


def test_a_role_keyed_by_another_surface_form_of_the_entity_is_that_entity_s_role():
    gold = {**record("1", model=[entity("MedViTV2")]), "roles": {"models": {"MedViTV2": "proposed"}}}
    predicted = {**record("1", model=[entity("MedViTV2", "Medical Vision Transformer")]),
                 "roles": {"models": {"Medical Vision Transformer": "proposed"}}}
    tally = evaluate([predicted], [gold]).roles.roles["model"]
    assert (tally.correct, tally.matched, tally.predicted) == (1, 1, 1)


def test_evaluation_pairs_match_through_a_shared_surface_form_and_count_once():
    gold = {**record("1", model=[entity("Vision Transformer", "ViT")], dataset=[entity("CheXpert")]),
            "evaluations": [{"model": "Vision Transformer", "dataset": "CheXpert"}]}
    predicted = {**record("1", model=[entity("ViT-B", "ViT")], dataset=[entity("CheXpert")]),
                 "evaluations": [{"model": "ViT-B", "dataset": "CheXpert"}, {"model": "vit b", "dataset": "chexpert"}]}
    tally = evaluate([predicted], [gold]).roles.evaluations
    assert (tally.true_positives, tally.predicted, tally.gold) == (1, 1, 1)


@pytest.mark.parametrize("predicted, gold, expected", [
    (None, None, True), (None, "MedSAM", False), ("MedSAM", None, False), ("Med-SAM", "MedSAM", True),
])
def test_a_null_name_matches_only_null(predicted, gold, expected):
    assert same_entity(predicted, gold, {}, {}) is expected


def test_a_result_counts_fully_only_when_model_and_dataset_match_too():
    gold = {**record("1"), "results": [{"model": None, "dataset": "BraTS", "metric": "Dice", "value": "0.9"}]}
    for model, dataset, full in ((None, "BraTS", 1), ("MedSAM", "BraTS", 0), (None, None, 0), (None, "LiTS", 0)):
        predicted = {**record("1"), "results": [{"model": model, "dataset": dataset, "metric": "Dice", "value": "0.9"}]}
        result = evaluate([predicted], [gold])
        assert (result.results.true_positives, result.roles.results_full.true_positives) == (1, full)


def test_old_predictions_without_roles_or_evaluations_still_score():
    new = evaluate(role_fixture("pred.jsonl"), role_fixture("gold.jsonl")).to_dict()
    old = evaluate(role_fixture("pred_old.jsonl"), role_fixture("gold.jsonl")).to_dict()
    assert old["used_datasets"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "predicted": 0, "gold": 5}
    assert old["evaluations"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "predicted": 0, "gold": 4}
    assert old["dataset_roles"] == {"accuracy": 0.0, "correct": 0, "matched": 6, "predicted": 0, "gold": 7}
    assert old["model_roles"] == {"accuracy": 0.0, "correct": 0, "matched": 5, "predicted": 0, "gold": 5}
    assert old["results_full"] == new["results_full"] and old["types"] == new["types"]


def test_gold_scored_against_itself_is_perfect_on_every_new_row():
    data = evaluate(role_fixture("gold.jsonl"), role_fixture("gold.jsonl")).to_dict()
    assert [data[n]["f1"] for n in ("used_datasets", "evaluations", "results_full")] == [1.0, 1.0, 1.0]
    assert [data[n]["accuracy"] for n in ("dataset_roles", "model_roles")] == [1.0, 1.0]


def test_eval_command_shows_the_role_rows_in_table_json_csv_and_errors(run_kg):
    predictions, gold = EVAL_FIXTURES / "pred.jsonl", EVAL_FIXTURES / "gold.jsonl"
    table = run_kg("eval", predictions, gold).stdout.splitlines()
    assert "used datasets     0.571   0.800  0.667     4     7     5" in table
    assert "results full      0.600   0.600  0.600     3     5     5" in table
    assert "model roles       0.600       3       5     6     5" in table
    data = json.loads(run_kg("eval", predictions, gold, "--json").stdout)
    assert {name: data[name] for name in EXPECTED_ROWS} == EXPECTED_ROWS
    rows = {row["type"]: row for row in csv.DictReader(io.StringIO(run_kg("eval", predictions, gold, "--csv").stdout))}
    assert rows["evaluations"]["tp"] == "3" and rows["evaluations"]["accuracy"] == ""
    assert (rows["dataset roles"]["accuracy"], rows["dataset roles"]["correct"], rows["dataset roles"]["matched"]) == ("0.6667", "4", "6")
    assert rows["model"]["f1"] == "0.9091" and list(rows["model"])[:7] == ["type", "precision", "recall", "f1", "tp", "predicted", "gold"]
    errors = run_kg("eval", predictions, gold, "--errors").stdout
    assert "E2 model SAM: base -> compared" in errors and "dataset source -> trained: 1" in errors
    assert "role_errors" in json.loads(run_kg("eval", predictions, gold, "--json", "--errors").stdout)


def test_eval_help_names_the_new_rows(run_kg):
    help_text = " ".join(run_kg("eval", "--help").stdout.split())
    for row in ("used datasets", "evaluations", "results full", "dataset roles", "model roles"):
        assert row in help_text
