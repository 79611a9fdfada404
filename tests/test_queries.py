"""The query library: every question in both languages, the same answer from both stores, and
the right answer for the test corpus (tests/fixtures/corpus.jsonl, built once per run)."""

import json

import pytest

from conftest import FIXTURES
from kg.queries import load_library, run_cypher, run_sparql

LIBRARY = load_library()

# For each query, with its default parameters, rows its answer on the test corpus must hold
# (the columns named), as the corpus's abstracts state them. A per-paper row names its paper
# and, where the abstract has one, the sentence that states it. (C07 has an arXiv id, C16 a DOI
# and C09 a URL: the link is the DOI, else the arXiv page, else the URL.)
C07 = "MedSAM-CA: context-aware adaptation of MedSAM for medical image segmentation"
EXPECTED = {
    # chest X-ray: C01, C02, C03, C16, C24 name it
    "concepts-under": [{"narrower": "chest X-ray", "papers": 5}, {"narrower": "mammography", "papers": 1}],
    # BTCV: C08 evaluates on it; LiTS: C07, C09 and C10 evaluate or train on it
    "datasets-for-organ": [{"dataset": "BTCV", "covers": "abdomen", "modality": "CT", "papers": 1},
                           {"dataset": "LiTS", "covers": "liver", "modality": "CT", "papers": 3}],
    # used, not only named: C01 and C02 evaluate on CheXpert (C02 "evaluated on CheXpert gives an AUC of
    # 0.89"); C15 on CBIS-DDSM (mammography is a kind of X-ray); C01 evaluates on MIMIC-CXR
    "datasets-for-task-modality": [{"dataset": "CheXpert", "role": "evaluated", "paper": "C01"},
                                   {"dataset": "CheXpert", "role": "evaluated", "paper": "C02"},
                                   {"dataset": "CBIS-DDSM", "role": "evaluated", "paper": "C15"},
                                   {"dataset": "MIMIC-CXR", "role": "evaluated", "paper": "C01"},
                                   {"dataset": "MedMNIST", "paper": "C16", "link": "https://doi.org/10.5555/kg-corpus.c16"}],
    # LiTS: C07, C09, C10 (CT recorded for LiTS); TCGA: C11, C12, C13; BraTS: C05 and C06 (C04 names
    # BraTS in its title but uses BraTS 2021)
    "datasets-per-modality": [{"modality": "CT", "dataset": "LiTS", "papers": 3},
                              {"modality": "histopathology", "dataset": "TCGA", "papers": 3},
                              {"modality": "MRI", "dataset": "BraTS", "papers": 2}],
    # LiTS: C07, C09 and C10 segment with it; CheXpert: C01 and C02 classify with it
    "datasets-per-task": [{"task": "segmentation", "dataset": "LiTS", "papers": 3},
                          {"task": "classification", "dataset": "CheXpert", "papers": 2}],
    "disease-rollup": [{"disease": "breast cancer", "papers": 5}, {"disease": "brain tumor", "papers": 3}],
    # MedSAM-CA is fine-tuned from MedSAM (C07); MedSAM adapts SAM (the ontology: no paper); C10
    # reports MedSAM's Dice on LiTS
    "entity-neighbourhood": [
        {"relation": "BASED_ON", "direction": "out", "neighbour": "SAM", "paper": None, "evidence": None},
        {"relation": "BASED_ON", "direction": "in", "neighbour": "MedSAM-CA", "paper": "C07", "title": C07,
         "link": "https://arxiv.org/abs/9901.00007"},
        {"relation": "EVALUATED_ON", "direction": "out", "neighbour": "LiTS", "paper": "C10",
         "evidence": "MedSAM reaches a Dice of 0.94 for the liver on LiTS."},
        {"relation": "FOR_MODEL", "direction": "in", "neighbour": "C10#result-1", "paper": "C10",
         "evidence": "MedSAM reaches a Dice of 0.94 for the liver on LiTS."},
        {"relation": "MENTIONS", "direction": "in", "neighbour": C07, "paper": "C07"}],
    "external-ids": [{"entity": "CT", "external_id": "http://radlex.org/RID/RID10321"}],
    # C29 adapts DINOv2 (a foundation model, says the ontology) in CT and in histopathology
    "foundation-models-for-modalities": [{"model": "DINOv2", "covers": "CT", "role": "base", "paper": "C29"},
                                         {"model": "DINOv2", "covers": "histopathology", "role": "base", "paper": "C29"}],
    "leaderboard": [{"evaluated_on": "MedMNIST", "model": "ResNet-18", "metric": "accuracy", "value": "0.91", "kind": "score",
                     "paper": "C16", "link": "https://doi.org/10.5555/kg-corpus.c16",
                     "evidence": "ResNet-18 reaches an accuracy of 0.91 on MedMNIST and ResNet-50 an accuracy of 0.89."},
                    {"model": "TinyMedViT", "metric": "accuracy", "value": "1.8%", "kind": "improvement", "paper": "C17"},
                    {"model": "TinyMedViT", "metric": "accuracy", "value": "0.87", "kind": "score", "paper": "C18",
                     "evidence": "TinyMedViT keeps an accuracy of 0.87 on corrupted MedMNIST images."}],
    "modality-organ-cooccurrence": [{"modality": "MRI", "organ": "brain", "papers": 4},
                                    {"modality": "CT", "organ": "liver", "papers": 3}],
    "model-lineage": [{"adapted": "MedSAM-CA", "based_on": "MedSAM", "source": "text", "paper": "C07", "title": C07},
                      {"adapted": "MedSAM", "based_on": "SAM", "source": "ontology", "paper": None, "evidence": None}],
    "models-on-dataset": [{"model": "ResNet-50", "evaluated_on": "MedMNIST", "metric": "accuracy", "value": "0.89", "paper": "C16"},
                          {"model": "TinyMedViT", "evaluated_on": "MedMNIST", "metric": "accuracy", "value": "0.93", "paper": "C17",
                           "evidence": "TinyMedViT evaluated on MedMNIST reaches an accuracy of 0.93, and improves the accuracy "
                                       "by 1.8% over ResNet-18 on MedMNIST with a tenth of the parameters."},
                          {"model": "TinyMedViT", "metric": "accuracy", "value": "0.87", "paper": "C18"}],
    "models-with-metric-on-dataset": [
        {"model": "MedSAM-CA", "value": "0.93", "paper": "C07"}, {"model": "MedSAM-CA", "value": "0.71", "paper": "C07"},
        {"model": "nnU-Net", "value": "0.96", "paper": "C09", "link": "https://example.org/kg-corpus/C09"},
        {"model": "TransUNet", "value": "0.95", "paper": "C09"},
        {"model": "MedSAM", "evaluated_on": "LiTS", "value": "0.94", "paper": "C10",
         "evidence": "MedSAM reaches a Dice of 0.94 for the liver on LiTS."}],
    "new-datasets-per-year": [{"year": 2023, "datasets": 1, "papers": 1}],
    # C07 proposes MedSAM-CA, built on MedSAM, which adapts SAM; C27 adapts SAM 2, a version of SAM
    "papers-adapting-model": [{"paper": "C07", "uses": "MedSAM-CA", "role": "proposed"},
                              {"paper": "C07", "uses": "SAM", "role": "base",
                               "evidence": "MedSAM-CA is fine-tuned from MedSAM, which itself adapts SAM to medical images."},
                              {"paper": "C27", "uses": "SAM 2", "role": "base"}],
    "papers-on-disease": [{"paper": "C14", "year": 2023, "studies": "breast cancer", "dataset": "BreastUS", "role": "introduced"},
                          {"paper": "C15", "studies": "breast cancer", "dataset": "CBIS-DDSM", "role": "evaluated",
                           "evidence": "Mammography screening detects breast cancer early."},
                          {"paper": "C13", "dataset": "TCGA", "role": "trained"}],
    "task-trend": [{"year": 2023, "papers": 5}, {"year": 2025, "papers": 1, "models": 1}],
    # PathoCLIP: C11 proposes it, C12 compares it, C13 builds on its features
    "top-new-entities": [{"kind": "model", "entity": "PathoCLIP", "papers": 3, "using": 3},
                         {"kind": "model", "entity": "TinyMedViT", "papers": 2, "using": 2}],
    # C13 trains on TCGA and reports a result on BRACS only: its row has no result
    "what-is-reported-on": [{"used": "TCGA", "role": "evaluated", "paper": "C12", "metric": "C-index", "value": "0.68",
                             "kind": "score", "model": "PathoCLIP", "result_dataset": "TCGA",
                             "evidence": "PathoCLIP reaches a C-index of 0.68 for survival prediction on TCGA, and UNI "
                                         "reaches a balanced accuracy of 0.84 for breast cancer subtyping."},
                            {"used": "TCGA", "role": "trained", "paper": "C13", "metric": None}],
}
# Rows the answer must not hold: what counting mentions rather than use would give
ABSENT = {
    "datasets-per-modality": [{"modality": "MRI", "dataset": "BraTS", "papers": 3}],
    "datasets-per-task": [{"task": "segmentation", "dataset": "BraTS", "papers": 3}],  # C04 uses BraTS 2021
    "papers-adapting-model": [{"paper": "C08"}],  # C08 only compares SAM and SAM-Med2D
    "what-is-reported-on": [{"paper": "C13", "metric": "AUC"}],  # its AUC is on BRACS
}


