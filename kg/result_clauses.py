"""How a sentence that reports results is read: which numbers are statistics rather than
results, where its clauses end, which model names are only compared against, and whether a
number is a score or an improvement.

Offsets never move: statistics are masked with spaces, so a masked sentence lines up with
the mentions of the original.
"""

from __future__ import annotations

import re

_NUM = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
_PCT = r"(?:\s?\\?%)?"
_RANGE = rf"{_NUM}{_PCT}\s*(?:-|–|—|to|,|and)\s*{_NUM}{_PCT}"
# statistics that accompany a result but are not one: an interval, a p-value, a spread, a count
_STATISTICS = [re.compile(pattern, flags) for pattern, flags in (
    (rf"(?:\b\d\d(?:\.\d+)?\s?\\?%\s*)?(?:confidence|credible)\s+intervals?(?:\s*[\[(]CI[\])])?[\s:,=]*"
     rf"(?:(?:of|was|were|is|from|between)\s+)?[\[(]?\s*{_RANGE}\s*[\])]?", re.I),
    (rf"(?:\b\d\d(?:\.\d+)?\s?\\?%\s*)?\bCIs?\b[\s:,=]*(?:(?:of|was|were|is|from|between)\s+)?[\[(]?\s*{_RANGE}\s*[\])]?", 0),
    (r"\b\d\d(?:\.\d+)?\s?\\?%\s*(?=(?:confidence|credible)\b|CIs?\b)", re.I),
    (rf"(?<=[\d%])\s*[\[(]\s*{_RANGE}\s*[\])]", 0),  # "0.85 (0.80-0.90)"
    (rf"\b[pP](?:\s*-?\s*values?)?\s*(?:[<>=≤≥]+|of|was|were|is)\s*=?\s*{_NUM}", 0),
    (rf"(?:±|\+/-|\+-)\s*{_NUM}{_PCT}", 0),
    (r"\b[nN]\s*=\s*\d[\d,]*", 0),
    (r"(?<![\w\-.])\d[\d,]*\s+(?:[a-z]+\s+){0,2}?\(\s*\d+(?:\.\d+)?\s?\\?%\s*\)", 0),  # "45 patients (30%)"
)]
# a ratio's value is its own, not a result of a metric the sentence names elsewhere
_RATIO = re.compile(rf"(?P<name>\b(?i:(?:adjusted\s+)?(?:hazard|odds|risk|rate|likelihood)\s+ratios?)|\ba?HRs?\b|"
                    rf"\ba?ORs?\b|\bI?RRs?\b)(?P<value>[\s:=,(]*(?:(?:of|was|were|is)\s+)?{_NUM})")

_BREAK = re.compile(
    r";\s*|,\s*(?:and|but|while|whereas|where|which|whilst)\b(?!\s+(?:a|an)?\s*[-+]?\.?\d)"
    r"|\s(?:while|whereas|whilst)\b|\s+and\s+(?=(?:on|in|for|across|at)\b)",
    re.I,
)
_COMPARED = re.compile(
    r"\b(?:than|outperform\w*|surpass\w*|exceed\w*|beat\w*|over|compared\s+(?:to|with)|comparison\s+(?:to|with)|"
    r"versus|against|unlike|relative\s+to|superior\s+to)\b|\bvs\.?(?!\w)", re.I)
# a value after these is someone else's: "compared with 85%", "than 0.85 for U-Net" ("over 99%" is no comparison)
_COMPARED_VALUE = re.compile(r"\b(?:than|compared\s+(?:to|with)|versus|against|relative\s+to)\b|\bvs\.?(?!\w)", re.I)
_LIST_FILLER = re.compile(r"^(?:[\s,]|\b(?:and|or|the|a|an|strong|existing|recent|previous|baselines?|such as|"
                          r"including|like|e\.g\.|state-of-the-art|SOTA|models?|methods?|approaches)\b)*$", re.I)
# a clause whose subject is someone else's work does not stand for the paper's model
BASELINE_SUBJECT = re.compile(
    r"\b(?:previous|prior|existing|conventional|traditional|competing|baseline|state-of-the-art|SOTA|other)\s+"
    r"(?:\w+\s+){0,2}?(?:methods?|models?|approaches|works?|studies|systems?)\b|\b(?:radiologists?|clinicians?|"
    r"physicians?|experts?|readers?|humans?|literature)\b", re.I)
