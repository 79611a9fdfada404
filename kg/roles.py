"""Roles and evaluations: what a paper does with each model and data set it names.

A data set is `introduced`, `evaluated`, `trained`, `source` or `mentioned`; a model is
`proposed`, `base`, `compared` or `mentioned` (the annotation guidelines' order: the first that
applies wins). Each mention is read in its own clause: the cue word nearest before the name
("trained on", "evaluated on", "derived from", "built on", "outperforms") decides what that
mention says, and a cue counts only in a sentence about the paper's own work ("we", "our", a
name the paper introduces) or one that reports a number. The entity's role is the first, in
the guidelines' order, that any of its mentions or the paper's results give it.

`evaluations` pairs a model with a data set where a result ties them, or where a sentence
evaluates on the data set and names the model (or says "our method" and the paper proposes
exactly one model).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.records import Entity, Evaluation, LinkedMention, Relation, Result

DATASET_ROLES = ("introduced", "evaluated", "trained", "source", "mentioned")
# the dataset roles that make a data set "used" by the paper
USED_ROLES = frozenset({"introduced", "evaluated", "trained"})
MODEL_ROLES = ("proposed", "base", "compared", "mentioned")

# the clause a name is read in ends at these (a list's commas do not end it)
_CLAUSE_BREAK = re.compile(r";\s|\.\s|,\s*(?:which|while|whereas|but|although|where)\b|\b(?:whereas|while)\b")
# "In this retrospective multicenter study" (a clinical journal's methods) is the paper's own work too
_OWN_WORK = re.compile(r"\b(?:we|our|us|this (?:[\w\-]+ ){0,2}?(?:paper|work|study|report|trial|analysis)|here|proposed|"
                       r"the resulting|experiments|"
                       r"the (?:model|method|approach|framework|network|system))\b", re.I)
_NUMBER = re.compile(r"\d(?:\.\d+)?\s?%|\b0?\.\d+\b|\b\d+\.\d+\b")

# a training cue is a verb with its object's preposition: "pre-trained models to X" trains nothing on X
# ("pre-trained models to segmentation in X" trains nothing on X); "fine-tuning settings on X" is
# a way of evaluating on X
_D_TRAIN = (r"(?:pre-?train\w*|train\w*|fine-?tun\w*|initiali[sz]\w*|learn\w*|supervis\w*)"
            r"(?=\s+(?:(?!(?:settings?|scenarios?|regimes?|protocols?|paradigms?|tasks?|to|for|of|at|by|into)\b)"
            r"[\w\-]+\s+){0,5}?(?:on|with|using|from|in)\b)")
_D_EVAL = (r"evaluat\w*|test\w*|validat\w*|benchmark\w*|experiments?|results?|achiev\w*|outperform\w*|surpass\w*|"
           r"perform\w*|scor\w*|accura\w*|place|rank\w*|transfer\w*|appl(?:y|ied|ying)|downstream|generali[sz]\w*|"
           r"external\w*|zero-shot|sets? (?:a )?new|state-of-the-art|SOTA|demonstrat\w*")
_D_SOURCE = (r"(?:derived|collected|curated|sourced|extracted|drawn|constructed|compiled|assembled|gathered|sampled|"
             r"selected|obtained|repurposed|taken)\s+(?:\w+\s+){0,3}?from|(?:images|slides|scans|cases|data|reports|"
             r"videos|pairs|patients)\s+(?:\w+\s+){0,2}?from|based on|superset of|subset of|extends?|extension of|"
             r"augment\w*|built (?:up)?on|re-?annotat\w*|relabel\w*|enrich\w*")
# a name right after these is only compared with ("larger than MIMIC-CXR")
_ASIDE = re.compile(r"\b(?:than|compared (?:to|with)|versus|vs\.?|unlike|similar to|superior to|as (?:a|an|the))\s+"
                    r"(?:the\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
# ... and so is one inside an opening "Compared to fine-tuning GPT-4o with only MIMIC-CXR, ..."
_ASIDE_OPENING = re.compile(r"^\W*(?:compared (?:to|with)|unlike|in contrast to|similar to|versus)\b[^,]*$", re.I)
_PREPOSITION = re.compile(r"\b(?:on|in|with|using|across|over|at|to|for|of|from|by)\b", re.I)

_M_BASE = (r"based on|built (?:up)?on|on top of|upon|adapt\w*|extend\w*|fine-?tun\w*|distill?\w*|initiali[sz]\w*|"
           r"leverag\w*|incorporat\w*|integrat\w*|plug\w*|equip\w*|inherit\w*|utiliz\w*|"
           r"(?<!widely )(?<!commonly )(?<!frequently )(?<!often )us(?:e|es|ed|ing)|employ\w*|"
           r"adopt\w*|enhanc\w*|augment\w*|combin\w*|original|modif\w*|customi[sz]\w*|tailor\w*|transfer\w*|replicat\w*|"
           r"continu\w* pre-?train\w*|refin\w*|improv\w* (?:up)?on|variant of|version of|(?:pre-?)?train(?:s|ed|ing)?")
_M_COMPARE = (r"outperform\w*|surpass\w*|compar\w*|against|than|versus|vs\.?|baselines?|competitors?|benchmark\w*|"
              r"evaluat\w*|assess\w*|test\w*|exceed\w*|beat\w*|over|study of|analy[sz]\w*|investigat\w*|examin\w*|"
              r"superior to|inferior to|state-of-the-art|SOTA")
# comparisons that say the paper ran the model even where the sentence does not say "we"
_M_STRONG_COMPARE = re.compile(r"\b(?:outperform\w*|surpass\w*|compared (?:to|with)|than|superior to|inferior to|"
                               r"versus|vs\.?|beat\w*|exceed\w*|comparative \w+ (?:with|to|against)|"
                               r"comparisons? (?:with|to|against))\b", re.I)
_M_BASE_AFTER = re.compile(
    r"^[\s\-]*(?:-?based\b|backbone|encoder|decoder|weights|features|embeddings|"
    r"as (?:(?:the|a|an|its|our) )?(?:backbone|encoder|base|teacher|initiali\w*|foundation|starting point))", re.I)

_DATASET_CUES = [(role, re.compile(rf"\b(?:{cues})\b", re.I)) for role, cues in
                 (("trained", _D_TRAIN), ("evaluated", _D_EVAL), ("source", _D_SOURCE))]
_MODEL_CUES = [(role, re.compile(rf"\b(?:{cues})\b", re.I)) for role, cues in
               (("base", _M_BASE), ("compared", _M_COMPARE))]
_OUR_MODEL = re.compile(r"\b(?:our|the proposed|this|the)\s+(?:\w+\s+){0,2}?(?:method|model|approach|framework|"
                        r"network|system|architecture|pipeline)s?\b|\bit\b", re.I)


def _clause_before(sentence: str, position: int) -> str:
    """The text of the name's clause before it."""
    before = sentence[:position]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end():] if breaks else before


