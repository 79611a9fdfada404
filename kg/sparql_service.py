"""Which SERVICE calls a SPARQL query makes, found by tokenizing it as the SPARQL grammar does.

pyoxigraph runs `SERVICE <url> { ... }` by sending the pattern to `url` over HTTP, and has no
option to turn that off, so the endpoint refuses such queries before they reach the engine.
Comments, strings and IRIs are skipped as the grammar reads them; in what is left, every word
holding "service" in any case counts as a SERVICE call (that catches `SERVICE:x`, `1SERVICE`,
`SERVICESILENT<...>` that the engine also reads as calls), except inside a variable name. A
call is allowed only when it is the plain `SERVICE [SILENT]` followed by a full IRI or a prefixed
name that expands to one of the allowed endpoints.
"""

from __future__ import annotations

import re

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_START = _BASE + "_0-9"
_NAME = _NAME_START + "\u00b7\u0300-\u036f\u203f-\u2040"
_LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r\v\f\x85\u2028\u2029]*)
  | (?P<string>'''(?:[^'\\]|\\.|'{{1,2}}(?!'))*''' | \"\"\"(?:[^"\\]|\\.|"{{1,2}}(?!"))*\"\"\"
               | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][{_NAME_START}][{_NAME}]*)
  | (?P<word>(?:[{_NAME}\-.:%]|{_LOCAL_ESCAPE})+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\\]*")
_ESCAPED = re.compile(r"\\U([0-9A-Fa-f]{8})|\\u([0-9A-Fa-f]{4})")


def _tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) of each token but spaces and comments."""
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(query) if m.lastgroup not in ("space", "comment")]


def _endpoint(token: tuple[str, str], prefixes: dict[str, str]) -> str | None:
    """The absolute IRI a full IRI or prefixed name token stands for, if it is plain enough to tell."""
    kind, text = token
    if kind == "iri":
        iri = text[1:-1]
        return iri if _ABSOLUTE.fullmatch(iri) else None
    if kind == "word" and ":" in text:
        prefix, local = text.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _refusal_in(query: str, allowed: frozenset[str]) -> str | None:
    tokens = _tokens(query)
    prefixes: dict[str, str] = {}
    for at, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        if text.lower() == "prefix" and at + 2 < len(tokens) and tokens[at + 1][1].endswith(":"):
            namespace = _endpoint(tokens[at + 2], {})
            if namespace:
                prefixes[tokens[at + 1][1][:-1]] = namespace
        if "service" not in text.lower():
            continue
        if not allowed:
            return "SERVICE (federated query) is refused: this endpoint calls no other endpoint (start kg serve with --allow-service URL to allow one)"
        following = tokens[at + 1 : at + 3]
        if following and following[0][0] == "word" and following[0][1].lower() == "silent":
            following = following[1:]
        endpoint = _endpoint(following[0], prefixes) if text.lower() == "service" and following else None
        if endpoint not in allowed:
            names = ", ".join(f"<{iri}>" for iri in sorted(allowed))
            return f"SERVICE is refused: only {names} may be called, each written as a full IRI or a prefixed name after the word SERVICE"
    return None


def service_refusal(query: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why the query may not run (it calls an endpoint not in `allowed`), or None if it may.

    The query is read both as written and with its \\u escapes expanded first (as the SPARQL
    specification has it; the engine expands them only inside strings and IRIs).
    """
    refusal = _refusal_in(query, allowed)
    if refusal is None and "\\u" in query.lower():
        expanded = _ESCAPED.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16) < 0x110000 else m.group(), query)
        refusal = _refusal_in(expanded, allowed)
    return refusal
