"""Scoring what papers do with their models and datasets, by the section "Roles and
evaluations" of the annotation guidelines: role accuracy, used datasets, evaluation pairs and
fully attributed results.

Names are matched by the entity rule of `kg.evaluate`: two names are the same entity when
their surface forms (the name and, where the record's `entities` list it, that entity's
aliases) share a `match_key`. A record without `roles` or `evaluations` scores as empty.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kg.evaluate import Tally, _keys, _max_matching, _name_keys, _same, value_key
from kg.roles import USED_ROLES
from kg.text import match_key

ROLE_KINDS = ("dataset", "model")


@dataclass
class RoleItem:
    """A model or dataset of one record with the surface forms it matches by and its role."""

    name: str
    keys: set[str]
    role: str | None


@dataclass
class RoleAccuracy:
    """Of the gold entities that the prediction also has (`matched`), how many carry the gold role."""

    correct: int = 0
    matched: int = 0
    predicted: int = 0  # roles the predictions give
    gold: int = 0  # roles the gold gives

    @property
    def accuracy(self) -> float:
        return self.correct / self.matched if self.matched else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": round(self.accuracy, 4), "correct": self.correct, "matched": self.matched,
                "predicted": self.predicted, "gold": self.gold}


def _role(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def role_items(record: dict, kind: str) -> list[RoleItem]:
    """The record's entities of `kind` ("model" or "dataset") with their roles (None where the
    record gives none), then any role whose key names none of those entities."""
    roles = record.get("roles") if isinstance(record.get("roles"), dict) else {}
    given = roles.get(kind + "s") if isinstance(roles.get(kind + "s"), dict) else {}
    by_key = {match_key(name): (name, _role(role)) for name, role in given.items() if name and name.strip()}
    items = []
    for entity in (record.get("entities") or {}).get(kind) or []:
        keys = _keys(entity)
        if not keys:
            continue
        name = entity.get("name") or ""
        lookup = [match_key(name), *sorted(keys)] if name.strip() else sorted(keys)
        key = next((k for k in lookup if k in by_key), None)
        items.append(RoleItem(name, keys, by_key.pop(key)[1] if key else None))
    items.extend(RoleItem(name, {key}, role) for key, (name, role) in by_key.items())
    return items


def _match_items(found: list[RoleItem], expected: list[RoleItem]) -> dict[int, int]:
    """Maximum matching of items sharing a surface form: gold index -> predicted index."""
    return _max_matching([{i for i, g in enumerate(expected) if g.keys & p.keys} for p in found])


def _name_forms(name: str | None, keys_by_name: dict[str, set[str]]) -> set[str] | None:
    if name is None:
        return None
    key = match_key(str(name))
    return keys_by_name.get(key, set()) | {key}


def same_entity(predicted: str | None, gold: str | None,
                predicted_keys: dict[str, set[str]], gold_keys: dict[str, set[str]]) -> bool:
    """Two names of record fields are one entity: their surface forms meet; None matches only None."""
    p, g = _name_forms(predicted, predicted_keys), _name_forms(gold, gold_keys)
    if p is None or g is None:
        return p is None and g is None
    return bool(p & g)


@dataclass
class RoleScores:
    """The role, used-dataset, evaluation-pair and full-result scores over many papers."""

    roles: dict[str, RoleAccuracy] = field(default_factory=lambda: {kind: RoleAccuracy() for kind in ROLE_KINDS})
    used_datasets: Tally = field(default_factory=Tally)
    evaluations: Tally = field(default_factory=Tally)
    results_full: Tally = field(default_factory=Tally)
    # one entry per matched entity whose predicted role differs from the gold role
    role_errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, paper_id: Any, predicted: dict, gold: dict) -> None:
        """Score one paper's prediction record against its gold record."""
        for kind in ROLE_KINDS:
            self._score_roles(paper_id, kind, role_items(predicted, kind), role_items(gold, kind))
        self._score_evaluations(predicted, gold)
        self._score_results_full(predicted, gold)

    def _score_roles(self, paper_id: Any, kind: str, found: list[RoleItem], expected: list[RoleItem]) -> None:
        expected = [g for g in expected if g.role]
        tally = self.roles[kind]
        tally.predicted += sum(1 for p in found if p.role)
        tally.gold += len(expected)
        for g_index, p_index in sorted(_match_items(found, expected).items()):
            gold_item, predicted_item = expected[g_index], found[p_index]
            tally.matched += 1
            if predicted_item.role == gold_item.role:
                tally.correct += 1
            else:
                self.role_errors.append({"id": paper_id, "type": kind, "name": gold_item.name,
                                         "predicted_name": predicted_item.name,
                                         "gold_role": gold_item.role, "predicted_role": predicted_item.role})
        if kind == "dataset":
            used_found = [p for p in found if p.role in USED_ROLES]
            used_expected = [g for g in expected if g.role in USED_ROLES]
            self.used_datasets.count(len(_match_items(used_found, used_expected)), len(used_found), len(used_expected))

    def _score_evaluations(self, predicted: dict, gold: dict) -> None:
        kinds = ("model", "dataset")
        p_keys, g_keys = _name_keys(predicted, kinds), _name_keys(gold, kinds)
        found, expected = _pairs(predicted), _pairs(gold)
        edges = [
            {i for i, g in enumerate(expected)
             if same_entity(p.get("model"), g.get("model"), p_keys, g_keys)
             and same_entity(p.get("dataset"), g.get("dataset"), p_keys, g_keys)}
            for p in found
        ]
        self.evaluations.count(len(_max_matching(edges)), len(found), len(expected))

    def _score_results_full(self, predicted: dict, gold: dict) -> None:
        kinds = ("metric", "model", "dataset")
        p_keys, g_keys = _name_keys(predicted, kinds), _name_keys(gold, kinds)
        found = [r for r in predicted.get("results") or [] if isinstance(r, dict)]
        expected = [r for r in gold.get("results") or [] if isinstance(r, dict)]
        edges = [
            {i for i, g in enumerate(expected)
             # metric and value as the `results` row matches them, then model and dataset
             if value_key(p.get("value", "")) == value_key(g.get("value", ""))
             and _same(p.get("metric"), g.get("metric"), p_keys, g_keys)
             and same_entity(p.get("model"), g.get("model"), p_keys, g_keys)
             and same_entity(p.get("dataset"), g.get("dataset"), p_keys, g_keys)}
            for p in found
        ]
        self.results_full.count(len(_max_matching(edges)), len(found), len(expected))

    def confusion(self) -> Counter:
        """(type, gold role, predicted role) -> how many matched entities had that mismatch."""
        return Counter((e["type"], e["gold_role"], e["predicted_role"]) for e in self.role_errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "used_datasets": self.used_datasets.to_dict(),
            "evaluations": self.evaluations.to_dict(),
            "results_full": self.results_full.to_dict(),
            **{f"{kind}_roles": tally.to_dict() for kind, tally in self.roles.items()},
        }

    def tally_rows(self) -> list[tuple[str, Tally]]:
        """The precision/recall rows, labelled as the table and CSV name them."""
        return [("used datasets", self.used_datasets), ("evaluations", self.evaluations),
                ("results full", self.results_full)]

    def accuracy_rows(self) -> list[tuple[str, RoleAccuracy]]:
        return [(f"{kind} roles", tally) for kind, tally in self.roles.items()]


def _pairs(record: dict) -> list[dict]:
    """The record's evaluation pairs, each distinct pair (by match_key) once."""
    pairs, seen = [], set()
    for pair in record.get("evaluations") or []:
        if not isinstance(pair, dict):
            continue
        key = tuple(match_key(str(pair.get(name))) if pair.get(name) is not None else None
                    for name in ("model", "dataset"))
        if key not in seen:
            seen.add(key)
            pairs.append(pair)
    return pairs


def format_role_errors(scores: RoleScores) -> str:
    """Each role mismatch (paper, type, name: gold role -> predicted role), then their counts."""
    lines = ["role mismatches (gold -> predicted)"]
    for error in scores.role_errors:
        lines.append(f"  {error['id']} {error['type']} {error['name']}: "
                     f"{error['gold_role']} -> {error['predicted_role'] or 'none'}")
    lines.append("role confusion (gold -> predicted: count)")
    counts = sorted(scores.confusion().items(), key=lambda item: (item[0][0], -item[1], str(item[0])))
    for (kind, gold_role, predicted_role), count in counts:
        lines.append(f"  {kind} {gold_role} -> {predicted_role or 'none'}: {count}")
    return "\n".join(lines)
