"""Charts of a build (`kg stats --plot`), each as PNG and SVG, drawn with matplotlib from the
build's embedded Cypher store: entities per type, papers per year, the most used data sets
per modality and per task (the library's `datasets-per-modality` and `datasets-per-task`, so a
data set counts for the papers that use it, not those that only name it), and a leaderboard
chart: the results reported on a data set for a metric, by the date of the reporting paper.

Counts are drawn on axes of whole numbers, each bar labelled with its count; the SVG keeps its
text as text (so it can be searched and read back).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from kg.visualize import label_colours

Fetch = Callable[[str, dict[str, Any]], list[dict[str, Any]]]
FORMATS = ("png", "svg")
TOP_GROUPS, TOP_BARS = 6, 5


@dataclass(frozen=True)
class Point:
    """One result on the leaderboard chart."""

    published: str  # the reporting paper's date (YYYY-MM-DD, YYYY-MM or a year)
    value: float
    model: str
    paper: str


def entities_per_type(fetch: Fetch) -> dict[str, int]:
    """Entity label -> number of entities (nought for a label with none)."""
    from kg.records import ENTITY_LABELS
    from kg.stores.cypher_connection import NODE_COUNTS

    counts = {row["label"]: row["n"] for row in fetch(NODE_COUNTS, {})}
    return {label: counts.get(label, 0) for label in ENTITY_LABELS.values()}


def papers_per_year(fetch: Fetch) -> dict[int, int]:
    """Year -> papers published that year (papers with a known year)."""
    rows = fetch("MATCH (p:Paper) WHERE p.year IS NOT NULL RETURN p.year AS year, count(p) AS n ORDER BY year", {})
    return {row["year"]: row["n"] for row in rows}


def used_datasets(fetch: Fetch, by: str) -> dict[str, list[tuple[str, int]]]:
    """Modality (`by` = "modality") or task -> its most used data sets with their papers, from
    the library's datasets-per-modality or datasets-per-task: the groups with the most papers
    first, TOP_BARS data sets a group."""
    from kg.queries import load_library

    query = load_library()[f"datasets-per-{by}"]
    rows = fetch(query.text("cypher"), {"min_papers": 1})
    totals: Counter = Counter()
    groups: dict[str, list[tuple[str, int]]] = {}
    for row in rows:  # in the query's order: most papers first
        totals[row[by]] += row["papers"]
        groups.setdefault(row[by], []).append((row["dataset"], row["papers"]))
    chosen = sorted(totals, key=lambda g: (-totals[g], g))[:TOP_GROUPS]
    return {group: groups[group][:TOP_BARS] for group in chosen}


_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")
_DATES = ("MATCH (p:Paper) WHERE p.id IN $ids RETURN p.id AS id, p.published AS published, p.year AS year")


def _date(row: dict[str, Any]) -> str | None:
    """A paper's date as the chart orders it: its published date when that has a year, else its year."""
    published = str(row.get("published") or "")
    if re.match(r"^\d{4}", published):
        return published[:10]
    return str(row["year"]) if row.get("year") else None


def leaderboard_points(fetch: Fetch, dataset: str | None = None, metric: str | None = None) -> tuple[str, str, list[Point], int]:
    """The scores (not improvements) reported on a data set (or a narrower one) for a metric,
    from the library's leaderboard, each with its paper's date: (data set, metric, points, how
    many results were left out because their value is not one number or the paper has no date).
    Without `dataset` (or `metric`), the pair (metric) with the most such scores. A fraction is
    drawn as a percentage when the metric's other values are percentages."""
    from kg.name_lookup import canonical_name
    from kg.queries import load_library

    query = load_library()["leaderboard"]
    if dataset is None:
        rows = fetch("MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:ON_DATASET]->(d:Dataset) WHERE r.kind = 'score' "
                     "RETURN d.name AS dataset, r.metric AS metric, r.value AS value, p.published AS published, "
                     "p.year AS year", {})
        usable = Counter((r["dataset"], r["metric"]) for r in rows
                         if _date(r) and _NUMBER.match(str(r["value"])) and metric in (None, r["metric"]))
        if not usable:
            return "", metric or "", [], 0
        dataset = min(usable, key=lambda pair: (-usable[pair], pair))[0]
    else:
        dataset = canonical_name(fetch, "Dataset", dataset)
    rows = [r for r in fetch(query.text("cypher"), {"dataset": dataset}) if r["kind"] == "score"]
    dates = {r["id"]: _date(r) for r in fetch(_DATES, {"ids": sorted({r["paper"] for r in rows})})}
    if metric is None:
        usable = Counter(r["metric"] for r in rows if dates.get(r["paper"]) and _NUMBER.match(str(r["value"])))
        if not usable:
            return dataset, "", [], len(rows)
        metric = min(usable, key=lambda m: (-usable[m], m))
    rows = [r for r in rows if r["metric"] == metric]
    parsed = [(r, _NUMBER.match(str(r["value"]))) for r in rows]
    percent = any(m and m.group(2) for _, m in parsed)
    points = []
    for row, match in parsed:
        if not match or not dates.get(row["paper"]):
            continue
        value = float(match.group(1))
        if percent and not match.group(2) and value <= 1:
            value *= 100
        points.append(Point(dates[row["paper"]], value, row["model"] or "(no model named)", row["paper"]))
    points.sort(key=lambda p: (p.published, p.value, p.model))
    return dataset, metric + (" (%)" if percent else ""), points, len(rows) - len(points)


