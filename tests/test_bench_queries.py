"""The query benchmark: each library query timed in a child process, its answer kept as a row
count and a digest so that the languages can be compared on builds of any size."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import bench_queries  # noqa: E402 (its child processes import it by name, from the same folder)


def test_each_query_is_timed_and_the_languages_compared(small_store, tmp_path):
    out = tmp_path / "queries.json"
    bench_queries.main([str(small_store), "--only", "external-ids,concepts-under", "--timeout", "60", "--out", str(out)])
    figures = json.loads(out.read_text())
    results = figures["builds"][str(small_store)]["queries"]
    assert set(results) == {"external-ids", "concepts-under"}
    for answer in results.values():
        cypher, sparql = answer["cypher"], answer["sparql"]
        assert cypher["seconds"] >= 0 and sparql["seconds"] >= 0
        assert answer["agree"] == (cypher["digest"] == sparql["digest"]) and cypher["rows"] == sparql["rows"]
    assert results["concepts-under"]["agree"] and results["concepts-under"]["cypher"]["rows"] > 0
    startup = figures["builds"][str(small_store)]["startup"]
    assert startup["wall"] > startup["python_alone"] > 0


def test_answers_that_differ_only_in_order_or_number_types_compare_equal():
    first = [{"model": "U-Net", "value": 1}, {"model": "SAM", "value": 0.5}]
    second = [{"value": 0.5, "model": "SAM"}, {"value": 1.0, "model": "U-Net"}]
    assert bench_queries._comparable(first) == bench_queries._comparable(second)
    assert bench_queries._comparable(first) != bench_queries._comparable([{"model": "U-Net", "value": 2}])
