"""A build at scale: papers stream through in chunks, worker processes and a Dask cluster give
the same stores as one process, and few chunks are ever in flight.

The check with a Dask cluster of worker processes starts a spaCy pipeline in each
process, which takes half a minute: it runs with `pytest --slow`."""

from pathlib import Path

import pyoxigraph
import pytest

from conftest import FIXTURES, SMALL_INPUTS
from kg import config
from kg.build import build
from kg.executors import run_in_order
from kg.ingest import PaperSet, PaperSpool, read_papers
from kg.stores.cypher_store import connect, run_query

INPUTS = SMALL_INPUTS
# a worker process makes its own analyzer: with the tests' small ontology, in a tenth of the time
ONTOLOGY = FIXTURES / "ontology"


def exports(folder: Path) -> dict[str, bytes]:
    """Every file of a build but the two databases and the index, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "cypher" not in p.parts and "oxigraph" not in p.parts and p.name != "index.sqlite"}


def store_contents(folder: Path) -> tuple[list, list]:
    """What the two databases hold: every Cypher edge with its ends, every RDF triple."""
    edges = run_query(connect(folder / "cypher"),
                      "MATCH (a)-[r]->(b) RETURN a.id AS source, label(r) AS kind, b.id AS target, b.name AS name ORDER BY source, kind, target")
    store = pyoxigraph.Store.read_only(str(folder / "rdf" / "oxigraph"))
    triples = sorted(str(quad.triple) for quad in store)
    return edges, triples


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "graph"
    build(INPUTS, out, chunk_size=2, ontology_dir=ONTOLOGY)
    return out


def test_worker_processes_change_nothing(one_process, tmp_path):
    on_workers, sizes = tmp_path / "workers", []
    build(INPUTS, on_workers, chunk_size=2, jobs=2, on_chunk=sizes.append, ontology_dir=ONTOLOGY)
    assert sizes == [2, 2, 2, 1]
    assert exports(on_workers) == exports(one_process)
    assert store_contents(on_workers) == store_contents(one_process)
    assert len(store_contents(one_process)[0]) > 30


def test_a_dask_cluster_in_one_chunk_builds_the_same_stores(one_process, tmp_path):
    """Through a scheduler to a worker thread of this process (which has spaCy loaded already),
    and in one chunk where one_process had four: neither changes anything."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        report = build(INPUTS, tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address,
                       ontology_dir=ONTOLOGY)
    assert report.papers == 7
    assert exports(tmp_path / "dask") == exports(one_process)
    assert store_contents(tmp_path / "dask") == store_contents(one_process)


@pytest.mark.slow
def test_a_dask_cluster_of_worker_processes_builds_the_same_stores(one_process, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        report = build(INPUTS, tmp_path / "dask", chunk_size=2, executor="dask", scheduler=cluster.scheduler_address,
                       ontology_dir=ONTOLOGY)
    assert report.papers == 7
    assert exports(tmp_path / "dask") == exports(one_process)
    assert store_contents(tmp_path / "dask") == store_contents(one_process)


def test_bulk_outputs_are_merged_from_their_parts(one_process):
    csv = (one_process / "neo4j" / "nodes_Paper.csv").read_text().splitlines()
    assert csv[0].startswith("id:ID,") and len(csv) == 1 + 7  # one header, then every part's rows
    assert not (one_process / ".parts").exists() and not list(one_process.glob(".papers*"))
    triples = (one_process / "rdf" / "graph.nt").read_bytes().splitlines()
    assert len(triples) == len(set(triples)) > 300  # parts do not repeat what another part holds


def test_few_chunks_are_in_flight():
    pulled = []

    def chunks():
        for number in range(20):
            pulled.append(number)
            yield number

    results = run_in_order(abs, chunks(), jobs=2)
    assert next(results) == 0 and len(pulled) <= 4  # a window of two per worker, not the whole input
    assert list(results) == list(range(1, 20))


def test_the_spool_holds_the_papers_a_set_holds(seeds, tmp_path):
    in_memory, on_disk = PaperSet(), PaperSpool(tmp_path / "papers.sqlite")
    report = read_papers([seeds], on_disk)
    read_papers([seeds], in_memory)
    assert report.merged > 0 and len(on_disk) == len(in_memory)
    assert list(on_disk) == sorted(in_memory, key=lambda paper: paper.id)


def test_the_build_command_shows_a_progress_bar_with_rate_and_eta(run_kg, tmp_path):
    # the bar counts the papers of each chunk as it comes back, from this process or a worker
    # (test_worker_processes_change_nothing checks what workers send back)
    result = run_kg("build", *INPUTS, "--out", tmp_path / "graph", "--progress")
    assert result.exit_code == 0, result.stderr
    bar = result.stderr.replace("\r", "\n")
    assert "7/7" in bar and "papers/s" in bar and "<00:00" in bar


@pytest.mark.parametrize("args, message", [
    (["--executor", "dask"], "--executor dask needs --scheduler ADDRESS"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is for --executor dask"),
    (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
])
def test_dask_settings_that_cannot_work_are_one_clear_line(run_kg, tmp_path, args, message, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(config, "DASK_CONNECT_SECONDS", 0.5)  # nothing listens there: do not wait 5 s
    result = run_kg("build", *INPUTS, "--out", tmp_path / "graph", *args)
    assert result.exit_code in (1, 2) and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "graph").exists() and list(tmp_path.iterdir()) == []


def test_exports_can_be_left_out(neo4j_export_store, run_kg, tmp_path):
    """(conftest's neo4j_export_store is `kg build SMALL_INPUTS --exports neo4j`)"""
    assert sorted(p.name for p in neo4j_export_store.iterdir()) == [
        "cypher", "extraction.jsonl", "index.sqlite", "manifest.json", "neo4j", "papers.jsonl", "rdf"]
    assert sorted(p.name for p in (neo4j_export_store / "rdf").iterdir()) == ["oxigraph"]
    assert run_kg("stats", "--store", neo4j_export_store).exit_code == 0
    wrong = run_kg("build", *INPUTS, "--out", tmp_path / "other", "--exports", "ttl,pdf")
    assert wrong.exit_code == 2 and "unknown export 'pdf'" in wrong.stderr
