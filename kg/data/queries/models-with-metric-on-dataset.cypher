// title: Models on a data set, with one metric
// answers: Which models were evaluated on the given data set (or have results on it), and which values of the given metric were reported for them, by which paper?
// param: dataset = LiTS (str) the data set's name
// param: metric = Dice (str) the metric's name
MATCH (m:Model)-[:EVALUATED_ON]->(d:Dataset {name: $dataset})
OPTIONAL MATCH (pa:Paper)-[:REPORTS]->(r:Result)-[:FOR_MODEL]->(m), (r)-[:ON_DATASET]->(d), (r)-[:MEASURES]->(:Metric {name: $metric})
RETURN DISTINCT m.name AS model, r.value AS value, pa.title AS paper
ORDER BY model, value, paper
