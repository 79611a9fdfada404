// title: Entities linked to an external vocabulary
// answers: Which entities are linked to an external identifier (RadLex, UBERON, MeSH, Wikidata, arXiv...) whose IRI contains the given text, and to which one? One row per entity and identifier, from the ontology.
// param: source = radlex.org (str) text the external IRI contains, e.g. radlex.org, UBERON_, mesh, arxiv.org
// draw: entity
MATCH (e)
WHERE e.external_ids IS NOT NULL
UNWIND e.external_ids AS external_id
WITH e, external_id
WHERE external_id CONTAINS $source
RETURN e.name AS entity, external_id
ORDER BY entity, external_id
