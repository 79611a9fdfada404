"""Names the words around them give: "the Chaksu dataset", "three datasets: A, B, and NEATX",
"our developed Cerberus model". Unlike coined names, these need not look made up; the
head noun, the list or the phrase says what they name.
"""

from __future__ import annotations

import re

from kg.extract.name_shapes import GENERIC_ACRONYMS, looks_coined, strip_modifier
from kg.extract.name_types import DATASET_WORDS, MODEL_WORDS

# a name a data set's head noun follows ("the Chaksu dataset", "the CDH-1848 dataset"), or one
# of a list that data sets introduce ("three public datasets: MIMIC-CXR, NIH-CXR14, and NEATX")
_NAME_WORD = r"[A-Z][\w\-+.]*[\w+]|[A-Z]{2,}"
_BEFORE_DATASET_WORD = re.compile(
    rf"(?<![\w\-])(?P<name>(?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD})){{0,2}})\)?\s+(?:dataset|benchmark|database|corpus|cohort)\b")
# "the Tufts Dental Database", "the Cancer Imaging Archive": a name whose capitalized head is its own
TITLED_HEAD = re.compile(r"\s(?:Dataset|Database|Benchmark|Corpus|Archive|Cohort|Atlas|Repository)$")
_TITLED_DATASET = re.compile(r"\bthe\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][\w\-]*){0,3}\s+"
                             r"(?:Dataset|Database|Benchmark|Corpus|Archive|Cohort|Atlas|Repository))\b")
_DATASET_LIST_START = re.compile(
    r"\b(?:datasets|benchmarks|databases|corpora|cohorts)\s*(?::|,?\s+(?:namely|including|such as|i\.e\.,?))\s*")
_LIST_ITEM = re.compile(rf"(?P<name>(?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD})){{0,2}})(?P<sep>\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+))?")
# "our developed Cerberus model", "a novel Cascaded Modality Transformer architecture"
_OWN_MODEL_NAMED = re.compile(
    r"\b(?:[Oo]ur\s+(?:(?:developed|proposed|new|novel)\s+)?|an?\s+(?:novel|new)\s+|the\s+proposed\s+)"
    r"(?P<name>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3})\s+(?:model|network|architecture|framework)\b")
# "We introduce Merlin - a 3D VLM", "we present Medical SAM3, a foundation model", and a title
# "Merlin: A Vision Language Foundation Model for ...": a paper's own name, whatever its shape,
# which an apposition after it describes (its head noun gives the type)
_NAMED_WORDS = r"(?P<name>[A-Z][\w\-.]*[\w](?:\s+[A-Z0-9][\w\-.]*[\w]){0,2})"
_DESCRIBED_AS = r"\s*(?:,|:|\s[-\u2013\u2014]|\()\s*(?:a|an)\s(?P<description>[^.;:()]{0,100})"
_INTRODUCED = re.compile(
    r"\b(?:[Ww]e|[Tt]his (?:paper|work|study))\s+(?:introduce|present|propose|develop|release|build|curate|construct)s?\s+"
    + _NAMED_WORDS + _DESCRIBED_AS)
_TITLE_NAME = re.compile(r"^" + _NAMED_WORDS + r":\s+(?:A|An)\s(?P<description>[^.;:()]{0,100})")
DATASET_AFTER = re.compile(r"\)?\s+(?:dataset|benchmark|database|corpus)\b")
# "the Norwegian cohort", "the Internal dataset", "the Validation cohort": a capitalized ordinary word
_ADJECTIVE = re.compile(r"(?:an|ese|ish|al|ic|ed|ing|ive|ary|ous)$")
_ORDINARY_CAPITALIZED = frozenset("test validation development discovery replication public private original entire "
                                  "combined full same whole final main primary secondary derivation tuning training testing "
                                  "internal external independent clinical hospital local institutional".split())
_NOT_A_NAME = frozenset("the a an our this these those its their we in on of for and or with all both each new public "
                        "private large small several three two four five".split())



def _name_shaped(name: str, before: str, *, in_title: bool) -> bool:
    """Whether words a data set's head noun follows look like its name: a capital inside a word,
    a digit, or all capitals (LC, SPH, CDH-1848); in running text, a capitalized word after
    "the" (the Chaksu dataset; not "a Norwegian cohort"), never in a title, where every word
    has a capital, or first in a sentence."""
    words = name.split()
    if any(word.lower() in _NOT_A_NAME or word in GENERIC_ACRONYMS or strip_modifier(word) != word for word in words):
        return False
    if all(looks_coined(word) or re.search(r"\d", word) or (word.isupper() and len(word) >= 2) for word in words):
        return True
    return (not in_title and len(words) == 1 and words[0][1:].islower() and len(words[0]) >= 4
            and re.search(r"\bthe\s+$", before) is not None and not _ADJECTIVE.search(words[0])
            and words[0].lower() not in _ORDINARY_CAPITALIZED)