def _nearest_cue(text: str, cues) -> tuple[str | None, int]:
    """The role of the cue that ends nearest the end of `text`, and where it ends."""
    best, at = None, -1
    for role, pattern in cues:
        for match in pattern.finditer(text):
            if match.end() > at:
                best, at = role, match.end()
    return best, at


def _position(item: LinkedMention) -> int:
    return item.mention.start - item.mention.sentence_start


def _own(sentence: str, introduced_names: Iterable[str]) -> bool:
    return bool(_OWN_WORK.search(sentence)) or any(name in sentence for name in introduced_names)


def _dataset_role(item: LinkedMention, own: bool) -> str:
    sentence, position = item.mention.sentence, _position(item)
    before = _clause_before(sentence, position)[-150:]
    if _ASIDE.search(before) or _ASIDE_OPENING.match(before):
        return "mentioned"
    cue, at = _nearest_cue(before, _DATASET_CUES)
    # "experiments on X", "evaluated with X": the cue reaches the name through a preposition
    reaches = cue == "source" or bool(_PREPOSITION.search(before[at:])) or cue == "trained"
    reports = bool(_NUMBER.search(sentence))
    if cue == "trained" and own:
        return "trained"
    if cue == "evaluated" and reaches and (own or reports):
        return "evaluated"
    if cue == "source" and own:
        return "source"
    return "mentioned"


def _model_role(item: LinkedMention, own: bool) -> str:
    sentence, position = item.mention.sentence, _position(item)
    before = _clause_before(sentence, position)[-150:]
    after = sentence[position + len(item.mention.text):][:40]
    cue, _ = _nearest_cue(before, _MODEL_CUES)
    if _ASIDE_OPENING.match(before):
        cue = "compared"
    if cue == "compared" and (own or _NUMBER.search(sentence) or _M_STRONG_COMPARE.search(before)):
        return "compared"
    if own and (cue == "base" or _M_BASE_AFTER.match(after)):
        return "base"
    return "mentioned"


