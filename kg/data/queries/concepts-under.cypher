// title: Concepts under a broader concept
// answers: Which concepts fall under the given concept in the hierarchy (BROADER, or PART_OF for organs), itself included, and how many distinct papers name each (MENTIONS: any mention in the title or abstract, used or not)?
// param: concept = X-ray (str) the broader concept's name
// draw: narrower -[{papers} papers|under]-> $concept
MATCH (c)-[:BROADER|PART_OF*0..6]->(top {name: $concept})
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(c)
RETURN c.name AS narrower, count(DISTINCT p) AS papers
ORDER BY papers DESC, narrower
