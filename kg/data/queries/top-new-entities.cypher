// title: Most mentioned new models and data sets
// answers: Which new models and data sets (not in the ontology) are mentioned by the most papers?
// param: min_papers = 2 (int) keep the entities mentioned by at least this many papers
MATCH (p:Paper)-[:MENTIONS]->(e:Model)
WHERE e.is_new
WITH 'model' AS kind, e.name AS entity, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN kind, entity, papers
UNION ALL
MATCH (p:Paper)-[:MENTIONS]->(e:Dataset)
WHERE e.is_new
WITH 'dataset' AS kind, e.name AS entity, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN kind, entity, papers
