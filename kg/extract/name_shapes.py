"""The shape of a made-up name: what makes a word look coined (MedViTV2, SAM-Med2D, YOLOv8)
rather than a generic acronym (CNN, LLM) or a unit, and its trailing modifier (xLSTM-based).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.text import singular_acronym

# Acronyms of generic classes, units, venues, hosting sites and the like that are never a model
# or data set
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
    TL AL dB kHz MHz GHz Kaggle PhysioNet TCIA Zenodo Figshare""".split()
)
_DIMENSION = re.compile(
    r"^(?:\d+(?:\.\d+)?(?:[DdKkMmBb]|[KMGTP]B|[GM]Hz|ms|mm|cm|px)|[23]D|\d+x\d+|T[12]w?|[A-Z]\d?)$"
)
_CITATION_KEY = re.compile(r"^[A-Z][a-z]+\d{4}[A-Za-z]+$")  # Wei2022ChainOT
# reporting and data systems (PI-RADS, BI-RADS, Lung-RADS) and biomarkers (HER2, PD-L1, CD8,
# HbA1c): coined-looking words that name a scale or a molecule, never a model or data set
_SCALE_OR_MARKER = re.compile(r"^(?:[A-Z][A-Za-z]*-RADS|HER-?2|PD-?L-?1|PD-?1|CTLA-?4|CD\d{1,3}[a-z]?|BRCA[12]|IDH[12]?|HbA1c|SpO2|FEV1|NT-proBNP|Ki-?67)$")
_MODIFIER_TAIL = re.compile(
    r"-(?!rays?$)(?:[a-z]{3,}|(?i:[a-z]{3,}(?:ed|ing)|aware|free|wise|level|specific|based|like|style|only|agnostic|centric))$"
)
@lru_cache(maxsize=1 << 18)
def looks_coined(word: str) -> bool:
    """True when a word has the shape of a coined model or data set name.

    >>> [looks_coined(w) for w in ("MedViTV2", "SAM-Med2D", "YOLOv8", "Model", "CNN", "3D", "COVID-19")]
    [True, True, True, False, False, False, False]
    >>> [looks_coined(w) for w in ("PI-RADS", "Lung-RADS", "HER2", "PD-L1", "CD8", "Swin-UNETR")]
    [False, False, False, False, False, True]
    """
    if word == word.lower():  # every coined shape has a capital; most words have none
        return False
    word = singular_acronym(word)  # MVLMs -> MVLM
    if len(word) < 2 or word in GENERIC_ACRONYMS or word.upper() in GENERIC_ACRONYMS or _DIMENSION.match(word):
        return False
    if "&" in word or re.fullmatch(r"[IVXLCDM]+(?:st|nd|rd|th)", word) or _CITATION_KEY.match(word):
        return False  # H&E-IHC, XIIth
    if _SCALE_OR_MARKER.match(word):
        return False
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


def strip_modifier(word: str) -> str:
    """A coined name without a trailing lower-case modifier.

    >>> strip_modifier("xLSTM-based"), strip_modifier("X-rays")
    ('xLSTM', 'X-rays')
    """
    return _MODIFIER_TAIL.sub("", word) if re.search(r"[A-Z]", word.split("-")[0]) else word
