"""Results: each number an abstract ties to a metric ("an AUC of 0.93", "Dice of 85.2%",
"improvements of 4.6% on MedMNIST", "sensitivity/specificity 80/73%"), with the model and
data set it is for, read as a reader would.

Each sentence is read clause by clause (`kg.result_clauses`), after intervals, p-values,
ratios and counts are blanked out. A value takes the metric written against it ("AUC of
0.93", "0.93 AUC"), else the nearest in its clause; the model that is the subject of its
clause, not one it is compared with ("we", "our method" and "it" stand for the paper's one
proposed model); and the data set its own clause names ("0.75 on LiTS", "on BraTS with 0.89").
Lists pair up in order ("sensitivity and specificity of 90% and 85%", "0.89 and 0.75 on BraTS
and LiTS, respectively"); "from A to B" is two scores; a sentence that names no model or data
set is about the paper's proposed model and its only data set.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.records import Entity, LinkedMention, Result
from kg.result_clauses import (AFTER_GAP, BASELINE_SUBJECT, BEFORE_GAP, COINED_NAME, CONTINUES, FOR_MODEL, IT, JOINED,
                               LIST_GAP, OF_SOMETHING, OWN_SUBJECT, PARENTHESIZED, QUALIFIER, RANGE_LEAD,
                               TRAILING_DATASET, UNNAMED_DATA, clauses, is_compared, kind, mask_statistics)

METRIC_BEFORE = 45
METRIC_AFTER = 25
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PHYSICAL = r"\s?(?:mm|cm|µm|um|dB|ms|s|sec|seconds)\b"
_UNIT = rf"(?:\s?\\?%|\s?percent(?:age points?)?|\s?(?:pp|points?)\b|\s?(?:times|fold|×)|x\b|{_PHYSICAL})"
VALUE = re.compile(rf"(?<![\w.\-/]){_NUMBER}(?:{_UNIT})?(?:\s?(?:to|-|–)\s?{_NUMBER}{_UNIT}?)?(?![\w.]*\w)")
_SLASHED = re.compile(rf"(?<![\w.]){_NUMBER}(?:/{_NUMBER})+\s?\\?%?")
_TWO = re.compile(rf"({_NUMBER}(?:{_UNIT})?)\s?to\s?({_NUMBER}(?:{_UNIT})?)")
_NOT_A_SCORE_AFTER = re.compile(
    r"^\s*(?:[a-z\-]+\s){0,1}(?:images?|patients?|cases?|datasets?|tasks?|samples?|slides?|scans?|subjects?|"
    r"classes|modalities|organs?|categories|experiments?|hours?|days?|years?|months?|authors?|million|billion|"
    r"thousand|[MKB]\b|[KMGT]B\b|k\b|participants?|studies|papers?|videos?|pairs?|volumes?|labels?|annotations?|"
    r"questions?|models?|layers?|parameters?|GPUs?|centers?|centres?|hospitals?|sites?|institutions?|countries)", re.I)
_FROM = re.compile(rf"\bfrom\s+{QUALIFIER}$", re.I)
# "our model, built on a ResNet-50 backbone, achieves ...": the backbone is not the subject
_PART_OF_SUBJECT = re.compile(r"\b(?:built (?:up)?on|based on|on top of|with|using|via|from)\s+(?:an?\s+|the\s+)?$", re.I)
_TO_NEXT = re.compile(rf"\s*(?:[^\W\d]+\s+)?to\s+{QUALIFIER}{_NUMBER}(?:{_UNIT})?", re.I)
_COST = ("flops", "multiply-accumulate-operations", "number-of-parameters", "inference-time", "memory-consumption")

Span = tuple[int, int, Entity]


@dataclass(frozen=True)
class _Paper:
    """What a sentence may fall back on: the paper's one proposed model (`subject`), the only
    model of a paper that introduces nothing, and the paper's only data set."""

    subject: Entity | None
    only_model: Entity | None
    only_dataset: Entity | None


def _clean(value: str) -> str:
    return " ".join(value.replace("\\%", "%").replace(" %", "%").split())


def _is_score(value: str, after: str) -> bool:
    """A number that can be a metric's value: a percentage, a decimal, or a multiple."""
    if re.fullmatch(r"(?:19|20)\d\d", value):  # a year
        return False
    if _NOT_A_SCORE_AFTER.match(after) and "%" not in value:
        return False
    return bool(re.search(r"%|percent|\.\d|times|fold|×|points?|pp|x$", value))


