"""config.NOT_MENTIONS: each phrase where an ontology label is an ordinary word has one
example that must match and one that must not; a new pattern without examples fails here."""

import re

import pytest

from kg import config
from kg.extract.ontology_matcher import ordinary_phrases

# pattern -> (text it must match, text it must not match)
EXAMPLES = {
    r"\bon the other hand\b": ("On the other hand, MRI is slow.", "X-rays of the other hand"),
    r"\bon (?:the )?one hand\b": ("On one hand, CT is fast.", "bone age on one-hand radiographs"),
    r"\b(?:dataset|data|memory|knowledge|model|weight)\s+consolidation\b": (
        "a path to dataset consolidation", "lobar consolidation on chest X-rays"),
    r"\bthe (?:U\.S\.|US\b)(?![- ]?(?:images?|scans?|scanners?|imaging|exam\w*|videos?|frames?|data|guided|probes?|transducers?|sequences?|volumes?|reports?|modality|features?)\b)": (
        "hospitals across the US took part", "the US images of the thyroid"),
    r"\b(?:in|across) (?:the )?U\.S\.": ("patients in the U.S. and Europe", "lesions in US and CT"),
    r"\bUS[- ]based\b": ("a US-based cohort", "US-guided biopsy"),
    r"\b(?:body|muscle|bone|lean|fat|critical)[- ]mass\b": ("body mass index", "a breast mass"),
    r"\ba mass (?:or|of)\b": ("a tumour is a mass of abnormal cells", "a mass in the left breast"),
    r"\bmass[- ](?:spectrometry|spectrometer|index|density|transfer|storage|screening|casualt\w*|media|production)\b": (
        "mass spectrometry imaging", "mass segmentation in mammograms"),
    r"\b(?:at|in) hand\b": ("the task at hand", "fractures in hands"),
    r"\bhand[- ]?(?:crafted|designed|engineered|labell?ed|annotated|drawn|written)\b": (
        "hand-crafted features", "hand radiographs were labelled"),
    r"\bjoint(?:ly)?[- ](?!(?:space|replacement|pain|disease|effusion|injur)\w*)[a-z]+": (
        "joint training of both tasks", "joint space narrowing"),
    r"\b(?:sub-)?pathologies\b": ("14 thoracic pathologies", "digital pathology slides"),
    r"\b(?:multiple|several|various|different|common|thoracic|chest|cardiac|clinical|diverse)\s+pathology\b": (
        "it detects thoracic pathology", "computational pathology"),
    r"\bsensitiv(?:ity|e) (?:to|of)\b(?![^.;!?]*?\d(?:\.\d|\s?%))": (
        "robust but sensitive to noise", "the sensitivity of radiologists was 0.88"),
    r"\bprecision (?:medicine|oncology|health)\b": ("towards precision medicine", "precision and recall"),
    r"\b(?:mixed|half|full|single|double)[- ]precision\b": ("mixed-precision training", "high precision"),
    r"\b(?:surgical|spatial|temporal|numerical|numeric|floating[- ]point|positional|geometric|sub-?millimet(?:er|re)|millimet(?:er|re))[- ]precision\b": (
        "robotic surgery needs surgical precision", "a precision of 0.91"),
    r"\blogistic regression\b": ("a logistic regression baseline", "logistic models"),
    r"\b(?:lasso|ridge|cox|linear|poisson|multivariable|multivariate|univariable|univariate) regression\b": (
        "LASSO regression selected 12 features", "age regression from brain MRI"),
    r"\bretrieval[- ]augmented\b": ("retrieval-augmented generation", "image retrieval"),
    r"\breconstruction (?:loss|error)\b": ("a reconstruction loss term", "3D reconstruction of the heart"),
    r"\beye[- ]tracking\b": ("eye-tracking data", "eye disease"),
    r"\banterior segment\b": ("anterior segment OCT", "anterior chamber"),
    r"\b\d+(?:\.\d+)?\s?(?:TB|GB|MB|KB|PB)\b": ("trained on 40 GB of images", "trained on 4 GPUs"),
}


@pytest.mark.parametrize("pattern", config.NOT_MENTIONS)
def test_pattern_matches_its_example_and_not_its_counterexample(pattern):
    assert pattern in EXAMPLES, f"give {pattern!r} an example that must match and one that must not in EXAMPLES"
    match, no_match = EXAMPLES[pattern]
    assert re.search(pattern, match, re.I)
    assert not re.search(pattern, no_match, re.I)
    # every match holds the pattern's word, so the matcher may skip texts without it; and the
    # matcher agrees
    assert all(config.NOT_MENTIONS[pattern] in m.group().lower() for m in re.finditer(pattern, match, re.I))
    assert ordinary_phrases(match) and not ordinary_phrases(no_match)


def test_every_example_belongs_to_a_pattern():
    assert set(EXAMPLES) <= set(config.NOT_MENTIONS)
