// title: Papers per year on a task
// answers: How many papers address the given task (or a narrower one) each year, and how many distinct models do they mention?
// param: task = segmentation (str) the task's name; narrower tasks count too
MATCH (p:Paper)-[:ADDRESSES]->(:Task)-[:BROADER*0..6]->(:Task {name: $task})
WHERE p.year IS NOT NULL
OPTIONAL MATCH (p)-[:MENTIONS]->(m:Model)
RETURN p.year AS year, count(DISTINCT p) AS papers, count(DISTINCT m) AS models
ORDER BY year
