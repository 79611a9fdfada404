// title: Most used data sets per modality
// answers: For each imaging modality, which data sets do papers use, and how many papers use each? A paper uses a data set when it introduces it, evaluates on it or trains on it (not when it only mentions it); the data set's modalities are those recorded for it (HAS_MODALITY), or, for a data set with none recorded, those the using paper names. Counted: distinct papers per modality and data set.
// param: min_papers = 2 (int) keep the pairs used by at least this many papers
// draw: dataset:Dataset -[{papers} papers]-> modality:Modality
MATCH (p:Paper)-[u:MENTIONS]->(d:Dataset)
WHERE u.role IN ['introduced', 'evaluated', 'trained']
OPTIONAL MATCH (d)-[:HAS_MODALITY]->(recorded:Modality)
OPTIONAL MATCH (p)-[:MENTIONS]->(named:Modality)
WHERE NOT EXISTS { MATCH (d)-[:HAS_MODALITY]->(:Modality) }
WITH coalesce(recorded.name, named.name) AS modality, d.name AS dataset, p
WHERE modality IS NOT NULL
WITH modality, dataset, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN modality, dataset, papers
ORDER BY papers DESC, modality, dataset
