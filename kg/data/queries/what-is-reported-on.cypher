// title: What has been reported on a data set
// answers: Which papers use the given data set or a narrower one (introduce it, evaluate on it or train on it, not only mention it), and which results does each report on it (a Result ON_DATASET that data set, or tied to no data set)? One row per paper, data set used and result: the data set, the paper's role for it, the result's metric, value, kind, model and data set, and the sentence that states the result; a paper that reports no such result gives one row, with the sentence that names the data set.
// param: dataset = TCGA (str) the data set's name; its narrower data sets (variants, subsets) count too
// draw: paper -[{role}]-> used:Dataset
// draw: model:Model -[{metric} {value}]-> result_dataset:Dataset if kind = score
// draw: model:Model -[{metric} +{value}]-> result_dataset:Dataset if kind = improvement
// draw: paper -[{metric} {value}]-> result_dataset:Dataset if model = null and kind = score
// draw: paper -[{metric} +{value}]-> result_dataset:Dataset if model = null and kind = improvement
MATCH (p:Paper)-[u:MENTIONS]->(d:Dataset)-[:BROADER*0..6]->(:Dataset {name: $dataset})
WHERE u.role IN ['introduced', 'evaluated', 'trained']
WITH DISTINCT p, u, d
OPTIONAL MATCH (p)-[:REPORTS]->(r:Result)
WHERE EXISTS { MATCH (r)-[:ON_DATASET]->(d) } OR NOT EXISTS { MATCH (r)-[:ON_DATASET]->(:Dataset) }
RETURN DISTINCT d.name AS used, u.role AS role, p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       r.metric AS metric, r.value AS value, r.kind AS kind, r.model AS model, r.dataset AS result_dataset,
       CASE WHEN r IS NULL AND u.field = 'title' THEN p.title
            WHEN r IS NULL THEN right(left(p.abstract, u.sentence_end), u.sentence_end - u.sentence_start)
            WHEN r.sentence <> '' THEN r.sentence END AS evidence
ORDER BY used, paper, metric, value, kind, model, result_dataset, evidence
