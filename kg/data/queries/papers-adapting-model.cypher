// title: Papers adapting a model
// answers: Which papers adapt the given model or one of its versions (BROADER)? A paper adapts it when it uses it as the base of its own work (role base), or proposes or builds on a model that is BASED_ON it, directly or through other models. One row per paper and model it so uses: the model, the paper's role for it (proposed or base), and the sentence that states the model is built on it (the BASED_ON edge's evidence, when it comes from this paper) or else the sentence that names the model.
// param: model = SAM (str) the base model's name; its versions (narrower models, e.g. SAM 2) count too
// draw: paper -[{role}]-> uses:Model
// the versions of the model, then every model built on one of them, directly or through
// others: by breadth-first search (SHORTEST: each model reached once, where *1..30 would walk
// every path), up to 30 steps, LadybugDB's limit
MATCH (x:Model)-[:BROADER*0..6]->(:Model {name: $model})
WITH DISTINCT x
OPTIONAL MATCH (m0:Model)-[:BASED_ON* SHORTEST 1..30]->(x)
WITH collect(DISTINCT x.id) + collect(DISTINCT m0.id) AS ids
UNWIND ids AS id
WITH DISTINCT id, ids
MATCH (m:Model {id: id})
MATCH (p:Paper)-[u:MENTIONS]->(m)
WHERE u.role = 'base' OR (u.role = 'proposed' AND EXISTS { MATCH (m)-[:BASED_ON]->(y:Model) WHERE y.id IN ids })
OPTIONAL MATCH (m)-[b:BASED_ON]->(y:Model)
WHERE b.paper = p.id AND y.id IN ids
WITH p, m, u.role AS role,
     CASE WHEN u.field = 'title' THEN p.title
          ELSE right(left(p.abstract, u.sentence_end), u.sentence_end - u.sentence_start) END AS named,
     min(b.sentence) AS stated
RETURN p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       m.name AS uses, role, coalesce(stated, named) AS evidence
ORDER BY paper, uses
