"""The query library: every question in both languages, the same answer from both stores."""

import json
import math

import pytest

from kg.queries import load_library, run_cypher, run_sparql

LIBRARY = load_library()


def normalized(rows):
    """Rows as a sorted list of tuples of comparable values (numbers as floats, rounded)."""
    def value(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float)):
            return round(float(v), 6)
        if isinstance(v, list):
            return tuple(sorted(map(str, v)))
        return str(v)

    return sorted((tuple((k, value(v)) for k, v in sorted(row.items())) for row in rows), key=repr)


def test_the_library_has_a_dozen_questions_in_both_languages():
    assert len(LIBRARY) >= 12
    for query in LIBRARY.values():
        assert set(query.files) == {"cypher", "sparql"}, query.name
        assert query.title and query.answers, query.name


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_cypher_and_sparql_agree_and_return_rows(seed_store, name):
    query = LIBRARY[name]
    values = query.bind({})
    cypher = run_cypher(seed_store, query.text("cypher"), values)
    sparql = run_sparql(seed_store, query.text("sparql"), values)
    assert cypher, f"{name} returns no rows on the seed build"
    assert normalized(cypher) == normalized(sparql)


def test_query_command_json_and_parameters(seed_store, run_kg):
    result = run_kg("query", "models-on-dataset", "--store", seed_store, "--param", "dataset=MedMNIST", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and {"model", "metric", "value"} == set(rows[0])
    sparql = run_kg("query", "models-on-dataset", "--store", seed_store, "--lang", "sparql", "--param", "dataset=MedMNIST", "--format", "json")
    assert normalized(json.loads(sparql.stdout)) == normalized(rows)


def test_parameters_are_bound_not_pasted(seed_store, run_kg):
    for lang in ("cypher", "sparql"):
        result = run_kg("query", "models-on-dataset", "--store", seed_store, "--lang", lang,
                        "--param", "dataset=x' OR 1=1 }) //", "--format", "json")
        assert result.exit_code == 0 and json.loads(result.stdout) == [], result.stderr


def test_a_query_file_and_a_failing_query(seed_store, run_kg, tmp_path):
    good = tmp_path / "papers.sparql"
    good.write_text("# title: Papers\nPREFIX kg: <https://example.org/kg/schema#>\nSELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }\n")
    result = run_kg("query", good, "--store", seed_store, "--format", "csv")
    assert result.exit_code == 0 and result.stdout.split() == ["n", "203"]
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (n:Nothing RETURN n\n")
    result = run_kg("query", bad, "--store", seed_store)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1 and "Cypher:" in result.stderr


def test_list_shows_names_titles_languages_and_parameters(run_kg):
    listed = json.loads(run_kg("query", "--list", "--format", "json").stdout)
    entry = next(q for q in listed if q["name"] == "models-on-dataset")
    assert entry["languages"] == ["cypher", "sparql"]
    assert entry["parameters"][0]["name"] == "dataset" and entry["parameters"][0]["default"] == "MedMNIST"


def test_neo4j_browser_guide_lists_every_query(run_kg, tmp_path):
    guide = tmp_path / "guide.html"
    assert run_kg("query", "--guide", guide).exit_code == 0
    html = guide.read_text()
    assert html.count("<slide") == len(LIBRARY) + 1
    assert ":param dataset =&gt; &#x27;MedMNIST&#x27;" in html and "EVALUATED_ON" in html
