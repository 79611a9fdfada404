"""The ontology files: they parse, and every concept is well formed and consistent."""

from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from conftest import FIXTURES
from kg import config
from kg.ontology import Ontology, load_ontology
from kg.records import ENTITY_TYPES, KGError
from kg.text import label_key


@pytest.fixture(scope="module")
def ontology():
    return Ontology.load()


def test_every_type_has_a_scheme_with_concepts(ontology):
    counts = Counter(c.type for c in ontology.concepts.values())
    assert set(ENTITY_TYPES) <= set(counts)
    assert sum(counts[kind] for kind in ENTITY_TYPES) >= 300  # "a few hundred concepts"


def test_every_concept_has_one_preferred_label_and_its_scheme(ontology):
    graph = Graph()  # read by another parser than the one kg uses
    for path in config.ONTOLOGY_DIR.glob("*.ttl"):
        graph.parse(path, format="turtle")
    assert len(set(graph.subjects(RDF.type, SKOS.Concept))) == len(ontology)
    for subject in graph.subjects(RDF.type, SKOS.Concept):
        assert len(list(graph.objects(subject, SKOS.prefLabel))) == 1, subject
        scheme = URIRef(config.CONCEPT_NAMESPACE + ontology[str(subject)].type + "/")
        assert (subject, SKOS.inScheme, scheme) in graph, subject


def test_hierarchy_and_facts_point_at_concepts(ontology):
    for concept in ontology.concepts.values():
        for target in concept.broader + tuple(t for _, t in concept.facts):
            assert target in ontology.concepts, f"{concept.iri} -> {target}"
        for parent in concept.broader:
            assert ontology[parent].type == concept.type


def test_no_label_belongs_to_two_concepts_of_one_type(ontology):
    seen = {}
    for concept in ontology.concepts.values():
        for label in set(map(label_key, concept.labels)):
            key = (concept.type, label)
            assert key not in seen, f"{label!r} is a label of {seen.get(key)} and {concept.iri}"
            seen[key] = concept.iri


def test_hierarchy_has_no_cycles(ontology):
    for iri in ontology.concepts:
        assert iri not in ontology.ancestors(iri)


@pytest.mark.parametrize(
    "child, parent",
    [("modality/chest-x-ray", "modality/x-ray"), ("modality/x-ray", "modality/radiography"),
     ("modality/ct-angiography", "modality/ct"), ("organ/retina", "organ/eye")],
)
def test_hierarchy_the_field_expects(ontology, child, parent):
    assert config.CONCEPT_NAMESPACE + parent in ontology.ancestors(config.CONCEPT_NAMESPACE + child)


def test_facts_users_query(ontology):
    def facts(slug):
        return dict(ontology[config.CONCEPT_NAMESPACE + slug].facts)

    assert facts("dataset/chexpert")["organ"].endswith("/organ/chest")
    assert facts("model/medsam")["based_on"].endswith("/model/sam")
    assert "family" in facts("model/nnu-net")


def test_external_ids(ontology):
    lung = ontology[config.CONCEPT_NAMESPACE + "organ/lung"]
    assert any("UBERON_0002048" in i for i in lung.external_ids)


def test_bad_turtle_is_reported_with_its_file(tmp_path):
    (tmp_path / "broken.ttl").write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\nthis is not turtle")
    with pytest.raises(KGError, match="broken.ttl: not valid Turtle"):
        Ontology.load(tmp_path)


def test_the_test_ontology_loads(tmp_path):
    assert len(Ontology.load(FIXTURES / "ontology")) > 20


def test_load_ontology_loads_each_folder_once():
    assert load_ontology(FIXTURES / "ontology") is load_ontology(FIXTURES / "ontology")
