// title: Papers per year on a task
// answers: How many papers name the given task or a narrower one (ADDRESSES), each year (papers with no year are left out), and how many distinct models do those papers use (propose, build on or compare; not models they only mention)?
// param: task = segmentation (str) the task's name; narrower tasks count too
MATCH (p:Paper)-[:ADDRESSES]->(:Task)-[:BROADER*0..6]->(:Task {name: $task})
WHERE p.year IS NOT NULL
WITH DISTINCT p
OPTIONAL MATCH (p)-[u:MENTIONS]->(m:Model)
WHERE u.role IN ['proposed', 'base', 'compared']
RETURN p.year AS year, count(DISTINCT p) AS papers, count(DISTINCT m) AS models
ORDER BY year
