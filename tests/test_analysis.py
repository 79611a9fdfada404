"""The analyzer: one ontology for the matcher and the linker, records with ids and offsets,
and a paper's graph rows from its analysis."""

import json

import pytest

from kg.analysis import Analyzer
from kg.build import analyze_chunk
from kg.graph import paper_rows
from kg.ontology import Ontology
from kg.papers import make_paper

TINY = """
@prefix skos:     <http://www.w3.org/2004/02/skos/core#> .
@prefix kg:       <https://example.org/kg/schema#> .
@prefix modality: <https://example.org/kg/modality/> .
@prefix model:    <https://example.org/kg/model/> .
@prefix dataset:  <https://example.org/kg/dataset/> .
@prefix metric:   <https://example.org/kg/metric/> .

modality:ct a skos:Concept ; skos:inScheme modality: ; skos:prefLabel "CT"@en .
model:zorb a skos:Concept ; skos:inScheme model: ; skos:prefLabel "zorb network"@en .
dataset:quux a skos:Concept ; skos:inScheme dataset: ; skos:prefLabel "Quux archive"@en ; kg:modality modality:ct .
metric:dice a skos:Concept ; skos:inScheme metric: ; skos:prefLabel "Dice"@en .
"""
ZORB, QUUX = "https://example.org/kg/model/zorb", "https://example.org/kg/dataset/quux"
DICE, CT = "https://example.org/kg/metric/dice", "https://example.org/kg/modality/ct"
SENTENCE = "The zorb network reaches a Dice of 0.91 on the Quux archive."


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ontology")
    (folder / "tiny.ttl").write_text(TINY, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def analyzer(folder):
    return Analyzer.from_ontology(Ontology.load(folder))


@pytest.fixture(scope="module")
def analysis(analyzer):
    paper = make_paper(title="Segmenting U-Net scans", abstract=f"We study CT scans. {SENTENCE}", given_id="P")
    return next(analyzer.analyze([paper]))


def test_the_matcher_and_the_linker_use_the_ontology_given(analyzer, analysis):
    assert analyzer.linker.ontology is analyzer.ontology
    by_text = {item.mention.text: item for item in analysis.linked}
    # the matcher found the label of the tiny ontology, the linker linked it there exactly
    assert by_text["zorb network"].mention.concept == ZORB
    assert (by_text["zorb network"].entity_id, by_text["zorb network"].method) == (ZORB, "exact")
    assert by_text["Quux archive"].entity_id == QUUX
    # a name only the shipped ontology knows is no concept here
    assert not any(item.entity_id == "https://example.org/kg/model/u-net" for item in analysis.linked)


def test_results_and_relations_hold_ids_and_the_offsets_of_their_sentence(analysis):
    paper = analysis.paper
    [result] = analysis.results
    assert (result.metric, result.model, result.dataset, result.value) == (DICE, ZORB, QUUX, "0.91")
    assert paper.text(result.field, result.sentence_start, result.sentence_end) == SENTENCE
    relations = {(r.subject, r.predicate, r.object): r for r in analysis.relations}
    evaluated = relations[(ZORB, "EVALUATED_ON", QUUX)]
    assert paper.text(evaluated.field, evaluated.sentence_start, evaluated.sentence_end) == SENTENCE
    fact = relations[(QUUX, "HAS_MODALITY", CT)]
    assert fact.source == "ontology" and fact.field is None
    for relation in analysis.relations:
        if relation.field:
            sentence = paper.text(relation.field, relation.sentence_start, relation.sentence_end)
            assert sentence and sentence == sentence.strip()


def test_the_record_names_what_the_analysis_holds_by_id(analysis):
    record = analysis.to_record()
    assert record["results"] == [{"model": "zorb network", "dataset": "Quux archive", "metric": "Dice", "value": "0.91",
                                  "kind": "score"}]
    assert {e["id"] for e in record["entities"]["model"]} >= {ZORB}


def test_paper_rows_come_from_the_analysis(analyzer, analysis):
    rows = paper_rows(analysis, analyzer.ontology)
    [result] = rows.nodes["Result"]
    assert result == {"id": "P#result-1", "sentence": SENTENCE, "metric": "Dice", "value": "0.91", "kind": "score",
                      "model": "zorb network", "dataset": "Quux archive"}
    for kind, target in (("MEASURES", DICE), ("FOR_MODEL", ZORB), ("ON_DATASET", QUUX)):
        assert [edge["to"] for edges in rows.edges.items() if edges[0][0] == kind for edge in edges[1]] == [target]
    mention = next(edge for edge in rows.edges[("MENTIONS", "Paper", "Model")] if edge["to"] == ZORB)
    paper = analysis.paper
    assert paper.text(mention["field"], mention["start_char"], mention["end_char"]) == "zorb network"
    assert paper.text(mention["field"], mention["sentence_start"], mention["sentence_end"]) == SENTENCE
    edges = {(edge.start, edge.type, edge.end): edge for edge in rows.entity_edges}
    assert edges[(ZORB, "EVALUATED_ON", QUUX)].sentence == SENTENCE
    assert edges[(ZORB, "EVALUATED_ON", QUUX)].paper == "P"  # the paper whose sentence it is
    assert edges[(QUUX, "HAS_MODALITY", CT)].source == "ontology" and edges[(QUUX, "HAS_MODALITY", CT)].paper is None
    assert {entity.id for entity in rows.entities} >= {ZORB, QUUX, DICE, CT}


def test_a_build_chunk_can_be_given_a_test_ontology(folder):
    paper = make_paper(title="A study", abstract=SENTENCE, given_id="P")
    chunk = analyze_chunk([paper], exports=(), ontology_dir=folder)
    record = chunk.analyses[0].to_record()
    assert json.loads(chunk.texts[0].segments[1]) == record  # its line of extraction.jsonl
    assert [e["id"] for e in record["entities"]["model"]] == [ZORB]
    assert chunk.nodes["Result"] == 1
