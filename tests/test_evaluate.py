"""The evaluator and `kg eval`, on records written for them."""

import json

import pytest

from kg.evaluate import compare_entities, evaluate
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
