"""`kg ingest`, `kg extract` and `kg eval`: papers in, extraction records out, and their scores."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from kg.cli.common import input_options, output_options, print_rows, report_input, reports_errors
from kg.ingest import ingest, write_papers
from kg.records import ENTITY_TYPES


@click.command("ingest")
@input_options
@click.option("-o", "--output", default="-", show_default=True, help="JSON Lines file to write ('-' for stdout).")
@reports_errors
def ingest_command(paths: tuple[Path, ...], format_: str | None, skip_bad: bool, output: str) -> None:
    """Read papers from files and folders into one JSON Lines file, one paper per line.

    Reads daily-papers listing pages, JSON Lines, CSV, arXiv Atom XML, PubMed XML, BibTeX
    and OpenAlex JSON, sniffing each file's format (`-` reads standard input). Copies of the
    same paper (same DOI, arXiv id, PMID, or title unless their ids differ) are merged. The
    output is written only if the run succeeds.

    \b
    Example:
      kg ingest ../shared/seeds refs.bib -o papers.jsonl
      curl -s https://example.org/papers.jsonl | kg ingest - -o papers.jsonl
    """
    papers, report = ingest(paths, format=format_, skip_bad=skip_bad)
    write_papers(papers, output)
    report_input(report)
    dated = sum(1 for p in papers if p.published)
    counted = sum(1 for p in papers if p.author_count)
    where = "stdout" if output == "-" else output
    click.echo(f"wrote {len(papers)} papers to {where} ({dated} with a date, {counted} with an author count)", err=True)


@click.command("extract")
@input_options
@click.option("-o", "--output", default="-", show_default=True, help="JSON Lines file of extraction records ('-' for stdout).")
@click.option("--entities", "entities_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every distinct entity, with the papers that mention it, to this JSON Lines file.")
@reports_errors
def extract_command(paths: tuple[Path, ...], format_: str | None, skip_bad: bool, output: str, entities_path: Path | None) -> None:
    """Find the models, datasets, modalities, organs, metrics, tasks and diseases each paper
    mentions, linked to the ontology, one record per paper.

    Reads anything `kg ingest` reads (a gold file keeps its ids). Each record has `id`,
    `title`, `entities` per type (each with `name`, concept `id` and the `aliases` found in
    the text), `introduced` and `results`, as in the annotation guidelines.

    With --entities, one more file lists each distinct entity once (id, type, name, whether
    it is new to the ontology, aliases, and the ids of the papers that mention it).

    \b
    Example:
      kg extract ../shared/seeds -o predictions.jsonl --entities entities.jsonl
    """
    from kg.analysis import shared_analyzer
    from kg.atomic_file import write_atomically
    from kg.entities import EntityTable

    papers, report = ingest(paths, format=format_, skip_bad=skip_bad)
    report_input(report)
    analyzer = shared_analyzer()
    counts: Counter = Counter()
    new_entities: set[str] = set()
    table = EntityTable()
    with write_atomically(output) as handle, click.progressbar(
        length=len(papers), label="extracting", file=sys.stderr
    ) as progress:
        for analysis in analyzer.analyze(papers):
            handle.write(json.dumps(analysis.to_record(), ensure_ascii=False) + "\n")
            table.add(analysis)
            counts.update(entity.type for entity in analysis.entities)
            new_entities.update(item.entity_id for item in analysis.linked if item.is_new)
            progress.update(1)
    if entities_path:
        with write_atomically(entities_path) as handle:
            for row in table:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = ", ".join(f"{counts[kind]} {kind}" for kind in ENTITY_TYPES)
    click.echo(f"extracted {len(papers)} papers: {summary} ({len(new_entities)} new entities)", err=True)


@click.command("eval")
@click.argument("predictions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@output_options
@click.option("--errors", is_flag=True, help="Also list the false positives and negatives of each paper.")
@reports_errors
def eval_command(predictions: Path, gold: Path, output: str, errors: bool) -> None:
    """Score extraction records against gold records: precision, recall and F1 per entity
    type and overall, by the matching rule of the annotation guidelines; then the rows of its
    section "Roles and evaluations": `used datasets` (introduced, evaluated or trained),
    `evaluations` (model-dataset pairs), `results full` (metric, value, model and dataset all
    right) and the accuracy of `dataset roles` and `model roles` over the gold entities the
    predictions also have. Records without `roles` or `evaluations` score as empty. --csv
    prints one row per type (and overall, introduced, results and those rows; the role rows
    fill the accuracy, correct and matched columns); --errors adds each role mismatch.

    \b
    Example:
      kg eval predictions.jsonl ../shared/eval/dev_gold.jsonl --errors
      kg eval predictions.jsonl ../shared/eval/dev_gold.jsonl --json
    """
    from kg.evaluate import evaluate, format_table, read_records
    from kg.evaluate_roles import format_role_errors

    result = evaluate(read_records(predictions), read_records(gold))
    data = result.to_dict()
    if output == "json":
        if errors:
            data["errors"] = result.errors
            data["role_errors"] = result.roles.role_errors
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if output == "csv":
        names = ("overall", "introduced", "results", "used_datasets", "evaluations", "results_full")
        tallies = {**data["types"], **{name.replace("_", " "): data[name] for name in names}}
        blank = dict.fromkeys(("accuracy", "correct", "matched"))
        rows = [{"type": kind, **tally, **blank} for kind, tally in tallies.items()]
        no_tally = dict.fromkeys(("precision", "recall", "f1", "tp"))
        rows += [{"type": f"{kind} roles", **no_tally, **data[f"{kind}_roles"]} for kind in ("dataset", "model")]
        print_rows(rows, "csv")
        return
    click.echo(format_table(result))
    if result.missing:
        click.echo(f"{len(result.missing)} gold papers have no prediction: {', '.join(result.missing[:10])}", err=True)
    if errors:
        for error in result.errors:
            click.echo(f"\n{error['id']} {error['type']}")
            for label, items in (("  FP", error["false_positives"]), ("  FN", error["false_negatives"])):
                for item in items:
                    click.echo(f"{label} {item['name']}  {item['aliases']}")
        if result.roles.role_errors:
            click.echo("\n" + format_role_errors(result.roles))
