"""What the search page shows is escaped, never gated or draft text, and never a 500."""

import pytest

from courses import services
from courses.models import EnrolmentMode, LessonPage
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> کارت'


@pytest.fixture
def hostile(site_tree):
    built = build_course(slug="hostile", lessons=1)
    lesson = built.lessons[0]
    lesson.title = "درس <b>پررنگ</b>"
    lesson.body = [("text", f"<p>{HOSTILE.replace('<', '&lt;').replace('>', '&gt;')}</p>")]
    publish(lesson)
    learner = UserFactory()
    services.enrol(user=learner, course=built.course)
    return built, learner


def test_snippets_titles_and_the_query_are_escaped(client, hostile):
    _built, learner = hostile
    client.force_login(learner)
    response = client.get("/fa/search/", {"q": 'کارت <img src=x onerror=alert(1)> "'})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["described"]) == 1
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;<mark>alert</mark>(&quot;<mark>x</mark>&quot;)&lt;/script&gt;" in html
    assert "&lt;<mark>img</mark> <mark>src</mark>=<mark>x</mark>" in html
    assert "<mark>کارت</mark>" in html
    assert "درس &lt;b&gt;پررنگ&lt;/b&gt;" in html
    assert 'value="کارت &lt;img src=x onerror=alert(1)&gt; &quot;"' in html


def test_suggestions_are_json_with_the_title_as_text(client, hostile):
    _built, learner = hostile
    client.force_login(learner)
    results = client.get("/fa/search/suggest/", {"q": "درس"}).json()["results"]
    assert "درس <b>پررنگ</b>" in [r["title"] for r in results]  # text: the script escapes it


def test_gated_and_draft_text_never_appears(client, site_tree):
    gated = build_course(slug="gated", lessons=1, mode=EnrolmentMode.INVITATION)
    lesson = gated.lessons[0]
    lesson.body = [("text", "<p>wallaby secret-body-text</p>")]
    publish(lesson)
    draft = LessonPage.objects.get(pk=gated.lessons[0].pk)
    draft.body = [("text", "<p>platypus draft-body-text</p>")]
    draft.save_revision()
    outsider, enrolled = UserFactory(), UserFactory()
    services.enrol(user=enrolled, course=gated.course, source="teacher")
    for user in (None, outsider):
        client.logout()
        if user:
            client.force_login(user)
        for query in ("wallaby", "secret", "درس 1"):
            response = client.get("/fa/search/", {"q": query})
            html = response.content.decode()
            assert lesson.pk not in [r.page.pk for r in response.context["described"]]
            assert "secret-body-text" not in html
        assert client.get("/fa/search/suggest/", {"q": "درس"}).json()["results"] == []
    client.force_login(enrolled)
    found = client.get("/fa/search/", {"q": "wallaby"})
    assert [r.page.pk for r in found.context["described"]] == [lesson.pk]
    assert "<mark>wallaby</mark> secret-body-text" in found.content.decode()
    for query in ("platypus", "draft"):
        response = client.get("/fa/search/", {"q": query})
        assert response.context["described"] == []
        assert "draft-body-text" not in response.content.decode()


BAD_QUERIES = [
    "",
    "x" * 10240,
    "کارت " * 2000,
    "!!!؟؟،،",
    '"',
    "*",
    "OR",
    "(",
    "AND OR NOT",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    'title:"foo" AND body:(bar OR baz)~2 +qux -quux^3 [a TO z] /re.*/',
    "NEAR(a b, 2) column:x {a b}",
    "a\x00b",
    "\u200c\u200c",
    "َ",  # a lone diacritic: no letter to search for
]


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_answer_a_page_with_a_message(client, site_tree, language, query):
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<h1>" in html and "\x00" not in html
    if response.status_code == 400:
        assert response.context.get("error")
    if response.context.get("error"):
        assert 'role="alert"' in html
    suggest = client.get(f"/{language}/search/suggest/", {"q": query})
    assert suggest.status_code == 200


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5", "", "99999999999999999999", "%00"])
def test_bad_page_numbers_show_a_page_of_results(client, site_tree, page):
    response = client.get("/en/search/", {"q": "digital", "page": page})
    assert response.status_code == 200
    assert [r.page.title for r in response.context["described"]] == ["Savad"]


@pytest.mark.parametrize(
    "params",
    [{"course": "abc"}, {"course": "-1"}, {"level": "' OR 1=1"}, {"area": "99"}, {"type": "page"}],
)
def test_bad_filters_are_ignored(client, site_tree, params):
    response = client.get("/en/search/", {"q": "digital", **params})
    assert response.status_code == 200
    assert [r.page.title for r in response.context["described"]] == ["Savad"]
