"""The normal forms of kg/text.py: where the three keys agree and where they differ."""

import pytest

from kg.text import abbreviation_letters, label_key, match_key, month_number, singular_acronym, token_norm


@pytest.mark.parametrize(
    "a, b", [("Vision Transformers", "vision-transformer"), ("X-rays", "x ray"), ("U-Net", "UNet"), ("α-synuclein", "alpha synuclein")]
)
def test_label_key_folds_case_separators_plurals_and_greek(a, b):
    assert label_key(a) == label_key(b)


@pytest.mark.parametrize(
    "a, b, same_label_key, same_match_key",
    [
        ("Fréchet distance", "Frechet distance", True, False),  # accents fold only in label_key
        ("β-VAE", "beta-VAE", True, False),  # so do Greek letters
        ("nn.Module", "nnModule", True, False),  # and dots
        ("analysis", "analysi", False, True),  # match_key drops any final "s"
        ("Vision Transformers", "vision transformer", True, True),
    ],
)
def test_label_key_is_finer_than_match_key(a, b, same_label_key, same_match_key):
    assert (label_key(a) == label_key(b)) is same_label_key
    assert (match_key(a) == match_key(b)) is same_match_key


@pytest.mark.parametrize(
    "token, norm", [("CTs", "CT"), ("US", "US"), ("us", "us"), ("Diseases", "disease"), ("therapies", "therapy"), ("mu", "mu"), ("μ", "mu")]
)
def test_token_norm_keeps_acronyms_and_singularizes_words(token, norm):
    assert token_norm(token) == norm


@pytest.mark.parametrize("word, singular", [("CNNs", "CNN"), ("ViTs", "ViT"), ("Dices", "Dices"), ("GANs", "GAN"), ("class", "class")])
def test_singular_acronym_drops_an_s_after_a_capital_only(word, singular):
    assert singular_acronym(word) == singular


def test_abbreviation_letters_skip_digits_and_a_plural():
    assert abbreviation_letters("3D-CNNs") == "dcnn"


@pytest.mark.parametrize("text, month", [("Jan", 1), ("December", 12), ("12", 12), ("0", None), ("Foo", None), ("", None)])
def test_month_number(text, month):
    assert month_number(text) == month