def comparable(rows):
    """Rows as tuples of comparable values (numbers as floats, rounded), in their order."""
    def value(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float)):
            return round(float(v), 6)
        if isinstance(v, list):
            return tuple(sorted(map(str, v)))
        return str(v)

    return [tuple((k, value(v)) for k, v in sorted(row.items())) for row in rows]


def normalized(rows):
    """Rows as a sorted list of tuples of comparable values."""
    return sorted(comparable(rows), key=repr)


@pytest.mark.parametrize("name, language", [(n, lang) for n in sorted(LIBRARY) for lang in ("cypher", "sparql")])
def test_every_query_orders_its_rows(name, language):
    assert "ORDER BY" in LIBRARY[name].text(language).upper()


def test_the_library_has_a_dozen_questions_in_both_languages():
    assert len(LIBRARY) >= 12
    for query in LIBRARY.values():
        assert set(query.files) == {"cypher", "sparql"}, query.name
        assert query.title and query.answers, query.name


def test_every_query_has_expected_answers():
    assert set(EXPECTED) == set(LIBRARY)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_cypher_and_sparql_give_the_corpus_answer_in_the_same_order(corpus_store, name):
    query = LIBRARY[name]
    values = query.bind({})
    cypher = run_cypher(corpus_store, query.text("cypher"), values)
    sparql = run_sparql(corpus_store, query.text("sparql"), values)
    assert cypher, f"{name} returns no rows on the corpus build"
    assert comparable(cypher) == comparable(sparql)
    for expected in EXPECTED.get(name, []):
        assert any(expected.items() <= row.items() for row in cypher), f"{name}: no row {expected} in {cypher}"
    for absent in ABSENT.get(name, []):
        assert not any(absent.items() <= row.items() for row in cypher), f"{name}: a row {absent} in {cypher}"


