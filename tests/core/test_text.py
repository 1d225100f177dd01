"""Persian-aware normalisation, answer comparison and number parsing in core.text."""

import pytest

from core.text import (
    answer_key,
    answers_match,
    english_stem,
    format_number,
    latin_digits,
    normalise,
    parse_number,
    persian_digits,
    search_document,
    search_prefix,
    search_query,
    search_words,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("موسى", "موسی"),  # alef maksura
        ("كتاب", "کتاب"),  # Arabic kaf
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ", "خانه"),  # heh with yeh above
        ("أحمد", "احمد"),
        ("إيران", "ایران"),
        ("ٱلله", "الله"),
        ("مؤمن", "مومن"),
        ("مسئله", "مسیله"),
        ("آب", "آب"),  # alef madda is kept
    ],
)
def test_normalise_folds_arabic_letters_to_persian(raw, expected):
    assert normalise(raw) == expected


def test_normalise_composes_decomposed_hamza_and_madda_before_folding():
    assert normalise("\u0627\u0654حمد") == "احمد"  # alef + combining hamza above
    assert normalise("\u0627\u0653ب") == "آب"  # alef + combining madda


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("0123456789", "0123456789"),
        ("۳٫۵", "3.5"),
        ("۱٬۲۳۴", "1,234"),
    ],
)
def test_normalise_maps_digits_of_all_three_scripts_and_separators(raw, expected):
    assert normalise(raw) == expected


def test_normalise_maps_arabic_punctuation():
    assert normalise("چرا؟ این، آن؛") == "چرا? این, آن;"


def test_normalise_removes_diacritics():
    assert normalise("کِتاب") == "کتاب"
    assert normalise("مُحَمَّد") == "محمد"
    assert normalise("رَحْمٰن") == "رحمن"  # superscript alef U+0670


def test_normalise_removes_tatweel():
    assert normalise("کـــتاب") == "کتاب"


def test_normalise_turns_zwnj_into_a_space():
    assert normalise("می\u200cروم") == "می روم"
    assert normalise("می\u200c روم") == "می روم"


def test_normalise_removes_zwj_bidi_marks_and_soft_hyphen():
    text = "\u200fسلام\u200d\u202bدنیا\u202c\u2067x\u2069\u00ady\u200e"
    assert normalise(text) == "سلامدنیاxy"


def test_normalise_folds_presentation_forms_with_nfkc():
    assert normalise("\ufed9\ufe98\ufe8e\ufe8f") == "کتاب"  # ﻙﺘﺎﺏ
    assert normalise("\ufbfc") == "ی"  # Persian yeh isolated form
    assert normalise("\ufef0") == "ی"  # alef maksura final form
    assert normalise("\ufefb") == "لا"  # lam-alef ligature
    assert normalise("ＡＢＣ１２") == "ABC12"  # full-width Latin


def test_normalise_collapses_whitespace_and_strips():
    assert normalise("  سلام \t\n  دنیا\u00a0 ") == "سلام دنیا"


def test_normalise_keeps_case():
    assert normalise("Tehran") == "Tehran"


def test_normalise_is_idempotent():
    text = "  كِتابـــهاي مي\u200cروم ۱۲۳٫۵ ؟ "
    assert normalise(normalise(text)) == normalise(text)


def test_answer_key_casefolds_unless_case_sensitive():
    assert answer_key(" Straße ") == "strasse"
    assert answer_key("Tehran", case_sensitive=True) == "Tehran"


@pytest.mark.parametrize("given", ["می\u200cروم", "می روم", "میروم", "مي\u200cروم", " می  روم "])
def test_answers_match_ignores_spacing_and_zwnj(given):
    assert answers_match(given, "می\u200cروم")


def test_answers_match_persian_and_arabic_letters_are_equal():
    assert answers_match("كتاب علي", "کتاب علی")
    assert answers_match("کتاب علی", "كتاب علي")


def test_answers_match_case_sensitivity():
    assert answers_match("tehran", "Tehran")
    assert not answers_match("tehran", "Tehran", case_sensitive=True)
    assert answers_match("Tehran", "Tehran", case_sensitive=True)


def test_answers_match_rejects_different_words():
    assert not answers_match("شیراز", "تهران")
    assert not answers_match("Tehrann", "Tehran")


def test_answers_match_empty_given_never_matches_plain_expected():
    assert not answers_match("", "Tehran")
    assert not answers_match("   ", "Tehran")
    assert not answers_match("", "")


def test_answers_match_wildcard_matches_any_run_including_empty():
    assert answers_match("colour", "colo*r")
    assert answers_match("color", "colo*r")
    assert answers_match("anything at all", "*")
    assert answers_match("", "*")
    assert answers_match("the big red car", "*red*")
    assert not answers_match("the big blue car", "*red*")
    assert not answers_match("colr", "colo*r")


