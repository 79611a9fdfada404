"""Linking: each mention to an ontology concept, or to a new entity minted from its name.

The linker tries, in order: the concept the matcher found (an exact or normalized label), a
label with the same normal form as the mention or its abbreviation's other half, then a fuzzy
match above a threshold; a mention that links to nothing gets a stable new entity id made from
its normalized name, so that the same new name in two papers is one entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import quote

from rapidfuzz import fuzz, process

from kg import config
from kg.entities import EntitySet
from kg.ontology import Ontology
from kg.records import ENTITY_TYPES, Entity, LinkedMention, Mention
from kg.text import label_key, singular_acronym

SCORES = {"exact": 1.0, "normalized": 0.95, "abbreviation": 0.9, "new": 0.5}


def new_entity_id(kind: str, name: str) -> str:
    """The id of an entity the ontology lacks: the same for every spelling with the same key.

    >>> new_entity_id("model", "SAM-Med2D") == new_entity_id("model", "SAM Med2D")
    True
    >>> new_entity_id("dataset", "MedMNIST+")
    'https://example.org/kg/entity/dataset/medmnist%2B'
    >>> new_entity_id("model", "Text-to-CT") == new_entity_id("model", "Text2CT")
    True
    """
    key = label_key(_TO.sub("2", name))
    return f"{config.NEW_ENTITY_NAMESPACE}{kind}/{quote(key, safe='')}"


# "to" between two parts of a name is written 2 as often ("Text-to-CT", "Text2CT")
_TO = re.compile(r"(?<=[A-Za-z0-9])[-\s]to[-\s](?=[A-Za-z0-9])", re.I)


def _digits(text: str) -> list[str]:
    return re.findall(r"\d+", text)


class Linker:
    """Links mentions to the concepts of one ontology."""

    def __init__(self, ontology: Ontology, *, fuzzy_threshold: float = config.FUZZY_THRESHOLD):
        self.ontology = ontology
        self.fuzzy_threshold = fuzzy_threshold
        self._keys_by_type: dict[str, list[str]] = {
            kind: sorted({label_key(label) for c in ontology.of_type(kind) for label in c.labels})
            for kind in ENTITY_TYPES
        }

    def _linked(self, mention: Mention, iri: str, method: str, score: float | None = None) -> LinkedMention:
        concept = self.ontology[iri]
        if concept.type != mention.type:
            mention = replace(mention, type=concept.type)  # the ontology knows the type better than context
        return LinkedMention(mention, iri, concept.label, SCORES[method] if score is None else score, method)

    def _lookup(self, name: str, kind: str) -> str | None:
        found = self.ontology.lookup(name)
        chosen = [c for c in found if c.type == kind]
        if not chosen and kind in ("model", "dataset"):  # context typing of coined names can err
            chosen = [c for c in found if c.type in ("model", "dataset")]
        return chosen[0].iri if chosen else None

    def fuzzy(self, name: str, kind: str) -> tuple[str, float] | None:
        """The concept whose label is closest to `name` at or above the threshold, with the score."""
        key = label_key(name)
        if len(key) < 5:
            return None
        best = process.extractOne(key, self._keys_by_type.get(kind, []), scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold)
        if best is None or _digits(best[0]) != _digits(key):
            return None
        iri = sorted(self.ontology.by_label[best[0]])[0]
        return iri, round(best[1] / 100, 3)

    def link(self, mention: Mention) -> LinkedMention | None:
        """The entity a mention names, or None for one too short to be a name."""
        if mention.concept and mention.concept in self.ontology.concepts:
            concept = self.ontology[mention.concept]
            if mention.source == "abbreviation":
                method = "abbreviation"
            else:
                method = "exact" if mention.text in concept.labels else "normalized"
            return self._linked(mention, mention.concept, method)
        for name, method in ((mention.text, "normalized"), (mention.short_form, "abbreviation"), (mention.long_form, "abbreviation")):
            if name and (iri := self._lookup(name, mention.type)):
                return self._linked(mention, iri, method)
        if (found := self.fuzzy(mention.text, mention.type)) is not None:
            return self._linked(mention, found[0], "fuzzy", found[1] * SCORES["abbreviation"])
        name = singular_acronym((mention.short_form or mention.text).strip())  # "CBMs" -> "CBM"
        if len(label_key(name)) < config.MIN_NEW_NAME_LENGTH:
            return None
        return LinkedMention(mention, new_entity_id(mention.type, name), name, SCORES["new"], "new")


def link_mentions(mentions: Iterable[Mention], linker: Linker) -> list[LinkedMention]:
    """Link every mention; mentions that name nothing are left out."""
    return [linked for mention in mentions if (linked := linker.link(mention)) is not None]


# the concepts of config.ORGAN_NAMING_MODALITIES and ORGAN_NAMING_DISEASES
_ORGAN_NAMING = frozenset([*(config.CONCEPT_NAMESPACE + "modality/" + slug for slug in config.ORGAN_NAMING_MODALITIES),
                           *(config.CONCEPT_NAMESPACE + "disease/" + slug for slug in config.ORGAN_NAMING_DISEASES)])


def with_implied_organs(linked: list[LinkedMention], ontology: Ontology) -> list[LinkedMention]:
    """The linked mentions, each mention of a modality or disease whose name says its organ
    (see config.ORGAN_NAMING_MODALITIES and ORGAN_NAMING_DISEASES) followed by a mention of
    that organ on the same words, unless the paper names the organ itself."""
    named = {item.entity_id for item in linked if item.mention.type == "organ"}
    result = []
    for item in linked:
        result.append(item)
        if item.entity_id not in _ORGAN_NAMING:
            continue
        for fact, organ in ontology[item.entity_id].facts:
            if fact == "organ" and organ in ontology.concepts and organ not in named:
                named.add(organ)
                mention = replace(item.mention, type="organ", concept=organ)
                result.append(LinkedMention(mention, organ, ontology[organ].label, item.score, "implied"))
    return result


def _reported_concept(kind: str, iri: str, mentioned: set[str], ontology: Ontology) -> str | None:
    """The concept a mention is counted as in an extraction record (see config), or None."""
    if kind in config.REPORT_AT_TOP:
        return ontology.top(iri)
    if kind in config.MERGE_WITH_BROADER:
        broader = [a for a in ontology.ancestors(iri) if a in mentioned]
        return broader[-1] if broader else iri
    if kind in config.FOLD_INTO_NARROWER:
        narrower = sorted(m for m in mentioned if iri in ontology.ancestors(m))
        if narrower:
            return narrower[0]
    return None if ontology[iri].generic else iri


def reported_entities(linked: Iterable[LinkedMention], ontology: Ontology) -> list[tuple[LinkedMention, Entity]]:
    """Each mention with the entity it counts as in the paper's record (mentions of generic
    concepts, reported by no entity, are left out), counted as the annotation guidelines count
    them; each distinct entity has every surface form the paper uses for it."""
    items = list(linked)
    mentioned = {item.entity_id for item in items}
    pairs = []
    for item in items:
        kind, iri, name = item.mention.type, item.entity_id, item.name
        if not item.is_new:
            iri = _reported_concept(kind, iri, mentioned, ontology)
            if iri is None:
                continue
            name = ontology[iri].label
        aliases = () if item.method == "implied" else item.mention.aliases  # "colonoscopy" is no name of the colon
        pairs.append((item, Entity(iri, kind, name, aliases)))
    merged = {entity.id: entity for entity in EntitySet(entity for _, entity in pairs)}
    return [(item, merged[entity.id]) for item, entity in pairs]
