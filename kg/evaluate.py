"""Scoring extraction records against gold records, by the rule of the annotation guidelines.

Per paper and type, a predicted entity matches a gold entity when its name or one of its
aliases equals the gold name or one of its aliases by `kg.text.match_key` (lower case, no
spaces or hyphens, no plural "s"). Each gold entity is matched at most once (a maximum
matching), so one prediction cannot be credited for two gold entities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.formats.lines import read_lines, utf8_problem
from kg.records import ENTITY_TYPES, BadInput
from kg.text import match_key, normalize_title

if TYPE_CHECKING:
    from kg.evaluate_roles import RoleScores


def _keys(entity: dict[str, Any]) -> set[str]:
    names = [entity.get("name") or "", *(entity.get("aliases") or [])]
    return {match_key(n) for n in names if n and n.strip()}


def _max_matching(edges: list[set[int]]) -> dict[int, int]:
    """Maximum bipartite matching: `edges[p]` is the set of gold indexes prediction p matches."""
    gold_to_pred: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g not in seen:
                seen.add(g)
                if g not in gold_to_pred or augment(gold_to_pred[g], seen):
                    gold_to_pred[g] = p
                    return True
        return False

    for p in range(len(edges)):
        augment(p, set())
    return gold_to_pred


@dataclass
class Tally:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def count(self, matches: int, predicted: int, gold: int) -> None:
        """Add one paper's (or one type's) matches, predictions and gold items."""
        self.true_positives += matches
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "tp": self.true_positives, "predicted": self.predicted, "gold": self.gold,
        }


def _role_scores() -> RoleScores:
    from kg.evaluate_roles import RoleScores  # that module builds on this one's helpers

    return RoleScores()


@dataclass
class Evaluation:
    papers: int = 0
    missing: list[str] = field(default_factory=list)
    by_type: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in ENTITY_TYPES})
    # the entities of the gold missed and those predicted wrongly, by paper and type
    errors: list[dict[str, Any]] = field(default_factory=list)
    introduced: Tally = field(default_factory=Tally)
    results: Tally = field(default_factory=Tally)
    # of the matched results: how many name the same model and the same data set as the gold
    result_models: Tally = field(default_factory=Tally)
    result_datasets: Tally = field(default_factory=Tally)
    # roles, used datasets, evaluation pairs and fully attributed results
    roles: RoleScores = field(default_factory=_role_scores)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.by_type.values():
            total.count(tally.true_positives, tally.predicted, tally.gold)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "papers": self.papers,
            "missing_predictions": self.missing,
            "types": {kind: tally.to_dict() for kind, tally in self.by_type.items()},
            "overall": self.overall.to_dict(),
            "introduced": self.introduced.to_dict(),
            "results": self.results.to_dict(),
            "results_model_accuracy": round(self.result_models.precision, 4),
            "results_dataset_accuracy": round(self.result_datasets.precision, 4),
            **self.roles.to_dict(),
        }


def compare_entities(predicted: list[dict], gold: list[dict]) -> tuple[int, list[dict], list[dict]]:
    """(matches, false positives, false negatives) for one paper and one type."""
    gold_keys = [_keys(g) for g in gold]
    edges = [{i for i, keys in enumerate(gold_keys) if keys & _keys(p)} for p in predicted]
    matching = _max_matching(edges)
    matched_predictions = set(matching.values())
    false_positives = [p for i, p in enumerate(predicted) if i not in matched_predictions]
    false_negatives = [g for i, g in enumerate(gold) if i not in matching]
    return len(matching), false_positives, false_negatives


def _name_keys(record: dict, kinds: tuple[str, ...]) -> dict[str, set[str]]:
    """match_key of each entity name of a record -> the keys of that entity (name and aliases)."""
    keys: dict[str, set[str]] = {}
    for kind in kinds:
        for entity in (record.get("entities") or {}).get(kind) or []:
            if entity.get("name"):
                keys.setdefault(match_key(entity["name"]), set()).update(_keys(entity))
    return keys


def _same(predicted: str | None, gold: str | None, predicted_keys: dict[str, set[str]], gold_keys: dict[str, set[str]]) -> bool:
    """Two names of a record field are the same entity: equal keys, or one is an alias of the other."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    p, g = match_key(predicted), match_key(gold)
    return p == g or g in predicted_keys.get(p, ()) or p in gold_keys.get(g, ())


def value_key(value: str) -> str:
    r"""A reported value as results are compared: no spaces, "\%" as "%".

    >>> value_key("4.6\\%") == value_key("4.6 %")
    True
    """
    return re.sub(r"\s+", "", str(value).replace("\\%", "%")).lower()