class _Reading:
    """One sentence read for results: its masked text, clauses and typed mention spans."""

    def __init__(self, sentence: str, typed: dict[str, list[Span]], paper: _Paper):
        self.metrics, models, self.datasets = (sorted(typed.get(t, []), key=lambda m: m[:2])
                                               for t in ("metric", "model", "dataset"))
        self.text = mask_statistics(sentence, [m[:2] for m in self.metrics])
        # a "model" written right after a number is its unit: "1.2 dB"
        self.models = [m for m in models if not re.search(r"\d\s?$", self.text[:m[0]])]
        self.clauses = clauses(self.text)
        self.taken = [(s, e) for spans in typed.values() for s, e, _ in spans]
        self.paper = paper
        names = [m[:2] for m in self.models]  # the models not only compared against
        self.free_models = [m for m in self.models if not is_compared(self.text, m[0], self.clause(m[0])[0], names)]
        self.paired: dict[tuple[int, str], Entity] = {}
        self.values = list(self._values())
        self.runs = self._runs()

    def clause(self, position: int) -> tuple[int, int]:
        return next((c for c in self.clauses if c[0] <= position < c[1]), self.clauses[-1])

    def _values(self) -> Iterator[tuple[str, int, int]]:
        """(value, start, end) for each number that can be a result; a slashed group
        ("80/73%") pairs with as many metrics joined before it."""
        slashed = []
        for match in _SLASHED.finditer(self.text):
            parts = match.group().replace("\\%", "%").rstrip("%").strip().split("/")
            group = [m for m in self.metrics if m[1] <= match.start()][-len(parts):]
            joined = all(re.fullmatch(r"\s*(?:/|,|and|&)\s*", self.text[a[1]:b[0]]) for a, b in zip(group, group[1:]))
            if len(group) == len(parts) and joined and len({m[2].id for m in group}) == len(parts):
                slashed.append(match.span())
                at = match.start()
                for value, metric in zip(parts, group):
                    self.paired[(at, "metric")] = metric[2]
                    yield value + ("%" if "%" in match.group() else ""), at, match.end()
                    at += len(value) + 1
        found = []
        for match in VALUE.finditer(self.text):
            start, end = match.span()
            inside_name = any(a <= start < b for a, b in self.taken)  # "ResNet 3.1"; never a percentage
            if any(a <= start < b for a, b in slashed) or (inside_name and "%" not in match.group()):
                continue
            two = _TWO.fullmatch(match.group())
            if two and _FROM.search(self.text[:start]) and not RANGE_LEAD.search(self.text[:start]):
                unit = "%" if "%" in two.group(2) and "%" not in two.group(1) else ""
                found += [(_clean(two.group(1)) + unit, start, start + two.end(1)),
                          (_clean(two.group(2)), start + two.start(2), end)]  # "from 0.80 to 0.85": two scores
            else:
                found.append((_clean(match.group()), start, end))
        for value, start, end in found:
            if _is_score(value, self.text[end:]) and not (OF_SOMETHING.match(self.text[end:])
                                                          and not self._metric_after(end)):
                yield value, start, end

    def _metric_after(self, end: int) -> Span | None:
        return next((m for m in self.metrics if m[0] >= end and AFTER_GAP.match(self.text[end:m[0]])), None)

    def metric(self, start: int, end: int, value: str) -> tuple[Entity | None, bool]:
        """The value's metric, and whether the text writes it against the value ("AUC of 0.93",
        "0.93 AUC") rather than only nearby in its clause."""
        if paired := self.paired.get((start, "metric")):
            return paired, True
        cs, ce = self.clause(start)
        before = [m for m in self.metrics if cs <= m[0] and m[1] <= start]
        after = [m for m in self.metrics if m[0] >= end and m[1] <= ce]
        if before and BEFORE_GAP.match(self.text[before[-1][1]:start]):
            return before[-1][2], True
        if attached := self._metric_after(end):
            return attached[2], True
        if before and (start - before[-1][1] <= METRIC_BEFORE or len({m[2].id for m in before}) == 1):
            return before[-1][2], False
        if after and after[0][0] - end <= METRIC_AFTER:
            return after[0][2], False
        earlier = [m for m in self.metrics if m[1] <= cs]
        if not (before or after or re.search(_PHYSICAL, value)) and earlier and CONTINUES.search(self.text[cs:start]):
            return earlier[-1][2], False
        return None, False

    def model(self, start: int, end: int) -> Entity | None:
        """The model the value is for: named in parentheses before it, the subject of its clause
        ("MedSAM reaches", "we achieve", "it surpasses U-Net"), else of its sentence or paper."""
        if paired := self.paired.get((start, "model")):
            return paired
        for s, e, entity in reversed(self.models):
            if e <= start and PARENTHESIZED.fullmatch(self.text[e:start]):
                return entity  # "U-Net (0.874)"
        cs, ce = self.clause(start)
        if is_compared(self.text, start, cs, [(s, e) for _, s, e in self.values], value=True):
            end = next((run[-1][1] for run in self.runs if run[0][0] <= start <= run[-1][0]), end)
            # "compared with 85% and 80% for U-Net"
            return next((m[2] for m in self.models if m[0] >= end and FOR_MODEL.fullmatch(self.text[end:m[0]])), None)
        compared = {m[2].id for m in self.models} - {m[2].id for m in self.free_models}
        subject = next((m for m in (self.paper.subject, self.paper.only_model) if m and m.id not in compared), None)
        subjects: list[tuple[int, Entity | str]] = [(e, m) for s, e, m in self.free_models if cs <= s and e <= start
                                                    and not _PART_OF_SUBJECT.search(self.text[max(cs, s - 30):s])]
        subjects += [(m.end(), "own") for m in OWN_SUBJECT.finditer(self.text, cs, start)]
        subjects += [(m.end(), "it") for m in IT.finditer(self.text, cs, start)]
        if subjects:
            at, found = max(subjects, key=lambda pair: pair[0])
            earlier = [m for s, e, m in self.free_models if e <= at]
            if isinstance(found, Entity):
                return found
            if found == "it" and earlier:  # "MedSAM is tuned on X and it reaches 0.91"
                return earlier[-1]
            if subject:
                return subject
            if found == "own":
                return None  # "our temporal model, built on ResNet-50, achieves": a model the paper does not name
        if BASELINE_SUBJECT.search(self.text[cs:start]):
            return None  # "; the sensitivity of radiologists was 0.88"
        for candidates in ([m for m in self.free_models if m[0] >= end and m[1] <= ce],
                           [m for m in self.free_models if m[1] <= start][::-1],
                           [m for m in self.free_models if m[0] >= end]):
            if candidates:
                return candidates[0][2]
        if not subject:
            return None
        return subject if subject == self.paper.subject or OWN_SUBJECT.search(self.text) else None

    def dataset(self, start: int, end: int, metric: Entity) -> Entity | None:
        """The data set the value's own clause names ("0.75 on LiTS", "on BraTS with 0.89"), else
        one named earlier in the sentence, else the paper's only data set."""
        if paired := self.paired.get((start, "dataset")):
            return paired
        if _FROM.search(self.text[:start]) and (to := _TO_NEXT.match(self.text, end)):
            end = to.end()  # "from 4.2 mm to 1.9 mm on X": both on X
        cs, ce = self.clause(start)
        after = [m for m in self.datasets if m[0] >= end and m[1] <= ce]
        unnamed = UNNAMED_DATA.search(self.text, end, min(ce, end + 60))
        if unnamed and (not after or unnamed.start() < after[0][0]):
            return None  # "and 0.91 on the independent test set": data written after it without a name
        before = [m for m in self.datasets if cs <= m[0] and m[1] <= start]
        if after and TRAILING_DATASET.match(self.text[end:after[0][0]]):
            return after[0][2]
        if before or after:
            return (before[-1] if before else after[0])[2]
        if earlier := [m for m in self.datasets if m[1] <= start]:
            return earlier[-1][2]
        unnamed_here = UNNAMED_DATA.search(self.text) or any(
            not any(a <= match.start("name") < b for a, b in self.taken) for match in COINED_NAME.finditer(self.text))
        if (self.datasets or unnamed_here or not self.paper.only_dataset or metric.id.rsplit("/", 1)[-1] in _COST
                or BASELINE_SUBJECT.search(self.text[cs:start])):
            return None
        return self.paper.only_dataset

    def _runs(self) -> list[list[tuple[int, int]]]:
        """The values written as lists ("90% and 85%", "0.89, 0.75 and 0.71"), as spans."""
        runs: list[list[tuple[int, int]]] = []
        for _, start, end in self.values:
            if runs and JOINED.fullmatch(self.text[runs[-1][-1][1]:start]):
                runs[-1].append((start, end))
            else:
                runs.append([(start, end)])
        return [run for run in runs if len(run) > 1]

    def pair_lists(self) -> None:
        """A run of values pairs in order with as many metrics joined right before it
        ("sensitivity and specificity of 90% and 85%"), and, before "respectively", with as
        many models or data sets ("0.89 and 0.75 on BraTS and LiTS, respectively")."""
        for run in self.runs:
            group = [m for m in self.metrics if m[1] <= run[0][0]][-len(run):]
            joined = all(JOINED.fullmatch(self.text[a[1]:b[0]]) for a, b in zip(group, group[1:]))
            if (group and joined and run[0][0] - group[-1][1] <= METRIC_BEFORE
                    and not VALUE.search(self.text[group[-1][1]:run[0][0]])):
                self._pair(run, group, "metric")
            respectively = re.match(r"[\s,]*(?:[\w\-]+[\s,]+){0,6}?respectively\b", self.text[run[-1][1]:])
            if respectively:
                region = self.text[:run[0][0]].rfind(";") + 1
                for kind_, spans in (("model", self.models), ("dataset", self.datasets)):
                    named = [m for m in spans if region <= m[0] and m[1] <= run[-1][1] + respectively.end()]
                    self._pair(run, named, kind_)

    def pair_with_earlier(self, metrics: dict[int, tuple[Entity | None, bool]]) -> None:
        """"94% sensitivity and 88% specificity, compared with 85% and 80%": a run whose values
        no metric is written against takes the metrics of as many values before it, in order."""
        for run in self.runs:
            if any(metrics[start][1] for start, _ in run):
                continue
            earlier = [metrics[start][0] for _, start, _ in self.values if start < run[0][0] and metrics[start][0]]
            if len(earlier) >= len(run) and len({m.id for m in earlier[-len(run):]}) == len(run):
                for (start, _), metric in zip(run, earlier[-len(run):]):
                    metrics[start] = (metric, True)

    def _pair(self, run: list[tuple[int, int]], spans: list[Span], kind_: str) -> None:
        spans = spans[-len(run):] if kind_ == "metric" else spans
        if len(spans) == len(run) and len({m[2].id for m in spans}) == len(run):
            for (start, _), (_, _, entity) in zip(run, spans):
                self.paired[(start, kind_)] = entity


