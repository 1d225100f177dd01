"""Question bank admin: teachers see and change only their courses' questions; import, export
and the essay grading queue."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from core.text import persian_digits
from courses import services as course_services
from courses.models import CoursePage
from quizzes import services
from quizzes.formats.gift import parse_gift
from quizzes.forms import QuestionForm
from quizzes.models import (
    Attempt,
    Choice,
    Question,
    QuestionCategory,
    QuizPage,
    QuizSlot,
    Response,
)
from quizzes.roles import ensure_question_bank_permissions
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gift"
QUESTIONS = "/admin/snippets/quizzes/question/"
CATEGORIES = "/admin/snippets/quizzes/questioncategory/"


@dataclass
class Bank:
    course_a: CoursePage
    course_b: CoursePage
    teacher_a: object
    teacher_b: object
    category_a: QuestionCategory
    category_b: QuestionCategory
    shared: QuestionCategory
    question_a: Question
    question_b: Question


def multichoice(category, name) -> Question:
    question = Question.objects.create(
        category=category, type="multichoice", name=name, text="<p>Pick the browser.</p>"
    )
    Choice.objects.create(question=question, text="Firefox", fraction=1, sort_order=0)
    Choice.objects.create(question=question, text="Excel", fraction=0, sort_order=1)
    return question


@pytest.fixture
def bank(site_tree) -> Bank:
    ensure_question_bank_permissions()
    course_a = build_course(slug="course-a", lessons=0, title="Course A").course
    course_b = build_course(slug="course-b", lessons=0, title="Course B").course
    teacher_a = UserFactory(username="teacher-a")
    teacher_b = UserFactory(username="teacher-b")
    course_services.course_ensure_editors_group(course=course_a, owners=[teacher_a])
    course_services.course_ensure_editors_group(course=course_b, owners=[teacher_b])
    category_a = QuestionCategory.objects.create(name="Alpha bank", course=course_a)
    category_b = QuestionCategory.objects.create(name="Beta bank", course=course_b)
    shared = QuestionCategory.objects.create(name="Shared bank")
    return Bank(
        course_a=course_a,
        course_b=course_b,
        teacher_a=teacher_a,
        teacher_b=teacher_b,
        category_a=category_a,
        category_b=category_b,
        shared=shared,
        question_a=multichoice(category_a, "Alpha question"),
        question_b=multichoice(category_b, "Beta question"),
    )


def test_teachers_get_the_question_bank_permissions(db):
    from django.contrib.auth.models import Group

    ensure_question_bank_permissions()
    ensure_question_bank_permissions()  # idempotent
    teachers = Group.objects.get(name=course_services.TEACHERS_GROUP)
    codenames = set(teachers.permissions.values_list("codename", flat=True))
    for model in ("question", "questioncategory", "choice"):
        assert {f"{a}_{model}" for a in ("add", "change", "delete", "view")} <= codenames


def edit_url(obj) -> str:
    return reverse(obj.snippet_viewset.get_url_name("edit"), args=[obj.pk])


def delete_url(obj) -> str:
    return reverse(obj.snippet_viewset.get_url_name("delete"), args=[obj.pk])


def assert_refused(client, method: str, url: str, data=None) -> None:
    """Wagtail's refusal: 302 to the dashboard with a message, or 403 to a script (XHR)."""
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home")
    xhr = getattr(client, method)(url, data or {}, headers={"x-requested-with": "XMLHttpRequest"})
    assert xhr.status_code == 403


# --------------------------------------------------------------------------- scoping


