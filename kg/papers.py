"""Paper identity: normalized ids and titles, `make_paper` and the checks of its fields, the
keys under which two copies of one paper are recognised, and merging them (`kg.paper_sets`
keeps each paper once).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

from kg import config
from kg.records import BadRecord, Paper
from kg.text import normalize_title, plain_text


def title_key(title: str) -> str:
    """A stable id for a paper known only by its title: 16 hex digits of its normalized form."""
    return hashlib.sha1(normalize_title(title).encode()).hexdigest()[:16]


def normalize_doi(doi: str | None) -> str | None:
    """Lower-case a DOI and strip any resolver prefix; None when there is no DOI in it."""
    if not doi:
        return None
    match = re.search(r"10\.\d{4,9}/\S+", doi.strip())
    return match.group(0).rstrip(".").lower() if match else None


def normalize_arxiv_id(value: str | None) -> str | None:
    """The arXiv id without URL or version: "http://arxiv.org/abs/2401.01234v2" -> "2401.01234"."""
    if not value:
        return None
    value = value.strip()
    match = re.search(r"(\d{4}\.\d{4,5})(v\d+)?", value) or re.search(
        r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", value
    )
    return match.group(1) if match else None


def paper_id(
    *, doi: str | None = None, arxiv_id: str | None = None, pmid: str | None = None, title: str = ""
) -> str:
    """The stable id of a paper: DOI, else arXiv id, else PMID, else a hash of the title.

    >>> paper_id(doi="10.1/X", arxiv_id="2401.00001")
    'doi:10.1/x'
    >>> paper_id(title="A Title")
    'title:46a939301ca2b16d'
    """
    if doi:
        return f"doi:{doi.lower()}"
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    if pmid:
        return f"pmid:{pmid}"
    return f"title:{title_key(title)}"


# Characters no field may hold: controls other than tab and newline, lone surrogates (a
# broken "\\ud800" escape, which cannot be written as UTF-8) and the XML non-characters.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?)?)?|--([0-9]{2})-([0-9]{2})")
MAX_COUNT = 2**31 - 1


def _text(name: str, value: Any, limit: int = config.MAX_FIELD_CHARS, *, number_ok: bool = False) -> str | None:
    """`value` checked to be text of at most `limit` characters with no control character;
    a whole number is taken as its digits when `number_ok`."""
    if value is None:
        return None
    if number_ok and type(value) is int:
        value = str(value)
    if not isinstance(value, str):
        raise BadRecord(f"field {name!r} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise BadRecord(f"field {name!r} is longer than {limit} characters")
    if match := _BAD_CHAR.search(value):
        char = ord(match.group())
        kind = "a lone surrogate (a broken \\u escape?)" if 0xD800 <= char <= 0xDFFF else "a control character"
        raise BadRecord(f"field {name!r} holds {kind}, U+{char:04X}")
    return value


def _prose(name: str, value: Any, limit: int) -> str:
    """A title or abstract: plain text (LaTeX turned into characters, see `plain_text`) with
    its whitespace runs made single spaces."""
    if not isinstance(value, str):
        raise BadRecord(f"field {name!r} must be text, not {type(value).__name__}")
    if len(value) > 2 * limit:  # too long whatever its whitespace; not worth splitting
        raise BadRecord(f"field {name!r} is longer than {limit} characters")
    return _text(name, " ".join(plain_text(value).split()), limit) or ""


def _count(name: str, value: Any) -> int | None:
    """A whole number from 0 to MAX_COUNT, or None."""
    if value is None:
        return None
    if type(value) is not int:
        raise BadRecord(f"field {name!r} must be a whole number, not {type(value).__name__}")
    if not 0 <= value <= MAX_COUNT:
        shown = value if abs(value) < 10**30 else ("a huge number" if value > 0 else "a huge negative number")
        raise BadRecord(f"field {name!r} must be from 0 to {MAX_COUNT}, not {shown}")
    return value


def _names(name: str, value: Any) -> tuple[str, ...]:
    """A list of names (authors, sources), each checked as text."""
    if value is None:
        return ()
    if not isinstance(value, (tuple, list)):
        raise BadRecord(f"field {name!r} must be a list of names, not {type(value).__name__}")
    if len(value) > config.MAX_AUTHORS:
        raise BadRecord(f"field {name!r} has more than {config.MAX_AUTHORS} names")
    if any(not isinstance(item, str) for item in value):
        kind = next(type(item).__name__ for item in value if not isinstance(item, str))
        raise BadRecord(f"field {name!r} must be a list of names, not of {kind}")
    return tuple(_text(name, item) for item in value)  # type: ignore[misc]


def check_date(value: Any) -> str | None:
    """An ISO 8601 date ("2024-10-05", "2024-10", "2024" or "--10-05"), its time of day dropped.

    >>> check_date("2024-10-05T12:00:00Z"), check_date(2024)
    ('2024-10-05', '2024')
    """
    text = _text("published", value, 64, number_ok=True)
    if text is None or not text.strip():
        return None
    match = _ISO_DATE.fullmatch(text.strip())
    month, day = (match[4], match[5]) if match and match[4] else (match[2], match[3]) if match else (None, None)
    if not match or (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        raise BadRecord(f"field 'published' is not a date (YYYY-MM-DD, YYYY-MM or YYYY): {text[:40]!r}")
    return f"--{month}-{day}" if match[4] else "-".join(part for part in match.group(1, 2, 3) if part)


def make_paper(
    *,
    title: str,
    abstract: str,
    given_id: str | int | None = None,
    doi: str | None = None,
    arxiv_id: str | None = None,
    pmid: str | int | None = None,
    authors: tuple[str, ...] | list[str] = (),
    author_count: int | None = None,
    published: str | int | None = None,
    upvotes: int | None = None,
    url: str | None = None,
    sources: tuple[str, ...] | list[str] = (),
) -> Paper:
    """Build a Paper with clean whitespace, normalized ids, and its stable id.

    Every field is checked: BadRecord names the first one of the wrong type or size, such as
    a DOI that is a number, a lone surrogate in the text or an abstract of a million
    characters, so that one broken record is reported rather than failing a later stage.
    """
    title = _prose("title", title, config.MAX_TITLE_CHARS)
    abstract = _prose("abstract", abstract, config.MAX_ABSTRACT_CHARS)
    doi = normalize_doi(_text("doi", doi))
    arxiv_id = normalize_arxiv_id(_text("arxiv_id", arxiv_id))
    pmid = (_text("pmid", pmid, number_ok=True) or "").strip() or None
    given_id = (_text("id", given_id, number_ok=True) or "").strip() or None
    pid = given_id or paper_id(doi=doi, arxiv_id=arxiv_id, pmid=pmid, title=title)
    return Paper(
        id=pid, title=title, abstract=abstract, doi=doi, arxiv_id=arxiv_id, pmid=pmid,
        authors=_names("authors", authors), author_count=_count("author_count", author_count),
        published=check_date(published), upvotes=_count("upvotes", upvotes),
        url=(_text("url", url) or "").strip() or None, sources=_names("sources", sources),
    )


def _has_given_id(paper: Paper) -> bool:
    """True when the paper's id came from its source rather than from its own fields."""
    return paper.id != paper_id(doi=paper.doi, arxiv_id=paper.arxiv_id, pmid=paper.pmid, title=paper.title)


