"""Publishing recounts a course's learners only when a completion rule changed.

Observed through ``core.jobs``: with a broker configured (a closed port; these tests never
commit, so nothing is sent), every ``reevaluate_completion`` queued is a ``PendingJob`` row.
"""

import pytest
from celery import current_app

from core.models import PendingJob
from tests.brokers import CLOSED
from tests.builders import build_course, publish
from tests.quiz_builders import build_quiz, category, standard_questions

pytestmark = pytest.mark.django_db

RECOUNT = "courses.tasks.reevaluate_completion"


@pytest.fixture
def queued(settings):
    """Tasks go to the (refused) broker through the outbox; returns the recounts queued."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    conf.broker_url = settings.CELERY_BROKER_URL = f"redis://{CLOSED}/0"

    def recounts() -> list[int]:
        return sorted(job.args[0] for job in PendingJob.objects.filter(task=RECOUNT))

    try:
        yield recounts
    finally:
        conf.task_always_eager, conf.broker_url = saved


@pytest.fixture
def built(queued):
    built = build_course(slug="recount", lessons=2)
    PendingJob.objects.all().delete()  # the set-up's own recounts (new activities)
    return built


def test_a_typo_fix_on_a_lesson_queues_no_recount(built, queued):
    lesson = built.lessons[0]
    lesson.title = "درس یکم (درست‌شده)"
    lesson.body = [("text", "<p>متن درست‌شده</p>")]
    publish(lesson)
    assert lesson.title == "درس یکم (درست‌شده)"
    assert queued() == []


def test_a_changed_required_flag_recounts_the_course(built, queued):
    lesson = built.lessons[0]
    lesson.required_for_completion = False
    publish(lesson)
    assert queued() == [built.course.pk]


def test_a_draft_does_not_count_until_published(built, queued):
    lesson = built.lessons[0]
    lesson.required_for_completion = False
    lesson.save_revision()
    assert queued() == []
    lesson.title = "درس یکم"
    publish(lesson)  # the rule now published differs from the live one
    assert queued() == [built.course.pk]


def test_publishing_a_revision_with_the_live_rule_back_queues_no_recount(built, queued):
    lesson = built.lessons[0]
    lesson.required_for_completion = False
    lesson.save_revision()  # a draft that is never published
    lesson.required_for_completion = True
    lesson.title = "عنوان تازه"
    publish(lesson)
    assert queued() == []


def test_a_changed_minimum_score_on_a_quiz_recounts_and_a_rename_does_not(built, queued):
    quiz = build_quiz(built.course, standard_questions(category(built.course)))
    assert queued() == [built.course.pk], "a new activity changes the set"
    PendingJob.objects.all().delete()

    quiz.title = "آزمون پایانی"
    publish(quiz)
    assert queued() == []

    quiz.completion_min_score = 70
    publish(quiz)
    assert queued() == [built.course.pk]
    PendingJob.objects.all().delete()

    quiz.completion_min_score = 80
    publish(quiz)
    assert queued() == [built.course.pk]


def test_unpublishing_or_deleting_an_activity_recounts(built, queued):
    built.lessons[0].unpublish()
    assert queued() == [built.course.pk]
    PendingJob.objects.all().delete()
    built.lessons[1].delete()
    assert queued() == [built.course.pk]


def test_republishing_an_unpublished_activity_recounts(built, queued):
    lesson = built.lessons[0]
    lesson.unpublish()
    PendingJob.objects.all().delete()
    publish(lesson)
    assert queued() == [built.course.pk]


def test_moving_an_activity_to_another_course_recounts_both(built, queued):
    other = build_course(slug="recount-other", lessons=0)
    PendingJob.objects.all().delete()
    built.lessons[0].move(other.course, pos="last-child")
    assert queued() == sorted([built.course.pk, other.course.pk])


def test_moving_an_activity_within_its_course_queues_no_recount(queued):
    built = build_course(slug="recount-modules", lessons=2, modules=2)
    PendingJob.objects.all().delete()
    built.lessons[0].move(built.modules[1], pos="last-child")
    assert queued() == []


def test_a_course_recounts_only_when_self_reported_scores_change(built, queued):
    course = built.course
    course.summary = "خلاصهٔ تازه"
    publish(course)
    assert queued() == []

    course.accept_self_reported_scores = True
    publish(course)
    assert queued() == [course.pk]
    PendingJob.objects.all().delete()

    course.title = "نام تازه"
    publish(course)
    assert queued() == [], "the flag was already on"
