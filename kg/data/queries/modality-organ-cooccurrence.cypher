// title: Modalities and organs studied together
// answers: Which pairs of imaging modality and organ are named by the same papers, and by how many distinct papers (each naming both in its title or abstract; the modality is not checked to image that organ)?
// param: min_papers = 3 (int) keep the pairs named together by at least this many papers
// draw: modality:Modality -[{papers} papers]-> organ:Organ
MATCH (mo:Modality)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(o:Organ)
WITH mo.name AS modality, o.name AS organ, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN modality, organ, papers
ORDER BY papers DESC, modality, organ