def given_id(paper: Paper) -> str | None:
    """The id the paper's source gave it, if it had one."""
    return paper.id if _has_given_id(paper) else None


def identity_keys(paper: Paper) -> list[str]:
    """Every key under which another copy of this paper could be recognised; the title key
    comes last, and matches only a copy that `may_merge_by_title` allows."""
    title = f"title:{title_key(paper.title)}"  # hashed once: it is also the id of a paper with no other
    derived = paper_id(doi=paper.doi, arxiv_id=paper.arxiv_id, pmid=paper.pmid) if (
        paper.doi or paper.arxiv_id or paper.pmid) else title
    keys = [f"id:{paper.id}"] * (paper.id != derived)  # else the id is one of the keys below
    keys += [f"doi:{paper.doi}"] * bool(paper.doi)
    keys += [f"arxiv:{paper.arxiv_id}"] * bool(paper.arxiv_id)
    keys += [f"pmid:{paper.pmid}"] * bool(paper.pmid)
    return keys + [title]


def may_merge_by_title(first: Paper, second: Paper) -> bool:
    """Whether two papers of the same title are one: not when their sources gave them two
    different ids (a corpus may hold two papers of one title)."""
    ids = {given_id(first), given_id(second)} - {None}
    return len(ids) <= 1


def _date_precision(value: str | None) -> int:
    if not value:
        return 0
    return 3 if len(value) == 10 else 2 if len(value) == 7 else 1


def merge_papers(first: Paper, second: Paper) -> Paper:
    """One paper from two copies of it; every field either copy had is kept.

    Where both have a value, the first copy's id and text win, except that the longer abstract,
    the fuller author list, the more precise date and the higher upvote count are kept.
    """
    authors = first.authors if len(first.authors) >= len(second.authors) else second.authors
    counts = [n for n in (first.author_count, second.author_count, len(authors) or None) if n]
    dates = sorted((first.published, second.published), key=_date_precision, reverse=True)
    upvotes = [n for n in (first.upvotes, second.upvotes) if n is not None]
    merged = {
        name: getattr(first, name) or getattr(second, name)
        for name in ("title", "doi", "arxiv_id", "pmid", "url")
    }
    if _has_given_id(first):
        pid = first.id
    elif _has_given_id(second):
        pid = second.id
    else:
        pid = paper_id(doi=merged["doi"], arxiv_id=merged["arxiv_id"], pmid=merged["pmid"], title=merged["title"])
    return replace(
        first,
        **merged,
        id=pid,
        abstract=max(first.abstract, second.abstract, key=len),
        authors=authors,
        author_count=max(counts) if counts else None,
        published=dates[0],
        upvotes=max(upvotes) if upvotes else None,
        sources=tuple(dict.fromkeys(first.sources + second.sources)),
    )
