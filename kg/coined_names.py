"""Names that papers coin for models and data sets, and whether each is a model or a data set.

A coined name looks made up: capitals inside a word (MedViTV2, CheXWorld, xLSTM), letters
mixed with digits (Med3D, YOLOv8), or hyphen-joined pieces of those (SAM-Med2D, MedMNIST-C).
Its type comes from its own shape (a size suffix such as -25M marks a data set; -Net, -Former,
-CLIP a model) and then from the words around it ("dataset", "benchmark", "trained on" versus
"model", "network", "we propose").
"""

from __future__ import annotations

import re
from functools import lru_cache

# Acronyms of generic classes, units, venues and the like that are never a model or data set
# name on their own (the guidelines exclude CNN, GAN, LLM, VLM and similar).
GENERIC_ACRONYMS = frozenset(
    """AI ML DL NN NNS ANN CNN CNNS DNN DCNN FCN RNN LSTM GRU GAN GANS VAE MLP MLPS GNN GCNN LLM LLMS
    VLM VLMS MLLM MLLMS LMM LMMS VLP LVLM LVLMS FM FMS NLP CV SOTA GPU GPUS CPU TPU API RGB ROI ROIS
    SSL SSLS FL RL IL KD DA DG OOD ID IID QA VQA MIL ViT ViTs SSM SSMS ODE PDE EM KL MSE MAE SGD
    ADAM EMA BN LN ReLU GELU HU DICOM PACS HIS RIS EHR EMR ICU ED OR ER US UK EU USA FDA NIH WHO
    MICCAI ISBI CVPR ICCV ECCV NeurIPS ICML ICLR AAAI IJCAI IEEE ACM TMI MIDL MedIA arXiv GitHub
    PhD MD MS MSc BSc Ph IRB HIPAA GDPR CT MRI PET SPECT OCT WSI WSIs XAI HCI CAD CADx CADe COVID
    TP FP TN FN TPR FPR CI SD IQR OR HR RR AP AR NA N/A PDF HTML JSON XML URL LoRA PEFT RAG CoT SFT
    RLHF DPO IoT AR VR XR CXR CXRs LM LMs PLM PLMs FFN MHSA MSA SA CA KNN kNN SVM SVMs RF LR XGBoost
    YouTube GitHub PyTorch TensorFlow HuggingFace OpenAI DeepMind Google NVIDIA iPhone UMLS SNOMED ICD
    TL AL""".split()
)
_DIMENSION = re.compile(
    r"^(?:\d+(?:\.\d+)?(?:[DdKkMmBb]|[KMGTP]B|[GM]Hz|ms|mm|cm|px)|[23]D|\d+x\d+|T[12]w?|[A-Z]\d?)$"
)
_CITATION_KEY = re.compile(r"^[A-Z][a-z]+\d{4}[A-Za-z]+$")  # Wei2022ChainOT
_SIZE_SUFFIX = re.compile(r"-\d+(?:\.\d+)?[KMB]$")
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
    "layer layers unit head operator kernel".split()
)
_CONTEXT_DATASET = re.compile(
    r"\b(?:on|from|in|using)\s+(?:the\s+)?(?:public\s+|publicly available\s+)?$", re.I
)


