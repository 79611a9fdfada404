// title: Leaderboard of a data set
// answers: Which results were reported on the given data set or a narrower one (a Result ON_DATASET it)? One row per result: the data set, the model (empty when the sentence names none), metric, value and kind (score or improvement), the paper that reports it and the sentence that states it.
// param: dataset = MedMNIST (str) the data set's name; its narrower data sets (variants, subsets) count too
// draw: model:Model -[{metric} {value}]-> evaluated_on:Dataset if kind = score
// draw: model:Model -[{metric} +{value}]-> evaluated_on:Dataset if kind = improvement
// draw: paper -[{metric} {value}]-> evaluated_on:Dataset if model = null and kind = score
// draw: paper -[{metric} +{value}]-> evaluated_on:Dataset if model = null and kind = improvement
MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:ON_DATASET]->(d:Dataset)-[:BROADER*0..6]->(:Dataset {name: $dataset})
WITH DISTINCT p, r, d
OPTIONAL MATCH (r)-[:FOR_MODEL]->(m:Model)
RETURN DISTINCT d.name AS evaluated_on, m.name AS model, r.metric AS metric, r.value AS value, r.kind AS kind,
       p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       CASE WHEN r.sentence <> '' THEN r.sentence END AS evidence
ORDER BY evaluated_on, metric, model, value, kind, paper, evidence