def _score_introduced(predicted: dict, gold: dict, tally: Tally) -> None:
    kinds = ("model", "dataset")
    p_keys, g_keys = _name_keys(predicted, kinds), _name_keys(gold, kinds)
    found, expected = predicted.get("introduced") or [], gold.get("introduced") or []
    edges = [{i for i, g in enumerate(expected) if _same(p, g, p_keys, g_keys)} for p in found]
    tally.count(len(_max_matching(edges)), len(found), len(expected))


def _score_results(predicted: dict, gold: dict, result: "Evaluation") -> None:
    p_keys = _name_keys(predicted, ("metric", "model", "dataset"))
    g_keys = _name_keys(gold, ("metric", "model", "dataset"))
    found, expected = predicted.get("results") or [], gold.get("results") or []
    edges = [
        {
            i for i, g in enumerate(expected)
            if value_key(p.get("value", "")) == value_key(g.get("value", ""))
            and _same(p.get("metric"), g.get("metric"), p_keys, g_keys)
        }
        for p in found
    ]
    matching = _max_matching(edges)
    result.results.count(len(matching), len(found), len(expected))
    for g_index, p_index in matching.items():
        for name, tally in (("model", result.result_models), ("dataset", result.result_datasets)):
            tally.predicted += 1
            tally.true_positives += _same(found[p_index].get(name), expected[g_index].get(name), p_keys, g_keys)


def evaluate(predictions: Iterable[dict], gold: Iterable[dict], types: Iterable[str] = ENTITY_TYPES) -> Evaluation:
    """Score prediction records against gold records; papers are paired by id, else by title."""
    by_id: dict[str, dict] = {}
    by_title: dict[str, dict] = {}
    for record in predictions:
        by_id[str(record.get("id"))] = record
        by_title[normalize_title(record.get("title") or "")] = record
    result = Evaluation()
    for gold_record in gold:
        result.papers += 1
        predicted = by_id.get(str(gold_record.get("id"))) or by_title.get(normalize_title(gold_record.get("title") or ""))
        if predicted is None:
            result.missing.append(str(gold_record.get("id")))
            predicted = {}
        _score_introduced(predicted, gold_record, result.introduced)
        _score_results(predicted, gold_record, result)
        result.roles.add(gold_record.get("id"), predicted, gold_record)
        for kind in types:
            found = (predicted.get("entities") or {}).get(kind) or []
            expected = (gold_record.get("entities") or {}).get(kind) or []
            matches, false_positives, false_negatives = compare_entities(found, expected)
            result.by_type[kind].count(matches, len(found), len(expected))
            if false_positives or false_negatives:
                result.errors.append({
                    "id": gold_record.get("id"), "type": kind,
                    "false_positives": [{"name": e.get("name"), "aliases": e.get("aliases", [])} for e in false_positives],
                    "false_negatives": [{"name": e.get("name"), "aliases": e.get("aliases", [])} for e in false_negatives],
                })
    return result


def format_table(result: Evaluation) -> str:
    """The per-type scores as a plain text table, then the role accuracies."""
    lines = [f"{'type':<13} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'pred':>5} {'gold':>5}"]
    rows = [*result.by_type.items(), ("overall", result.overall), ("introduced", result.introduced),
            ("results", result.results), *result.roles.tally_rows()]
    for kind, tally in rows:
        lines.append(
            f"{kind:<13} {tally.precision:>9.3f} {tally.recall:>7.3f} {tally.f1:>6.3f} "
            f"{tally.true_positives:>5} {tally.predicted:>5} {tally.gold:>5}"
        )
    lines.append(
        f"of the {result.result_models.predicted} matched results, {result.result_models.precision:.3f} name the "
        f"gold model and {result.result_datasets.precision:.3f} the gold data set"
    )
    lines.append(f"{'roles':<13} {'accuracy':>9} {'correct':>7} {'matched':>7} {'pred':>5} {'gold':>5}")
    for name, roles in result.roles.accuracy_rows():
        lines.append(
            f"{name:<13} {roles.accuracy:>9.3f} {roles.correct:>7} {roles.matched:>7} {roles.predicted:>5} {roles.gold:>5}"
        )
    return "\n".join(lines)


def read_records(path) -> list[dict]:
    """The JSON objects of a JSON Lines file; a bad line raises BadInput naming it."""
    records = []
    for number, text in read_lines(path):
        if text is None or utf8_problem(text):
            raise BadInput(str(path), "oversized line" if text is None else utf8_problem(text), f"line {number}")
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInput(str(path), f"invalid JSON: {error.msg}", f"line {number}") from None
        if not isinstance(record, dict):
            raise BadInput(str(path), "expected a JSON object", f"line {number}")
        records.append(record)
    if not records:
        raise BadInput(str(path), "no records")
    return records
