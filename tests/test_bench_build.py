"""The build benchmark's bookkeeping: which stage of a build each memory sample falls in."""

import importlib.util
import sys
from pathlib import Path

import pyoxigraph

_folder = Path(__file__).parents[1] / "benchmarks"
sys.path.insert(0, str(_folder))
_spec = importlib.util.spec_from_file_location("bench_build", _folder / "bench_build.py")
bench_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_build)


def test_memory_peaks_fall_in_the_stage_they_were_sampled_in():
    # a build of 10 s after 2 s of start-up: ingest 1, analyze 6, rdf 1, cypher 2
    seconds = {"ingest": 1.0, "analyze": 6.0, "rdf": 1.0, "cypher": 2.0, "encode text": 4.0}
    samples = [(0.5, 100), (2.5, 200), (4.0, 900), (8.5, 300), (9.5, 700), (10.5, 1500), (11.5, 400)]
    peaks = bench_build.peaks_by_stage(samples, seconds, end=12.0)
    assert peaks == {"ingest": 200, "analyze": 900, "rdf": 700, "cypher": 1500}


def test_the_rdf_loading_of_a_build_is_timed_again_on_its_parts(tmp_path):
    build, scratch = tmp_path / "build", tmp_path / "scratch"
    (build / "rdf").mkdir(parents=True)
    scratch.mkdir()
    triples = [f"<https://example.org/p{n}> <https://example.org/title> \"Paper {n}\" .\n" for n in range(10)]
    (build / "rdf" / "graph.nt").write_text("".join(triples))
    seconds = bench_build.rdf_as_built(build, scratch, parts=3)
    assert seconds > 0
    assert len(pyoxigraph.Store.read_only(str(scratch / "as-built" / "oxigraph"))) == 10
