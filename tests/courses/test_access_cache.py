"""An activity's access answer is cached per page within one request, never shared between pages."""

from django.test import RequestFactory

from courses import services
from tests.builders import build_course
from tests.factories import UserFactory


def test_two_pages_checked_in_one_request_get_their_own_answers(site_tree):
    mine = build_course(slug="mine", lessons=1)
    theirs = build_course(slug="theirs", lessons=1)
    learner = UserFactory()
    services.enrol(user=learner, course=mine.course)
    request = RequestFactory().get("/")
    request.user = learner

    assert mine.lessons[0].access_for(request).allowed is True
    other = theirs.lessons[0].access_for(request)
    assert other.allowed is False
    assert other.reason == "not_enrolled"
    # Asked again in the same request, each page still gets its own (cached) answer.
    assert mine.lessons[0].access_for(request).allowed is True
    assert theirs.lessons[0].access_for(request).allowed is False
