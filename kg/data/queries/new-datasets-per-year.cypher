// title: New data sets per year
// answers: How many data sets were introduced each year (by the year of the introducing paper), and by how many papers?
MATCH (p:Paper)-[:INTRODUCES]->(d:Dataset)
WHERE p.year IS NOT NULL
RETURN p.year AS year, count(DISTINCT d) AS datasets, count(DISTINCT p) AS papers
ORDER BY year
