"""Teachers write questions and quizzes in the Wagtail admin, within their own courses."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from courses import services as course_services
from quizzes.models import Question, QuestionCategory, QuizPage
from quizzes.roles import ensure_question_bank_permissions
from tests.builders import build_course
from tests.factories import UserFactory
from tests.quiz_builders import question

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(site_tree):
    ensure_question_bank_permissions()
    user = UserFactory(username="teacher-q")
    return user


def question_data(category, answers, kind="multichoice"):
    return nested_form_data(
        {
            "category": category.pk,
            "type": kind,
            "name": "مرورگر",
            "text": rich_text("<p>کدام یک مرورگر است؟</p>"),
            "single": "on",
            "shuffle_choices": "on",
            "correct_answer": "",
            "feedback_true": "",
            "feedback_false": "",
            "general_feedback": rich_text(""),
            "default_mark": "1",
            "idnumber": "",
            "tags": "",
            "choices": inline_formset(answers),
        }
    )


def answer(text, fraction, feedback=""):
    return {
        "text": text,
        "match_text": "",
        "fraction": fraction,
        "tolerance": "",
        "feedback": feedback,
    }


def test_a_teacher_creates_a_multiple_choice_question_in_the_admin(client, teacher):
    course = build_course(slug="authoring", lessons=0).course
    course_services.course_ensure_editors_group(course=course, owners=[teacher])
    category = QuestionCategory.objects.create(name="بانک", course=course)
    client.force_login(teacher)
    add_url = reverse(Question.snippet_viewset.get_url_name("add"))

    refused = client.post(add_url, question_data(category, [answer("فایرفاکس", "0.5")]))
    assert refused.status_code == 200  # the form comes back with the teacher-readable reason
    assert Question.objects.count() == 0

    created = client.post(
        add_url,
        question_data(category, [answer("فایرفاکس", "1", "آفرین"), answer("اکسل", "0")]),
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    made = Question.objects.get()
    assert made.category == category
    assert list(made.choices.values_list("text", "fraction")) == [("فایرفاکس", 1), ("اکسل", 0)]


def test_a_quiz_cannot_use_another_courses_questions(client, teacher):
    mine = build_course(slug="mine", lessons=0).course
    theirs = build_course(slug="theirs", lessons=0).course
    course_services.course_ensure_editors_group(course=mine, owners=[teacher])
    foreign = question(
        QuestionCategory.objects.create(name="دیگری", course=theirs),
        "truefalse",
        "جمله",
        correct_answer=True,
    )
    own = question(
        QuestionCategory.objects.create(name="خودم", course=mine),
        "truefalse",
        "جملهٔ من",
        correct_answer=True,
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    def post(item):
        data = nested_form_data(
            {
                "title": "آزمون",
                "slug": f"quiz-{item.pk}",
                "intro": rich_text(""),
                "estimated_minutes": 10,
                "attempts_allowed": 0,
                "pass_mark": 50,
                "grading_method": "highest",
                "feedback_timing": "after_submit",
                "answers_timing": "after_submit",
                "slots": inline_formset(
                    [{"question": item.pk, "random_category": "", "count": 1, "mark": ""}]
                ),
            }
        )
        return client.post(f"/admin/pages/add/quizzes/quizpage/{mine.pk}/", data)

    refused = post(foreign)
    assert refused.status_code == 200
    slot_errors = refused.context["form"].formsets["slots"].forms[0].errors
    assert "question" in slot_errors, (slot_errors, refused.context["form"].errors)
    assert not QuizPage.objects.exists()
    assert post(own).status_code == 302
    assert QuizPage.objects.get().slots.get().question == own
