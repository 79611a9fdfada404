"""Entity names as people type them: a query parameter that names an entity (`dataset=brats`,
`model=nnunet`) is looked up among the names and aliases the Cypher store holds, ignoring case,
spaces and hyphens, and bound to the entity's canonical name, so that Cypher and SPARQL get the
same value. A query's own hierarchy (BROADER*0..6 in the text) then takes in the narrower
entities. A name that matches none is an error suggesting the closest names.

Which parameters name entities: a header line `entity: NAME = LABEL` (`any` for an entity of
any label, `none` for a parameter that names none), else the convention of `CONVENTION`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from kg.records import ENTITY_LABELS, KGError

LABELS = tuple(sorted(ENTITY_LABELS.values()))
ANY = "any"
# parameter name -> the label of the entity it names by default
CONVENTION = {label.lower(): label for label in LABELS} | {"concept": ANY, "name": ANY}
SUGGESTIONS = 3
CLOSENESS = 0.5  # difflib ratio of the normal forms, at least

# rows of a Cypher query (text, parameters) on the store names are looked up in
Fetch = Callable[[str, dict[str, Any]], list[dict[str, Any]]]


def name_key(text: str) -> str:
    """The form typed and stored names are compared in: case folded, without spaces,
    hyphens, dashes or underscores.

    >>> name_key("nnU-Net") == name_key("NNUNET"), name_key(" BraTS 2021 ")
    (True, 'brats2021')
    """
    return re.sub(r"[\s\-\u2010-\u2015_]+", "", text.casefold())


def entity_label(query, parameter: str) -> str | None:
    """The label of the entity `parameter` names (`ANY` for any label), or None."""
    label = query.entities.get(parameter, CONVENTION.get(parameter, "none"))
    if label == "none":
        return None
    if label != ANY and label not in LABELS:
        raise KGError(f"query {query.name}: entity {parameter} = {label}: the type is one of {', '.join(LABELS)}, any or none")
    return label


def resolve_names(query, values: dict[str, Any], given: dict[str, str], fetch: Fetch) -> dict[str, Any]:
    """`values` with each given parameter that names an entity set to the canonical name."""
    resolved = dict(values)
    for parameter in given:
        label = entity_label(query, parameter)
        if label and isinstance(values.get(parameter), str):
            resolved[parameter] = canonical_name(fetch, label, values[parameter])
    return resolved


def canonical_name(fetch: Fetch, label: str, typed: str) -> str:
    """The name of the entity of `label` that `typed` names: the name itself, else the one
    name or alias whose normal form is the same (names before aliases)."""
    pattern = "|".join(LABELS if label == ANY else (label,))
    if fetch(f"MATCH (n:{pattern}) WHERE n.name = $name RETURN n.name AS name LIMIT 1", {"name": typed}):
        return typed
    entries = [(row["name"], row["aliases"] or [])
               for row in fetch(f"MATCH (n:{pattern}) RETURN n.name AS name, n.aliases AS aliases", {}) if row["name"]]
    noun = "entity" if label == ANY else label.lower()
    key = name_key(typed)
    for matches in (lambda name, aliases: name_key(name) == key,
                    lambda name, aliases: any(name_key(alias) == key for alias in aliases)):
        found = sorted({name for name, aliases in entries if matches(name, aliases)})
        if len(found) == 1:
            return found[0]
        if found:
            raise KGError(f"{typed!r} could be the {noun} {' or '.join(found)}; give one of these names")
    close = suggestions(key, entries)
    raise KGError(f"no {noun} named {typed!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))


def suggestions(key: str, entries: list[tuple[str, list[str]]]) -> list[str]:
    """Up to SUGGESTIONS names whose name or alias is closest to `key` in normal form."""
    names_of: dict[str, set[str]] = {}
    for name, aliases in entries:
        for text in (name, *aliases):
            names_of.setdefault(name_key(text), set()).add(name)
    close = difflib.get_close_matches(key, list(names_of), n=len(names_of), cutoff=CLOSENESS)
    found = [name for match in close for name in sorted(names_of[match])]
    return list(dict.fromkeys(found))[:SUGGESTIONS]