def find_results(mentions: Iterable[tuple[LinkedMention, Entity]], introduced: list[Entity] = ()) -> list[Result]:
    """The results an abstract reports, in the order they appear, each with the ids of its
    metric, model and data set and the place of its sentence (a sentence written twice is its
    first place)."""
    by_sentence: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    places: dict[str, tuple[str, int, int]] = {}
    kinds: dict[str, dict[str, Entity]] = defaultdict(dict)
    for item, entity in mentions:
        mention = item.mention
        places.setdefault(mention.sentence, (mention.field, mention.sentence_start, mention.sentence_end))
        start = mention.start - mention.sentence_start
        by_sentence[mention.sentence][entity.type].append((start, start + mention.end - mention.start, entity))
        kinds[entity.type][entity.id] = entity
    proposed = [e for e in introduced if e.type == "model"]
    models, datasets = list(kinds["model"].values()), list(kinds["dataset"].values())
    paper = _Paper(subject=proposed[0] if len(proposed) == 1 else None,
                   only_model=models[0] if len(models) == 1 and not introduced else None,
                   only_dataset=datasets[0] if len(datasets) == 1 else None)
    results: list[Result] = []
    last: tuple[str, int, Entity] | None = None  # the field, end and metric of the last sentence's results
    for sentence in sorted(by_sentence, key=lambda sentence: (places[sentence][0] != "title", places[sentence][1])):
        typed, (field, sentence_start, sentence_end) = by_sentence[sentence], places[sentence]
        reading = _Reading(sentence, typed, paper)
        found = []
        if reading.metrics:
            reading.pair_lists()
            metrics = {start: reading.metric(start, end, value) for value, start, end in reading.values}
            reading.pair_with_earlier(metrics)
            previous: tuple[int, str] | None = None  # a list's values share their kind: "4.6% on X, and 13.4% on Y"
            for value, start, end in reading.values:
                metric = metrics[start][0]
                if metric is None:
                    continue
                how = kind(reading.text, reading.clause(start)[0], start, end, value)
                if previous and how == "score" and LIST_GAP.match(reading.text[previous[0]:start]):
                    how = previous[1]
                previous = (end, how)
                found.append((metric, value, how, reading.model(start, end), reading.dataset(start, end, metric)))
        elif last and last[0] == field and 0 <= sentence_start - last[1] <= 2:
            # "It outperformed MobileNetV2 (0.872)": the metric of the sentence before
            for value, start, end in reading.values:
                model = next((e for s, t, e in reading.models if t <= start and
                              re.fullmatch(r"\s*\(\s*", reading.text[t:start])), None)
                if model:
                    found.append((last[2], value, "score", model, None))
        for metric, value, how, model, dataset in found:
            results.append(Result(metric=metric.id, value=value, kind=how, model=model.id if model else None,
                                  dataset=dataset.id if dataset else None, field=field,
                                  sentence_start=sentence_start, sentence_end=sentence_end))
        if found:
            last = (field, sentence_end, found[-1][0])
    return results
