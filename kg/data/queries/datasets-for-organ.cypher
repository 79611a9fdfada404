// title: Data sets covering an organ
// answers: Which data sets cover the given organ or one of its parts, in which modalities, and how many papers mention them?
// param: organ = abdomen (str) the organ's name; its parts (PART_OF) count too
MATCH (d:Dataset)-[:COVERS_ORGAN]->(:Organ)-[:PART_OF*0..6]->(:Organ {name: $organ})
OPTIONAL MATCH (d)-[:HAS_MODALITY]->(mo:Modality)
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(d)
RETURN d.name AS dataset, mo.name AS modality, count(DISTINCT p) AS papers
ORDER BY dataset, modality