OWN_SUBJECT = re.compile(
    r"\b(?:we|our|ours|the\s+proposed|(?:this|the)\s+(?:method|model|approach|framework|network|system|design|algorithm|classifier)|"
    r"the\s+(?:overall\s+)?(?:best|final|resulting)\s+(?:\w+\s+)?(?:method|model|approach|framework|network|system|"
    r"design))\b", re.I)
IT = re.compile(r"\bit\b", re.I)
# data the sentence names without a name we know: "an independent test set", "the CDH-1848 dataset" ...
UNNAMED_DATA = re.compile(r"\b(?:(?:data\s?sets?|benchmarks?|cohorts?|challenges?|corpus|corpora)\b|(?:test|validation|"
                          r"external|independent|internal|private|in-house|held-out|hold-out)\s+(?:\w+\s+)?sets?\b|"
                          r"\b(?:external|independent|prospective|clinical|reader|in-house)\s+(?:\w+\s+)?(?:evaluation|study|validation|test)\b)",
                          re.I)
# ... or "in UPHILL": a coined name after a preposition that is none of the sentence's mentions
COINED_NAME = re.compile(r"\b(?:on|in|across)\s+(?:the\s+)?(?P<name>[A-Z][\w\-]*[A-Z0-9][\w\-]*)\b")

QUALIFIER = r"(?:(?:about|around|approximately|approx\.|nearly|almost|roughly|over|above|up to|at least|" \
             r"at most|more than|less than|~|only|a|an)\s+)*"
_GAIN = r"improv\w*|gains?|increas\w*|boost\w*|reduc\w*|decreas\w*|drops?|margins?|enhanc\w*|rais\w*|lift\w*"
_GAIN_OF = re.compile(rf"\b(?:{_GAIN})\s+(?:[\w\-]+\s+){{0,3}}?(?:of|by)\s+{QUALIFIER}$", re.I)
_BY = re.compile(rf"\bby\s+{QUALIFIER}$", re.I)
_COMPARATIVE = re.compile(rf"\b(?:{_GAIN}|outperform\w*|surpass\w*|exceed\w*|beat\w*|higher|lower|better|faster|"
                          r"more|less|fewer|lead\w*)\b", re.I)
GAIN_AFTER = re.compile(r"^\s*(?:(?:absolute|relative|average|overall|mean)\s+)?(?:improvement|gain|increase|boost|"
                        r"reduction|decrease|drop|rise|uplift|lift|advantage|higher|lower|better|worse|faster|"
                        r"slower|more|fewer|less|smaller|larger|greater)s?\b", re.I)
# "44% more efficient", "30% fewer parameters": the comparison of something that is not a metric
COMPARATIVE_AFTER = re.compile(r"^\s*(?:more|less|fewer|faster|slower|smaller|larger|cheaper|lighter)\b", re.I)
_ENDPOINT = re.compile(rf"\b(?<!up\s)(?:from|to)\s+{QUALIFIER}$", re.I)
RANGE_LEAD = re.compile(r"\b(?:rang\w*|var(?:y|ies|ied|ying)|spann?\w*|between)\s+(?:from\s+)?$", re.I)

# how a value attaches to what is written around it
# a metric written against its value: "AUC of 0.93", "Dice score: 85.2%" / "0.91 AUC", "a 5% gain in mAP"
BEFORE_GAP = re.compile(rf"^\s*(?:(?:score|coefficient|index|value|rate)s?\s*)?(?:\([^()]*\)\s*)?(?:(?:of|=|:|was|"
                        rf"were|is|are|reached|achieved|reaching|achieving|(?:improved|increased|rose) to|to)\s*)?"
                        rf"{QUALIFIER}$", re.I)
AFTER_GAP = re.compile(r"^\s*(?:(?:absolute|relative|average|mean|overall|macro|micro|test|higher|lower|better|"
                       r"improvements?|gains?|increases?|reductions?|decreases?|boosts?|drops?|faster|slower|more|"
                       r"fewer|less|points?|pp)\s+)*(?:(?:in|of|on)\s+)?(?:the\s+)?$", re.I)
