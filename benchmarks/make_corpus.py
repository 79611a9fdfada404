"""Generate a large, realistic corpus of medical-imaging AI abstracts for the benchmarks.

    python benchmarks/make_corpus.py --papers 100000 --out corpus.jsonl [--seeds DIR] [--seed 0]

Papers are made of sentences of the seed pages, recombined (a first sentence, four to nine
middle ones, a last one, and a title). Every model and data set a seed sentence names becomes
a slot, filled by a Yule process: mostly a name used before, picked in proportion to its
uses (so a few names are everywhere and most are rare, as in real literature), else a freshly
coined name (SegFormer-style: a domain prefix, a core, a version), so that the vocabulary
keeps growing with the corpus. Other entity types stay as written: their vocabulary is
closed. The same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
PREFIXES = ("Med Rad Path Derm Retina Cardio Neuro Onco Chest Uni Omni Histo Echo Pneumo Mammo Bio Clin Fundus "
            "Lung Brain Gastro Endo Ortho Surg Pet Sono Cyto Muse Vista Atlas Deep Fast Swin Trans").split() + [""]
MODEL_CORES = "ViT Net SAM CLIP Former Mamba Seg Diff GPT LLaVA UNet Fusion KAN Mixer BERT Dino Flow GAN".split()
DATASET_CORES = "Bench VQA Set Data MNIST Atlas Corpus DB Instruct Scan Cohort".split()
VERSIONS = ("", "", "", "V2", "-XL", "++", "-Lite", "3D", "-7B", "-2", "-Pro", "v3")
SIZES = ("", "", "-25M", "-1K", "-100K", "-3D", "-2024", "-Plus")
NEW_NAME_RATE = 0.2  # of slots: about 0.7 new names per paper, as each paper coins about one


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of an abstract."""
    bounds, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(])", text):
        bounds.append((start, match.start()))
        start = match.end()
    return bounds + [(start, len(text))] if start < len(text) else bounds


def _template(text: str, start: int, end: int, slots: list[tuple[int, int, str, str]]) -> list:
    """text[start:end] as literal pieces and (type, original name) slots."""
    pieces, at = [], start
    for a, b, kind, name in slots:
        if start <= a and b <= end and a >= at:
            pieces += [text[at:a], (kind, name)]
            at = b
    return pieces + [text[at:end]]


def load_templates(seeds: Path) -> tuple[dict[str, list], dict[str, list[str]]]:
    """Title, first, middle and last sentence templates of the seeds, and the names of models
    and data sets to start from (the seeds' own, by use, and the ontology's labels)."""
    from kg.analysis import Analyzer
    from kg.ingest import ingest

    papers, _ = ingest([seeds])
    analyzer = Analyzer()
    ontology = analyzer.ontology
    templates: dict[str, list] = {"title": [], "first": [], "middle": [], "last": []}
    names: dict[str, list[str]] = {kind: sorted(c.label for c in ontology.of_type(kind)) for kind in ("model", "dataset")}
    for analysis in analyzer.analyze(sorted(papers, key=lambda p: p.id)):
        paper, slots = analysis.paper, {"title": [], "abstract": []}
        for item in analysis.linked:
            if item.mention.type in names:
                slots[item.mention.field].append((item.mention.start, item.mention.end, item.mention.type, item.mention.text))
                names[item.mention.type].append(item.mention.text)
        slots = {field: sorted(found) for field, found in slots.items()}
        templates["title"].append(_template(paper.title, 0, len(paper.title), slots["title"]))
        sentences = _sentences(paper.abstract)
        for number, (start, end) in enumerate(sentences):
            where = "first" if number == 0 else "last" if number == len(sentences) - 1 else "middle"
            templates[where].append(_template(paper.abstract, start, end, slots["abstract"]))
    return templates, names


class Names:
    """Model and data set names drawn by a Yule process: a past use, or a new coined name."""

    def __init__(self, start: dict[str, list[str]], rng: random.Random):
        self.uses = {kind: list(found) for kind, found in start.items()}
        self.taken = {name.lower() for found in start.values() for name in found}
        self.coined = 0
        self.rng = rng

    def draw(self, kind: str) -> str:
        if self.rng.random() < NEW_NAME_RATE:
            name = self._coin(kind)
        else:
            name = self.rng.choice(self.uses[kind])
        self.uses[kind].append(name)
        return name

    def _coin(self, kind: str) -> str:
        rng, cores = self.rng, MODEL_CORES if kind == "model" else DATASET_CORES
        tails = VERSIONS if kind == "model" else SIZES
        name = rng.choice(PREFIXES[:-1]) + rng.choice(PREFIXES) + rng.choice(cores) + rng.choice(tails)
        while name.lower() in self.taken:
            name = name + rng.choice("ABCDEFGHKLMNPRSTXZ") if rng.random() < 0.5 else rng.choice(PREFIXES[:-1]) + name
        self.taken.add(name.lower())
        self.coined += 1
        return name


def _fill(template: list, names: Names, chosen: dict[tuple[str, str], str]) -> str:
    """A template with its slots filled; the same original name is the same new one in a paper."""
    out = []
    for piece in template:
        if isinstance(piece, tuple):
            if piece not in chosen:
                chosen[piece] = names.draw(piece[0])
            out.append(chosen[piece])
        else:
            out.append(piece)
    return "".join(out)


def generate_papers(n: int, seeds: Path = SEEDS, seed: int = 0, *, stats: dict | None = None) -> Iterator[dict]:
    """`n` generated papers as JSON-ready dicts (id, title, abstract, published, author_count)."""
    from kg.papers import title_key

    templates, start = load_templates(seeds)
    rng = random.Random(seed)
    names = Names(start, rng)
    titles: set[str] = set()
    for number in range(1, n + 1):
        chosen: dict[tuple[str, str], str] = {}
        title = _fill(rng.choice(templates["title"]), names, chosen)
        while title_key(title) in titles:  # every paper has its own title, as papers do
            title = f"{names.draw('model')}: {title.split(': ', 1)[-1]}"
        titles.add(title_key(title))
        middle = rng.sample(templates["middle"], rng.randint(4, 9))
        sentences = [rng.choice(templates["first"]), *middle, rng.choice(templates["last"])]
        yield {
            "id": f"synth-{number:07d}",
            "title": title,
            "abstract": " ".join(_fill(sentence, names, chosen) for sentence in sentences),
            "published": f"{rng.randint(2018, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "author_count": rng.randint(1, 20),
        }
    if stats is not None:
        stats["coined"] = names.coined
        stats["distinct"] = len({name.lower() for found in names.uses.values() for name in found})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, required=True, help="how many papers to write")
    parser.add_argument("--out", type=Path, required=True, help="the JSON Lines file to write")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help=f"the seed listing pages (default {SEEDS})")
    parser.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    args = parser.parse_args(argv)
    if args.papers < 1:
        parser.error("--papers must be at least 1")
    if not args.seeds.is_dir():
        parser.error(f"no seed pages at {args.seeds}")
    started, stats, written = time.perf_counter(), {}, 0
    partial = args.out.with_name(f".{args.out.name}.partial")
    with open(partial, "w", encoding="utf-8") as out:
        for paper in generate_papers(args.papers, args.seeds, args.seed, stats=stats):
            out.write(json.dumps(paper, ensure_ascii=False) + "\n")
            written += 1
            if written % 50_000 == 0:
                print(f"  {written} papers", file=sys.stderr)
    os.replace(partial, args.out)
    print(f"{written} papers, {stats['distinct']} distinct model and data set names ({stats['coined']} coined), "
          f"{args.out.stat().st_size} bytes, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
