"""Updating a build (kg/build.py): building into a build analyzes only the papers that are new
or changed, writes only the units of the graph they change, and gives the same build as one
made from all the papers at once: the same text files byte for byte, the same counts and the
same answer to every library question in both languages (kg/build_compare.py)."""

import json
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import CORPUS, build_with_cli, read_jsonl
from kg.build import build
from kg.build_compare import differences
from kg.stores.cypher_store import connect, run_query

PAPERS = read_jsonl(CORPUS)
CHANGED = "C03"  # in the first file
# a sentence added to one paper's abstract (the longer abstract of two copies is kept)
ADDED = " We also evaluate it on the LIDC-IDRI data set of lung CT scans."


def write(path, papers):
    path.write_text("".join(json.dumps(paper) + "\n" for paper in papers), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus in two files (every other paper, and the rest: the new papers' units fall
    between the old ones), a copy of one paper with a longer abstract, and full builds: of all
    the papers, and of all with that abstract."""
    folder = tmp_path_factory.mktemp("update")
    first, second = write(folder / "first.jsonl", PAPERS[0::2]), write(folder / "second.jsonl", PAPERS[1::2])
    paper = next(p for p in PAPERS if p["id"] == CHANGED)
    changed = write(folder / "changed.jsonl", [{**paper, "abstract": paper["abstract"] + ADDED}])
    full = build_with_cli([first, second], folder / "full")
    full_changed = build_with_cli([first, second, changed], folder / "full-changed")
    return {"first": first, "second": second, "changed": changed, "full": full, "full_changed": full_changed}


@pytest.fixture
def half(corpus, tmp_path):
    """A build of the first file only, made once and copied for each test."""
    base = corpus["first"].parent / "half"
    if not base.exists():
        build([corpus["first"]], base)
    shutil.copytree(base, tmp_path / "graph")
    return tmp_path / "graph"


def test_an_update_equals_a_full_build_of_all_the_papers(corpus, half):
    report = build([corpus["second"]], half)
    assert report.updated and report.analyzed == 14 and report.added == 14 and report.papers == 29
    assert differences(corpus["full"], half) == []


def test_the_comparison_sees_a_build_that_differs(corpus, half):
    found = differences(corpus["full"], half)
    assert "papers.jsonl: the bytes differ" in found and "the Cypher store's counts differ" in found
    assert any(line.startswith("query ") and "(SPARQL)" in line for line in found)


def test_building_the_same_papers_again_changes_nothing(corpus, half):
    build([corpus["second"]], half)
    before = {path: path.read_bytes() for path in half.rglob("*.jsonl")}
    report = build([corpus["first"], corpus["second"]], half)
    assert report.updated and report.analyzed == 0 and report.units == 0 and report.added == 0
    assert {path: path.read_bytes() for path in half.rglob("*.jsonl")} == before
    assert differences(corpus["full"], half) == []


def edges_of_papers(store):
    """Every edge leaving a paper or its results, with its properties, by paper id."""
    rows = run_query(connect(store / "cypher"), "MATCH (p:Paper)-[r]->(x) RETURN p.id AS paper, label(r) AS type, x.id AS target, r AS r")
    rows += run_query(connect(store / "cypher"), "MATCH (p:Paper)-[:REPORTS]->(s:Result)-[r]->(x) "
                                                  "RETURN p.id AS paper, label(r) AS type, x.id AS target, r AS r")
    edges = {}
    for row in rows:
        properties = tuple(sorted((k, v) for k, v in row["r"].items() if not k.startswith("_")))
        edges.setdefault(row["paper"], set()).add((row["type"], row["target"], properties))
    return edges


def test_a_changed_abstract_replaces_its_papers_mentions_and_edges_and_no_other(corpus, half):
    build([corpus["second"]], half)
    before = edges_of_papers(half)
    report = build([corpus["changed"]], half)
    assert report.updated and report.analyzed == 1 and report.added == 0
    after = edges_of_papers(half)
    assert {paper: edges for paper, edges in after.items() if paper != CHANGED} == \
           {paper: edges for paper, edges in before.items() if paper != CHANGED}
    new = after[CHANGED] - before[CHANGED]
    assert any(kind == "MENTIONS" and "lidc" in target.lower() for kind, target, _ in new)
    # the mentions kept point into the new abstract (the same offsets here: the text was appended)
    abstract = run_query(connect(half / "cypher"), "MATCH (p:Paper {id: $id}) RETURN p.abstract AS a", {"id": CHANGED})
    assert abstract[0]["a"].endswith(ADDED)
    assert differences(corpus["full_changed"], half) == []


def test_new_metadata_alone_is_written_without_analyzing_again(corpus, half, tmp_path):
    paper = next(p for p in PAPERS if p["id"] == "C01")
    more = write(tmp_path / "upvotes.jsonl", [{**paper, "upvotes": 42}])
    report = build([more], half)
    assert report.updated and report.analyzed == 0 and report.units == 1
    upvotes = run_query(connect(half / "cypher"), "MATCH (p:Paper {id: 'C01'}) RETURN p.upvotes AS n")
    assert upvotes == [{"n": 42}]
    build([corpus["first"], more], tmp_path / "full")
    assert differences(tmp_path / "full", half) == []


def test_a_new_extractor_version_analyzes_every_paper_again(corpus, half, monkeypatch):
    import kg.build_index

    monkeypatch.setattr(kg.build_index, "__version__", "99.0.0")
    notes = []
    report = build([corpus["second"]], half, on_note=notes.append)
    assert not report.updated and report.analyzed == 29
    assert notes and "extractor changed" in notes[0] and "kg 99.0.0" in notes[0]
    assert differences(corpus["full"], half) == []
    # and the next update, with the same version, is an update again
    assert build([corpus["changed"]], half).updated


def test_other_exports_build_every_file_again_but_keep_the_analyses(corpus, tmp_path):
    graph = build_with_cli([corpus["first"]], tmp_path / "graph", "--exports", "nt")
    assert not (graph / "graph.graphml").exists()
    notes = []
    report = build([corpus["second"]], graph, on_note=notes.append)
    assert not report.updated and report.analyzed == 14 and "exports" in notes[0]
    assert differences(corpus["full"], graph) == []


def run_update(graph, paper_file):
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(paper_file), "--out", str(graph), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_an_update_killed_at_any_point_leaves_the_old_build_and_the_next_run_completes_it(corpus, half, tmp_path):
    pristine = tmp_path / "pristine"
    shutil.copytree(half, pristine)
    start = time.perf_counter()
    assert run_update(half, corpus["second"]).wait() == 0
    duration = time.perf_counter() - start
    assert differences(corpus["full"], half) == []
    chance = random.Random(21)
    for fraction in sorted(chance.uniform(0.05, 0.98) for _ in range(4)):
        shutil.rmtree(half)
        shutil.copytree(pristine, half)
        update = run_update(half, corpus["second"])
        time.sleep(duration * fraction)
        update.send_signal(signal.SIGKILL)
        update.wait()
        assert differences(pristine, half) == [] or differences(corpus["full"], half) == [], fraction
    assert run_update(half, corpus["second"]).wait() == 0
    assert differences(corpus["full"], half) == []
    assert [path.name for path in half.parent.iterdir() if path.name.startswith(".graph.")] == []


def test_the_extractor_key_covers_source_that_exists_and_changes_with_the_ontology():
    from kg.build_index import EXTRACTOR_SOURCE, extractor_key
    from kg.ontology import Ontology, load_ontology
    from pathlib import Path

    import kg

    package = Path(kg.__file__).parent
    assert all((package / name).exists() for name in EXTRACTOR_SOURCE)
    shipped = load_ontology()
    fewer = Ontology(list(shipped.concepts.values())[1:])
    assert extractor_key(shipped) == extractor_key(load_ontology()) != extractor_key(fewer)


def test_a_file_changed_by_hand_has_every_file_written_again(corpus, half):
    with open(half / "rdf" / "graph.nt", "a", encoding="utf-8") as nt:
        nt.write("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    notes = []
    report = build([corpus["second"]], half, on_note=notes.append)
    assert not report.updated and report.analyzed == 14  # the kept analyses still serve
    assert notes and "changed after it was built" in notes[0]
    assert differences(corpus["full"], half) == []
