// title: New data sets per year
// answers: How many data sets were introduced each year (INTRODUCES: the paper releases or proposes the data set), by the year of the introducing paper (papers with no year are left out), and by how many distinct papers? A data set introduced by papers of two years counts in both.
MATCH (p:Paper)-[:INTRODUCES]->(d:Dataset)
WHERE p.year IS NOT NULL
RETURN p.year AS year, count(DISTINCT d) AS datasets, count(DISTINCT p) AS papers
ORDER BY year
