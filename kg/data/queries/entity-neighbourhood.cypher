// title: Neighbourhood of an entity
// answers: What is the given entity directly connected to: each neighbour with the relation type and its direction?
// param: name = MedSAM (str) the entity's name
// label(r) is the relation type in LadybugDB/Kùzu; on Neo4j write type(r)
MATCH (e {name: $name})
OPTIONAL MATCH (e)-[r]->(n)
WITH e, collect({relation: label(r), direction: 'out', neighbour: coalesce(n.name, n.title, n.id)}) AS outgoing
OPTIONAL MATCH (e)<-[r]-(n)
WITH outgoing, collect({relation: label(r), direction: 'in', neighbour: coalesce(n.name, n.title, n.id)}) AS incoming
UNWIND outgoing + incoming AS edge
WITH edge WHERE edge.relation IS NOT NULL
RETURN DISTINCT edge.relation AS relation, edge.direction AS direction, edge.neighbour AS neighbour
ORDER BY relation, direction, neighbour