def named_datasets(text: str, title_end: int) -> list[tuple[int, int]]:
    """(start, end) of names the text gives data sets by its words, not their shape: a name a
    head noun follows ("the Chaksu dataset") and the names of a list of data sets
    ("datasets: MIMIC-CXR, NIH-CXR14, and NEATX").

    >>> text = "We test on the Chaksu dataset and three datasets: MIMIC-CXR, NIH-CXR14, and NEATX."
    >>> [text[a:b] for a, b in named_datasets(text, 0)]
    ['Chaksu', 'MIMIC-CXR', 'NIH-CXR14', 'NEATX']
    """
    found = []
    for match in _BEFORE_DATASET_WORD.finditer(text):
        start, end = match.span("name")
        before = text[max(0, start - 10):start]
        # "an SQL database" is a kind of data set; a named one is "the X dataset" or "X dataset"
        if not re.search(r"\b(?:a|an)\s+$", before, re.I) and _name_shaped(match.group("name"), before, in_title=start < title_end):
            found.append((start, end))
    for match in _TITLED_DATASET.finditer(text):
        words = match.group("name").split()[:-1]
        if match.start() >= title_end and not any(w.lower() in _NOT_A_NAME or w.lower() in _ORDINARY_CAPITALIZED for w in words):
            found.append(match.span("name"))
    for match in _DATASET_LIST_START.finditer(text):
        position = match.end()
        while item := _LIST_ITEM.match(text, position):
            if _name_shaped(item.group("name"), "the ", in_title=item.start() < title_end):
                found.append(item.span("name"))
            if not item.group("sep"):
                break
            position = item.end()
    return sorted(set(found))


def named_models(text: str, title_end: int) -> list[tuple[int, int]]:
    """(start, end) of the names a text gives its own model by the words around them: "our
    developed Cerberus model", "a novel Cascaded Modality Transformer architecture".

    >>> text = "We train our developed Cerberus model on 600K objects."
    >>> [text[a:b] for a, b in named_models(text, 0)]
    ['Cerberus']
    """
    return [match.span("name") for match in _OWN_MODEL_NAMED.finditer(text)
            if match.start("name") >= title_end and not any(
                word.lower() in _NOT_A_NAME or word in GENERIC_ACRONYMS for word in match.group("name").split())]


def introduced_names(text: str, title_end: int) -> list[tuple[int, int]]:
    """(start, end) of the names a paper gives what it introduces, described by an apposition:
    "We introduce Merlin - a 3D VLM", or a title "Merlin: A Vision Language Foundation Model".

    >>> text = "Merlin: A Foundation Model for CT || We introduce Merlin - a 3D model trained on CT."
    >>> sorted({text[a:b] for a, b in introduced_names(text, 33)})
    ['Merlin']
    >>> introduced_names("Era: A Comprehensive Survey of Models || We review work.", 27)
    []
    """
    matches = [*_INTRODUCED.finditer(text), *filter(None, [_TITLE_NAME.match(text[:title_end])])]
    found = []
    for match in matches:
        words = re.findall(r"[a-z]+", match.group("description").lower())[:10]
        head = words[: next((i for i, word in enumerate(words) if word in ("of", "for", "on", "in", "with", "to")), len(words))]
        # only what the description calls a model or a data set, and not a study of them
        # ("X: A Comprehensive Survey of State Space Models")
        if set(words) & (MODEL_WORDS | DATASET_WORDS) and not set(head) & _STUDY_WORDS:
            found.append(match.span("name"))
    return [(a, b) for a, b in found
            if not any(word.lower() in _NOT_A_NAME | _NOT_INTRODUCED or word in GENERIC_ACRONYMS for word in text[a:b].split())]


_STUDY_WORDS = frozenset("survey review overview study analysis perspective tutorial roadmap primer comparison evaluation".split())
# what "we present X, a ..." may present that is no name: "we present Figure 2, a summary"
_NOT_INTRODUCED = frozenset("figure fig table section appendix towards here results experiments".split())