# the value is of something that is not a metric: "2% of the data", "30% fewer layers"
OF_SOMETHING = re.compile(rf"^\s*of\b|{COMPARATIVE_AFTER.pattern}|{GAIN_AFTER.pattern}\s+(?:in|of)\b", re.I)
TRAILING_DATASET = re.compile(r"^\s*(?:(?!and\b|or\b|with\b|while\b|but\b)[\w\-%]+\s+){0,3}?(?:on|in|for|across|"
                              r"at|of)\s+(?:(?:the|a|an)\s+)?(?:[\w\-]+\s+)?$", re.I)
PARENTHESIZED = re.compile(r"\s*\(\s*(?:[A-Za-z][\w\- ]{0,20}(?:of|=|:)\s*)?")
FOR_MODEL = re.compile(r"\s*(?:\w+\s+)?(?:for|of|by|with)\s+(?:the\s+)?$", re.I)
# a clause without a metric of its own that goes on with the one before: "..., and on LiTS with
# 0.75", "..., while U-Net achieves 0.85"
CONTINUES = re.compile(rf"^\s*(?:and\s+)?(?:on|in|for|across|at|with)\b|\b(?:achiev|reach|obtain|attain|yield|"
                       rf"scor|record|get|got)\w*|\b(?:is|are|was|were)\s+{QUALIFIER}$", re.I)
LIST_GAP = re.compile(r"^\s*(?:(?:on|in|for|across|at)\s+(?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?)?\s*,?\s*(?:and\s+)?$",
                      re.I)
JOINED = re.compile(r"\s*(?:,|/|&|,?\s*and)?\s*", re.I)


def mask_statistics(sentence: str, metric_spans: list[tuple[int, int]]) -> str:
    """The sentence with intervals, p-values, spreads, counts and ratio values blanked out
    (a ratio's value stays where a metric mention names that ratio)."""
    spans = [match.span() for pattern in _STATISTICS for match in pattern.finditer(sentence)]
    for match in _RATIO.finditer(sentence):
        start, end = match.span("name")
        if not any(s < end and start < e for s, e in metric_spans):
            spans.append(match.span("value"))
    chars = list(sentence)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def clauses(sentence: str) -> list[tuple[int, int]]:
    """The sentence's clauses as spans: it breaks at ';', ', and', ', while', ', whereas',
    ', which' and ' and on/in/for', but not inside a list of numbers (', and 13.4% on X')."""
    starts = [0, *(match.end() for match in _BREAK.finditer(sentence))]
    return list(zip(starts, [*starts[1:], len(sentence)]))


def is_compared(sentence: str, start: int, clause_start: int, others: list[tuple[int, int]], *,
                value: bool = False) -> bool:
    """Whether the name or value at `start` is what something is compared against
    ("outperforms U-Net and MedSAM", "better than ViT", "compared with 85%"): a comparison word
    precedes it in its clause with only `others` (names, values) and list words between."""
    before = list(sentence[clause_start:start])
    for s, e in others:
        if clause_start <= s and e <= start:
            before[s - clause_start:e - clause_start] = " " * (e - s)
    text = "".join(before)
    cues = list((_COMPARED_VALUE if value else _COMPARED).finditer(text))
    return bool(cues) and bool(_LIST_FILLER.match(text[cues[-1].end():]))


def kind(sentence: str, clause_start: int, start: int, end: int, value: str) -> str:
    """"improvement" for a gain over something else, "score" for an absolute value."""
    before, after = sentence[clause_start:start], sentence[end:]
    if RANGE_LEAD.search(before):
        return "improvement" if re.search(rf"\b(?:{_GAIN})", before, re.I) else "score"
    if _ENDPOINT.search(before):
        return "score"
    if value.startswith("+") or GAIN_AFTER.match(after) or _GAIN_OF.search(before):
        return "improvement"
    if re.search(r"(?:points?|pp)$", value) and _COMPARATIVE.search(before):
        return "improvement"  # "outperforms X by large margins (over 6 points AUC)"
    by = _BY.search(before)  # "outperforms U-Net by 2%", not "followed by 95%"
    return "improvement" if by and _COMPARATIVE.search(before[:by.start()]) else "score"
