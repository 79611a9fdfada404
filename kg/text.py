"""The normal forms names are compared in, and the small word rules they share.

Three keys, each for its own comparison:

- `label_key`: the linker's and the ontology index's key (accents, Greek letters and dots
  folded too);
- `match_key`: the evaluator's key, exactly the rule of the annotation guidelines;
- `token_norm`: one token's form for the ontology matcher (acronyms keep their case).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "ω": "omega", "χ": "chi", "ρ": "rho",
}
# both cases of each letter (and the ohm sign, whose lower case is omega), for str.translate
_GREEK_TABLE = str.maketrans({**GREEK, **{letter.upper(): word for letter, word in GREEK.items()}, "\u2126": "omega"})
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ACRONYM_PLURAL = re.compile(r"(?<=[A-Z])s$")
_KEY_GAPS = re.compile(r"[\s\-\u2010-\u2015_.]+")


def spell_out_greek(text: str) -> str:
    """Greek letters as words.

    >>> spell_out_greek("α-synuclein"), spell_out_greek("Δ-radiomics")
    ('alpha-synuclein', 'delta-radiomics')
    """
    return text.translate(_GREEK_TABLE)


def singular_acronym(word: str) -> str:
    """The word without a plural "s" after a capital: the plural of an acronym.

    >>> singular_acronym("CNNs"), singular_acronym("MVLMs"), singular_acronym("Dices")
    ('CNN', 'MVLM', 'Dices')
    """
    return _ACRONYM_PLURAL.sub("", word)


def singular_word(word: str) -> str:
    """A lower-case word without its plural "s": none is dropped from a word of three letters
    or fewer, nor from one ending in "ss", "us" or "is".

    >>> [singular_word(w) for w in ("images", "class", "virus", "analysis", "gas")]
    ['image', 'class', 'virus', 'analysis', 'gas']
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def label_key(text: str) -> str:
    """The key the ontology indexes labels by and the linker compares names in: lower case,
    Greek spelled out, no accents, no spaces, hyphens, underscores or dots, and no plural "s"
    (by `singular_word`). Finer than `match_key`, which keeps accents, dots and Greek letters.

    >>> label_key("Vision Transformers") == label_key("vision-transformer")
    True
    >>> label_key("Fréchet Inception Distance"), label_key("β-VAE"), label_key("Analysis")
    ('frechetinceptiondistance', 'betavae', 'analysis')
    """
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", spell_out_greek(text))
        text = "".join(char for char in text if not unicodedata.combining(char))
    return singular_word(_KEY_GAPS.sub("", text))


def match_key(text: str) -> str:
    """A name as the annotation guidelines compare it: lower case, no spaces or hyphens, and
    any final "s" of a key longer than three letters dropped. Unlike `label_key` it keeps
    accents, dots and Greek letters and drops the "s" of "analysis" too: it is the evaluator's
    rule, applied alike to gold and predicted names.

    >>> match_key("Vision Transformers") == match_key("vision-transformer")
    True
    >>> match_key("U-Net"), match_key("Analysis"), match_key("Fréchet")
    ('unet', 'analysi', 'fréchet')
    """
    text = re.sub(r"[\s\-]+", "", text.lower())
    return text[:-1] if len(text) > 3 and text.endswith("s") else text


@lru_cache(maxsize=1 << 18)
def token_norm(text: str) -> str:
    """The form a token is matched in: acronyms (two capitals or more) as written without a
    plural "s", other words in lower case and singular ("ies" read as "y"); Greek letters
    spelled out.

    >>> [token_norm(t) for t in ("MRIs", "CNNs", "Images", "studies", "SAM", "Dice", "β")]
    ['MRI', 'CNN', 'image', 'study', 'SAM', 'dice', 'beta']
    """
    text = spell_out_greek(text)
    if sum(char.isupper() for char in text) >= 2:
        return singular_acronym(text)
    text = text.lower()
    if len(text) > 4 and text.endswith("ies"):
        return text[:-3] + "y"
    return singular_word(text)


