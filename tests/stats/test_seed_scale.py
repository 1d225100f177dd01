"""``seed_scale`` makes what it says it made, consistently, and refuses a real site."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from courses.models import CoursePage, Enrolment, LessonPage
from progress.models import DONE_STATUSES, ActivityProgress, CourseProgress
from quizzes.models import Attempt, Question, QuizPage, QuizSlot, Response
from stats.quiz_analysis import quiz_analysis
from stats.seeding import QUESTIONS, SeedError, seed_scale
from tests.builders import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def seeded():
    catalogue("fa")
    return seed_scale(learners=40, courses=3, activities=4, seed=7, batch=50)


def test_seed_scale_makes_the_pages_learners_and_enrolments_it_reports(seeded):
    assert seeded.learners == get_user_model().objects.filter(username__startswith="scale-").count()
    assert seeded.learners == 40
    courses = CoursePage.objects.filter(slug__startswith="scale-")
    assert courses.count() == seeded.courses == 3
    assert LessonPage.objects.count() == 3 * 3  # the fourth activity of each is its quiz
    assert QuizPage.objects.count() == 3
    assert seeded.activities == 12
    # three courses: each learner enrols in one of them (a tenth, at least one)
    assert Enrolment.objects.count() == seeded.enrolments == 40
    per_learner = Enrolment.objects.values("user").annotate(n=Count("pk"))
    assert {row["n"] for row in per_learner} == {1}


def test_seed_scale_progress_summaries_and_attempts_agree_with_each_other(seeded):
    assert ActivityProgress.objects.count() == seeded.activity_progress > 0
    assert CourseProgress.objects.count() == seeded.course_progress > 0
    assert Attempt.objects.count() == seeded.attempts > 0
    assert Response.objects.count() == seeded.responses == QUESTIONS * seeded.attempts
    # every learner with progress in a course is enrolled in it and has one summary there
    started = set(ActivityProgress.objects.values_list("user", "course_key").distinct())
    assert started == set(CourseProgress.objects.values_list("user", "course_key"))
    assert started <= set(Enrolment.objects.values_list("user", "course_key"))
    # a summary counts its learner's done rows; completed means every activity done
    done = dict(
        ActivityProgress.objects.values_list("user", "course_key")
        .annotate(n=Count("pk", filter=Q(status__in=DONE_STATUSES)))
        .values_list("user", "n")
    )
    for summary in CourseProgress.objects.all():
        assert summary.completed_activities == done.get(summary.user_id, 0)
        assert (summary.completed_at is not None) == (summary.completed_activities == 4)
    # one finished attempt per learner who reached a quiz, scored as its responses say
    quiz_keys = set(QuizPage.objects.values_list("translation_key", flat=True))
    assert ActivityProgress.objects.filter(activity_key__in=quiz_keys).count() == seeded.attempts
    for attempt in Attempt.objects.prefetch_related("responses"):
        right = sum(response.fraction for response in attempt.responses.all())
        assert attempt.marks == right and attempt.score == right / QUESTIONS


def test_seed_scale_is_deterministic_for_a_seed(seeded):
    first = list(ActivityProgress.objects.order_by("pk").values_list("status", "time_spent"))
    ActivityProgress.objects.all().delete()
    Attempt.objects.all().delete()
    CourseProgress.objects.all().delete()
    Enrolment.objects.all().delete()
    get_user_model().objects.filter(username__startswith="scale-").delete()
    QuizSlot.objects.all().delete()
    Question.objects.all().delete()
    for course in CoursePage.objects.filter(slug__startswith="scale-"):
        course.delete()
    again = seed_scale(learners=40, courses=3, activities=4, seed=7, batch=50)
    assert again.activity_progress == seeded.activity_progress
    rows = ActivityProgress.objects.order_by("pk").values_list("status", "time_spent")
    assert list(rows) == first


def test_seed_scale_refuses_a_database_already_seeded(seeded):
    with pytest.raises(SeedError):
        seed_scale(learners=1, courses=1, activities=2)


def test_seed_scale_command_refuses_to_run_with_debug_off_without_force(settings):
    settings.DEBUG = False
    catalogue("fa")
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_scale", learners=2, courses=1, activities=2)
    assert not CoursePage.objects.filter(slug__startswith="scale-").exists()
    out = StringIO()
    call_command("seed_scale", learners=2, courses=1, activities=2, force=True, stdout=out)
    assert "Made 2 learners, 1 courses (2 activity pages), 2 enrolments" in out.getvalue()


def test_seed_scale_quiz_attempts_feed_the_item_analysis(seeded):
    quiz = QuizPage.objects.filter(slug="quiz").order_by("pk").first()
    analysis = quiz_analysis(quiz_key=quiz.translation_key)
    attempts = Attempt.objects.filter(quiz_key=quiz.translation_key).count()
    assert analysis.attempts == attempts > 0
    assert len(analysis.items) == QUESTIONS
    for item in analysis.items:
        assert item.responses == attempts and item.unanswered == 0
        assert sum(choice.count for choice in item.choices) == attempts  # every pick counted
        right = next(choice for choice in item.choices if choice.gives_credit)
        assert item.facility == pytest.approx(100 * right.count / attempts)
