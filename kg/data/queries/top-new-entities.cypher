// title: Most mentioned new models and data sets
// answers: Which new models and data sets (not in the ontology) are mentioned by the most papers?
// param: min_papers = 2 (int) keep the entities mentioned by at least this many papers
MATCH (p:Paper)-[:MENTIONS]->(e:Model|Dataset)
WHERE e.is_new
OPTIONAL MATCH (model:Model {id: e.id})
WITH CASE WHEN model IS NULL THEN 'dataset' ELSE 'model' END AS kind, e.name AS entity, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN kind, entity, papers
ORDER BY papers DESC, kind, entity
