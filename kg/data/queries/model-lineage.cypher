// title: Lineage of a model
// answers: Which models does the given model build on, directly or through other models (BASED_ON)? One row per BASED_ON step of the lineage: the model, the model it is based on, the source of the step (text, or a fact of the ontology) and, for a step read in a paper, that paper and its sentence.
// param: model = MedSAM-CA (str) the model's name
// draw: adapted:Model -[based on]-> based_on:Model
// the ancestors by breadth-first search (SHORTEST: every model reached once, however many
// paths lead to it, where *1..30 would walk each path), up to 30 steps, LadybugDB's limit
MATCH (m:Model {name: $model})
OPTIONAL MATCH (m)-[:BASED_ON* SHORTEST 1..30]->(x:Model)
WITH m, collect(DISTINCT x.id) AS ancestors
UNWIND ancestors + [m.id] AS id
MATCH (a:Model {id: id})-[b:BASED_ON]->(c:Model)
WITH DISTINCT a, b, c
OPTIONAL MATCH (p:Paper)
WHERE p.id = b.paper
RETURN DISTINCT a.name AS adapted, c.name AS based_on, b.source AS source, p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       CASE WHEN b.sentence <> '' THEN b.sentence END AS evidence
ORDER BY adapted, based_on
