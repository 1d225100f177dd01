"""Quizzes for tests: a question bank and a quiz page under a built course."""

from decimal import Decimal

from quizzes.models import Choice, Question, QuestionCategory, QuizPage, QuizSlot
from tests.builders import publish


def category(course=None, name="بانک سؤال"):
    return QuestionCategory.objects.get_or_create(course=course, name=name)[0]


def question(cat, kind, text, choices=(), **fields):
    """``choices``: tuples (text, fraction[, feedback[, match_text[, tolerance]]])."""
    made = Question.objects.create(
        category=cat, type=kind, name=fields.pop("name", text[:40]), text=f"<p>{text}</p>", **fields
    )
    for order, values in enumerate(choices):
        defaults = ("", 0, "", "", None)
        text_, fraction, feedback, match_text, tolerance = (*values, *defaults[len(values) :])
        Choice.objects.create(
            question=made,
            sort_order=order,
            text=text_,
            fraction=Decimal(str(fraction)),
            feedback=feedback,
            match_text=match_text,
            tolerance=tolerance,
        )
    return made


def standard_questions(cat):
    """One question of each gradable kind, in Persian."""
    return [
        question(
            cat,
            "multichoice",
            "پایتخت ایران کجاست؟",
            [("تهران", 1, "درست است"), ("شیراز", 0, "نه"), ("تبریز", 0)],
        ),
        question(cat, "truefalse", "رمز عبور را به دیگران بگویید.", correct_answer=False),
        question(cat, "shortanswer", "نام مرورگر گوگل چیست؟", [("کروم", 1), ("Chrome", 1)]),
        question(cat, "numerical", "۲ + ۲ = ؟", [("4", 1, "", "", 0)]),
        question(
            cat,
            "match",
            "جفت کنید",
            [("آب", 1, "", "قبض آب"), ("برق", 1, "", "قبض برق")],
        ),
    ]


def build_quiz(course_page, questions, slug="quiz", **settings):
    quiz = QuizPage(title=settings.pop("title", "آزمون"), slug=slug, **settings)
    course_page.add_child(instance=quiz)
    for order, item in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=item, sort_order=order)
    publish(quiz)
    return QuizPage.objects.get(pk=quiz.pk)
