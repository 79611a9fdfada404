"""Entities each once: the one place where the copies of an entity (from several mentions, or
several papers) are merged, and the table of distinct entities `kg extract --entities` writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from kg import config
from kg.records import Entity, PaperAnalysis


class EntitySet:
    """Entities by id, each once: the first copy's type and name are kept, and the aliases of
    every copy gathered in the order they come.

    >>> entities = EntitySet([Entity("x", "model", "X", ("X",)), Entity("x", "model", "Y", ("X-1", "X"))])
    >>> entities["x"]
    Entity(id='x', type='model', name='X', aliases=('X', 'X-1'))
    """

    def __init__(self, entities: Iterable[Entity] = ()):
        self._first: dict[str, Entity] = {}
        self._aliases: dict[str, dict[str, None]] = {}
        for entity in entities:
            self.add(entity)

    def add(self, entity: Entity) -> None:
        """Add an entity, or merge its aliases into the one of its id."""
        if entity.id not in self._first:
            self._first[entity.id] = entity
            self._aliases[entity.id] = {}
        self._aliases[entity.id].update(dict.fromkeys(entity.aliases))

    def __contains__(self, iri: str) -> bool:
        return iri in self._first

    def __getitem__(self, iri: str) -> Entity:
        return replace(self._first[iri], aliases=tuple(self._aliases[iri]))

    def type_of(self, iri: str) -> str:
        """The entity's type, without merging its aliases into a new Entity."""
        return self._first[iri].type

    def ids(self) -> Iterable[str]:
        """The ids, in the order they first came."""
        return self._first.keys()

    def __iter__(self) -> Iterator[Entity]:
        """The entities in the order they first came."""
        return map(self.__getitem__, self._first)

    def __len__(self) -> int:
        return len(self._first)


class EntityTable:
    """Every distinct entity across papers, with the papers that mention it: the same new name
    in several papers is one row."""

    def __init__(self) -> None:
        self.entities = EntitySet()
        self.papers: dict[str, list[str]] = {}

    def add(self, analysis: PaperAnalysis) -> None:
        """Add the entities one paper reports."""
        for entity in analysis.entities:
            self.entities.add(entity)
            papers = self.papers.setdefault(entity.id, [])
            if analysis.paper.id not in papers:
                papers.append(analysis.paper.id)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """One row per entity: by type, then the most mentioned first, then by name."""
        rows = [{
            "id": entity.id, "type": entity.type, "name": entity.name,
            "new": entity.id.startswith(config.NEW_ENTITY_NAMESPACE), "aliases": list(entity.aliases),
            "papers": self.papers[entity.id],
        } for entity in self.entities]
        return iter(sorted(rows, key=lambda row: (row["type"], -len(row["papers"]), row["name"].lower())))
