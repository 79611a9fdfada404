"""`kg query` as people type: entity names in any case, spacing or hyphenation, parameters of a
query file of one's own, and long cells in the table (on the test corpus build)."""

import json

import pytest

from kg.name_lookup import canonical_name, resolve_names
from kg.queries import EmbeddedCypher, load_library
from kg.records import KGError

TITLE = "MedSAM-CA: context-aware adaptation of MedSAM for medical image segmentation"

# (query, the names as typed, the canonical names)
TYPED = [
    ("models-with-metric-on-dataset", {"dataset": "lits", "metric": "DICE"}, {"dataset": "LiTS", "metric": "Dice"}),
    ("model-lineage", {"model": "medsamca"}, {"model": "MedSAM-CA"}),
    ("models-on-dataset", {"dataset": "chexpert"}, {"dataset": "CheXpert"}),
    ("entity-neighbourhood", {"name": "nnunet"}, {"name": "nnU-Net"}),
    ("task-trend", {"task": "SEGMENTATION"}, {"task": "segmentation"}),
    ("datasets-for-organ", {"organ": "Abdomen"}, {"organ": "abdomen"}),
    ("papers-on-disease", {"disease": "breast-cancer"}, {"disease": "breast cancer"}),
    ("concepts-under", {"concept": "x ray"}, {"concept": "X-ray"}),
    ("papers-adapting-model", {"model": "segment anything"}, {"model": "SAM"}),  # an alias of SAM
    ("leaderboard", {"dataset": "BRATS"}, {"dataset": "BraTS"}),
]


