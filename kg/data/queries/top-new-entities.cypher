// title: Most mentioned new models and data sets
// answers: Which new models and data sets (not in the ontology) are named by the most papers? For each: how many distinct papers mention it, and how many of those use it (a model: propose, build on or compare it; a data set: introduce, evaluate on or train on it).
// param: min_papers = 2 (int) keep the entities mentioned by at least this many papers
// draw: entity
MATCH (p:Paper)-[u:MENTIONS]->(e:Model|Dataset)
WHERE e.is_new
OPTIONAL MATCH (model:Model {id: e.id})
WITH CASE WHEN model IS NULL THEN 'dataset' ELSE 'model' END AS kind, e.name AS entity, p,
     u.role IN ['proposed', 'base', 'compared', 'introduced', 'evaluated', 'trained'] AS used
WITH kind, entity, count(DISTINCT p) AS papers, count(DISTINCT CASE WHEN used THEN p.id END) AS using
WHERE papers >= $min_papers
RETURN kind, entity, papers, using
ORDER BY papers DESC, kind, entity