def write_charts(store: Path, folder: Path, dataset: str | None = None, metric: str | None = None) -> list[Path]:
    """Every chart of the build in `store`, as PNG and SVG files in `folder`; gives the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from kg.atomic_file import OutputError, write_atomically
    from kg.queries import EmbeddedCypher

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{folder}: is a file, not a folder for the charts") from None
    except OSError as error:
        raise OutputError(f"{folder}: cannot make the folder: {error.strerror or error}") from None
    fetch = EmbeddedCypher(store)
    colours = label_colours()
    written: list[Path] = []
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 10, "svg.hashsalt": "kg"})

    def save(figure, name: str) -> None:
        figure.tight_layout()
        for kind in FORMATS:
            path = folder / f"{name}.{kind}"
            with write_atomically(path, binary=True) as handle:
                figure.savefig(handle, format=kind, dpi=110, metadata={"Date": None} if kind == "svg" else None)
            written.append(path)
        plt.close(figure)

    def counts_axis(axis, which: str = "y") -> None:
        (axis.yaxis if which == "y" else axis.xaxis).set_major_locator(MaxNLocator(integer=True))

    counts = entities_per_type(fetch)
    labels = sorted(counts, key=lambda label: (-counts[label], label))
    figure, axis = plt.subplots(figsize=(7.5, 4))
    bars = axis.bar(labels, [counts[label] for label in labels], color=[colours.get(label, "#A5ABB6") for label in labels])
    axis.bar_label(bars)
    axis.set_title("Entities per type")
    axis.set_ylabel("entities")
    counts_axis(axis)
    save(figure, "entities-per-type")

    years = papers_per_year(fetch)
    figure, axis = plt.subplots(figsize=(7.5, 3.5))
    bars = axis.bar([str(y) for y in years], list(years.values()), color=colours.get("Paper"))
    axis.bar_label(bars)
    axis.set_title("Papers per year (papers with a known year)")
    axis.set_ylabel("papers")
    counts_axis(axis)
    save(figure, "papers-per-year")

    for by, label in (("modality", "Modality"), ("task", "Task")):
        groups = used_datasets(fetch, by)
        figure, axes = plt.subplots(max(len(groups), 1), 1, figsize=(7.5, 0.5 + 1.7 * max(len(groups), 1)), squeeze=False)
        for axis, (group, best) in zip(axes[:, 0], groups.items()):
            bars = axis.barh([d for d, _ in best][::-1], [n for _, n in best][::-1], color=colours.get("Dataset"))
            axis.bar_label(bars, padding=2)
            axis.set_title(f"{label}: {group}", fontsize=10, loc="left")
            axis.margins(x=0.12)
            counts_axis(axis, "x")
        figure.suptitle(f"The data sets papers use most, per {by}", fontsize=11)
        figure.supxlabel("papers that use the data set (introduce, evaluate on or train on it)", fontsize=9)
        if not groups:
            axes[0, 0].text(0.5, 0.5, "No paper of this build uses a data set", ha="center", va="center")
            axes[0, 0].set_axis_off()
        save(figure, f"datasets-per-{by}")

    name, measured, points, left_out = leaderboard_points(fetch, dataset, metric)
    figure, axis = plt.subplots(figsize=(7.5, 4))
    if points:
        dates = sorted({p.published for p in points})
        xs = [dates.index(p.published) for p in points]
        axis.scatter(xs, [p.value for p in points], color=colours.get("Model"), zorder=3)
        best = None
        for x, point in zip(xs, points):
            axis.annotate(point.model, (x, point.value), textcoords="offset points", xytext=(5, 4), fontsize=8)
            best = point.value if best is None else max(best, point.value)
        axis.set_xticks(range(len(dates)), dates, rotation=30, ha="right")
        axis.set_xlim(-0.5, len(dates) - 0.5)
        axis.margins(y=0.15)
        axis.set_ylabel(measured)
        axis.set_title(f"Results reported on {name} for {measured}, by the date of the paper", fontsize=10)
        note = f"{len(points)} score" + ("s" if len(points) > 1 else "") + " (each point a paper's reported value)" + (f"; {left_out} left out (a range, or a paper without a date)" if left_out else "")
        axis.text(0.0, -0.32, note, transform=axis.transAxes, fontsize=8, color="#57606a")
    else:
        wanted = " ".join(x for x in (name, measured) if x)
        why = f" ({left_out} without a date or a single value)" if left_out else ""
        axis.text(0.5, 0.5, f"No dated score reported{' on ' + wanted if wanted else ''}{why}", ha="center", va="center")
        axis.set_axis_off()
    save(figure, "leaderboard")
    return written
