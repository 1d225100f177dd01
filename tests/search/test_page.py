"""The search page: snippets, type labels, courses, filters, pagination, glossary, suggestions."""

import pytest
from wagtail.models import Locale

from competences.models import Competence
from courses.models import GlossaryTerm
from tests.search.corpus import build_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture(scope="module")
def corpus(module_site_tree):
    built = build_corpus()
    GlossaryTerm.objects.create(
        term="رمز عبور",
        definition="کلمه‌ای سری برای ورود به حساب‌ها",
        locale=Locale.objects.get(language_code="fa"),
    )
    built.pages["bank"].competences.add(Competence.objects.get(code="4.1"))
    built.pages["bank"].save_revision().publish()
    return built


@pytest.fixture
def learner_client(client, corpus):
    client.force_login(corpus.learner)
    return client


def _results(response) -> list:
    assert response.status_code == 200
    return response.context["described"]


def _names(corpus, response) -> set[str]:
    names = {page.pk: name for name, page in corpus.pages.items()}
    return {names.get(result.page.pk, result.page.title) for result in _results(response)}


def test_a_result_has_a_type_its_course_and_a_highlighted_snippet(learner_client, corpus):
    response = learner_client.get("/fa/search/", {"q": "کارت"})
    by_name = {r.page.pk: r for r in _results(response)}
    bills = by_name[corpus.pages["bills"].pk]
    assert bills.label == "درس"
    assert bills.course.pk == corpus.pages["phone"].pk
    assert "<mark>كارت</mark>" in bills.snippet  # the text's own spelling, marked
    quiz = by_name[corpus.pages["quiz"].pk]
    assert quiz.label == "آزمون" and quiz.course.pk == corpus.pages["bank"].pk
    html = response.content.decode()
    assert "<mark>كارت</mark>" in html
    assert f"در {corpus.pages['phone'].title}" in html


def test_a_persian_compound_is_marked_whole(learner_client, corpus):
    response = learner_client.get("/fa/search/", {"q": "حساب ها"})
    snippets = {r.page.pk: str(r.snippet) for r in _results(response)}
    assert "<mark>حساب‌ها</mark>" in snippets[corpus.pages["phone"].pk]
    assert "<mark>حسابها</mark>" in snippets[corpus.pages["bank"].pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "lessonpage"}, {"bills"}),
        ({"type": "quizpage"}, {"quiz"}),
        ({"type": "coursepage"}, {"phone", "bank"}),
        ({"level": "intermediate"}, {"bank", "quiz"}),
        ({"level": "advanced"}, set()),
        ({"area": "4"}, {"bank", "quiz"}),
        ({"area": "1"}, set()),
        ({"type": "nonsense", "level": "x", "area": "9"}, {"phone", "bills", "bank", "quiz"}),
    ],
)
def test_filters_narrow_the_results(learner_client, corpus, params, expected):
    response = learner_client.get("/fa/search/", {"q": "کارت", **params})
    assert _names(corpus, response) == expected


def test_the_course_filter_keeps_one_course(learner_client, corpus):
    course = corpus.pages["phone"]
    response = learner_client.get("/fa/search/", {"q": "کارت", "course": str(course.pk)})
    assert _names(corpus, response) == {"phone", "bills"}
    other_language = corpus.pages["english"]
    response = learner_client.get("/fa/search/", {"q": "کارت", "course": str(other_language.pk)})
    assert _names(corpus, response) == {"phone", "bills", "bank", "quiz"}  # not offered: ignored


def test_pagination_keeps_the_query_and_filters(learner_client, corpus, settings):
    import search.views

    original = search.views.RESULTS_PER_PAGE
    search.views.RESULTS_PER_PAGE = 2
    try:
        first = learner_client.get("/fa/search/", {"q": "کارت", "level": "beginner"})
        second = learner_client.get("/fa/search/", {"q": "کارت", "level": "beginner", "page": 2})
    finally:
        search.views.RESULTS_PER_PAGE = original
    assert first.context["results"].paginator.count == 2
    assert len(_results(first)) == 2
    assert "level=beginner" in first.content.decode()
    assert len(_results(second)) == 2


def test_glossary_terms_are_found_with_their_definition(learner_client, corpus):
    response = learner_client.get("/fa/search/", {"q": "رمز"})
    html = response.content.decode()
    assert "رمز عبور" in html
    assert "Glossary" in html or "واژه‌نامه" in html
    assert [term.term for term, _snippet in response.context["glossary"]] == ["رمز عبور"]


def test_a_latin_query_on_the_persian_site_links_to_english_results(client, corpus):
    response = client.get("/fa/search/", {"q": "payments"})
    assert response.context["other_language"]["url"] == "/en/search/?q=payments"
    assert 'href="/en/search/?q=payments"' in response.content.decode()
    english = client.get("/en/search/", {"q": "کارت"})
    assert english.context["other_language"]["code"] == "fa"
    assert client.get("/en/search/", {"q": "payments"}).context["other_language"] is None


def test_suggestions_complete_titles_as_the_user_types(learner_client, corpus):
    response = learner_client.get("/fa/search/suggest/", {"q": "پرداخت قب"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["title"] for r in results] == ["پرداخت قبض برق"]
    assert results[0]["url"] == corpus.pages["bills"].url
    assert results[0]["type"] == "درس"
    variant = learner_client.get("/fa/search/suggest/", {"q": "گوشي"}).json()["results"]
    assert [r["title"] for r in variant] == ["گوشی هوشمند"]


def test_suggestions_follow_the_access_rule(client, corpus):
    """An anonymous visitor is offered the course, never its lessons."""
    assert client.get("/fa/search/suggest/", {"q": "پرداخت"}).json() == {"results": []}
    titles = [
        r["title"] for r in client.get("/fa/search/suggest/", {"q": "بانک"}).json()["results"]
    ]
    assert titles == ["بانکداری اینترنتی"]


@pytest.mark.parametrize("query", ["", '"', "\x00", "*", "(" * 5000, "OR"])
def test_suggestions_never_fail(client, corpus, query):
    response = client.get("/fa/search/suggest/", {"q": query})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_header_form_works_without_script(client, corpus):
    html = client.get("/fa/").content.decode()
    assert 'role="search"' in html and 'action="/fa/search/"' in html
    assert 'data-suggest-url="/fa/search/suggest/"' in html


def test_a_query_typed_with_the_other_keyboard_layout_is_offered_back(client, corpus):
    """«',ad» is what the keys of «گوشی» type with an English layout selected."""
    response = client.get("/fa/search/", {"q": "',ad"})
    assert response.status_code == 200
    assert response.context["did_you_mean"]["query"] == "گوشی"
    assert "/fa/search/?q=%DA%AF%D9%88%D8%B4%DB%8C" in response.content.decode()
    # a query that finds something, or whose retyping finds nothing, is left alone
    assert client.get("/fa/search/", {"q": "zzzz"}).context.get("did_you_mean") is None
    assert client.get("/fa/search/", {"q": "گوشی"}).context.get("did_you_mean") is None


@pytest.mark.parametrize(("language", "query"), [("fa", "کارت"), ("en", "digital")])
def test_the_number_of_results_and_pages_use_the_pages_digits(
    learner_client, corpus, language, query
):
    import re

    response = learner_client.get(f"/{language}/search/", {"q": query})
    count = response.context["results"].paginator.count
    assert count
    html = response.content.decode()
    persian = str(count).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    shown = persian if language == "fa" else str(count)
    assert re.search(rf"<p>{shown} (result|نتیجه)", html), html[
        html.find("search-results") - 200 :
    ][:300]
