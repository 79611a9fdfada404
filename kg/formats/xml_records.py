"""Streaming over the records of an XML file, with parse errors reported by line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from kg.records import BadInput

T = TypeVar("T")


def text_of(element: ET.Element | None) -> str:
    """All the text inside an element, inline markup included, with whitespace collapsed."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def iter_records(
    path: Path, tag: str, convert: Callable[[ET.Element, str], T]
) -> Iterator[T | BadInput]:
    """Convert each `tag` element as soon as it is complete, then free it.

    The records before a parse error are kept; the error comes last, with its line.
    """
    source = str(path)
    number = 0
    try:
        for _event, element in ET.iterparse(path, events=("end",)):
            if element.tag == tag:
                number += 1
                yield convert(element, f"record {number}")
                element.clear()
    except ET.ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        yield BadInput(source, f"malformed XML (truncated?): {message}, column {column}", f"line {line}")
