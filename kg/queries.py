"""The query library: named questions in `kg/data/queries/`, each a Cypher file and a SPARQL file.

The Cypher runs unchanged on the embedded store and on Neo4j where the two dialects agree;
where they do not (LadybugDB's label(r) is Neo4j's type(r)), a file NAME.neo4j.cypher holds the
Neo4j form, with the same rows.

A query file starts with a header of comment lines (`//` in Cypher, `#` in SPARQL):

    // title: Models evaluated on a dataset
    // answers: Which models were evaluated on the given data set, with the metrics reported?
    // param: dataset = BraTS (str) the data set's name
    // entity: dataset = Dataset

(`entity:` is optional: see kg.name_lookup; so are the Cypher file's `draw:` lines, which say how
`kg viz` draws the rows: see kg.visualize.query_view.) Parameters are bound by the engine, never pasted
into the text: `$dataset` in Cypher, the variable `?dataset` (or `$dataset`) in SPARQL
(pre-bound, as rdflib's initBindings; Oxigraph binds only projected variables, so a SPARQL query
selects its parameters too, and the runner drops those constant columns). Both files of a query
return the same columns, named alike, and the same rows on the same build.

A query file of one's own needs no header: it takes any parameter it uses, as text. In either
language a `$name` left without a value is an error, not a NULL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import config
from kg.records import KGError

LANGUAGES = {"cypher": ".cypher", "sparql": ".sparql"}
_CONVERT = {"str": str, "int": int, "float": float}
_HEADER = re.compile(r"^\s*(?://|#)\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*=\s*(.*?)\s*\((str|int|float)\)\s*(.*)$")
_ENTITY = re.compile(r"^(\w+)\s*=\s*(\w+)$")
# what `$name` may stand in without being a parameter: strings, comments (and IRIs in SPARQL)
_NOT_CODE = {
    "cypher": r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/",
    "sparql": r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n]*",
}
_PLACEHOLDERS = {language: re.compile(rf"{skip}|\$(\w+)", re.S) for language, skip in _NOT_CODE.items()}


def placeholders(text: str, language: str) -> list[str]:
    """The parameters a query text writes `$name`, in order, outside strings and comments.

    >>> placeholders("MATCH (d {name: $dataset}) // $not\\nRETURN '$no', $k", "cypher")
    ['dataset', 'k']
    """
    return list(dict.fromkeys(match.group(1) for match in _PLACEHOLDERS[language].finditer(text) if match.group(1)))


@dataclass
class Parameter:
    name: str
    default: Any
    type: str
    description: str = ""

    def convert(self, text: str) -> Any:
        try:
            return _CONVERT[self.type](text)
        except ValueError:
            raise KGError(f"parameter {self.name} must be {self.type}, not {text!r}") from None


@dataclass
class Query:
    name: str
    title: str = ""
    answers: str = ""
    parameters: dict[str, Parameter] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    entities: dict[str, str] = field(default_factory=dict)  # parameter -> label, from `entity:` lines
    own: bool = False  # a query file of one's own: it takes parameters its header does not declare
    # engine -> the file of a Cypher dialect (NAME.neo4j.cypher), where the portable form cannot be written
    dialects: dict[str, Path] = field(default_factory=dict)
    # how `kg viz` draws the rows (`draw:` lines of the Cypher file; see kg.visualize.query_view)
    drawings: list[str] = field(default_factory=list)

    def text(self, language: str, engine: str | None = None) -> str:
        """The query's text in `language`; for Cypher on `engine` ("neo4j"), its dialect file if
        it has one."""
        if language not in self.files:
            raise KGError(f"query {self.name!r} has no {language} version")
        if language == "cypher" and engine in self.dialects:
            return self.dialects[engine].read_text(encoding="utf-8")
        return self.files[language].read_text(encoding="utf-8")

    def bind(self, given: dict[str, str], language: str | None = None) -> dict[str, Any]:
        """The parameter values: the defaults, overridden by `given` (text, converted). With
        `language`, every `$name` of that text must have a value, and a query of one's own
        takes the undeclared parameters its text uses, as text."""
        text = self.text(language) if language else ""
        undeclared = [name for name in given if name not in self.parameters]
        unknown = [name for name in undeclared if not (self.own and text and _uses(text, language, name))]
        if unknown:
            raise KGError(f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}")
        values = {name: p.convert(given[name]) if name in given else p.default for name, p in self.parameters.items()}
        values.update((name, given[name]) for name in undeclared)
        unbound = [name for name in placeholders(text, language) if name not in values] if text else []
        if unbound:
            raise KGError(f"query {self.name!r} uses ${unbound[0]}, which has no value; give --param {unbound[0]}=VALUE")
        return values

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "answers": self.answers, "languages": sorted(self.files),
            "parameters": [{"name": p.name, "default": p.default, "type": p.type, "description": p.description}
                           for p in self.parameters.values()],
        }


def parse_header(text: str, query: Query, language: str = "cypher") -> None:
    """Read the title, answers and parameters of a query file's comment header into `query`
    (and, from a Cypher file, the `draw:` lines)."""
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.strip().startswith(("//", "#")):
                break
            continue
        key, value = match.groups()
        if key == "title":
            query.title = value.strip()
        elif key == "answers":
            query.answers = value.strip()
        elif key == "param":
            spec = _PARAM.match(value.strip())
            if not spec:
                raise KGError(f"query {query.name}: cannot read parameter line {value!r}")
            name, default, kind, description = spec.groups()
            query.parameters[name] = Parameter(name, _CONVERT[kind](default), kind, description)
        elif key == "entity":
            spec = _ENTITY.match(value.strip())
            if not spec:
                raise KGError(f"query {query.name}: cannot read entity line {value!r}; write `entity: parameter = Label`")
            query.entities[spec.group(1)] = spec.group(2)
        elif key == "draw" and language == "cypher":
            query.drawings.append(value.strip())


def load_library(folder: Path | None = None) -> dict[str, Query]:
    """Every query of the library folder, by name."""
    folder = Path(folder or config.QUERIES_DIR)
    library: dict[str, Query] = {}
    for path in sorted(folder.iterdir()):
        language = next((lang for lang, ext in LANGUAGES.items() if path.suffix == ext), None)
        if language is None:
            continue
        name, _, engine = path.stem.partition(".")
        query = library.setdefault(name, Query(name))
        if engine:
            query.dialects[engine] = path
        else:
            query.files[language] = path
            parse_header(path.read_text(encoding="utf-8"), query, language)
    return library


def query_from_file(path: Path) -> tuple[Query, str]:
    """A query read from any file; its extension says its language."""
    language = next((lang for lang, ext in LANGUAGES.items() if Path(path).suffix == ext), None)
    if language is None:
        raise KGError(f"{path}: a query file ends in .cypher or .sparql")
    query = Query(Path(path).stem, files={language: Path(path)}, own=True)
    parse_header(Path(path).read_text(encoding="utf-8"), query, language)
    return query, language


def _uses(text: str, language: str, name: str) -> bool:
    """Whether a query text uses the parameter `name`: `$name`, or in SPARQL `?name` too."""
    return name in placeholders(text, language) or (language == "sparql" and re.search(rf"\?{name}\b", text) is not None)


class EmbeddedCypher:
    """Cypher on the embedded store of a build, with one connection for all the queries of a
    command (opening the store is most of a small query's time). Call it as run_cypher."""

    def __init__(self, store: Path):
        self.store = Path(store)
        self._connection = None

    def __call__(self, text: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        from kg.stores.cypher_connection import connect, run_query

        if self._connection is None:
            self._connection = connect(self.store / "cypher")
        named = placeholders(text, "cypher")
        used = {name: value for name, value in parameters.items() if name in named}
        try:
            return run_query(self._connection, text, used)
        except RuntimeError as error:
            raise KGError(f"Cypher: {' '.join(str(error).split())[:300]}") from None


def run_cypher(store: Path, text: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a Cypher query on the embedded store of a build."""
    return EmbeddedCypher(store)(text, parameters)


def run_cypher_neo4j(text: str, parameters: dict[str, Any], *, uri: str, user: str, password: str) -> list[dict[str, Any]]:
    """Rows of a Cypher query on the Neo4j server at `uri`."""
    from neo4j.exceptions import Neo4jError

    from kg.stores.neo4j_loader import connect

    driver = connect(uri, user, password)
    try:
        records, _, keys = driver.execute_query(text, parameters)
        return [dict(zip(keys, record.values())) for record in records]
    except Neo4jError as error:
        raise KGError(f"Neo4j: {error.message}") from None
    finally:
        driver.close()


def run_sparql(store: Path, text: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a SPARQL query on the RDF store of a build, parameters pre-bound as variables."""
    import pyoxigraph

    from kg.stores.rdf_store import open_store, sparql

    substitutions = {
        pyoxigraph.Variable(name): pyoxigraph.Literal(value)
        for name, value in parameters.items()
        if _uses(text, "sparql", name)
    }
    try:
        rows = sparql(open_store(Path(store) / "rdf"), text, substitutions)
    except (SyntaxError, RuntimeError) as error:
        raise KGError(f"SPARQL: {' '.join(str(error).split())[:300]}") from None
    # Oxigraph binds only projected variables; the parameter columns are constant, so drop them
    return [{k: v for k, v in row.items() if k not in parameters} for row in rows]


def browser_guide(library: dict[str, Query]) -> str:
    """A Neo4j Browser guide (play it with `:play <url of the file>`): one slide per query of
    the library, with its `:param` lines and its Cypher, ready to run."""
    from html import escape

    slides = []
    for query in library.values():
        if "cypher" not in query.files:
            continue
        params = "".join(
            f'<pre class="pre-scrollable code runnable">:param {p.name} =&gt; {escape(repr(p.default))}</pre>\n'
            for p in query.parameters.values()
        )
        # Browser draws the graph form of a question where the library has one
        engine = "browser" if "browser" in query.dialects else "neo4j"
        body = "\n".join(line for line in query.text("cypher", engine).splitlines() if not line.lstrip().startswith("//"))
        slides.append(
            f'<slide class="row-fluid">\n<div class="col-sm-12">\n<h3>{escape(query.title)}</h3>\n'
            f"<p>{escape(query.answers)}</p>\n{params}"
            f'<pre class="pre-scrollable code runnable">{escape(body.strip())}</pre>\n</div>\n</slide>'
        )
    return (
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        '<slide class="row-fluid">\n<div class="col-sm-12">\n<h3>kg: the medical-imaging AI literature</h3>\n'
        "<p>The questions of the kg query library. Load a build first with <code>kg load neo4j --store DIR</code>.</p>\n"
        "</div>\n</slide>\n" + "\n".join(slides) + "\n</carousel>\n</article>\n"
    )
