"""The graph read back from the embedded Cypher store: the same as the GraphML export, and
enough for `kg load neo4j` and `kg viz` on a build without exports."""

import ladybug
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.stores.cypher_store import connect, cypher_counts, schema_statements
from kg.stores.exports import read_graphml
from kg.stores.graph_reader import read_graph


@pytest.fixture(scope="module")
def bare(neo4j_export_store):
    """A build of SMALL_INPUTS without the GraphML export (conftest's neo4j_export_store)."""
    assert not (neo4j_export_store / "graph.graphml").exists()
    return neo4j_export_store


def edges(graph):
    return {(a, b, k): d for a, b, k, d in graph.edges(keys=True, data=True)}


def test_the_store_gives_the_graph_the_graphml_gives(small_store):
    from_store, from_graphml = read_graph(small_store), read_graphml(small_store / "graph.graphml")
    assert dict(from_store.nodes(data=True)) == dict(from_graphml.nodes(data=True))
    assert edges(from_store) == edges(from_graphml)


class EmbeddedSession:
    """Enough of a neo4j session to run `load_build` on LadybugDB (constraints and the node
    that says which build the server holds skipped: it holds none)."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, query, **parameters):
        if not query.startswith("CREATE CONSTRAINT") and "KgLoad" not in query:
            self.connection.execute(query, parameters)
        return self

    def consume(self):
        return None

    def single(self):
        return None

    def execute_write(self, work):
        return work(self)


def test_load_neo4j_reads_the_store(bare, tmp_path, monkeypatch):
    connection = ladybug.Connection(ladybug.Database(str(tmp_path / "neo4j")))
    for statement in schema_statements():
        connection.execute(statement)
    seen = {}

    def fake_connect(uri, user, password):
        seen.update(uri=uri, user=user, password=password)
        return type("Driver", (), {"session": lambda self, database=None: EmbeddedSession(connection),
                                   "close": lambda self: None, "__enter__": lambda self: self,
                                   "__exit__": lambda self, *exc: self.close()})()

    monkeypatch.setattr("kg.stores.neo4j_loader.connect", fake_connect)
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    result = CliRunner().invoke(main, ["load", "neo4j", "--store", str(bare), "--neo4j-uri", "bolt://db:7687"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert seen == {"uri": "bolt://db:7687", "user": "neo4j", "password": "secret"}
    assert "secret" not in result.output
    assert cypher_counts(connection) == cypher_counts(connect(bare / "cypher"))


def test_viz_of_a_build_without_exports(bare, run_kg, tmp_path):
    """(`kg stats --plot` of such a build: test_visualize.py)"""
    result = run_kg("viz", "--store", bare, "--entity", "MedSAM", "-o", tmp_path / "page.html")
    assert result.exit_code == 0, result.stderr
    assert "MedSAM" in (tmp_path / "page.html").read_text()
