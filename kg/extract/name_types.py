"""Whether a coined name is a model or a data set: from its own shape (a size suffix such as
-25M marks a data set; -Net, -Former, -CLIP a model), from the words around it ("dataset",
"benchmark", "trained on" against "model", "network", "we propose"), and from the lists it is in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

DATASET_SHAPES = re.compile(r"(?:Bench|Instruct|QA|VQA|MNIST|Set|DB|Data|Corpus|-\d+(?:\.\d+)?[KMB])(?:[-+]\w+)?$")
MODEL_SHAPES = re.compile(r"(?:Net|NET|Former|former|SAM|CLIP|GPT|LLaVA|BERT|ViT|UNet|Seg|Mamba|Diff|GAN|KAN|LM|VL)(?:[-_]?v?\d+(?:\.\d+)?[A-Za-z]?)?$")
DATASET_WORDS = frozenset(
    "dataset datasets data benchmark benchmarks corpus corpora challenge challenges database databases "
    "cohort cohorts collection archive repository suite set".split()
)
MODEL_WORDS = frozenset(
    "model models network networks architecture architectures framework frameworks method methods "
    "approach encoder decoder backbone backbones module algorithm pipeline agent assistant "
    "transformer transformers classifier detector segmenter generator baseline baselines adapter adapters "
    "layer layers unit head operator kernel vlm vlms llm llms lmm lmms mllm mllms".split()
)
_LIST_INTRO = r"[^.;]{0,80}\b(?:including|such as|like|namely|e\.g\.,?|i\.e\.,?|:)\s[^.;]*$"
# not "challenges": "To address these challenges, we propose three contributions: ..." lists none
_DATASET_LIST = re.compile(r"\b(?:datasets?|benchmarks?|corpora|databases?)\b" + _LIST_INTRO, re.I)
_MODEL_LIST = re.compile(r"\b(?:models?|baselines?|methods?|backbones?|architectures?|networks?|encoders?|approaches|"
                         r"(?:M?LLM|VLM|LMM)s?)\b" + _LIST_INTRO, re.I)
_APPOSITION = re.compile(r"\s*(?:,|:|\(|[-\u2013\u2014])\s*(?:a|an|the|our)\s([^,.;()]{0,80})", re.I)
_COORDINATED_DATASET = re.compile(r"^(?:\s*(?:,|and|or|&)?\s*(?:the\s+)?[A-Z][\w\-.+]*){0,4}\s+(?:datasets?|benchmarks?)\b")
# names listed right after the noun: "the image retrieval datasets, ROxford and RParis"
_NAMED_AFTER = r"\s*(?:[A-Z][\w\-.+]*\s*(?:,|and|or)\s*){0,4}$"
_AFTER_DATASET_NOUN = re.compile(r"\b(?:datasets|benchmarks|corpora|databases)\s*[,:]" + _NAMED_AFTER)
_AFTER_MODEL_NOUN = re.compile(r"\b(?:models|baselines|methods|backbones|architectures|networks|encoders)\s*[,:]" + _NAMED_AFTER)


def type_from_shape(name: str) -> str | None:
    """"dataset" or "model" when the name's own shape says which, else None.

    >>> type_from_shape("MedTrinity-25M"), type_from_shape("SAM-Med2D"), type_from_shape("CheXWorld")
    ('dataset', None, None)
    >>> type_from_shape("xLSTM-UNet")
    'model'
    """
    if DATASET_SHAPES.search(name):
        return "dataset"
    if MODEL_SHAPES.search(name):
        return "model"
    return None


def type_from_context(before: str, after: str) -> str | None:
    """"dataset" or "model" from the words next to a name, else None.

    `before` and `after` are the text just before and just after the name in its sentence.

    >>> type_from_context("experiments on the", "dataset show")
    'dataset'
    >>> type_from_context("we propose", ", a network that")
    'model'
    >>> type_from_context("fine-tuned for triplet recognition on", "")
    'dataset'
    >>> type_from_context("we present", ", the largest public collection of slides")
    'dataset'
    """
    next_words = re.findall(r"[A-Za-z]+", after.lower())[:3]
    previous_words = re.findall(r"[A-Za-z]+", before.lower())[-2:]
    for word in next_words[:2]:
        if word in DATASET_WORDS:
            return "dataset"
        if word in MODEL_WORDS:
            return "model"
    apposition = _APPOSITION.match(after)
    if apposition:  # "X, the largest public collection of ...", "X - a large-scale dataset of ..."
        for word in re.findall(r"[A-Za-z]+", apposition.group(1).lower())[:8]:
            if word in DATASET_WORDS:
                return "dataset"
            if word in MODEL_WORDS:
                return "model"
    if next_words[:1] == ["benchmark"] or previous_words[-1:] in (["dataset"], ["benchmark"]):
        return "dataset"
    if re.search(r"\b(?:trained|evaluated|validated|tested|experiments|results|pretrained|pre-trained|fine-?tuned|benchmarked)\s+(?:\w+\s+){0,3}on(?:\s+the)?\s*$", before, re.I):
        return "dataset"
    # a task done on it: "triplet recognition on CholecT50", "segmentation performance on X"
    if re.search(r"\b(?:recognition|segmentation|detection|classification|registration|reconstruction|estimation|"
                 r"localization|grading|retrieval|answering|performance|accuracy)\s+on(?:\s+the)?\s*$", before, re.I):
        return "dataset"
    named = re.search(r"((?:\w+\s+){1,2})(?:named|called|dubbed|termed)\s+(?:as\s+)?(?:[A-Z][\w\-.+]*\s*(?:,|and|or)\s*){0,4}$", before)
    if named:  # "a new dataset named X", "a framework called X"
        for word in reversed(named.group(1).lower().split()):
            if word in DATASET_WORDS:
                return "dataset"
            if word in MODEL_WORDS:
                return "model"
    return None


def type_from_lists(before: str, after: str) -> str | None:
    """"dataset" or "model" for a name in a list those words introduce or close.

    >>> type_from_lists("on datasets such as ", ""), type_from_lists("to baselines including ", ", and")
    ('dataset', 'model')
    >>> type_from_lists("the image retrieval datasets, ROxford and ", ""), type_from_lists("in the", " and the Cityscapes dataset")
    ('dataset', 'dataset')
    """
    if _COORDINATED_DATASET.match(after) or _DATASET_LIST.search(before) or _AFTER_DATASET_NOUN.search(before):
        return "dataset"
    if _MODEL_LIST.search(before) or _AFTER_MODEL_NOUN.search(before):
        return "model"
    return None


def coined_type(name: str, contexts: Iterable[tuple[str, str]], *, defined: str | None, parts: set[str]) -> str:
    """model or dataset, from the strongest evidence first: a known model or data set inside
    the name (`parts`: LLaVA-7B, MedMNIST-C), a size suffix (-25M), the words around its
    occurrences (`contexts`, (before, after) in each sentence; the majority), the name's shape
    (-Net), the type its defining long form gave (`defined`), a list it is in; else model.

    >>> coined_type("Quilt-1M", [("we train", "a network")], defined=None, parts=set())
    'dataset'
    >>> coined_type("MedFoo", [("results on the", "benchmark")], defined="model", parts=set())
    'dataset'
    """
    if len(parts) == 1:
        return next(iter(parts))
    shape = type_from_shape(name)
    if shape == "dataset" and re.search(r"-\d+(?:\.\d+)?B$", name):
        shape = "model"  # -7B, -70B: a model's size in parameters, unless the words around say otherwise
    elif shape == "dataset":  # -25M is data
        return shape
    contexts = list(contexts)
    votes = Counter(kind for context in contexts if (kind := type_from_context(*context)))
    if votes:
        return votes.most_common(1)[0][0]
    lists = Counter(kind for context in contexts if (kind := type_from_lists(*context)))
    return shape or defined or (lists.most_common(1)[0][0] if lists else "model")
