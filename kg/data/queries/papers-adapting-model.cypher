// title: Papers adapting a model
// answers: Which models build on the given model, directly or through other models (BASED_ON), and which papers mention them?
// param: model = SAM (str) the base model's name
MATCH (m:Model)-[:BASED_ON*1..6]->(:Model {name: $model})
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(m)
RETURN DISTINCT m.name AS adapted_model, p.title AS paper
ORDER BY adapted_model, paper
