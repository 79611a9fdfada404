// title: Papers per disease, narrower diseases included
// answers: Which diseases have the most papers, counting for each disease the distinct papers that name it or any narrower disease (MENTIONS or STUDIES, e.g. glioma under brain tumor under tumor)?
// param: min_papers = 3 (int) keep the diseases with at least this many papers
// draw: disease:Disease
MATCH (p:Paper)-[:MENTIONS|STUDIES]->(:Disease)-[:BROADER*0..6]->(d:Disease)
WITH d.name AS disease, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN disease, papers
ORDER BY papers DESC, disease
