// title: What has been reported on a data set
// answers: Which papers mention the given data set, and which results (metric, value, model, data set) do those papers report?
// param: dataset = TCGA (str) the data set's name
MATCH (p:Paper)-[:MENTIONS]->(:Dataset {name: $dataset})
OPTIONAL MATCH (p)-[:REPORTS]->(r:Result)
RETURN DISTINCT p.title AS paper, p.year AS year, r.metric AS metric, r.value AS value, r.model AS model, r.dataset AS result_dataset
ORDER BY paper, metric, value, model
