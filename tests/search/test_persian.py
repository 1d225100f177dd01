"""Any spelling of a query finds exactly what its canonical spelling finds (core.text folding).

Run on SQLite (FTS5) and PostgreSQL (full text, "simple" configuration): both index the text
folded by ``core.text.search_document`` and search ``core.text.search_query`` of the query.
"""

import pytest
from wagtail.models import Locale

from search.selectors import search_pages
from tests.search.corpus import build_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture(scope="module")
def corpus(module_site_tree):
    return build_corpus()


def _found(corpus, query: str, language: str = "fa") -> set[str]:
    names = {page.pk: name for name, page in corpus.pages.items()}
    results = search_pages(
        query, locale=Locale.objects.get(language_code=language), user=corpus.admin
    )
    return {names.get(page.pk, page.title) for page in results}


VARIANTS = [
    # canonical, its other spellings, what it finds
    ("گوشی", ["گوشي", "گوشى", "گوشـــی", "گُوشی", "ﮔﻮﺷﯽ"], {"phone"}),
    ("کارت", ["كارت", "کارت‌", "ﻛﺎﺭﺕ"], {"phone", "bills", "quiz", "bank"}),
    ("یک", ["يك", "يک", "یك"], {"phone", "bank"}),
    ("حساب‌ها", ["حسابها", "حساب ها", "حساب‌‌ها", "حساب‌ ها"], {"phone", "bank"}),
    ("مرحله‌ای", ["مرحلهای", "مرحله ای"], {"module"}),
    ("۱۲۳", ["123", "١٢٣"], {"bills"}),
    ("امنیت", ["أمنیت", "امنيت", "إمنیت", "آمنیت"], {"module", "safety"}),
    ("می‌کنیم", ["میکنیم", "می کنیم"], {"apps"}),
    ("نگه می‌داریم", ["نگه میداریم", "نگه می داریم"], {"apps"}),
    ("رمزهای قوی", ["رمزهاي قوي", "رمز‌های قوی", "رمز های قوی"], {"safety"}),
    ("برنامه‌ها", ["برنامهها", "برنامه ها"], {"apps"}),
    ("بانکی", ["بانكي", "بانكى"], {"phone", "bank", "bills"}),
]


@pytest.mark.parametrize(("canonical", "variants", "expected"), VARIANTS)
def test_every_spelling_finds_what_the_canonical_one_finds(corpus, canonical, variants, expected):
    found = _found(corpus, canonical)
    assert found == expected
    for variant in variants:
        assert _found(corpus, variant) == found, variant


def test_a_plural_finds_the_text_whatever_its_spelling_and_the_stem_finds_the_plurals(corpus):
    """«حساب» finds both «حساب‌ها» (ZWNJ) and «حسابها» (joined) as well as «حساب»."""
    assert _found(corpus, "حساب") == {"phone", "bank", "safety"}


def test_arabic_letters_in_the_text_are_found_by_persian_letters(corpus):
    assert _found(corpus, "مدیریت") == {"bank"}
    assert _found(corpus, "کارت‌های بانکی") == {"bank"}


def test_all_words_must_match(corpus):
    assert _found(corpus, "قبض برق") == {"bills"}
    assert _found(corpus, "قبض هواپیما") == set()


def test_quiz_questions_are_never_searched(corpus):
    assert _found(corpus, "نهانی") == set()
    assert _found(corpus, "پرسش‌هایی") == {"quiz"}


@pytest.mark.parametrize(
    ("canonical", "variants", "expected"),
    [
        ("payment", ["payments", "Payments", "PAYMENT"], {"english"}),
        ("password", ["passwords", "Password"], {"passwords"}),
        ("policy", ["policies", "Policies"], {"passwords"}),
        ("cards", ["card", "Cards"], {"english"}),
    ],
)
def test_english_plurals_find_the_singular_and_back(corpus, canonical, variants, expected):
    found = _found(corpus, canonical, "en")
    assert found == expected
    for variant in variants:
        assert _found(corpus, variant, "en") == found, variant


def test_each_language_searches_its_own_pages(corpus):
    assert _found(corpus, "payment", "fa") == set()
    assert _found(corpus, "کارت", "en") == set()
