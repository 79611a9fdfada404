// title: Data sets used for a task on a modality
// answers: Which data sets do papers use (introduce, evaluate on or train on) for the given task (or a narrower one) on the given modality (or a narrower one, named by the paper or recorded for the data set), leaving out a data set whose recorded tasks do not include the task, with each paper and the sentence that names the data set?
// param: task = classification (str) the task's name; narrower tasks count too
// param: modality = X-ray (str) the modality's name; narrower modalities count too
// draw: paper -[{role}]-> dataset:Dataset
MATCH (p:Paper)-[:ADDRESSES]->(:Task)-[:BROADER*0..6]->(:Task {name: $task})
WITH DISTINCT p
MATCH (p)-[u:MENTIONS]->(d:Dataset)
WHERE u.role IN ['introduced', 'evaluated', 'trained']
  AND (EXISTS { MATCH (p)-[:MENTIONS]->(:Modality)-[:BROADER*0..6]->(:Modality {name: $modality}) }
    OR EXISTS { MATCH (d)-[:HAS_MODALITY]->(:Modality)-[:BROADER*0..6]->(:Modality {name: $modality}) })
  AND (NOT EXISTS { MATCH (d)-[:FOR_TASK]->(:Task) }
    OR EXISTS { MATCH (d)-[:FOR_TASK]->(:Task)-[:BROADER*0..6]->(:Task {name: $task}) })
RETURN d.name AS dataset, u.role AS role, p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       CASE WHEN u.field = 'title' THEN p.title
            ELSE right(left(p.abstract, u.sentence_end), u.sentence_end - u.sentence_start) END AS evidence
ORDER BY dataset, paper