def test_answers_match_wildcard_needs_prefix_and_suffix_in_order():
    assert answers_match("abXcdYef", "ab*cd*ef")
    assert not answers_match("abef", "ab*cd*ef")
    assert not answers_match("a", "a*a")
    assert answers_match("aa", "a*a")


def test_answers_match_wildcard_applies_normalisation_and_spacing():
    assert answers_match("مي روم به خانه", "می\u200cروم*")
    assert answers_match("میروم به مدرسه", "می روم*مدرسه")


def test_answers_match_escaped_star_is_literal():
    assert answers_match("2*3", r"2\*3")
    assert not answers_match("2x3", r"2\*3")
    assert not answers_match("23", r"2\*3")


def test_answers_match_wildcard_on_long_text_is_fast():
    assert not answers_match("a" * 10_000, "*b*b*b*b*b*b*b*b*b*b*")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3.0),
        ("-3.5", -3.5),
        ("+2", 2.0),
        ("3٫5", 3.5),
        ("۳٫۵", 3.5),
        ("٣.٥", 3.5),
        ("1e3", 1000.0),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("۱٬۲۳۴٫۵", 1234.5),
        ("۱٬۲۰۰", 1200.0),  # the Arabic thousands separator is never a decimal one
        ("3,5", 3.5),
        ("-0,25", -0.25),
        (" 42 ", 42.0),
        ("۴ ۲", 42.0),
        (".5", 0.5),
        ("\u22124", -4.0),  # Unicode minus sign
    ],
)
def test_parse_number_accepts(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-infinity",
        "1e999",
        "3..5",
        "1,2,3",
        "1,23.4",
        "۱٬۲۳",
        "3/4",
    ],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


def test_format_number_reads_back():
    assert format_number(3.0) == "3"
    assert format_number(3.14) == "3.14"
    assert format_number(-0.5) == "-0.5"
    assert parse_number(format_number(1e20)) == 1e20
    assert parse_number(format_number(0.1 + 0.2)) == 0.1 + 0.2


def test_latin_digits_reads_persian_and_arabic_indic_digits_and_keeps_the_rest():
    assert latin_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert latin_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert latin_digits("کد ۴۲-AB ٧") == "کد 42-AB 7"
    assert latin_digits("") == ""


def test_persian_digits_writes_latin_digits_in_persian_and_keeps_the_rest():
    assert persian_digits("0123456789") == "۰۱۲۳۴۵۶۷۸۹"
    assert persian_digits("12 آذر 1403") == "۱۲ آذر ۱۴۰۳"
    assert persian_digits("abc") == "abc"


def test_digit_conversions_are_inverse_for_every_digit():
    for value in range(100):
        assert latin_digits(persian_digits(str(value))) == str(value)


# --- search folding ---


@pytest.mark.parametrize(
    ("spellings", "terms"),
    [
        (["گوشی", "گوشي", "گوشى", "گوشـی", "گُوشی"], "گوشی"),
        (["حساب‌ها", "حسابها", "حساب ها", "حساب‌ ها"], "حسابها"),
        (["می‌روم", "می روم", "میروم"], "میروم"),
        (["۱۲۳", "١٢٣", "123"], "123"),
        (["آب", "أب", "اب"], "اب"),
        (["Payments", "payment", "PAYMENTS"], "payment"),
        (["policies", "policy"], "policy"),
        (["boxes", "box"], "box"),
    ],
)
def test_search_query_folds_every_spelling_to_the_same_terms(spellings, terms):
    assert {search_query(spelling) for spelling in spellings} == {terms}


def test_search_document_holds_the_joined_word_its_parts_and_its_stem():
    assert search_document("حساب‌ها").split() == ["حسابها", "حساب", "ها"]
    assert search_document("حسابها").split() == ["حسابها", "حساب"]
    assert search_document("تنها").split() == ["تنها"]  # too short a stem to take off «ها»
    assert search_document("مرحله‌ای").split() == ["مرحلهای", "مرحله", "ای"]


def test_an_affix_joins_only_a_persian_word():
    assert search_query("iPhone ها") == "iphone ها"
    assert search_query("ها") == "ها"


def test_search_words_keep_words_whole_for_autocomplete():
    assert search_words("Payments حساب‌ها") == "payments حسابها حساب ها"
    assert search_prefix("حساب ه") == "حساب ه"


@pytest.mark.parametrize("word", ["bus", "gas", "this", "is", "status"])
def test_the_english_stemmer_leaves_non_plurals_alone(word):
    assert english_stem(word) == word