def rows(run_kg, store, name, params, *options):
    args = [arg for key, value in params.items() for arg in ("--param", f"{key}={value}")]
    result = run_kg("query", name, "--store", store, *args, *options, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name, typed, canonical", TYPED, ids=[case[0] for case in TYPED])
def test_a_name_as_typed_is_bound_to_the_canonical_name(corpus_store, name, typed, canonical):
    query = load_library()[name]
    assert resolve_names(query, typed, typed, EmbeddedCypher(corpus_store)) == canonical


@pytest.mark.parametrize("lang", ["cypher", "sparql"])
@pytest.mark.parametrize("name, typed, canonical", TYPED[:3], ids=[case[0] for case in TYPED[:3]])
def test_kg_query_gives_a_name_as_typed_the_rows_of_the_canonical_name(corpus_store, run_kg, lang, name, typed, canonical):
    expected = rows(run_kg, corpus_store, name, canonical, "--lang", lang)
    assert expected, f"{name} {canonical}: no rows to compare"
    assert rows(run_kg, corpus_store, name, typed, "--lang", lang) == expected


def test_a_dataset_family_takes_in_its_members(corpus_store, run_kg):
    found = {row["evaluated_on"] for row in rows(run_kg, corpus_store, "leaderboard", {"dataset": "brats"})}
    assert found == {"BraTS", "BraTS 2021"}


@pytest.mark.parametrize("lang", ["cypher", "sparql"])
def test_an_unknown_name_is_one_line_with_the_closest_names(corpus_store, run_kg, lang):
    result = run_kg("query", "leaderboard", "--store", corpus_store, "--lang", lang, "--param", "dataset=bratz")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == ["kg: error: no dataset named 'bratz'; did you mean BraTS, BreastUS, BRACS?"]
    result = run_kg("query", "model-lineage", "--store", corpus_store, "--param", "model=qqqqqqqq")
    assert result.exit_code == 1 and result.stderr.splitlines() == ["kg: error: no model named 'qqqqqqqq'"]


def test_names_are_resolved_within_the_type_names_before_aliases_and_ambiguity_is_an_error():
    entries = {"Dataset": [{"name": "Alpha Set", "aliases": ["AS"]}, {"name": "AS-2", "aliases": []}],
               "Model": [{"name": "A-S", "aliases": []}, {"name": "Beta", "aliases": ["b-1"]}, {"name": "Gamma", "aliases": ["B1"]}]}

    def fetch(text, parameters):
        labels = text.split("(n:")[1].split(")")[0].split("|")
        found = [row for label in labels for row in entries.get(label, [])]
        return [row for row in found if row["name"] == parameters["name"]] if parameters else found

    assert canonical_name(fetch, "Dataset", "as") == "Alpha Set"  # no Dataset is named so: the alias
    assert canonical_name(fetch, "any", "as") == "A-S"  # the Model's name comes before the Dataset's alias
    assert canonical_name(fetch, "Dataset", "as 2") == "AS-2"
    with pytest.raises(KGError, match="'b1' could be the model Beta or Gamma"):
        canonical_name(fetch, "Model", "b1")


def test_a_query_file_of_ones_own_takes_parameters_and_refuses_an_unbound_one(corpus_store, run_kg, tmp_path):
    cypher = tmp_path / "evaluated.cypher"
    cypher.write_text("MATCH (:Model {name: $model})-[:EVALUATED_ON]->(d:Dataset)\n"
                      "RETURN d.name AS dataset, '$not_a_parameter' AS note // nor $this\nORDER BY dataset\n")
    sparql = tmp_path / "evaluated.sparql"
    sparql.write_text("PREFIX kg: <https://example.org/kg/schema#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                      "SELECT $model ?dataset WHERE { ?m skos:prefLabel $model ; kg:evaluatedOn/skos:prefLabel ?dataset }\n"
                      "ORDER BY ?dataset\n")
    for path in (cypher, sparql):
        result = run_kg("query", path, "--store", corpus_store, "--param", "model=nnunet", "--json")
        assert result.exit_code == 0, result.stderr
        # nnU-Net is evaluated on BraTS 2021 and LiTS (and, since results are read by clause, on OAI too)
        assert {"BraTS 2021", "LiTS"} <= {row["dataset"] for row in json.loads(result.stdout)}
        result = run_kg("query", path, "--store", corpus_store)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.splitlines() == ["kg: error: query 'evaluated' uses $model, which has no value; give --param model=VALUE"]
        result = run_kg("query", path, "--store", corpus_store, "--param", "model=SAM", "--param", "modle=SAM")
        assert result.exit_code == 1 and "has no parameter modle" in result.stderr


def test_a_long_title_wraps_in_its_column(corpus_store, run_kg):
    result = run_kg("query", "models-with-metric-on-dataset", "--store", corpus_store)
    assert result.exit_code == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    columns = ["model", "evaluated_on", "value", "paper", "title", "link", "evidence"]
    assert header.split() == columns and len(TITLE) > 60
    starts = [header.index(f" {name} ") + 1 if name != "model" else 0 for name in columns[:-1]] + [header.index(" evidence") + 1]
    start, end = starts[4], starts[5]  # the title's column
    first = next(i for i, line in enumerate(lines) if line.startswith("MedSAM-CA") and " 0.93 " in line)
    continued = [lines[first]]
    for line in lines[first + 1:]:
        if not line:  # a blank line parts the rows of a table with wrapped cells
            break
        continued.append(line)
    assert len(continued) > 1 and all(not line[:start].strip() for line in continued[1:])
    assert " ".join(line[start:end].strip() for line in continued if line[start:end].strip()) == TITLE
    # no cell is wider than 60 characters: a longer one wraps
    assert all(b - a <= 62 for a, b in zip(starts, starts[1:])) and all(len(line) <= starts[-1] + 60 for line in lines)


def test_kg_viz_resolves_a_name_as_typed_too(corpus_store, run_kg, tmp_path):
    typed = run_kg("viz", "--store", corpus_store, "--query", "leaderboard", "--param", "dataset=brats", "-o", tmp_path / "a.html")
    exact = run_kg("viz", "--store", corpus_store, "--query", "leaderboard", "--param", "dataset=BraTS", "-o", tmp_path / "b.html")
    assert typed.exit_code == exact.exit_code == 0 and typed.stderr.split(": ", 1)[1] == exact.stderr.split(": ", 1)[1]
    wrong = run_kg("viz", "--store", corpus_store, "--query", "leaderboard", "--param", "dataset=bratz", "-o", tmp_path / "c.html")
    assert wrong.exit_code == 1 and "no dataset named 'bratz'" in wrong.stderr and not (tmp_path / "c.html").exists()