def test_teacher_lists_only_their_courses_questions_and_categories(client, bank):
    client.force_login(bank.teacher_a)
    page = client.get(QUESTIONS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha question" in html and "Beta question" not in html
    categories = client.get(CATEGORIES).content.decode()
    assert "Alpha bank" in categories and "Shared bank" in categories
    assert "Beta bank" not in categories
    assert reverse("quizzes_admin:import") in html
    found = client.get(QUESTIONS, {"q": "question"}).content.decode()
    assert "Alpha question" in found and "Beta question" not in found
    assert "Alpha bank" in client.get(CATEGORIES, {"q": "bank"}).content.decode()
    # the category filter of the question listing does not name other courses' categories
    assert (
        "Beta bank" not in client.get(QUESTIONS, {"category": bank.category_a.pk}).content.decode()
    )


def test_question_bank_menu_offers_import_and_grading(client, bank):
    client.force_login(bank.teacher_a)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert QUESTIONS in dashboard and CATEGORIES in dashboard
    assert reverse("quizzes_admin:import") in dashboard
    assert reverse("quizzes_admin:grading_queue") in dashboard


def test_category_form_offers_only_the_teachers_courses(bank):
    form_class = QuestionCategory.snippet_viewset.get_form_class()
    form = form_class({"name": "New", "course": bank.course_b.pk}, for_user=bank.teacher_a)
    assert not form.is_valid() and "course" in form.errors
    assert list(form.fields["course"].queryset) == [bank.course_a]
    shared = form_class({"name": "New", "course": ""}, for_user=bank.teacher_a)
    assert not shared.is_valid() and "course" in shared.errors
    mine = form_class({"name": "New", "course": bank.course_a.pk}, for_user=bank.teacher_a)
    assert mine.is_valid(), mine.errors


def test_teacher_cannot_edit_or_delete_another_courses_question(client, bank):
    client.force_login(bank.teacher_a)
    assert client.get(edit_url(bank.question_a)).status_code == 200
    assert_refused(client, "get", edit_url(bank.question_b))
    assert_refused(client, "post", edit_url(bank.question_b))
    assert_refused(client, "get", delete_url(bank.question_b))
    assert_refused(client, "post", delete_url(bank.question_b))
    assert Question.objects.filter(pk=bank.question_b.pk).exists()
    assert_refused(client, "get", edit_url(bank.category_b))
    history = reverse(Question.snippet_viewset.get_url_name("history"), args=[bank.question_b.pk])
    assert_refused(client, "get", history)


def test_shared_categories_are_read_only_except_for_superusers(client, bank):
    client.force_login(bank.teacher_a)
    assert_refused(client, "get", edit_url(bank.shared))
    inspect = reverse(bank.shared.snippet_viewset.get_url_name("inspect"), args=[bank.shared.pk])
    assert client.get(inspect).status_code == 200
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(edit_url(bank.shared)).status_code == 200
    assert "Beta question" in client.get(QUESTIONS).content.decode()


def test_chooser_offers_only_visible_categories(client, bank):
    client.force_login(bank.teacher_a)
    viewset = QuestionCategory.snippet_viewset.chooser_viewset
    html = client.get(reverse(viewset.get_url_name("choose"))).content.decode()
    assert "Alpha bank" in html and "Shared bank" in html and "Beta bank" not in html
    results = reverse(viewset.get_url_name("choose_results"))
    found = client.get(results, {"q": "bank"}).content.decode()
    assert "Alpha bank" in found and "Beta bank" not in found
    questions = Question.snippet_viewset.chooser_viewset
    found = client.get(reverse(questions.get_url_name("choose")), {"q": "question"})
    assert "Alpha question" in found.content.decode()
    assert "Beta question" not in found.content.decode()
    mine = client.get(reverse(viewset.get_url_name("chosen"), args=[bank.category_a.pk]))
    assert mine.status_code == 200 and mine.json()["step"] == "chosen"
    chosen = reverse(viewset.get_url_name("chosen"), args=[bank.category_b.pk])
    assert client.get(chosen).status_code != 200  # a 404 (sent on to the /fa/ URL)


def _question_post(question, category, answers):
    return nested_form_data(
        {
            "category": category.pk,
            "type": "multichoice",
            "name": question.name,
            "text": rich_text("<p>Pick the browser.</p>"),
            "single": "on",
            "shuffle_choices": "on",
            "correct_answer": "",
            "feedback_true": "",
            "feedback_false": "",
            "general_feedback": rich_text(""),
            "default_mark": "1",
            "idnumber": "",
            "tags": "",
            "choices": inline_formset(answers, initial=len(answers)),
        }
    )


def _answers(question, fractions):
    return [
        {
            "id": choice.pk,
            "text": choice.text,
            "match_text": "",
            "fraction": str(fraction),
            "tolerance": "",
            "feedback": "",
        }
        for choice, fraction in zip(question.choices.order_by("sort_order"), fractions, strict=True)
    ]


def test_question_form_refuses_answers_that_cannot_be_graded(client, bank):
    client.force_login(bank.teacher_a)
    question = bank.question_a
    data = _question_post(question, bank.category_a, _answers(question, ["0.5", "0"]))
    response = client.post(edit_url(question), data)
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override("fa"):  # the message was made in the request's language
        expected = translation.gettext("One answer must give full credit (1).")
        assert persian_digits(expected) in str(form.non_field_errors())  # shown in fa digits
    assert question.choices.get(text="Firefox").fraction == 1

    data = _question_post(question, bank.category_a, _answers(question, ["0", "1"]))
    assert client.post(edit_url(question), data).status_code == 302
    assert question.choices.get(text="Excel").fraction == 1


def test_question_form_ignores_deleted_answers_and_limits_categories(bank):
    question = bank.question_a
    answers = _answers(question, ["1", "0"])
    answers[1]["DELETE"] = "1"
    form_class = Question.snippet_viewset.get_form_class(for_update=True)
    assert issubclass(form_class, QuestionForm)
    data = _question_post(question, bank.category_a, answers)
    form = form_class(data, instance=question, for_user=bank.teacher_a)
    assert not form.is_valid()
    assert form.non_field_errors()  # one answer left: not enough for multiple choice
    data = _question_post(question, bank.category_b, _answers(question, ["1", "0"]))
    form = form_class(data, instance=question, for_user=bank.teacher_a)
    assert not form.is_valid() and "category" in form.errors
    assert list(form.fields["category"].queryset) == [bank.category_a]


# --------------------------------------------------------------------------- import


def upload(client, path_or_bytes, **fields):
    content = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    data = {"format": "gift", "category": "", "course": "", **fields}
    data["file"] = SimpleUploadedFile("questions.txt", content, content_type="text/plain")
    return client.post(reverse("quizzes_admin:import"), data)


def test_import_page_is_for_question_editors_only(client, bank):
    client.force_login(bank.teacher_a)
    assert client.get(reverse("quizzes_admin:import")).status_code == 200
    client.force_login(UserFactory())  # no admin access at all: sent to the admin login
    response = client.get(reverse("quizzes_admin:import"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_preview_lists_errors_by_line_and_imports_nothing(client, bank):
    client.force_login(bank.teacher_a)
    before = Question.objects.count()
    response = upload(client, FIXTURES / "mixed_errors.txt", course=bank.course_a.pk)
    assert response.status_code == 200
    assert response.context["payload"] == ""
    assert [issue.line for issue in response.context["errors"]] == [4, 8, 12, 16, 18, 20]
    html = response.content.decode()
    assert "Good 5" in html and 'name="payload"' not in html
    listed = html[html.index('class="quiz-import-errors"') :].split("</ul>")[0]
    items = listed.split("<li>")[1:]
    assert len(items) == 6
    for item, line in zip(items, (4, 8, 12, 16, 18, 20), strict=True):
        assert f" {line}: " in item
    assert Question.objects.count() == before


def test_preview_then_confirm_imports_every_question(client, bank):
    client.force_login(bank.teacher_a)
    preview = upload(client, FIXTURES / "all_types.txt", course=bank.course_a.pk)
    assert preview.status_code == 200 and preview.context["errors"] == []
    assert len(preview.context["rows"]) == 17
    assert Question.objects.filter(category__course=bank.course_a).count() == 1
    payload = preview.context["payload"]
    response = client.post(reverse("quizzes_admin:import_confirm"), {"payload": payload})
    assert response.status_code == 302
    imported = Question.objects.filter(category__course=bank.course_a, source_format="gift")
    assert imported.count() == 17
    assert set(imported.values_list("category__name", flat=True)) == {
        "Grant's tomb",
        "Numbers",
        "Persian",
    }


def test_import_into_a_chosen_category(client, bank):
    client.force_login(bank.teacher_a)
    preview = upload(client, b"::One::1+1?{=2}\n\n::Two::2+2?{=4}", category=bank.category_a.pk)
    client.post(reverse("quizzes_admin:import_confirm"), {"payload": preview.context["payload"]})
    assert bank.category_a.questions.count() == 3


def test_a_teacher_cannot_import_into_another_courses_category(client, bank):
    client.force_login(bank.teacher_a)
    response = upload(client, b"::One::1+1?{=2}", category=bank.category_b.pk)
    assert response.status_code == 200 and "category" in response.context["form"].errors
    response = upload(client, b"::One::1+1?{=2}", course=bank.course_b.pk)
    assert "course" in response.context["form"].errors
    response = upload(client, b"::One::1+1?{=2}")  # shared categories: superusers only
    assert "course" in response.context["form"].errors


def test_ungradable_questions_show_in_the_preview_without_an_import_button(client, bank):
    client.force_login(bank.teacher_a)
    response = upload(client, b"::Ok::1+1?{=2}\n\n::Half::Pick{=%50%a ~b}", course=bank.course_a.pk)
    assert [issue.line for issue in response.context["errors"]] == [3]
    assert response.context["payload"] == ""


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04\x14\x00\x00binary", "::Q::Caf\xe9{=x}".encode("latin-1")],
    ids=["empty", "zip", "latin-1"],
)
def test_bad_files_get_a_clear_message(client, bank, content):
    client.force_login(bank.teacher_a)
    response = upload(client, content, course=bank.course_a.pk)
    assert response.status_code == 200
    if content:
        assert len(response.context["errors"]) == 1 and response.context["payload"] == ""
    else:  # Django refuses an empty upload before parsing
        assert "file" in response.context["form"].errors
    assert Question.objects.count() == 2


def test_too_big_files_are_refused(client, bank, settings):
    settings.QUIZ_IMPORT_MAX_BYTES = 50
    client.force_login(bank.teacher_a)
    response = upload(client, b"::Q::1+1?{=2}\n\n" * 10, course=bank.course_a.pk)
    assert "file" in response.context["form"].errors


def test_a_tampered_payload_is_refused(client, bank):
    client.force_login(bank.teacher_a)
    preview = upload(client, b"::One::1+1?{=2}", category=bank.category_a.pk)
    payload = preview.context["payload"]
    value, signature = payload.rsplit(":", 1)
    forged = value + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]
    response = client.post(reverse("quizzes_admin:import_confirm"), {"payload": forged})
    assert response.status_code == 400
    wrong_salt = signing.dumps(
        {
            "fmt": "gift",
            "category": bank.category_b.pk,
            "course": None,
            "name": "x",
            "text": "::Evil::1+1?{=2}",
            "user": bank.teacher_a.pk,
        },
        compress=True,
    )
    response = client.post(reverse("quizzes_admin:import_confirm"), {"payload": wrong_salt})
    assert response.status_code == 400
    client.force_login(bank.teacher_b)  # someone else's preview
    response = client.post(reverse("quizzes_admin:import_confirm"), {"payload": payload})
    assert response.status_code == 400
    assert not Question.objects.filter(name__in=["One", "Evil"]).exists()


# --------------------------------------------------------------------------- export


def test_export_downloads_the_category_as_gift(client, bank):
    client.force_login(bank.teacher_a)
    response = client.get(reverse("quizzes_admin:export_category", args=[bank.category_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    result = parse_gift(response.content.decode("utf-8"))
    assert [q.name for q in result.questions] == ["Alpha question"]
    assert_refused(
        client, "get", reverse("quizzes_admin:export_category", args=[bank.category_b.pk])
    )
    listing = client.get(CATEGORIES).content.decode()
    assert reverse("quizzes_admin:export_category", args=[bank.category_a.pk]) in listing


# --------------------------------------------------------------------------- grading


def essay_attempt(bank, learner) -> Attempt:
    essay = Question.objects.create(
        category=bank.category_a, type="essay", name="Your browser", text="<p>Why?</p>"
    )
    quiz = QuizPage(title="Browser quiz", slug="browser-quiz")
    bank.course_a.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=0, mark=Decimal(4))
    publish(quiz)
    attempt = services.attempt_start(user=learner, quiz=quiz)
    answer = {"1": {"text": "Because <script>alert(1)</script> it is fast."}}
    return services.attempt_submit(user=learner, attempt_id=attempt.pk, answers=answer)


def test_grading_queue_grades_an_essay_and_finishes_the_attempt(client, bank):
    learner = UserFactory(display_name="Learner Leila")
    attempt = essay_attempt(bank, learner)
    assert attempt.state == Attempt.State.NEEDS_GRADING
    client.force_login(bank.teacher_a)
    queue = client.get(reverse("quizzes_admin:grading_queue"))
    html = queue.content.decode()
    assert "Learner Leila" in html and "Browser quiz" in html and "Your browser" in html
    response = Response.objects.get(attempt=attempt)
    url = reverse("quizzes_admin:grade_response", args=[response.pk])
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert client.post(url, {"marks": "3", "fraction": "", "comment": "Good"}).status_code == 302
    attempt.refresh_from_db()
    response.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert response.fraction == Decimal("0.75") and response.grader_comment == "Good"
    assert response.graded_by == bank.teacher_a
    assert (
        "Learner Leila" not in client.get(reverse("quizzes_admin:grading_queue")).content.decode()
    )


def test_grading_is_refused_to_teachers_of_other_courses(client, bank):
    attempt = essay_attempt(bank, UserFactory(display_name="Learner Leila"))
    response = Response.objects.get(attempt=attempt)
    client.force_login(bank.teacher_b)
    assert (
        "Learner Leila" not in client.get(reverse("quizzes_admin:grading_queue")).content.decode()
    )
    url = reverse("quizzes_admin:grade_response", args=[response.pk])
    assert_refused(client, "get", url)
    assert_refused(client, "post", url, {"fraction": "1"})
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.NEEDS_GRADING


def test_grade_form_needs_marks_within_range(client, bank):
    attempt = essay_attempt(bank, UserFactory())
    response = Response.objects.get(attempt=attempt)
    client.force_login(bank.teacher_a)
    url = reverse("quizzes_admin:grade_response", args=[response.pk])
    assert client.post(url, {"marks": "5"}).status_code == 200  # out of 4
    assert client.post(url, {}).status_code == 200
    assert client.post(url, {"fraction": "1"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.passed is True
