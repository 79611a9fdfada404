"""Section labels of structured abstracts are read as structure: the paper's record keeps the
sections, each heading is a sentence of its own, and no heading becomes a name."""

import pytest

from kg.analysis import shared_analyzer
from kg.extract.sections import find_sections
from kg.papers import make_paper


def headings(abstract: str) -> list[tuple[str, str]]:
    return [(section.kind, abstract[section.start:section.body_start].strip()) for section in find_sections(abstract)]


# abstract, its (kind, heading) pairs
STRUCTURED = [
    ("PURPOSE: To evaluate a CNN. MATERIALS AND METHODS: 500 radiographs. RESULTS: AUC 0.91. CONCLUSION: It works.",
     [("objective", "PURPOSE:"), ("methods", "MATERIALS AND METHODS:"), ("results", "RESULTS:"),
      ("conclusion", "CONCLUSION:")]),
    ("Background: Stroke is common. Methods: We trained a model. Findings: It helped. Interpretation: Use it.",
     [("background", "Background:"), ("methods", "Methods:"), ("results", "Findings:"),
      ("conclusion", "Interpretation:")]),
    ("IMPORTANCE Glaucoma is common. OBJECTIVE To develop a model. DESIGN, SETTING, AND PARTICIPANTS This study "
     "used 900 photographs. RESULTS The AUC was 0.95. CONCLUSIONS AND RELEVANCE It works.",
     [("background", "IMPORTANCE"), ("objective", "OBJECTIVE"), ("methods", "DESIGN, SETTING, AND PARTICIPANTS"),
      ("results", "RESULTS"), ("conclusion", "CONCLUSIONS AND RELEVANCE")]),
    ("Objectives To assess nodules. Design Retrospective cohort. Results The AUC was 0.90. Conclusions It helps.",
     [("objective", "Objectives"), ("methods", "Design"), ("results", "Results"), ("conclusion", "Conclusions")]),
    ("Rationale and Objectives: To compare. Materials and Methods: 40 CTs.",
     [("background", "Rationale and Objectives:"), ("methods", "Materials and Methods:")]),
    ("Purpose - To test a model. Methods - We used 40 CTs.", [("objective", "Purpose -"), ("methods", "Methods -")]),
]

# prose in which a label word starts a sentence but heads nothing
PROSE = [
    "Results show that the method works. Methods matter.",
    "We compare two methods. Results: the first is better.",  # one heading inside prose
    "Background subtraction is a classic task. Design choices matter.",
    "The design is simple. Evaluation on BraTS shows gains.",
    "Summary Statistics of the cohort are given.",  # one title-case word at the start, no mark
]


@pytest.mark.parametrize("abstract, expected", STRUCTURED, ids=[case[1][0][1] for case in STRUCTURED])
def test_the_headings_of_a_structured_abstract_are_found(abstract, expected):
    assert headings(abstract) == expected


@pytest.mark.parametrize("abstract", PROSE)
def test_prose_has_no_sections(abstract):
    assert find_sections(abstract) == ()


def test_sections_cover_the_abstract_in_order():
    abstract = STRUCTURED[0][0]
    sections = find_sections(abstract)
    assert sections[0].start == 0
    assert [s.end for s in sections[:-1]] == [s.start for s in sections[1:]]
    assert sections[-1].end == len(abstract)
    assert abstract[sections[2].body_start:sections[2].end].strip() == "AUC 0.91."


def test_the_record_keeps_the_sections_and_no_heading_is_a_name_or_in_an_evidence_sentence():
    abstract = ("PURPOSE: To detect hip fractures with a CNN. METHODS: We trained ResNet-50 on 2,134 radiographs. "
                "RESULTS: ResNet-50 reached an AUC of 0.94. CONCLUSION: Deep learning detects fractures.")
    record = next(shared_analyzer().analyze([make_paper(title="Hip fractures", abstract=abstract, given_id="p")])).to_record()
    assert [(s["kind"], s["heading"]) for s in record["sections"]] == [
        ("objective", "PURPOSE"), ("methods", "METHODS"), ("results", "RESULTS"), ("conclusion", "CONCLUSION")]
    names = {entity["name"].lower() for found in record["entities"].values() for entity in found}
    assert not names & {"purpose", "methods", "results", "conclusion"}
    assert {"resnet-50", "hip fracture", "auc"} <= names
    assert record["results"] == [{"model": "ResNet-50", "dataset": None, "metric": "AUC", "value": "0.94", "kind": "score"}]
    sentences = {relation["sentence"] for relation in record["relations"]}
    assert sentences and not any(sentence.startswith(("PURPOSE", "METHODS", "RESULTS", "CONCLUSION"))
                                 for sentence in sentences)


def test_plain_prose_keeps_an_empty_list_of_sections():
    record = next(shared_analyzer().analyze([make_paper(title="T", abstract="We segment the liver on CT.",
                                                        given_id="p")])).to_record()
    assert record["sections"] == []
