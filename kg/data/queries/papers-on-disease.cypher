// title: Papers on a disease, with the data sets they use
// answers: Which papers name the given disease or a narrower one, and which data sets does each use (introduce, evaluate on or train on; not those it only mentions)? One row per paper, disease it names and data set it uses (one row with no data set when it uses none): the paper's year, the disease and the sentence that names it, the data set, the paper's role for it and the sentence that names the data set.
// param: disease = breast cancer (str) the disease's name; its narrower diseases count too
// draw: paper -[studies]-> studies:Disease
// draw: paper -[{role}]-> dataset:Dataset
// (a sentence is cut with right(left(...)), which both engines count alike (substring starts at 1
// in LadybugDB, at 0 in Neo4j); an OPTIONAL MATCH edge's with coalesce'd offsets: LadybugDB 0.22
// gives no string at all to a batch of rows in which some offsets are null)
MATCH (p:Paper)-[s:MENTIONS]->(x:Disease)-[:BROADER*0..6]->(:Disease {name: $disease})
WITH DISTINCT p, s, x
OPTIONAL MATCH (p)-[u:MENTIONS]->(d:Dataset)
WHERE u.role IN ['introduced', 'evaluated', 'trained']
RETURN DISTINCT p.id AS paper, p.year AS year, p.title AS title,
       CASE WHEN p.doi IS NOT NULL THEN 'https://doi.org/' + p.doi
            WHEN p.arxiv_id IS NOT NULL THEN 'https://arxiv.org/abs/' + p.arxiv_id ELSE p.url END AS link,
       x.name AS studies,
       CASE WHEN s.field = 'title' THEN p.title
            ELSE right(left(p.abstract, s.sentence_end), s.sentence_end - s.sentence_start) END AS evidence,
       d.name AS dataset, u.role AS role,
       CASE WHEN u.field = 'title' THEN p.title
            WHEN u.field = 'abstract' THEN right(left(p.abstract, coalesce(u.sentence_end, 0)), coalesce(u.sentence_end - u.sentence_start, 0)) END AS dataset_evidence
ORDER BY title, paper, studies, dataset
