"""Names of a large outside vocabulary (the HPO's findings, `kg.phenotypes`), found by looking
up the words of the text in a table rather than by spaCy's PhraseMatcher, whose patterns would
take seconds to build for tens of thousands of names.

A name matches its words in order, in any case, joined by spaces or hyphens, with its last
word in the singular or the plural ("pleural effusions", "Pleural-Effusion").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.records import Concept

_WORD = re.compile(r"[^\W_]+")
_GAP = re.compile(r"\s{1,2}|\s?-\s?|['’]")


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    if word.endswith("is"):  # thrombosis, thromboses
        return word[:-2] + "es"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


class VocabularyIndex:
    """The names of `concepts` as tuples of lower-case words, and the most words a name
    starting with each word has."""

    def __init__(self, concepts: Iterable[Concept]):
        self.names: dict[tuple[str, ...], str] = {}
        self.longest: dict[str, int] = {}
        for concept in concepts:
            for label in concept.labels:
                words = tuple(word.lower() for word in _WORD.findall(label))
                if not words:
                    continue
                for form in (words, (*words[:-1], _plural(words[-1]))):
                    self.names.setdefault(form, concept.iri)
                    self.longest[form[0]] = max(self.longest.get(form[0], 0), len(form))

    def __len__(self) -> int:
        return len(self.names)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, concept IRI) of each name in the text, the longest at each place, left
        to right without overlaps.

        >>> from kg.records import Concept
        >>> index = VocabularyIndex([Concept("x:1", "disease", "pleural effusion"), Concept("x:2", "disease", "effusion")])
        >>> index.find("Bilateral Pleural Effusions and an effusion.")
        [(10, 27, 'x:1'), (35, 43, 'x:2')]
        """
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter whose lower case is longer: offsets would shift
            lowered = "".join(char.lower()[0] for char in text)
        words = _WORD.findall(lowered)
        starts = [i for i, word in enumerate(words) if word in self.longest]
        if not starts:
            return []
        spans = [match.span() for match in _WORD.finditer(lowered)]
        found, after = [], 0
        for index in starts:
            if index < after:
                continue
            for count in range(min(self.longest[words[index]], len(words) - index), 0, -1):
                iri = self.names.get(tuple(words[index:index + count]))
                if iri and all(_GAP.fullmatch(text, spans[i][1], spans[i + 1][0]) for i in range(index, index + count - 1)):
                    found.append((spans[index][0], spans[index + count - 1][1], iri))
                    after = index + count
                    break
        return found
