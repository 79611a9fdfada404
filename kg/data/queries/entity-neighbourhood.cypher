// title: Neighbourhood of an entity
// answers: What is the given entity directly connected to? One row per edge: its relation type, its direction, the neighbour (a name, a paper's title or a result's id) and, where the edge comes from a paper, that paper and the sentence: a paper's own edge (MENTIONS, INTRODUCES, ADDRESSES, STUDIES), a result's (FOR_MODEL, ON_DATASET, MEASURES: the paper that reports it) or an edge between two entities read in a paper (its evidence; none for a fact of the ontology or BROADER).
// param: name = MedSAM (str) the entity's name
// draw: $name -[{relation}]-> neighbour if direction = out
// draw: neighbour -[{relation}]-> $name if direction = in
// label(r) and label(n) are the relation type and node label in LadybugDB/Kùzu; Neo4j has type(r) and
// labels(n) instead, so Neo4j runs entity-neighbourhood.neo4j.cypher. The sentence of a paper's edge
// is cut with right(left(...)) and coalesce'd offsets: LadybugDB 0.22 gives no string to a batch of
// rows in which some offsets are null.
MATCH (e {name: $name})
OPTIONAL MATCH (e)-[r]->(n)
WITH e, collect({relation: label(r), direction: 'out', neighbour: coalesce(n.name, n.title, n.id),
                 paper: r.paper, sentence: r.sentence}) AS outgoing
OPTIONAL MATCH (e)<-[r]-(n)
OPTIONAL MATCH (q:Paper)-[:REPORTS]->(n)
WITH outgoing, collect({relation: label(r), direction: 'in', neighbour: coalesce(n.name, n.title, n.id),
     paper: CASE WHEN label(n) = 'Paper' THEN n.id WHEN label(n) = 'Result' THEN q.id ELSE r.paper END,
     sentence: CASE WHEN label(n) = 'Paper' AND r.field = 'title' THEN n.title
                    WHEN label(n) = 'Paper' AND r.field = 'abstract'
                         THEN right(left(n.abstract, coalesce(r.sentence_end, 0)), coalesce(r.sentence_end - r.sentence_start, 0))
                    WHEN label(n) = 'Result' THEN n.sentence ELSE r.sentence END}) AS incoming
UNWIND outgoing + incoming AS edge
WITH edge WHERE edge.relation IS NOT NULL
OPTIONAL MATCH (p:Paper)
WHERE p.id = edge.paper
RETURN DISTINCT edge.relation AS relation, edge.direction AS direction, edge.neighbour AS neighbour, p.id AS paper,
       p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       CASE WHEN edge.sentence <> '' THEN edge.sentence END AS evidence
ORDER BY relation, direction, neighbour, paper, evidence
