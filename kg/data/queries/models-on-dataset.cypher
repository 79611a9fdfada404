// title: Models evaluated on a dataset
// answers: Which models were evaluated on the given data set, and with which metrics and values?
// param: dataset = MedMNIST (str) the data set's name (its preferred label or name)
MATCH (m:Model)-[:EVALUATED_ON]->(d:Dataset {name: $dataset})
OPTIONAL MATCH (r:Result)-[:FOR_MODEL]->(m), (r)-[:ON_DATASET]->(d)
RETURN m.name AS model, r.metric AS metric, r.value AS value
ORDER BY model, metric, value
