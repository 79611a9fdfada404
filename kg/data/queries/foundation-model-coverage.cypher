// title: Organs and modalities covered by new models
// answers: For each model a paper introduces, which modalities and organs do the papers mentioning that model talk about, and how many of them?
// param: min_papers = 2 (int) keep the pairs mentioned together by at least this many papers
MATCH (:Paper)-[:INTRODUCES]->(m:Model)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(c:Modality|Organ)
OPTIONAL MATCH (organ:Organ {id: c.id})
WITH m.name AS model, CASE WHEN organ IS NULL THEN 'modality' ELSE 'organ' END AS kind, c.name AS covers, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN model, kind, covers, papers
ORDER BY model, kind, covers
