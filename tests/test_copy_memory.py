"""The COPY-memory benchmark's scaling: a build K times as large, made from a small one."""

import importlib.util
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_folder = Path(__file__).parents[1] / "benchmarks"
sys.path.insert(0, str(_folder))
_spec = importlib.util.spec_from_file_location("copy_memory", _folder / "copy_memory.py")
copy_memory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(copy_memory)

SEGMENTATION = "https://example.org/kg/task/segmentation"  # an ontology concept
COINED = "https://example.org/kg/entity/task/pathvg"  # a task the ontology lacks


def write(folder: Path, name: str, rows: dict) -> None:
    pq.write_table(pa.table(rows), folder / f"{name}.parquet")


def read(folder: Path, name: str) -> dict:
    return pq.read_table(folder / f"{name}.parquet").to_pydict()


def test_papers_and_coined_entities_are_copied_and_ontology_concepts_kept_once(tmp_path):
    write(tmp_path, "Paper", {"id": ["p1", "p2"], "title": ["A", "B"]})
    write(tmp_path, "Task", {"id": [SEGMENTATION, COINED], "name": ["segmentation", "PathVG"]})
    write(tmp_path, "MENTIONS_Paper_Task", {"from": ["p1", "p2"], "to": [SEGMENTATION, COINED], "sentence": ["s1", "s2"]})
    write(tmp_path, "BROADER_Task_Task", {"from": [SEGMENTATION], "to": [SEGMENTATION]})

    copy_memory.scale_tables(tmp_path, 3, keep={SEGMENTATION})

    papers = read(tmp_path, "Paper")
    assert sorted(papers["id"]) == ["p1", "p1~1", "p1~2", "p2", "p2~1", "p2~2"]
    assert papers["title"].count("A") == 3
    tasks = read(tmp_path, "Task")["id"]
    assert tasks.count(SEGMENTATION) == 1 and sorted(t for t in tasks if t != SEGMENTATION) == [COINED, COINED + "~1", COINED + "~2"]
    mentions = read(tmp_path, "MENTIONS_Paper_Task")
    pairs = set(zip(mentions["from"], mentions["to"]))
    assert ("p1~2", SEGMENTATION) in pairs and ("p2~2", COINED + "~2") in pairs and len(mentions["from"]) == 6
    assert read(tmp_path, "BROADER_Task_Task")["from"] == [SEGMENTATION]  # between kept concepts: once


def test_prepare_leaves_an_edge_property_off_and_splits_node_tables(tmp_path):
    pq.write_table(pa.table({"id": [f"p{i}" for i in range(6)]}), tmp_path / "Paper.parquet", row_group_size=2)
    write(tmp_path, "MENTIONS_Paper_Task", {"from": ["p1"], "to": [SEGMENTATION], "sentence": ["s1"], "surface": ["seg"]})

    copy_memory.prepare(tmp_path, {"sentence"}, node_batches=3)

    assert read(tmp_path, "MENTIONS_Paper_Task") == {"from": ["p1"], "to": [SEGMENTATION], "surface": ["seg"]}
    assert not (tmp_path / "Paper.parquet").exists()
    assert [read(tmp_path, f"Paper.{n}")["id"] for n in range(3)] == [["p0", "p1"], ["p2", "p3"], ["p4", "p5"]]
