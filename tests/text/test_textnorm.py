import re
import unicodedata

from newswatch.text.normalize import content_hash, fold_nukta, normalize_text, tokens


def test_nfc_and_nfd_spellings_compare_equal():
    composed = "\u0929"  # ऩ as one code point
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert normalize_text(composed) == normalize_text(decomposed)
    # क़ typed as one code point (U+0958) or as क + nukta: one word either way
    assert tokens("\u0958िम") == tokens("\u0915\u093cिम") == ["किम"]


def test_nukta_is_folded():
    assert fold_nukta("ज़रूरत") == "जरूरत"
    assert normalize_text("फ़िलहाल ज़रूरतें") == normalize_text("फिलहाल जरूरतें")


def test_regex_tokens_keep_vowel_signs_where_re_splits_them():
    text = "किम जोंग उन ने पुतिन से मुलाकात की"
    assert re.findall(r"\w+", text) != text.split()  # stdlib re breaks words at matras
    assert tokens(text) == text.split()


def test_danda_double_danda_zero_width_and_digits():
    assert tokens("रूस पहुंचे।  किम॥ १५० किलोमीटर") == ["रूस", "पहुंचे", "किम", "150", "किलोमीटर"]
    assert tokens("क्\u200dष") == tokens("क्ष")


def test_content_hash_ignores_markup_level_differences_only():
    original = "उत्तर कोरिया ने कहा। रूस के साथ   सहयोग बढ़ेगा।"
    republished = "उत्तर  कोरिया ने कहा |\nरूस के साथ सहयोग बढ़ेगा"
    assert content_hash(original) == content_hash(republished)
    assert content_hash(original) != content_hash("उत्तर कोरिया ने कहा। रूस के साथ सहयोग घटेगा।")


def test_case_folding_for_latin():
    assert content_hash("Kim Jong Un met Putin.") == content_hash("kim jong un met PUTIN")
