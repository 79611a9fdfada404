"""`kg stats --plot`: each chart as PNG and SVG, counts on whole-number axes, data sets counted by
the papers that use them (a role), not by those that only name them, and the leaderboard's
scores by the date of the paper. The test corpus's facts are in tests/fixtures/corpus.jsonl."""

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from headless_browser import png_colours

from kg.charts import entities_per_type, leaderboard_points, papers_per_year, used_datasets
from kg.queries import EmbeddedCypher

CHARTS = ["datasets-per-modality", "datasets-per-task", "entities-per-type", "leaderboard", "papers-per-year"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def charts(corpus_store, tmp_path_factory):
    from click.testing import CliRunner

    from kg.cli import main

    folder = tmp_path_factory.mktemp("charts")
    result = CliRunner().invoke(main, ["stats", "--store", str(corpus_store), "--plot", str(folder), "--dataset", "medmnist"])
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def fetch(corpus_store):
    return EmbeddedCypher(corpus_store)


def svg_text(path) -> tuple[dict[str, list[str]], list[str]]:
    """The tick labels of an SVG chart by axis ("x", "y"), and every text in it."""
    root = ET.parse(path).getroot()
    ticks: dict[str, list[str]] = {"x": [], "y": []}
    for group in root.iter(f"{SVG}g"):
        match = re.fullmatch(r"([xy])tick_\d+", group.get("id", ""))
        if match:
            ticks[match.group(1)] += ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
    return ticks, ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def whole_numbers(labels: list[str]) -> bool:
    return bool(labels) and all(re.fullmatch(r"\d+", label.replace("\u2212", "-")) for label in labels)


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_a_png_and_an_svg(charts, name):
    assert len(png_colours((charts / f"{name}.png").read_bytes())) > 5
    assert ET.parse(charts / f"{name}.svg").getroot().tag == f"{SVG}svg"


def test_entities_per_type_counts_on_whole_numbers(charts, fetch):
    counts = entities_per_type(fetch)
    assert counts["Dataset"] == 32 and counts["Model"] == 33  # as `kg build` reports the corpus
    ticks, texts = svg_text(charts / "entities-per-type.svg")
    assert whole_numbers(ticks["y"]) and set(ticks["x"]) == set(counts)
    assert all(str(n) in texts for n in counts.values())  # each bar says its count


def test_papers_per_year_counts_on_whole_numbers(charts, fetch):
    years = papers_per_year(fetch)
    assert sum(years.values()) == 29
    ticks, texts = svg_text(charts / "papers-per-year.svg")
    assert whole_numbers(ticks["y"]) and ticks["x"] == [str(y) for y in years]


def test_datasets_per_modality_counts_the_papers_that_use_a_data_set(charts, fetch):
    groups = used_datasets(fetch, "modality")
    # C04 names BraTS in its title but uses BraTS 2021: two papers use BraTS, not three
    assert ("BraTS", 2) in groups["MRI"] and ("LiTS", 3) in groups["CT"] and ("TCGA", 3) in groups["histopathology"]
    assert not any(dataset == "CheXpert" for dataset, _ in groups.get("histopathology", []))
    ticks, texts = svg_text(charts / "datasets-per-modality.svg")
    assert whole_numbers(ticks["x"])
    assert all(f"Modality: {m}" in texts for m in groups) and "The data sets papers use most, per modality" in texts
    # each bar says its count: the numbers drawn, less the ticks', are the counts
    drawn = Counter(t for t in texts if t.isdigit()) - Counter(ticks["x"])
    assert drawn == Counter(str(n) for best in groups.values() for _, n in best)
    bars = [t for t in texts if t in {d for best in groups.values() for d, _ in best}]
    assert sorted(bars) == sorted(d for best in groups.values() for d, _ in best)


def test_datasets_per_task_counts_the_papers_that_use_a_data_set(charts, fetch):
    groups = used_datasets(fetch, "task")
    assert ("LiTS", 3) in groups["segmentation"] and ("BraTS", 2) in groups["segmentation"]
    assert ("CheXpert", 2) in groups["classification"]
    ticks, texts = svg_text(charts / "datasets-per-task.svg")
    assert whole_numbers(ticks["x"]) and "Task: segmentation" in texts


def test_the_leaderboard_draws_scores_by_date_and_leaves_out_improvements(charts, fetch):
    dataset, metric, points, left_out = leaderboard_points(fetch, "medmnist")
    assert (dataset, metric, left_out) == ("MedMNIST", "accuracy", 0)
    # C16 (ResNet-18 0.91, ResNet-50 0.89), C17's TinyMedViT 0.93 (its "1.8%" is an improvement), C18's 0.87
    assert [(p.model, p.value, p.paper) for p in points] == [
        ("ResNet-50", 0.89, "C16"), ("ResNet-18", 0.91, "C16"), ("TinyMedViT", 0.93, "C17"), ("TinyMedViT", 0.87, "C18")]
    ticks, texts = svg_text(charts / "leaderboard.svg")
    assert ticks["x"] == sorted({p.published for p in points})
    assert "Results reported on MedMNIST for accuracy, by the date of the paper" in texts
    assert [t for t in texts if t in ("ResNet-50", "ResNet-18", "TinyMedViT")].count("TinyMedViT") == 2


def test_the_leaderboard_chooses_the_data_set_with_most_scores_and_a_fraction_joins_percentages(fetch):
    dataset, metric, points, _ = leaderboard_points(fetch)
    assert dataset and len(points) >= 2
    assert all(p.published[:4].isdigit() for p in points) and points == sorted(points, key=lambda p: (p.published, p.value, p.model))


def test_charts_are_written_through_links_and_refuse_a_file_for_a_folder(neo4j_export_store, run_kg, tmp_path):
    """On a build without GraphML: the charts are drawn from the stores."""
    charts = tmp_path / "charts"
    charts.mkdir()
    kept = tmp_path / "kept.png"
    kept.write_bytes(b"old")
    (charts / "entities-per-type.png").symlink_to(kept)
    result = run_kg("stats", "--store", neo4j_export_store, "--plot", charts)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in charts.iterdir()) == sorted(f"{n}.{k}" for n in CHARTS for k in ("png", "svg"))
    assert (charts / "entities-per-type.png").is_symlink() and kept.read_bytes().startswith(b"\x89PNG")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine\n")
    result = run_kg("stats", "--store", neo4j_export_store, "--plot", not_a_folder / "charts")
    assert result.exit_code == 1 and result.stderr.startswith("kg: error: ") and "is a file" in result.stderr
    assert not_a_folder.read_text() == "mine\n"
    result = run_kg("stats", "--store", neo4j_export_store, "--dataset", "BraTS")
    assert result.exit_code == 2 and "--plot" in result.stderr
