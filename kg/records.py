"""The records that flow between the stages of `kg`, and its small exception hierarchy.

Every stage is a function from records to records; these frozen dataclasses are the only
thing the stages share. Records refer to entities by id and to their evidence by character
offsets into the paper's text, never by name or by a copy of the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class KGError(Exception):
    """Base class of the errors `kg` reports to its user in one line."""


class BadRecord(ValueError):
    """A record with a field of the wrong type or size; the reader reports it as BadInput
    with its place."""


class BadInput(KGError):
    """A file, or one record in it, that cannot be read.

    `where` is the place inside the file ("line 12", "record 3") when it is known.
    """

    def __init__(self, path: str, message: str, where: str | None = None):
        self.path = path
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.path}, {self.where}" if self.where else self.path
        return f"{place}: {self.message}"


@dataclass(frozen=True)
class Skipped:
    """A well-formed record that is not a usable paper, such as one with no abstract."""

    path: str
    where: str | None
    reason: str

    def __str__(self) -> str:
        place = f"{self.path}, {self.where}" if self.where else self.path
        return f"{place}: {self.reason}"


@dataclass(frozen=True)
class Paper:
    """One paper: what every reader produces and every later stage consumes.

    `published` is an ISO 8601 date: "2024-10-05", "2024-10", "2024", or "--10-05" when
    the source gives a month and day without a year.
    """

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    published: str | None = None
    upvotes: int | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    pmid: str | None = None
    url: str | None = None
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The paper as a plain JSON-ready dict (tuples become lists)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["authors"] = list(self.authors)
        data["sources"] = list(self.sources)
        return data

    def text(self, field: str | None, start: int, end: int) -> str:
        """The characters `start` to `end` of the paper's `field` ("title" or "abstract"; ""
        for no field).

        >>> Paper(id="P", title="T", abstract="One. Two.").text("abstract", 5, 9)
        'Two.'
        """
        return getattr(self, field)[start:end] if field else ""


@dataclass
class IngestReport:
    """What one ingest run read, merged and skipped."""

    files: int = 0
    entries: int = 0
    merged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    bad: list[BadInput] = field(default_factory=list)
    # FIFOs, devices and sockets found in folders and left unread
    ignored: list[str] = field(default_factory=list)


ENTITY_TYPES = ("model", "dataset", "modality", "organ", "metric", "task", "disease")
# the node label of each entity type in the graph
ENTITY_LABELS = {
    "model": "Model", "dataset": "Dataset", "modality": "Modality", "organ": "Organ",
    "metric": "Metric", "task": "Task", "disease": "Disease",
    "family": "Family",  # a kind of model (foundation model, U-Net variant): a fact, never matched in text
}


@dataclass(frozen=True)
class Concept:
    """One concept of the ontology (see kg/data/ontology/README.md).

    `facts` holds the concept's links to other concepts as (property, IRI) pairs, such as
    ("organ", ".../organ/chest") for a data set or ("family", ".../family/u-net-variant").
    """

    iri: str
    type: str
    label: str
    alt_labels: tuple[str, ...] = ()
    case_sensitive_labels: tuple[str, ...] = ()
    context_labels: tuple[str, ...] = ()  # labels that count only next to an imaging word
    broader: tuple[str, ...] = ()
    external_ids: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    definition: str | None = None
    generic: bool = False
    vocabulary: str | None = None  # the outside vocabulary it comes from ("hpo"), matched by lookup

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.alt_labels, *self.case_sensitive_labels, *self.context_labels)


@dataclass(frozen=True)
class Mention:
    """A span of a paper's title or abstract that names an entity, with its provenance.

    `start` and `end` are character offsets into the field (`title` or `abstract`) it is in,
    `sentence_start` and `sentence_end` those of the sentence it is in (`sentence`).
    `concept` is the IRI the ontology matcher found, if any. For a mention that is part of an
    abbreviation definition, `short_form` and `long_form` hold both halves ("DSC", "Dice
    similarity coefficient"). `source` says which component found it: ontology, abbreviation
    (a short form used after its definition) or pattern (a coined name).
    """

    paper_id: str
    type: str
    text: str
    field: str
    start: int
    end: int
    sentence: str
    concept: str | None = None
    long_form: str | None = None
    short_form: str | None = None
    source: str = "ontology"
    sentence_start: int = 0
    sentence_end: int = 0

    @property
    def aliases(self) -> tuple[str, ...]:
        """The surface forms the mention gives its entity: its text, then its abbreviation's halves."""
        return tuple(dict.fromkeys(alias for alias in (self.text, self.long_form, self.short_form) if alias))


@dataclass(frozen=True)
class LinkedMention:
    """A mention and the entity it names: an ontology concept or a new entity minted for it."""

    mention: Mention
    entity_id: str
    name: str
    score: float
    method: str  # exact, normalized, abbreviation, fuzzy, implied (an organ a modality's name says) or new

    @property
    def is_new(self) -> bool:
        return self.method == "new"


@dataclass(frozen=True)
class Entity:
    """One distinct entity of one paper, with every surface form the paper uses for it."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "aliases": list(self.aliases)}


@dataclass(frozen=True)
class Result:
    """A number the abstract ties to a metric, with the model and data set it is for when the
    text says so. `metric`, `model` and `dataset` are entity ids; `kind` is "score" (an absolute
    value) or "improvement" (a gain); the evidence is `field`[sentence_start:sentence_end]."""

    metric: str
    value: str
    kind: str
    model: str | None = None
    dataset: str | None = None
    field: str = "abstract"
    sentence_start: int = 0
    sentence_end: int = 0

    def to_dict(self, names: dict[str, str]) -> dict[str, Any]:
        """The result as the extraction record has it, with `names` (entity id -> name)."""
        model, dataset = (names[end] if end else None for end in (self.model, self.dataset))
        return {"model": model, "dataset": dataset, "metric": names[self.metric], "value": self.value, "kind": self.kind}


@dataclass(frozen=True)
class Evaluation:
    """A model and a data set (entity ids) the text says were evaluated together, or that a
    result ties together; the evidence is `field`[sentence_start:sentence_end]."""

    model: str
    dataset: str
    field: str = "abstract"
    sentence_start: int = 0
    sentence_end: int = 0


@dataclass(frozen=True)
class Relation:
    """One edge between a paper or entity and another entity (by id), with its evidence.

    `predicate` is one of the edge types of `kg.graph.EDGE_TYPES`; `source` is "text" (found in the sentence
    `field`[sentence_start:sentence_end] of the paper) or "ontology" (a fact of the ontology,
    with no `field`).
    """

    subject: str
    predicate: str
    object: str
    confidence: float
    field: str | None = None
    sentence_start: int = 0
    sentence_end: int = 0
    source: str = "text"

    def to_dict(self, paper: Paper) -> dict[str, Any]:
        """The relation as the extraction record has it, its sentence taken from `paper`."""
        sentence = paper.text(self.field, self.sentence_start, self.sentence_end)
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                "confidence": self.confidence, "sentence": sentence, "source": self.source}


@dataclass(frozen=True)
class Section:
    """One section of a structured abstract: its kind (background, objective, methods,
    results, conclusion or other), where its heading starts, where its text starts after the
    heading, and where it ends, as offsets into the abstract."""

    kind: str
    start: int
    body_start: int
    end: int

    def to_dict(self, paper: Paper) -> dict[str, Any]:
        heading = paper.abstract[self.start:self.body_start].strip().rstrip(":.-–—").strip()
        return {"kind": self.kind, "heading": heading, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class PaperAnalysis:
    """One paper analyzed: its linked mentions, the entities it reports (in order of first
    mention), the ids of those it introduces, its results and its relations, each model's and
    data set's role (entity id, role) and the evaluations it states."""

    paper: Paper
    linked: tuple[LinkedMention, ...]
    entities: tuple[Entity, ...]
    introduced: tuple[str, ...]
    results: tuple[Result, ...]
    relations: tuple[Relation, ...]
    roles: tuple[tuple[str, str], ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    # (entity id, field, start) of the mention that shows each model's and data set's role
    role_places: tuple[tuple[str, str, int], ...] = ()
    sections: tuple[Section, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The paper's extraction record, in the format of the annotation guidelines, with
        its relations besides (one line of `kg extract` output)."""
        names = {entity.id: entity.name for entity in self.entities}
        types = {kind: {entity.id for entity in self.entities if entity.type == kind} for kind in ("model", "dataset")}
        entities: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ENTITY_TYPES}
        for entity in self.entities:
            entities[entity.type].append(entity.to_dict())
        return {
            "id": self.paper.id,
            "title": self.paper.title,
            "abstract": self.paper.abstract,
            "entities": entities,
            "introduced": [names[iri] for iri in self.introduced],
            "results": [result.to_dict(names) for result in self.results],
            "roles": {
                "datasets": {names[iri]: role for iri, role in self.roles if iri in names and iri in types["dataset"]},
                "models": {names[iri]: role for iri, role in self.roles if iri in names and iri in types["model"]},
            },
            "evaluations": [{"model": names[e.model], "dataset": names[e.dataset]} for e in self.evaluations
                            if e.model in names and e.dataset in names],
            "relations": [relation.to_dict(self.paper) for relation in self.relations],
            "sections": [section.to_dict(self.paper) for section in self.sections],
        }

