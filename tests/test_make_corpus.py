"""The benchmark corpus generator: papers `kg` reads, the same for the same seed, and a
vocabulary of names that grows with the corpus and is Zipf-like."""

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from kg.ingest import ingest

_spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).parents[1] / "benchmarks" / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)


@pytest.fixture(scope="module")
def papers(request):
    seeds = make_corpus.SEEDS
    if not seeds.is_dir():
        pytest.skip("the shared seed pages are not beside this checkout")
    stats = {}
    return list(make_corpus.generate_papers(2000, seeds, seed=1, stats=stats)), stats


def test_the_corpus_is_papers_kg_reads(tmp_path, papers):
    path = tmp_path / "corpus.jsonl"
    make_corpus.main(["--papers", "300", "--out", str(path), "--seed", "1"])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["id"] for line in lines] == [paper["id"] for paper in papers[0][:300]]
    read, report = ingest([path])
    assert len(read) == 300 and report.merged == 0 and all(p.title and len(p.abstract) > 300 for p in read)


def test_the_same_seed_gives_the_same_corpus(papers):
    again = list(make_corpus.generate_papers(50, make_corpus.SEEDS, seed=1))
    other = list(make_corpus.generate_papers(50, make_corpus.SEEDS, seed=2))
    assert again == papers[0][:50] and other != again


def test_names_grow_with_the_corpus_and_a_few_are_everywhere(papers):
    found, stats = papers
    coined = [p for p in found if any(part in p["abstract"] for part in ("ViT", "Net", "Bench", "SAM"))]
    assert stats["coined"] > 1000 and len(coined) > 1000  # about one new name per paper
    words = Counter(word for p in found for word in set(p["abstract"].split()) if any(c.isupper() for c in word[1:]))
    (common, uses), *_ = words.most_common(1)
    assert uses > 100 and sum(1 for n in words.values() if n == 1) > len(words) / 3  # a long tail of rare ones


def test_a_missing_seed_folder_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        make_corpus.main(["--papers", "10", "--out", str(tmp_path / "c.jsonl"), "--seeds", str(tmp_path / "none")])
    assert stop.value.code == 2 and "no seed pages at" in capsys.readouterr().err
