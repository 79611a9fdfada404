"""Relations: what a paper introduces, and the edges between papers and entities.

Every predicate is an edge type of the graph's schema, `kg.graph.EDGE_TYPES`; each relation
points at its evidence, a sentence of the paper, by character offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.graph import EDGE_TYPES
from kg.ontology import Ontology
from kg.records import Entity, Evaluation, LinkedMention, Mention, Paper, Relation, Result

Evidence = tuple[str | None, int, int]  # field, sentence_start, sentence_end
NO_EVIDENCE: Evidence = (None, 0, 0)

_INTRO_VERB = re.compile(
    r"\b(?:we|this (?:paper|work|study|report)|here,? we|our work)\s+(?:\w+\s+){0,2}?"
    r"(?:propose|introduce|present|develop|design|release|construct|build|create|curate|collect|establish|"
    r"contribute|offer|devise|describe|unveil)(?:s|d|ed|ing)?\b|\b(?:we|our work)\s+(?:\w+\s+){0,2}?built\b"
    r"|\bwe\b[^.;]*?\band\s+(?:then\s+|further\s+|also\s+)?(?:propose|introduce|present|develop|release|construct|curate)\b"
    r"|\b(?:is|are|was|were) (?:proposed|introduced|presented|developed|released|constructed|curated|created)\b"
    r"|\b(?:introduces|proposes|presents|releases|contributes|introducing|proposing|presenting|releasing)\b",
    re.I,
)
_NAMING = re.compile(r"\b(?:named|called|dubbed|termed|coined|namely)\s*$", re.I)
_CLAUSE_END = re.compile(
    r"[.;]\s|\b(?:which|that|outperform\w*|compared|than|over|against|based on|built on|built upon|leverag\w*|"
    r"using|such as|including|like|from|with|via|on top of|adapt\w* from|fine-tun\w* from|surpass\w*)\b",
    re.I,
)
_APPOSITIVE = re.compile(
    r"^\s*(?:\([^)]*\))?\s*(?:,|:|is|are)\s*(?:a|an|the)\s+(?:[\w\-]+\s+){0,3}?(?:novel|new|first|large|open)", re.I
)
_NOVEL = re.compile(r"\b(?:a|an)\s+(?:novel|new)\b(?:(?![.;]).){0,80}$", re.I)
_OUR = re.compile(r"\b(?:our|the resulting)(?:\s+[\w\-]+){0,2}\s*[(,]?\s*$", re.I)
_PART_OF = re.compile(r"\b(?:components?|modules?|consists? of|comprises?|composed of|involves?|employs?|"
                      r"incorporates?|features?|introduces?|contains?|includes?)\b", re.I)
# "several models within the new X family": the family is the paper's
_NEW_FAMILY = re.compile(r"^\s*(?:model\s+)?(?:family|series|suite)\b", re.I)
# a known name counts as introduced only right after the verb: "We propose ConVIRT", not
# "we propose xLSTM-UNet, a UNet structured network"
_ONLY_DETERMINERS = re.compile(r"^\s*(?:(?:the|a|an|our|novel|new|first)\s+)*$", re.I)
_BASED_ON = re.compile(
    r"\b(?:based on|built (?:up)?on|adapt\w* (?:from)?|fine-?tun\w* (?:from|on)?|extend\w*|initiali[sz]ed (?:from|with)|"
    r"derived from|variant of|version of|on top of|upon)\s+(?:the\s+)?(?:\w+\s+){0,2}$",
    re.I,
)


def _introduced_in(sentence: str, start: int, end: int, *, new: bool) -> str | None:
    """How the sentence introduces the name at [start, end): "stated" (a verb, a naming, an
    appositive), "ours" (only "our X", which may be an earlier model of the authors), or None."""
    before, after = sentence[:start], sentence[end:]
    if new and (_NAMING.search(before) or _APPOSITIVE.match(after) or _NOVEL.search(before)):
        return "stated"
    if re.search(r"\b(?:the|a|our)\s+(?:new|novel)\s+$", before, re.I) and _NEW_FAMILY.match(after):  # known or not
        return "stated"
    for verb in _INTRO_VERB.finditer(before):
        between = before[verb.end():]
        if _CLAUSE_END.search(between):
            continue
        if (len(between.split()) <= 20) if new else bool(_ONLY_DETERMINERS.match(between)):
            return "stated"
    return "ours" if new and _OUR.search(before) else None


def find_introduced(paper: Paper, mentions: Iterable[tuple[LinkedMention, Entity]]) -> list[Entity]:
    """The models and data sets the paper itself proposes or releases."""
    introduced: dict[str, Entity] = {}
    stated: set[str] = set()
    title_name = re.match(r"^\s*([^:]{2,40}?)\s*:", paper.title)
    for item, entity in mentions:
        mention = item.mention
        if entity.type not in ("model", "dataset") or entity.id in stated:
            continue
        if mention.field == "title" and title_name and title_name.group(1).strip() == mention.text:
            introduced[entity.id] = entity  # "CheXWorld: Exploring ..."
            stated.add(entity.id)
            continue
        sentence = mention.sentence
        position = mention.start - mention.sentence_start  # this mention's place, not the name's first
        if mention.field == "title" and mention.start == 0 and mention.text == paper.title.strip():
            introduced[entity.id] = entity  # a title that is only the name, "SAM-Med2D"
            stated.add(entity.id)
        elif how := _introduced_in(sentence, position, position + len(mention.text), new=item.is_new):
            introduced[entity.id] = entity
            if how == "stated":
                stated.add(entity.id)
    # "X involves two components: A and B", "X further employs Y (Z)": the parts of the
    # paper's own model that it names for the first time are its too
    subjects = [item.mention.text for item, entity in mentions if entity.id in stated and entity.type == "model"]
    for item, entity in mentions:
        mention = item.mention
        if entity.type != "model" or not item.is_new or entity.id in introduced:
            continue
        before = mention.sentence[: mention.start - mention.sentence_start]
        if any(_PART_OF.search(before) and re.match(rf"^(?:\W*\w+\W+){{0,4}}?{re.escape(name)}\b", before) for name in subjects):
            introduced[entity.id] = entity
            stated.add(entity.id)
    # "our MedViT" in a paper that proposes MedViTV2: the shorter name is what it builds on
    names = {entity.id: entity.name for entity in introduced.values()}
    return [entity for entity in introduced.values() if entity.id in stated
            or not any(other != entity.id and _predecessor(entity.name, name) for other, name in names.items())]


def _predecessor(name: str, longer: str) -> bool:
    """True for MedViT and MedViTV2, xLSTM and xLSTM-UNet: a name that starts a longer one."""
    return len(longer) > len(name) and longer.startswith(name) and not longer[len(name)].islower()


def evidence_of(mention: Mention) -> Evidence:
    """Where the sentence of a mention is: its field and character offsets."""
    return mention.field, mention.sentence_start, mention.sentence_end


class RelationSet:
    """The relations found so far, one per (subject, predicate, object): the most confident."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, str], Relation] = {}

    def add(self, subject: str, predicate: str, target: str, confidence: float, evidence: Evidence = NO_EVIDENCE,
            source: str = "text") -> None:
        if predicate not in EDGE_TYPES:
            raise ValueError(f"{predicate!r} is not an edge type of the graph's schema (kg.graph.EDGE_TYPES)")
        key = (subject, predicate, target)
        if subject != target and (key not in self._found or self._found[key].confidence < confidence):
            self._found[key] = Relation(subject, predicate, target, round(confidence, 2), *evidence, source)

    def relations(self) -> list[Relation]:
        return list(self._found.values())


