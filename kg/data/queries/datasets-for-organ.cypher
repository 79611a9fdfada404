// title: Data sets covering an organ
// answers: Which data sets cover the given organ or one of its parts (COVERS_ORGAN, from the ontology or a paper's sentence), which part, in which modalities (HAS_MODALITY), and how many papers use each data set (introduce it, evaluate on it or train on it; papers that only mention it are not counted)?
// param: organ = abdomen (str) the organ's name; its parts (PART_OF) count too
// draw: dataset:Dataset -[covers]-> covers:Organ
// draw: dataset:Dataset -[modality]-> modality:Modality
MATCH (d:Dataset)-[:COVERS_ORGAN]->(o:Organ)-[:PART_OF*0..6]->(:Organ {name: $organ})
WITH DISTINCT d, o
OPTIONAL MATCH (d)-[:HAS_MODALITY]->(mo:Modality)
OPTIONAL MATCH (p:Paper)-[u:MENTIONS]->(d)
WHERE u.role IN ['introduced', 'evaluated', 'trained']
RETURN d.name AS dataset, o.name AS covers, mo.name AS modality, count(DISTINCT p) AS papers
ORDER BY dataset, covers, modality
