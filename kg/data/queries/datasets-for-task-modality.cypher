// title: Data sets for a task on a modality
// answers: Which data sets do the papers mention that address the given task and mention the given modality (or narrower ones), and how many such papers?
// param: task = classification (str) the task's name; narrower tasks count too
// param: modality = X-ray (str) the modality's name; narrower modalities count too
MATCH (p:Paper)-[:ADDRESSES]->(:Task)-[:BROADER*0..6]->(:Task {name: $task})
MATCH (p)-[:MENTIONS]->(:Modality)-[:BROADER*0..6]->(:Modality {name: $modality})
MATCH (p)-[:MENTIONS]->(d:Dataset)
RETURN d.name AS dataset, count(DISTINCT p) AS papers
ORDER BY papers DESC, dataset