@lru_cache(maxsize=1 << 18)
def looks_coined(word: str) -> bool:
    """True when a word has the shape of a coined model or data set name.

    >>> [looks_coined(w) for w in ("MedViTV2", "SAM-Med2D", "YOLOv8", "Model", "CNN", "3D", "COVID-19")]
    [True, True, True, False, False, False, False]
    """
    if word == word.lower():  # every coined shape has a capital; most words have none
        return False
    word = re.sub(r"(?<=[A-Z])s$", "", word)  # MVLMs -> MVLM
    if len(word) < 2 or word in GENERIC_ACRONYMS or word.upper() in GENERIC_ACRONYMS or _DIMENSION.match(word):
        return False
    if "&" in word or re.fullmatch(r"[IVXLCDM]+(?:st|nd|rd|th)", word) or _CITATION_KEY.match(word):
        return False  # H&E-IHC, XIIth
    if not word[0].isalnum() or not re.search(r"[A-Za-z]{2}", word):
        return False
    pieces = [p for p in re.split(r"[-_]", word) if p]
    inner_capital = any(re.search(r"[a-z].*[A-Z]|[A-Z]{2}.*[a-z]|^[a-z]+[A-Z]", p) for p in pieces)
    letters_and_digits = any(re.search(r"[A-Za-z]", p) and re.search(r"\d", p) for p in pieces)
    lettered = [p for p in pieces if re.search(r"[A-Za-z]", p)]
    if all(p in GENERIC_ACRONYMS or p.upper() in GENERIC_ACRONYMS for p in lettered):
        return False  # CNN-LSTM
    all_caps = len(lettered) > 1 and any(len(p) >= 2 and p.isupper() for p in lettered)
    return inner_capital or (letters_and_digits and any(ch.isupper() for ch in word)) or all_caps


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
    """
    next_words = re.findall(r"[A-Za-z]+", after.lower())[:3]
    previous_words = re.findall(r"[A-Za-z]+", before.lower())[-2:]
    for word in next_words[:2]:
        if word in DATASET_WORDS:
            return "dataset"
        if word in MODEL_WORDS:
            return "model"
    if next_words[:1] == ["benchmark"] or previous_words[-1:] in (["dataset"], ["benchmark"]):
        return "dataset"
    if re.search(r"\b(?:trained|evaluated|validated|tested|experiments|results|pretrained|pre-trained)\s+(?:\w+\s+){0,3}on(?:\s+the)?\s*$", before, re.I):
        return "dataset"
    named = re.search(r"((?:\w+\s+){1,2})(?:named|called|dubbed|termed)\s+(?:as\s+)?$", before, re.I)
    if named:  # "a new dataset named X", "a framework called X"
        for word in reversed(named.group(1).lower().split()):
            if word in DATASET_WORDS:
                return "dataset"
            if word in MODEL_WORDS:
                return "model"
    return None


HEAD_TYPES = {
    "dataset": "dataset datasets benchmark benchmarks corpus corpora challenge database databases atlas archive cohort collection bank".split(),
    "metric": "score index distance coefficient error rate accuracy similarity divergence measure metric".split(),
    "disease": "disease diseases cancer cancers syndrome disorder disorders carcinoma tumor tumour tumors impairment infection herniation".split(),
    "modality": "imaging tomography photography radiography scopy sonography angiography".split(),
    "task": "segmentation classification detection generation answering retrieval registration estimation "
    "translation captioning recognition reconstruction prediction measurement grounding localization "
    "summarization normalization phenotyping synthesis".split(),
}
LEARNING_HEADS = frozenset("learning training pretraining pre-training alignment maximization optimization distillation".split())
_MODIFIER_TAIL = re.compile(
    r"-(?!rays?$)(?:[a-z]{3,}|(?i:[a-z]{3,}(?:ed|ing)|aware|free|wise|level|specific|based|like|style|only|agnostic|centric))$"
)
_LIST_INTRO = r"[^.;]{0,80}\b(?:including|such as|like|namely|e\.g\.,?|i\.e\.,?|:)\s[^.;]*$"
_DATASET_LIST = re.compile(r"\b(?:datasets?|benchmarks?|corpora|challenges?|databases?)\b" + _LIST_INTRO, re.I)
_MODEL_LIST = re.compile(r"\b(?:models?|baselines?|methods?|backbones?|architectures?|networks?|encoders?|approaches)\b" + _LIST_INTRO, re.I)
_COORDINATED_DATASET = re.compile(r"^(?:\s*(?:,|and|or|&)?\s*[A-Z][\w\-.+]*){0,4}\s+(?:datasets?|benchmarks?)\b")


def strip_modifier(word: str) -> str:
    """A coined name without a trailing lower-case modifier: "xLSTM-based" -> "xLSTM"."""
    return _MODIFIER_TAIL.sub("", word) if re.search(r"[A-Z]", word.split("-")[0]) else word


def type_of_long_form(long_form: str, short_form: str) -> str | None:
    """The entity type an abbreviation's long form names, from its last word.

    >>> type_of_long_form("Fréchet Radiomic Distance", "FRD"), type_of_long_form("Kolmogorov-Arnold Network", "KAN")
    ('metric', 'model')
    >>> type_of_long_form("Federated Learning", "FL") is None
    True
    """
    if short_form in GENERIC_ACRONYMS or re.sub(r"(?<=[A-Z])s$", "", short_form) in GENERIC_ACRONYMS:
        return None
    words = re.findall(r"[A-Za-z][\w\-]*", long_form)
    if not words:
        return None
    head = words[-1].lower().split("-")[-1]
    title_cased = all(w[0].isupper() for w in words[1:] if len(w) > 3)
    if head in ("models", "networks", "transformers", "methods") and not title_cased:
        return None  # "medical vision-and-language models (MVLMs)": a class, not a name
    for kind, heads in HEAD_TYPES.items():
        if head in heads or (kind == "modality" and head.endswith(("graphy", "scopy"))):
            if kind == "task" and title_cased and (len(words) > 2 or "-" in long_form):
                return "model"  # "MedRecord-Augmented Generation (MAG)" names a method
            return kind
    if head in LEARNING_HEADS:
        return "model" if title_cased else None  # "Contrastive Learning" names a method, "transfer learning" does not
    if head in MODEL_WORDS or head.rstrip("s") in MODEL_WORDS:
        return "model"
    if head in ("attention", "mechanism", "block", "loss", "machine", "bottleneck", "bottlenecks", "memory", "net"):
        return "model"
    return "model" if looks_coined(short_form) else None


def type_from_lists(before: str, after: str) -> str | None:
    """"dataset" or "model" for a name in a list those words introduce or close."""
    if _COORDINATED_DATASET.match(after) or _DATASET_LIST.search(before):
        return "dataset"
    if _MODEL_LIST.search(before):
        return "model"
    return None


_NAME = r"[A-Z][\w\-+.]*[\w+]|[A-Z]"
# "termed Image Textualization", "a dataset named MIST"; "we introduce UNI, a ..."
DEFINED_NAME = re.compile(
    rf"\b(?:named|called|dubbed|termed|coined)\s+(?:as\s+)?(?P<named>(?:{_NAME})(?:\s+(?:{_NAME})){{0,4}})"
    rf"|\b(?:[Ww]e|[Tt]his (?:paper|work|study))\s+(?:\w+\s+)?(?:propose|introduce|present|release|curate|develop|build)[sd]?\s+"
    rf"(?P<introduced>{_NAME})(?=\s*[,:(]|\s+(?:which|that|as|to|for|a|an)\b)"
)


def defined_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each name a sentence defines: "termed X", "named X", "we introduce X, a ...".

    >>> text = "we propose an innovative framework termed Image Textualization (IT), which ..."
    >>> [text[a:b] for a, b in defined_names(text)]
    ['Image Textualization']
    >>> text = "We introduce UNI, a general-purpose model."
    >>> [text[a:b] for a, b in defined_names(text)]
    ['UNI']
    """
    spans = []
    for match in DEFINED_NAME.finditer(text):
        group = "named" if match.group("named") else "introduced"
        start, end = match.span(group)
        name = text[start:end].rstrip(".")
        if len(name) >= 2 and name.split()[0].lower() not in ("the", "a", "an", "our", "this", "it"):
            spans.append((start, start + len(name)))
    return spans