def find_roles(pairs: list[tuple[LinkedMention, Entity]], introduced: list[Entity], results: list[Result],
               relations: list[Relation]) -> tuple[dict[str, str], list[Evaluation], dict[str, tuple[str, int]]]:
    """Each model's and data set's role (by entity id), the evaluations the text states, and
    for each entity the place (field, start) of the mention that shows its role best: one in a
    sentence stating its evaluation, else the first that reads as its role."""
    introduced_ids = {entity.id for entity in introduced}
    introduced_names = [item.mention.text for item, entity in pairs if entity.id in introduced_ids]
    own_by_sentence: dict[str, bool] = {}
    found: dict[str, set[str]] = {}
    read: list[tuple[LinkedMention, Entity, str]] = []  # each model and data set mention with what it says
    for item, entity in pairs:
        if entity.type not in ("model", "dataset"):
            continue
        sentence = item.mention.sentence
        own = own_by_sentence.setdefault(sentence, _own(sentence, introduced_names))
        role = _dataset_role(item, own) if entity.type == "dataset" else _model_role(item, own)
        found.setdefault(entity.id, set()).add(role)
        read.append((item, entity, role))
    evaluations = find_evaluations(read, introduced, results, own_by_sentence)
    for result in results:
        if result.dataset:
            found.setdefault(result.dataset, set()).add("evaluated")
        if result.model:
            found.setdefault(result.model, set()).add("compared")
    for evaluation in evaluations:
        found.setdefault(evaluation.dataset, set()).add("evaluated")
        found.setdefault(evaluation.model, set()).add("compared")
    for relation in relations:
        if relation.predicate == "BASED_ON" and relation.subject in introduced_ids:
            found.setdefault(relation.object, set()).add("base")
    # "CheXpert Plus" extends "CheXpert": a data set the paper's new one is named after is its source
    introduced_datasets = [entity.name for entity in introduced if entity.type == "dataset"]
    for _, entity in pairs:
        if entity.type == "dataset" and entity.id not in introduced_ids and any(
                re.match(rf"{re.escape(entity.name)}[\s\-]+\w", name) for name in introduced_datasets):
            found.setdefault(entity.id, set()).add("source")
    types = {entity.id: entity.type for _, entity in pairs}
    roles = {}
    for entity_id, candidates in found.items():
        order = DATASET_ROLES if types.get(entity_id) == "dataset" else MODEL_ROLES
        if entity_id in introduced_ids:
            candidates = candidates | {order[0]}
        roles[entity_id] = next(role for role in order if role in candidates)
    return roles, evaluations, _role_places(read, roles, evaluations)


def _role_places(read: list[tuple[LinkedMention, Entity, str]], roles: dict[str, str],
                 evaluations: list[Evaluation]) -> dict[str, tuple[str, int]]:
    places: dict[str, tuple[str, int]] = {}
    for evaluation in evaluations:
        for item, entity, _ in read:
            mention = item.mention
            if (entity.id in (evaluation.model, evaluation.dataset) and roles.get(entity.id) in ("evaluated", "compared")
                    and mention.field == evaluation.field
                    and evaluation.sentence_start <= mention.start < evaluation.sentence_end):
                places.setdefault(entity.id, (mention.field, mention.start))
    for item, entity, role in read:
        if roles.get(entity.id) == role:
            places.setdefault(entity.id, (item.mention.field, item.mention.start))
    return places


def find_evaluations(read: list[tuple[LinkedMention, Entity, str]], introduced: list[Entity], results: list[Result],
                     own_by_sentence: dict[str, bool]) -> list[Evaluation]:
    """The (model, data set) pairs a result ties together or a sentence says were evaluated;
    `read` holds each model and data set mention with the role its clause gives it."""
    found: dict[tuple[str, str], Evaluation] = {}
    for result in results:
        if result.model and result.dataset:
            found.setdefault((result.model, result.dataset),
                             Evaluation(result.model, result.dataset, result.field, result.sentence_start, result.sentence_end))
    proposed = [entity.id for entity in introduced if entity.type == "model"]
    in_title = {entity.id for item, entity, _ in read if item.mention.field == "title"}
    if len(proposed) > 1:  # the paper's model: the one its title names, else the one it names first
        titled = [model for model in proposed if model in in_title]
        first = {}
        for item, entity, _ in read:
            first.setdefault(entity.id, (item.mention.field != "title", item.mention.start))
        proposed = titled if len(titled) == 1 else [min(proposed, key=lambda model: first.get(model, (True, 1 << 30)))]
    models_in_paper = {entity.id for _, entity, _ in read if entity.type == "model"}
    # the paper's subject model: its one proposed model, or the only model it names at all
    subject = proposed[0] if len(proposed) == 1 else (next(iter(models_in_paper)) if len(models_in_paper) == 1 and not proposed else None)
    by_sentence: dict[str, list[tuple[LinkedMention, Entity, str]]] = {}
    for item, entity, role in read:
        by_sentence.setdefault(item.mention.sentence, []).append((item, entity, role))
    for sentence, found_here in by_sentence.items():
        own = own_by_sentence.get(sentence, False)
        evaluated = [(item, entity) for item, entity, role in found_here if entity.type == "dataset" and role == "evaluated"]
        if not evaluated:
            continue
        model_ids = list(dict.fromkeys(entity.id for _, entity, role in found_here if entity.type == "model"
                                       and (entity.id in proposed or role != "mentioned" or not proposed)))
        if not model_ids and subject and (own or _OUR_MODEL.search(sentence)):
            model_ids = [subject]
        first = evaluated[0][0].mention
        for model in model_ids:
            for _, dataset in evaluated:
                found.setdefault((model, dataset.id), Evaluation(model, dataset.id, first.field, first.sentence_start,
                                                                 first.sentence_end))
    return list(found.values())
