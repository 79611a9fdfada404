"""Results: each number an abstract ties to a metric ("an AUC of 0.93", "Dice of 85.2%",
"improvements of 4.6% on MedMNIST", "sensitivity/specificity 80/73%"), with the model and
data set it is for where the sentence names them.

Works sentence by sentence on the paper's linked mentions: a value is tied to the metric
mention nearest to it (before it within `METRIC_BEFORE` characters, or after it within
`METRIC_AFTER`), or to the sentence's only metric when the value follows it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from kg.records import Entity, LinkedMention, Result

METRIC_BEFORE = 45
METRIC_AFTER = 25
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_UNIT = r"(?:\s?\\?%|\s?percent(?:age points?)?|\s?(?:pp|points?)\b|\s?(?:times|fold|×)|x\b)"
VALUE = re.compile(
    rf"(?<![\w.\-/]){_NUMBER}(?:{_UNIT})?(?:\s?(?:to|-|–)\s?{_NUMBER}{_UNIT}?)?(?![\w.]*\w)"
)
_SLASHED = re.compile(rf"(?<![\w.]){_NUMBER}(?:/{_NUMBER})+\s?\\?%?")
_IMPROVEMENT = re.compile(
    r"\b(?:improv\w*|increas\w*|gain\w*|boost\w*|outperform\w*|surpass\w*|higher|better|more|exceed\w*|faster|"
    r"reduc\w*|fewer|decreas\w*|lower|less|enhanc\w*|margin|up)\b|\+\s?$",
    re.I,
)
_NOT_A_SCORE_AFTER = re.compile(
    r"^\s*(?:[a-z\-]+\s){0,1}(?:images?|patients?|cases?|datasets?|tasks?|samples?|slides?|scans?|subjects?|"
    r"classes|modalities|organs?|categories|experiments?|hours?|days?|years?|months?|authors?|million|billion|"
    r"thousand|[MKB]\b|k\b|participants?|studies|papers?|videos?|pairs?|volumes?|labels?|annotations?|"
    r"questions?|models?|layers?|parameters?|GPUs?|centers?|centres?|hospitals?|sites?|institutions?|countries)",
    re.I,
)


def _clean(value: str) -> str:
    return " ".join(value.replace("\\%", "%").replace(" %", "%").split())


def _is_score(value: str, before: str, after: str) -> bool:
    """A number that can be a metric's value: a percentage, a decimal, or a multiple."""
    if re.fullmatch(r"(?:19|20)\d\d", value):  # a year
        return False
    if _NOT_A_SCORE_AFTER.match(after) and "%" not in value:
        return False
    return bool(re.search(r"%|percent|\.\d|times|fold|×|points?|pp|x$", value))


def _kind(before: str, value: str) -> str:
    tail = before[-40:]
    if re.search(r"\bto\s*$", tail):
        return "score"
    if re.search(r"\bby\s*$", tail) or value.startswith("+"):
        return "improvement"
    return "improvement" if _IMPROVEMENT.search(tail) else "score"


def _nearest(mentions: list[tuple[int, int, Entity]], start: int, end: int, *, prefer: str) -> Entity | None:
    """The entity of the mention nearest to [start, end), those on the preferred side first."""
    before = [(start - e, entity) for s, e, entity in mentions if e <= start]
    after = [(s - end, entity) for s, e, entity in mentions if s >= end]
    sides = (before, after) if prefer == "before" else (after, before)
    for side in sides:
        if side:
            return min(side, key=lambda pair: pair[0])[1]
    return None


def find_results(mentions: Iterable[tuple[LinkedMention, Entity]], introduced: list[Entity] = ()) -> list[Result]:
    """The results an abstract reports, in the order they appear, each with the ids of its
    metric, model and data set and the place of its sentence (a sentence written twice is its
    first place)."""
    by_sentence: dict[str, dict[str, list[tuple[int, int, Entity]]]] = defaultdict(lambda: defaultdict(list))
    places: dict[str, tuple[str, int, int]] = {}
    for item, entity in mentions:
        mention = item.mention
        places.setdefault(mention.sentence, (mention.field, mention.sentence_start, mention.sentence_end))
        start = mention.start - mention.sentence_start
        by_sentence[mention.sentence][entity.type].append((start, start + mention.end - mention.start, entity))
    introduced_models = [e for e in introduced if e.type == "model"]
    results: list[Result] = []
    for sentence, typed in by_sentence.items():
        metrics = sorted(typed.get("metric", []), key=lambda m: m[0])
        if not metrics:
            continue
        taken = [(s, e) for spans in typed.values() for s, e, _ in spans]
        for value, start, end, metric in _values_with_metrics(sentence, metrics, taken):
            model = _nearest(typed.get("model", []), start, end, prefer="before")
            if model is None and len(introduced_models) == 1 and re.search(r"\b(?:our|proposed|it|this)\b", sentence, re.I):
                model = introduced_models[0]
            dataset = _nearest(typed.get("dataset", []), start, end, prefer="after")
            field, sentence_start, sentence_end = places[sentence]
            results.append(Result(
                metric=metric.id, value=value, kind=_kind(sentence[:start], value),
                model=model.id if model else None, dataset=dataset.id if dataset else None,
                field=field, sentence_start=sentence_start, sentence_end=sentence_end,
            ))
    return results


def _values_with_metrics(sentence: str, metrics: list[tuple[int, int, Entity]], taken: list[tuple[int, int]]):
    """(value, start, end, metric entity) for each value of the sentence tied to a metric."""
    slashed_spans = []
    for match in _SLASHED.finditer(sentence):
        # "sensitivity/specificity 80/73%": the metrics and values pair up in order
        values = match.group().replace("\\%", "%").rstrip("%").strip().split("/")
        percent = "%" if "%" in match.group() else ""
        before = [m for m in metrics if m[1] <= match.start() and match.start() - m[1] <= METRIC_BEFORE]
        if len(before) >= len(values):
            slashed_spans.append(match.span())
            for value, metric in zip(values, before[-len(values):]):
                yield value + percent, match.start(), match.end(), metric[2]
    for match in VALUE.finditer(sentence):
        start, end = match.span()
        if any(a <= start < b for a, b in slashed_spans) or any(a <= start < b for a, b in taken):
            continue
        value = _clean(match.group())
        if not _is_score(value, sentence[:start], sentence[end:]):
            continue
        before = [m for m in metrics if m[1] <= start and start - m[1] <= METRIC_BEFORE]
        after = [m for m in metrics if m[0] >= end and m[0] - end <= METRIC_AFTER]
        if before:
            metric = before[-1][2]
        elif after:
            metric = after[0][2]
        elif len({m[2].id for m in metrics}) == 1 and metrics[0][1] <= start:
            metric = metrics[0][2]
        else:
            continue
        yield value, start, end, metric
