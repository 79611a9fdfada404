// title: Models evaluated on a data set
// The Neo4j Browser form of models-on-dataset.cypher: the same models, data sets, papers and results,
// returned as nodes and relationships, so that Neo4j Browser draws them as a graph.
// param: dataset = MedMNIST (str) the data set's name; its narrower data sets (variants, subsets) count too
MATCH (m:Model)-[e:EVALUATED_ON]->(d:Dataset)-[:BROADER*0..6]->(:Dataset {name: $dataset})
WITH DISTINCT m, e, d
MATCH (p:Paper)-[x:MENTIONS]->(m)
OPTIONAL MATCH (p)-[rp:REPORTS]->(r:Result)-[fm:FOR_MODEL]->(m), (r)-[od:ON_DATASET]->(d)
WITH m, e, d, p, x, r, rp, fm, od
WHERE r IS NOT NULL OR p.id = e.paper
RETURN m, e, d, p, x, r, rp, fm, od
