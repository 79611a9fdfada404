// title: Neighbourhood of an entity
// answers: What is the given entity directly connected to: each neighbour with the relation type and its direction?
// param: name = MedSAM (str) the entity's name
// label(r) is the relation type in LadybugDB/Kùzu; on Neo4j write type(r)
MATCH (e {name: $name})-[r]->(n)
RETURN label(r) AS relation, 'out' AS direction, coalesce(n.name, n.title, n.id) AS neighbour
UNION
MATCH (e {name: $name})<-[r]-(n)
RETURN label(r) AS relation, 'in' AS direction, coalesce(n.name, n.title, n.id) AS neighbour