def find_relations(
    paper: Paper,
    mentions: list[tuple[LinkedMention, Entity]],
    introduced: list[Entity],
    results: list[Result],
    ontology: Ontology,
) -> list[Relation]:
    """Every relation the paper's text and the ontology support, with evidence and confidence."""
    found = RelationSet()
    add = found.add
    first_sentence: dict[str, Evidence] = {}  # the evidence of an introduction: the name's first sentence
    for item, entity in mentions:
        first_sentence.setdefault(entity.id, evidence_of(item.mention))
    for entity in introduced:
        add(paper.id, "INTRODUCES", entity.id, 0.8, first_sentence.get(entity.id, NO_EVIDENCE))
    for item, entity in mentions:
        if entity.type == "task":
            add(paper.id, "ADDRESSES", entity.id, item.score, evidence_of(item.mention))
        elif entity.type == "disease":
            add(paper.id, "STUDIES", entity.id, item.score, evidence_of(item.mention))
    _sentence_relations(mentions, add, ontology)
    _ontology_relations(mentions, ontology, add)
    return found.relations()


def with_evaluations(relations: list[Relation], evaluations: Iterable[Evaluation]) -> list[Relation]:
    """The relations and an EVALUATED_ON edge for each evaluation the paper states (the only
    source of EVALUATED_ON: naming a model and a data set in one sentence is not enough)."""
    return relations + [Relation(e.model, "EVALUATED_ON", e.dataset, 0.8, e.field, e.sentence_start, e.sentence_end)
                        for e in evaluations]


