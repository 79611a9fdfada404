// title: Lineage of a model
// answers: Which models does the given model build on, directly or through other models (BASED_ON), and which papers introduce them?
// param: model = MedSAM-CA (str) the model's name
MATCH (:Model {name: $model})-[:BASED_ON*1..6]->(a:Model)
OPTIONAL MATCH (p:Paper)-[:INTRODUCES]->(a)
RETURN DISTINCT a.name AS ancestor, p.title AS introduced_by
ORDER BY ancestor, introduced_by
