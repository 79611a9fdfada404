"""The section labels of a structured abstract ("Purpose:", "MATERIALS AND METHODS:",
"Results The model ..."), read as structure: each heading is a sentence of its own and no
name, and the paper's record keeps its sections.

A heading is one of the labels clinical journals use, or several joined ("DESIGN, SETTING,
AND PARTICIPANTS"), at the start of the abstract or of a sentence, followed by a colon, a
period or a dash; without one, by a capitalized word, and written in capitals ("RESULTS The
AUC ...") or in an abstract whose first word is such a heading ("Objectives To assess ...
Design Retrospective cohort.").
"""

from __future__ import annotations

import re

from kg.records import Section

# label -> the kind of section it heads
_LABELS = {
    **dict.fromkeys(("background", "introduction", "context", "importance", "rationale", "motivation",
                     "problem", "hypothesis"), "background"),
    **dict.fromkeys(("purpose", "purposes", "objective", "objectives", "aim", "aims", "goal", "goals",
                     "question"), "objective"),
    **dict.fromkeys(("methods", "method", "materials", "material", "patients", "subjects", "design",
                     "study design", "experimental design", "setting", "settings", "participants",
                     "approach", "procedures", "exposure", "exposures", "intervention", "interventions",
                     "main outcomes", "main outcome", "main outcome measures", "outcome measures", "measures",
                     "measurements", "data sources", "study selection", "data extraction",
                     "data synthesis", "evaluation", "techniques"), "methods"),
    **dict.fromkeys(("results", "result", "findings", "main results", "key results", "observations"),
                    "results"),
    **dict.fromkeys(("conclusion", "conclusions", "interpretation", "discussion", "relevance",
                     "significance", "meaning", "implications", "clinical relevance",
                     "clinical relevance statement", "critical relevance statement", "clinical implications",
                     "implications for patient care", "advances in knowledge", "summary",
                     "summary statement"), "conclusion"),
    **dict.fromkeys(("key points", "trial registration", "funding", "level of evidence",
                     "limitations", "registration"), "other"),
}
_LONGEST_FIRST = sorted(_LABELS, key=len, reverse=True)
_LABEL = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in _LONGEST_FIRST)
# one label, or several joined by commas, "and", "&" or "/"
_HEADING = rf"(?:{_LABEL})(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*/\s*)(?:{_LABEL}))*"
# a heading: the label, then a colon, period or dash, or (no mark) a capitalized word
_HEAD = re.compile(rf"(?P<label>{_HEADING})(?:(?P<mark>\s*[:.]|\s+[-–—])\s+|\s+(?=(?-i:[A-Z0-9\"“(•])))", re.I)
_SENTENCE_START = re.compile(r"[.!?]\s+|\n\s*")
_INITIALS = frozenset(label[0].upper() for label in _LABELS)


def section_kind(label: str) -> str:
    """The kind of section a heading's first label names.

    >>> section_kind("MATERIALS AND METHODS"), section_kind("Background and Purpose")
    ('methods', 'background')
    """
    words = " ".join(label.lower().split())
    first = next((known for known in _LONGEST_FIRST if words.startswith(known)), None)
    return _LABELS[first] if first else "other"


def find_sections(abstract: str) -> tuple[Section, ...]:
    """The sections of a structured abstract, in order; () for an abstract of plain prose.

    >>> abstract = "PURPOSE: To test. MATERIALS AND METHODS: 20 CTs. RESULTS: AUC 0.9."
    >>> [(s.kind, abstract[s.start:s.body_start]) for s in find_sections(abstract)]
    [('objective', 'PURPOSE: '), ('methods', 'MATERIALS AND METHODS: '), ('results', 'RESULTS: ')]
    >>> [s.kind for s in find_sections("Objectives To assess. Design Cohort study. Results The AUC was 0.9.")]
    ['objective', 'methods', 'results']
    >>> find_sections("Results show that the method works. Methods matter.")
    ()
    """
    starts = [0, *(m.end() for m in _SENTENCE_START.finditer(abstract))]
    heads = [m for m in (_HEAD.match(abstract, start) for start in starts if abstract[start:start + 1] in _INITIALS)
             if m and m.group("label")[0].isupper()]
    marked = [m for m in heads if m.group("mark")]
    bare = [m for m in heads if not m.group("mark")]
    # a heading without a mark in capitals, or in title case when the abstract starts with one
    title_case = bool(bare) and bare[0].start() == 0 and not (marked and marked[0].start() == 0)
    found = {m.start("label"): m for m in bare if title_case or m.group("label").isupper()}
    found.update({m.start("label"): m for m in marked})
    headings = [found[start] for start in sorted(found)]
    # one heading alone counts at the start ("Purpose: ..."), not inside prose
    if not headings or (len(headings) == 1 and (headings[0].start("label") > 0 or not headings[0].group("mark"))):
        return ()
    ends = [m.start("label") for m in headings[1:]] + [len(abstract.rstrip())]
    return tuple(Section(section_kind(m.group("label")), m.start("label"), m.end(), end)
                 for m, end in zip(headings, ends))
