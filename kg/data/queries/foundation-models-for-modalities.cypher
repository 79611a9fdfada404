// title: Foundation models covering two modalities
// answers: Which foundation models (the family or a narrower one, such as pathology foundation model) have papers proposed, adapted or compared on both given modalities (or narrower ones), with each paper, the model's role in it and the sentence that names the model?
// param: modality = histopathology (str) one modality; narrower modalities count too
// param: and_modality = CT (str) the other modality (the same name for one modality)
// entity: and_modality = Modality
// draw: paper -[{role}]-> model:Model
// draw: paper -[modality]-> covers:Modality
// WITH DISTINCT m: a model reached by two paths lost rows in the joins below (LadybugDB 0.22; see README)
MATCH (m:Model)-[:IN_FAMILY]->(:Family)-[:BROADER*0..4]->(:Family {name: 'foundation model'})
WITH DISTINCT m
MATCH (p:Paper)-[u:MENTIONS]->(m)
WHERE u.role IN ['proposed', 'base', 'compared']
MATCH (p)-[:MENTIONS]->(:Modality)-[:BROADER*0..6]->(c:Modality)
WHERE (c.name = $modality OR c.name = $and_modality)
  AND EXISTS { MATCH (q:Paper)-[v:MENTIONS]->(m), (q)-[:MENTIONS]->(:Modality)-[:BROADER*0..6]->(:Modality {name: $modality})
               WHERE v.role IN ['proposed', 'base', 'compared'] }
  AND EXISTS { MATCH (q:Paper)-[v:MENTIONS]->(m), (q)-[:MENTIONS]->(:Modality)-[:BROADER*0..6]->(:Modality {name: $and_modality})
               WHERE v.role IN ['proposed', 'base', 'compared'] }
RETURN DISTINCT m.name AS model, c.name AS covers, u.role AS role, p.id AS paper, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       CASE WHEN u.field = 'title' THEN p.title
            ELSE right(left(p.abstract, u.sentence_end), u.sentence_end - u.sentence_start) END AS evidence
ORDER BY model, covers, paper
