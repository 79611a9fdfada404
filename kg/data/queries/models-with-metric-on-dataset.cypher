// title: Models on a data set, with one metric
// answers: Which models were evaluated on the given data set or a narrower one (an EVALUATED_ON edge), and which values of the given metric were reported for them there? One row per result of that metric tying the model to the data set (its value, the paper that reports it and the sentence that states it), and one row with no value for the paper whose sentence the edge keeps as evidence, when that paper reports no such result.
// param: dataset = LiTS (str) the data set's name; its narrower data sets (variants, subsets) count too
// param: metric = Dice (str) the metric's name (only that metric, not a narrower one)
// draw: model:Model -[{$metric} {value}|evaluated on]-> evaluated_on:Dataset
MATCH (m:Model)-[e:EVALUATED_ON]->(d:Dataset)-[:BROADER*0..6]->(:Dataset {name: $dataset})
WITH DISTINCT m, e, d
MATCH (p:Paper)-[:MENTIONS]->(m)
OPTIONAL MATCH (p)-[:REPORTS]->(r:Result)-[:FOR_MODEL]->(m), (r)-[:ON_DATASET]->(d), (r)-[:MEASURES]->(:Metric {name: $metric})
WITH m, e, d, p, r
WHERE r IS NOT NULL OR p.id = e.paper
RETURN DISTINCT m.name AS model, d.name AS evaluated_on, r.value AS value, p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       CASE WHEN r IS NULL THEN e.sentence WHEN r.sentence <> '' THEN r.sentence END AS evidence
ORDER BY model, evaluated_on, paper, value, evidence
