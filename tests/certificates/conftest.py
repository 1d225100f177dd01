"""A small bilingual course and learners who complete it through the real progress services."""

from dataclasses import dataclass

import pytest

from certificates.models import Certificate
from courses.selectors import course_syllabus
from progress.services import record_completion
from tests.builders import BuiltCourse, build_course, publish
from tests.factories import UserFactory

FA_TITLE = "دورهٔ ایمنی دیجیتال"
EN_TITLE = "Digital safety basics"
FA_NAME = "سارا احمدی‌نژاد"
EN_NAME = "Sara Ahmadinejad"


@dataclass
class Completion:
    built: BuiltCourse
    learner: object
    certificate: Certificate


def complete_course(built: BuiltCourse, user) -> None:
    """Complete every lesson of the Persian course through progress.services."""
    syllabus = course_syllabus(built.course)
    for lesson in built.lessons:
        record_completion(user=user, activity=lesson.activity_ref(syllabus))


@pytest.fixture
def course(db) -> BuiltCourse:
    built = build_course(slug="safety", lessons=2, translate=True, title=FA_TITLE)
    built.english.title = EN_TITLE
    publish(built.english)
    return built


@pytest.fixture
def learner(db):
    return UserFactory(display_name=FA_NAME, preferred_language="fa")


@pytest.fixture
def english_learner(db):
    return UserFactory(display_name=EN_NAME, preferred_language="en")


@pytest.fixture
def completion(course, learner, django_capture_on_commit_callbacks) -> Completion:
    """The learner completed the course; the issue's PDF task ran after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(course, learner)
    return Completion(course, learner, Certificate.objects.get(user=learner))
