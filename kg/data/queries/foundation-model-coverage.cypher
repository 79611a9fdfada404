// title: Organs and modalities covered by new models
// answers: For each model a paper introduces, which modalities and organs do the papers mentioning that model talk about, and how many of them?
// param: min_papers = 2 (int) keep the pairs mentioned together by at least this many papers
MATCH (:Paper)-[:INTRODUCES]->(m:Model)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(c:Modality)
WITH m.name AS model, 'modality' AS kind, c.name AS covers, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN model, kind, covers, papers
UNION ALL
MATCH (:Paper)-[:INTRODUCES]->(m:Model)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(c:Organ)
WITH m.name AS model, 'organ' AS kind, c.name AS covers, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN model, kind, covers, papers
