"""Parallel issuing on PostgreSQL: exactly one certificate, however many racers."""

import pytest
from django.db import connection

from certificates import services
from certificates.models import Certificate
from courses.selectors import course_syllabus
from progress.services import record_completion
from tests.builders import build_course
from tests.factories import UserFactory
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locking is exercised on PostgreSQL (the PostgreSQL pass of make test)",
    ),
]


def test_parallel_issues_make_one_certificate():
    built = build_course(slug="race", lessons=1)
    user = UserFactory()
    syllabus = course_syllabus(built.course)
    record_completion(user=user, activity=built.lessons[0].activity_ref(syllabus))
    Certificate.objects.all().delete()  # issued by the completion; race for a fresh one
    issued = []

    def work(_index):
        issued.append(services.issue_certificate(user, built.course.translation_key).pk)

    assert run_in_threads(8, work) == []
    assert Certificate.objects.filter(user=user).count() == 1
    assert set(issued) == {Certificate.objects.get(user=user).pk}


def test_parallel_final_completions_issue_one_certificate():
    built = build_course(slug="race-lessons", lessons=8)
    user = UserFactory()
    syllabus = course_syllabus(built.course)
    refs = [lesson.activity_ref(syllabus) for lesson in built.lessons]

    def work(index):
        record_completion(user=user, activity=refs[index])

    assert run_in_threads(8, work) == []
    certificate = Certificate.objects.get(user=user)
    assert certificate.course_key == built.course.translation_key
    assert certificate.pdf_status == "ready"  # queued on commit, rendered eagerly