def _sentence_relations(mentions: list[tuple[LinkedMention, Entity]], add, ontology: Ontology) -> None:
    """BASED_ON and dataset facts from the sentences that name both ends."""
    by_sentence: dict[str, list[tuple[LinkedMention, Entity]]] = {}
    for item, entity in mentions:
        by_sentence.setdefault(item.mention.sentence, []).append((item, entity))
    for sentence, found in by_sentence.items():
        evidence = evidence_of(found[0][0].mention)  # a sentence written twice is its first place
        models = [(i, e) for i, e in found if e.type == "model"]
        datasets = [(i, e) for i, e in found if e.type == "dataset"]
        for model_item, model in models:
            if re.search(r"-", model_item.mention.text):
                for other_item, other in models:  # SAM-Med2D is built on SAM
                    piece = re.escape(other_item.mention.text)
                    if other.id != model.id and re.search(rf"(?:^|-){piece}(?:-|$)", model_item.mention.text):
                        add(model.id, "BASED_ON", other.id, 0.6, evidence)
            position = model_item.mention.start - model_item.mention.sentence_start
            for other_item, other in models:
                other_position = other_item.mention.start - other_item.mention.sentence_start
                if other.id != model.id and position < other_position:
                    if _BASED_ON.search(sentence[position + len(model_item.mention.text) : other_position]):
                        add(model.id, "BASED_ON", other.id, 0.6, evidence)
        _dataset_facts(sentence, datasets, found, ontology, add, evidence)


def _dataset_facts(sentence: str, datasets, found, ontology: Ontology, add, evidence: Evidence) -> None:
    """HAS_MODALITY and COVERS_ORGAN from the clause that describes a data set: each modality
    or organ goes to the data set named nearest it ("lung segmentation in LIDC and liver
    segmentation on LiTS" gives LIDC the lung only), and not across a ';'. A data set whose
    concept records its modalities (or organs) takes those from the ontology only."""
    if not datasets:
        return
    known = {item.entity_id: {name for name, _ in ontology[item.entity_id].facts} if item.entity_id in ontology.concepts else set()
             for item, _ in datasets}
    for item, entity in found:
        predicate = {"modality": "HAS_MODALITY", "organ": "COVERS_ORGAN"}.get(entity.type)
        if predicate is None:
            continue
        offset = item.mention.sentence_start
        reachable = []
        for d_item, dataset in datasets:
            left, right = sorted((item.mention, d_item.mention), key=lambda m: m.start)
            between = sentence[left.end - offset:right.start - offset]
            if ";" in between:
                continue
            # "lung segmentation in LIDC": an organ or modality is read with the data set after it
            # unless a list or another clause ("and", ",") comes between
            joined = d_item.mention.start > item.mention.start and not re.search(r",|\band\b", between)
            reachable.append((not joined, len(between), dataset))
        if not reachable:
            continue
        dataset = min(reachable, key=lambda found: found[:2])[2]
        if entity.type not in known.get(dataset.id, set()):
            add(dataset.id, predicate, entity.id, 0.4, evidence)


def _ontology_relations(mentions: list[tuple[LinkedMention, Entity]], ontology: Ontology, add) -> None:
    """BASED_ON, HAS_MODALITY, COVERS_ORGAN and FOR_TASK facts the ontology records for known entities."""
    for _, entity in mentions:
        if entity.id not in ontology.concepts:
            continue
        for name, target in ontology[entity.id].facts:
            predicate = {"based_on": "BASED_ON", "modality": "HAS_MODALITY", "organ": "COVERS_ORGAN", "task": "FOR_TASK"}.get(name)
            if predicate and (entity.type == "dataset" or predicate == "BASED_ON"):
                add(entity.id, predicate, target, 1.0, source="ontology")
