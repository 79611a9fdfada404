"""Model families: which kind of model each model of a paper is (IN_FAMILY edges).

A family is a concept of the ontology's family scheme (foundation model, SAM adaptation,
CLIP-style vision-language model, U-Net variant, ...). A model is in a family when
- the ontology says so of a known model;
- the paper builds it on a model of that family: it takes the base model's families, but not
  "foundation model" and the families under it (fine-tuning a foundation model does not make
  another one), plus the families defined by their base (built on SAM: a SAM adaptation);
- the paper, introducing it, calls it by the family's name: "X, a pathology foundation model",
  "the foundation model X", "X is a vision-language model".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kg.ontology import Ontology
from kg.records import Entity, LinkedMention, Relation
from kg.relations import RelationSet, evidence_of
from kg.text import label_key

FOUNDATION_MODEL = "foundation-model"  # the last part of the family's IRI


def find_families(mentions: list[tuple[LinkedMention, Entity]], introduced: Iterable[Entity], roles: dict[str, str],
                  relations: Iterable[Relation], ontology: Ontology) -> list[Relation]:
    """The IN_FAMILY relations of the paper's models, with their evidence."""
    found = RelationSet()
    models = {entity.id: entity for _, entity in mentions if entity.type == "model"}
    for model in models:
        for family in _families_of(model, ontology):
            found.add(model, "IN_FAMILY", family, 1.0, source="ontology")
    first = {}
    for item, entity in mentions:
        first.setdefault(entity.id, evidence_of(item.mention))
    bases = [(r.subject, r.object, (r.field, r.sentence_start, r.sentence_end)) for r in relations
             if r.predicate == "BASED_ON" and r.source == "text"]
    proposed = [model for model in models if roles.get(model) == "proposed"]
    if len(proposed) == 1:  # the paper's one model is built on the models it uses as a base
        bases += [(proposed[0], model, first[model]) for model in models if roles.get(model) == "base"]
    for model, base, evidence in bases:
        for family in _inherited(base, ontology):
            found.add(model, "IN_FAMILY", family, 0.6, evidence)
    introduced_ids = {entity.id for entity in introduced if entity.type == "model"}
    pattern = _family_names(ontology)
    for item, entity in mentions:
        if entity.id in introduced_ids and pattern is not None:
            for family in _called(item, pattern, ontology):
                found.add(entity.id, "IN_FAMILY", family, 0.8, evidence_of(item.mention))
    return found.relations()


def _families_of(model: str, ontology: Ontology) -> list[str]:
    concept = ontology.concepts.get(model)
    return [target for name, target in concept.facts if name == "family"] if concept else []


def _is_foundation(family: str, ontology: Ontology) -> bool:
    """Whether the family is "foundation model" or one under it."""
    return any(iri.rstrip("/").rsplit("/", 1)[-1] == FOUNDATION_MODEL for iri in (family, *ontology.ancestors(family)))


def _inherited(base: str, ontology: Ontology) -> list[str]:
    """The families a model built on `base` takes from it."""
    kept = [family for family in _families_of(base, ontology) if not _is_foundation(family, ontology)]
    defined = [concept.iri for concept in ontology.concepts.values()
               if concept.type == "family" and ("based_on", base) in concept.facts]
    return list(dict.fromkeys(kept + defined))


@lru_cache(maxsize=4)  # one per ontology: made once, not once a paper
def _family_names(ontology: Ontology) -> re.Pattern | None:
    names = sorted({label for concept in ontology.concepts.values() if concept.type == "family"
                    for label in concept.labels}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(name) + "s?" for name in names)
    return re.compile(rf"\b({alternatives})\b", re.I)


_ARTICLE = r"(?:a|an|the|our)\s+(?:[\w-]+\s+){0,3}?"
# "X, a ... FAMILY", "X is a ... FAMILY", "X (...) as the ... FAMILY"
_AFTER_NAME = re.compile(rf"^\s*(?:\([^)]*\)\s*)?(?:,|:|\bis\b|\bas\b)\s*{_ARTICLE}$", re.I)
# "a ... FAMILY, X", "the FAMILY called X"
_BEFORE_NAME = re.compile(r"^\s*,?\s*(?:(?:called|named|dubbed|termed)\s+)?$", re.I)
_ARTICLE_BEFORE = re.compile(rf"\b{_ARTICLE}$", re.I)


def _called(item: LinkedMention, pattern: re.Pattern, ontology: Ontology) -> list[str]:
    """The families the sentence of this mention calls the model by."""
    mention = item.mention
    sentence, start = mention.sentence, mention.start - mention.sentence_start
    end = start + len(mention.text)
    called = []
    for match in pattern.finditer(sentence):
        if match.start() >= end:
            stated = _AFTER_NAME.match(sentence[end:match.start()])
        else:
            stated = match.end() <= start and _BEFORE_NAME.match(sentence[match.end():start]) \
                and _ARTICLE_BEFORE.search(sentence[:match.start()])
        if stated:
            name = match.group(1)
            keys = {label_key(name), label_key(name[:-1])} if name.lower().endswith("s") else {label_key(name)}
            called += sorted(iri for key in keys for iri in ontology.by_label.get(key, ()) if ontology[iri].type == "family")
    return called
