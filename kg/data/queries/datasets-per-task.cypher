// title: Most used data sets per task
// answers: For each task, which data sets do papers use, and how many papers use each? A paper uses a data set when it introduces it, evaluates on it or trains on it (not when it only mentions it); the data set's tasks are those recorded for it (FOR_TASK), or, for a data set with none recorded, those the using paper addresses (ADDRESSES). Counted: distinct papers per task and data set.
// param: min_papers = 2 (int) keep the pairs used by at least this many papers
// draw: dataset:Dataset -[{papers} papers]-> task:Task
MATCH (p:Paper)-[u:MENTIONS]->(d:Dataset)
WHERE u.role IN ['introduced', 'evaluated', 'trained']
OPTIONAL MATCH (d)-[:FOR_TASK]->(recorded:Task)
OPTIONAL MATCH (p)-[:ADDRESSES]->(addressed:Task)
WHERE NOT EXISTS { MATCH (d)-[:FOR_TASK]->(:Task) }
WITH coalesce(recorded.name, addressed.name) AS task, d.name AS dataset, p
WHERE task IS NOT NULL
WITH task, dataset, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN task, dataset, papers
ORDER BY papers DESC, task, dataset