def test_query_command_json_and_parameters(corpus_store, run_kg):
    result = run_kg("query", "models-on-dataset", "--store", corpus_store, "--param", "dataset=BraTS", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["model", "evaluated_on", "metric", "value", "paper", "title", "link", "evidence"]
    assert {(row["model"], row["value"], row["paper"]) for row in rows} >= {("GliomaNet", "0.91", "C05"), ("Swin UNETR", "0.90", "C06")}
    # BraTS 2021 is a narrower data set of BraTS: C04 evaluates nnU-Net on it
    assert any({"model": "nnU-Net", "evaluated_on": "BraTS 2021", "value": "0.88", "paper": "C04"}.items() <= row.items()
               for row in rows)
    sparql = run_kg("query", "models-on-dataset", "--store", corpus_store, "--lang", "sparql", "--param", "dataset=BraTS", "--json")
    assert normalized(json.loads(sparql.stdout)) == normalized(rows)


def test_parameters_are_bound_not_pasted(corpus_store, run_kg):
    query, value = LIBRARY["models-on-dataset"], "x' OR 1=1 }) //"
    for lang in ("cypher", "sparql"):
        result = run_kg("query", "models-on-dataset", "--store", corpus_store, "--lang", lang, "--param", f"dataset={value}")
        assert result.exit_code == 1 and result.stderr.splitlines() == [f"kg: error: no dataset named {value!r}"]
        runner = run_cypher if lang == "cypher" else run_sparql
        assert runner(corpus_store, query.text(lang), {"dataset": value}) == []


def test_a_query_file_and_a_failing_query(corpus_store, run_kg, tmp_path):
    good = tmp_path / "papers.sparql"
    good.write_text("# title: Papers\nPREFIX kg: <https://example.org/kg/schema#>\nSELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }\n")
    result = run_kg("query", good, "--store", corpus_store, "--csv")
    papers = len((FIXTURES / "corpus.jsonl").read_text().splitlines())
    assert result.exit_code == 0 and result.stdout.split() == ["n", str(papers)]
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (n:Nothing RETURN n\n")
    result = run_kg("query", bad, "--store", corpus_store)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1 and "Cypher:" in result.stderr


def test_list_shows_names_titles_languages_and_parameters(run_kg):
    listed = json.loads(run_kg("query", "--list", "--json").stdout)
    entry = next(q for q in listed if q["name"] == "models-on-dataset")
    assert entry["languages"] == ["cypher", "sparql"]
    assert entry["parameters"][0]["name"] == "dataset" and entry["parameters"][0]["default"] == "MedMNIST"


def test_neo4j_browser_guide_lists_every_query(run_kg, tmp_path):
    guide = tmp_path / "guide.html"
    assert run_kg("query", "--guide", guide).exit_code == 0
    html = guide.read_text()
    assert html.count("<slide") == len(LIBRARY) + 1
    assert ":param dataset =&gt; &#x27;MedMNIST&#x27;" in html and "EVALUATED_ON" in html
    # the Neo4j forms: a graph for Browser to draw where there is one, Neo4j's type(r)
    assert "RETURN m, e, d, p, x, r, rp, fm, od" in html and "type(r)" in html and "label(r)" not in html


# The real corpus, where ../shared/seeds is beside the checkout (skipped elsewhere).

@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_cypher_and_sparql_agree_on_the_seed_build(seed_store, name):
    query = LIBRARY[name]
    values = query.bind({})
    cypher = run_cypher(seed_store, query.text("cypher"), values)
    assert cypher, f"{name} returns no rows on the seed build"
    assert normalized(cypher) == normalized(run_sparql(seed_store, query.text("sparql"), values))


def test_the_seed_build_holds_every_paper(seed_store, run_kg, tmp_path):
    count = tmp_path / "papers.sparql"
    count.write_text("PREFIX kg: <https://example.org/kg/schema#>\nSELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }\n")
    result = run_kg("query", count, "--store", seed_store, "--csv")
    assert result.exit_code == 0 and result.stdout.split() == ["n", "203"]
