// title: Most used data sets per modality
// answers: For each imaging modality, which data sets are mentioned by the papers that mention it, and by how many papers?
// param: min_papers = 2 (int) keep the pairs mentioned together by at least this many papers
MATCH (mo:Modality)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(d:Dataset)
WITH mo.name AS modality, d.name AS dataset, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN modality, dataset, papers
ORDER BY papers DESC, modality, dataset
