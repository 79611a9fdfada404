// title: Modalities and organs studied together
// answers: Which pairs of imaging modality and organ are mentioned by the same papers, and by how many?
// param: min_papers = 3 (int) keep the pairs mentioned together by at least this many papers
MATCH (mo:Modality)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(o:Organ)
WITH mo.name AS modality, o.name AS organ, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN modality, organ, papers
ORDER BY papers DESC, modality, organ