def abbreviation_letters(short: str) -> str:
    """The letters of a short form that its long form must spell, in lower case.

    >>> abbreviation_letters("CNNs"), abbreviation_letters("MedViT-2"), abbreviation_letters("F1")
    ('cnn', 'medvit', 'f')
    """
    return "".join(char.lower() for char in singular_acronym(short) if char.isalpha())


def month_number(text: str) -> int | None:
    """The month (1-12) a number or an English month name (its first three letters) gives.

    >>> month_number("Nov"), month_number("september"), month_number("03"), month_number("13")
    (11, 9, 3, None)
    """
    if re.fullmatch(r"[0-9]{1,2}", text):
        return int(text) if 1 <= int(text) <= 12 else None
    key = text[:3].lower()
    return MONTHS.index(key) + 1 if key in MONTHS else None


def normalize_title(title: str) -> str:
    """Fold a title to the form used to recognise the same paper twice.

    >>> normalize_title("SAM-Med2D:  Segment  Anything\u2014in 2D!")
    'sam med2d segment anything in 2d'
    """
    text = unicodedata.normalize("NFKD", title.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"\\[a-z]+\b", " ", text).replace("{", "").replace("}", "")  # LaTeX
    return " ".join(re.findall(r"[^\W_]+", text))


# LaTeX left in an abstract (arXiv's own text is LaTeX): symbols as characters, formatting
# commands dropped, grouping braces and inline-math dollars removed
_LATEX_SYMBOLS = {
    "pm": "\u00b1", "times": "\u00d7", "sim": "~", "approx": "\u2248", "le": "\u2264", "leq": "\u2264",
    "ge": "\u2265", "geq": "\u2265", "mu": "\u03bc", "alpha": "\u03b1", "beta": "\u03b2", "gamma": "\u03b3",
    "ae": "\u00e6", "AE": "\u00c6", "oe": "\u0153", "o": "\u00f8", "O": "\u00d8", "aa": "\u00e5", "ss": "\u00df",
    "%": "%", "&": "&", "_": "_", "#": "#", "$": "$",
}
_LATEX_FORMATTING = ("emph", "textit", "textbf", "texttt", "textsc", "textrm", "mathrm", "mathbf", "mathit", "text")
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+(?![A-Za-z])|[%&_#$])")
_LATEX_ACCENT = re.compile(r"\\([`'\"^~])(?:\{([A-Za-z])\}|([A-Za-z]))")
# the combining mark of each LaTeX accent command (\' \` \" \^ \~ \c), for plain_text and BibTeX
LATEX_ACCENT_MARKS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
_LATEX_GROUP = re.compile(r"\{([^{}\s]{0,40})\}")
_INLINE_MATH = re.compile(r"\$([^$]{1,60})\$")


def plain_text(text: str) -> str:
    r"""Text with the LaTeX an abstract may carry turned into characters; text without a
    backslash, brace or dollar is returned as it is.

    >>> plain_text(r"The U{-}Net reaches $91.2\pm1.3\%$ Dice, 94.6\% Dice on an{\ae}mia and Sj{\"o}gren cases.")
    'The U-Net reaches 91.2±1.3% Dice, 94.6% Dice on anæmia and Sjögren cases.'
    >>> plain_text(r"\textbf{MedSAM} and {SAM}, 5 \times 5 kernels, \unknown kept")
    'MedSAM and SAM, 5 × 5 kernels, \\unknown kept'
    """
    if not any(char in text for char in "\\{$"):
        return text
    text = _LATEX_ACCENT.sub(lambda m: unicodedata.normalize("NFC", (m.group(2) or m.group(3)) + LATEX_ACCENT_MARKS[m.group(1)]), text)

    def command(match: re.Match) -> str:
        name = match.group(1)
        if name in _LATEX_FORMATTING:
            return ""
        return _LATEX_SYMBOLS.get(name, match.group(0))

    text = _LATEX_COMMAND.sub(command, text)
    for _ in range(2):  # {{X}}
        text = _LATEX_GROUP.sub(r"\1", text)
    return _INLINE_MATH.sub(r"\1", text)
