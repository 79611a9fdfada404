// title: Leaderboard of a data set
// answers: Which results were reported on the given data set or its variants (model, metric, value, paper)?
// param: dataset = MedMNIST (str) the data set's name; its narrower data sets (variants, subsets) count too
MATCH (pa:Paper)-[:REPORTS]->(r:Result)-[:ON_DATASET]->(d:Dataset)-[:BROADER*0..6]->(:Dataset {name: $dataset})
OPTIONAL MATCH (r)-[:FOR_MODEL]->(m:Model)
RETURN DISTINCT d.name AS evaluated_on, m.name AS model, r.metric AS metric, r.value AS value, r.kind AS kind, pa.title AS paper
ORDER BY evaluated_on, metric, model, value, kind, paper
