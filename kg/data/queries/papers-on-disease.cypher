// title: Papers on a disease, with their data sets
// answers: Which papers mention or study the given disease (or a narrower one), in which year, and which data sets do they mention?
// param: disease = breast cancer (str) the disease's name
MATCH (p:Paper)-[:MENTIONS|STUDIES]->(:Disease)-[:BROADER*0..6]->(:Disease {name: $disease})
OPTIONAL MATCH (p)-[:MENTIONS]->(d:Dataset)
RETURN DISTINCT p.title AS paper, p.year AS year, d.name AS dataset
ORDER BY paper, dataset
