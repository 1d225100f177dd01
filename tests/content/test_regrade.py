"""Statements posted to /h5p/xapi/: re-graded on the server, forged scores ignored, and only
server grades (or a course that accepts self-reported scores) complete a course."""

import copy
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.users.models import UserProfile

from certificates.models import Certificate
from content.access import issue_token
from content.models import H5PActivityPage, H5PResult
from content.results import LOCAL_ID, SUB_CONTENT_ID, player_content_id
from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress, ScoreSource, Status
from tests.builders import build_course, publish
from tests.content import h5p_answers as answers
from tests.content.installed import install
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SERVER, SELF = ScoreSource.SERVER, ScoreSource.SELF_REPORTED
FORGED_RESULT = {
    "score": {"min": 0, "max": 1, "raw": 1, "scaled": 1},
    "success": True,
    "completion": True,
}


class Learner:
    """An enrolled learner who opened an H5P activity and posts statements to it."""

    def __init__(self, client, package, *, pass_mark=80, accept_self_reported=False):
        self.built = build_course(slug=f"regrade-{uuid.uuid4().hex[:8]}", lessons=0)
        course = self.built.course
        if accept_self_reported:
            course.accept_self_reported_scores = True
            publish(course)
        activity = H5PActivityPage(
            title="تمرین", slug="exercise", package=package, pass_mark=pass_mark
        )
        course.add_child(instance=activity)
        publish(activity)
        self.page = H5PActivityPage.objects.get(pk=activity.pk)
        self.package = package
        self.user = UserFactory()
        enrol(user=self.user, course=course)
        self.client = client
        client.force_login(self.user)
        assert client.get(self.page.url).status_code == 200  # opened
        request = RequestFactory().get(self.page.url)
        request.user = self.user
        token = issue_token(request=request, page=self.page, package=package)
        self.url = reverse("h5p:xapi", args=[token])

    def post(self, response=None, *, verb="answered", result=None, sub=None, library=None):
        body = statement(
            self.package, response=response, verb=verb, result=result, sub=sub, library=library
        )
        reply = self.client.post(self.url, json.dumps(body), content_type="application/json")
        assert reply.status_code == 200, reply.content
        return H5PResult.objects.get(statement_id=body["id"])

    @property
    def progress(self) -> ActivityProgress:
        return ActivityProgress.objects.get(user=self.user, activity_key=self.page.translation_key)

    @property
    def completed(self) -> bool:
        summary = CourseProgress.objects.filter(
            user=self.user, course_key=self.built.course.translation_key
        ).first()
        return summary is not None and summary.completed_at is not None

    @property
    def certified(self) -> bool:
        return Certificate.objects.filter(user=self.user).exists()


def statement(package, *, response, verb="answered", result=None, sub=None, library=None):
    """A statement as H5P sends it; by default with a FORGED full score and success."""
    extensions = {LOCAL_ID: player_content_id(package)}
    context = {"contextActivities": {}}
    if sub:
        extensions[SUB_CONTENT_ID] = sub
        context["contextActivities"]["parent"] = [{"id": "http://testserver/h5p/1"}]
    if library:
        context["contextActivities"]["category"] = [
            {"id": f"http://h5p.org/libraries/{library}", "objectType": "Activity"}
        ]
    body = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"name": "x", "homePage": "http://testserver"}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {
            "id": "http://testserver/h5p/1",
            "definition": {
                "extensions": extensions,
                "interactionType": "choice",
                # a forged pattern: "whatever I answered is right"
                "correctResponsesPattern": [response if isinstance(response, str) else ""],
            },
        },
        "context": context,
        "result": copy.deepcopy(result if result is not None else FORGED_RESULT),
    }
    if response is not None:
        body["result"]["response"] = response
    return body


# --- Each library: right, wrong, partial, forged ---------------------------------------------

CASES = {
    # library: (content, main library, right, partial or None, wrong, expected partial raw/max)
    "multichoice": (answers.MULTICHOICE, "H5P.MultiChoice 1.14", "0", None, "1", None),
    "truefalse": (answers.TRUEFALSE, "H5P.TrueFalse 1.6", "false", None, "true", None),
    "blanks": (
        answers.BLANKS,
        "H5P.Blanks 1.12",
        "blue[,]Cloud[,]black",
        "blue[,]Cloud[,]red",
        "red[,]green[,]white",
        (2, 3),
    ),
    "dragtext": (
        answers.DRAGTEXT,
        "H5P.DragText 1.8",
        "Norway[,]Sweden[,]ایران",
        "Norway[,][,]",
        "Sweden[,]Norway[,]",
        (1, 3),
    ),
    "markthewords": (
        answers.MARK_THE_WORDS,
        "H5P.MarkTheWords 1.9",
        "2[,]7[,]9",
        "2[,]7",
        "0[,]1",
        (2, 3),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_forged_full_score_with_a_wrong_answer_is_graded_as_wrong(client, name):
    content, library, right, partial, wrong, expected = CASES[name]
    learner = Learner(client, answers.store_package(content, library))

    forged = learner.post(wrong, library=library.replace(" ", "-"))

    assert forged.graded_by == SERVER
    assert forged.score_raw == 0 and forged.score_scaled == 0 and forged.success is False
    assert learner.progress.status == Status.FAILED and learner.progress.score == 0
    assert learner.progress.score_source == SERVER
    assert not learner.completed and not learner.certified

    if partial is not None:
        graded = learner.post(partial)
        assert (graded.score_raw, graded.score_max) == expected
        assert graded.graded_by == SERVER and learner.progress.status == Status.FAILED

    honest = learner.post(right, result={"score": {"raw": 0, "max": 1, "scaled": 0}})
    assert honest.graded_by == SERVER and honest.score_scaled == 1 and honest.success is True
    assert learner.progress.status == Status.PASSED and learner.progress.score == 1
    assert learner.completed and learner.certified


def test_single_choice_set_is_graded_from_its_answers_and_summed(client):
    content = answers.SINGLE_CHOICE_SET
    learner = Learner(client, answers.store_package(content, "H5P.SingleChoiceSet 1.11"))
    first, second = (c["subContentId"] for c in content["choices"])

    assert learner.post("2", sub=first).score_raw == 0  # forged "right", really wrong
    assert learner.post("0", sub=second).score_raw == 1
    total = learner.post(verb="completed", result=FORGED_RESULT)
    assert total.graded_by == SERVER and (total.score_raw, total.score_max) == (1, 2)
    assert learner.progress.status == Status.FAILED and not learner.certified

    learner.post("0", sub=first)
    learner.post("0", sub=second)
    total = learner.post(verb="completed", result={"score": {"raw": 0, "max": 2}})
    assert (total.score_raw, total.score_max, total.success) == (2, 2, True)
    assert learner.progress.status == Status.PASSED and learner.certified


def test_question_set_sums_its_questions_answered_in_this_attempt(client):
    package = answers.store_package(answers.question_set(), "H5P.QuestionSet 1.17")
    learner = Learner(client, package, pass_mark=None)  # the set's own 50 % decides

    mc = learner.post("1", sub=answers.QS_MULTICHOICE, library="H5P.MultiChoice-1.14")
    assert mc.graded_by == SERVER and mc.score_raw == 0
    learner.post("blue[,]x[,]y", sub=answers.QS_BLANKS, library="H5P.Blanks-1.12")
    learner.post("true", sub=answers.QS_TRUEFALSE, library="H5P.TrueFalse-1.6")
    assert not ActivityProgress.objects.filter(user=learner.user, score__isnull=False).exists()

    total = learner.post(verb="completed", result=FORGED_RESULT)  # claims 100 %
    assert total.graded_by == SERVER
    assert (total.score_raw, total.score_max, total.success) == (1, 5, False)
    assert learner.progress.status == Status.FAILED and learner.progress.score == Decimal("0.2")
    assert not learner.certified

    # A new attempt: earlier answers do not count again; all three right this time.
    learner.post("0", sub=answers.QS_MULTICHOICE)
    learner.post("blue[,]cloud[,]black", sub=answers.QS_BLANKS)
    not_all = learner.post(verb="completed", result=FORGED_RESULT)
    assert not_all.graded_by == SELF  # the true/false question was not answered again
    learner.post("0", sub=answers.QS_MULTICHOICE)  # so the learner tries again: all three
    learner.post("blue[,]cloud[,]black", sub=answers.QS_BLANKS)
    learner.post("false", sub=answers.QS_TRUEFALSE)
    total = learner.post(verb="completed", result={"score": {"raw": 0, "max": 5}})
    assert (total.graded_by, total.score_raw, total.success) == (SERVER, 5, True)
    assert learner.progress.status == Status.PASSED and learner.certified


def test_a_child_statement_naming_another_library_is_not_graded(client):
    package = answers.store_package(answers.question_set(), "H5P.QuestionSet 1.17")
    learner = Learner(client, package)
    lying = learner.post("0", sub=answers.QS_BLANKS, library="H5P.MultiChoice-1.14")
    assert lying.graded_by == SELF


def test_a_question_set_with_an_ungradable_question_stays_self_reported(client):
    content = answers.question_set(with_drag_question=True)
    learner = Learner(client, answers.store_package(content, "H5P.QuestionSet 1.17"))
    learner.post("0", sub=answers.QS_MULTICHOICE)
    learner.post("0[,]1", sub=answers.QS_DRAG_QUESTION)
    total = learner.post(verb="completed", result=FORGED_RESULT)
    assert total.graded_by == SELF and total.score_scaled == 1
    assert learner.progress.status == Status.PASSED  # what the learner sees
    assert learner.progress.score_source == SELF
    assert not learner.completed and not learner.certified


# --- The reported case: scaled 1 posted to a pass mark of 80 ---------------------------------


def test_the_forged_scaled_one_no_longer_passes_or_certifies_but_a_right_answer_does(client):
    learner = Learner(client, install("multichoice.h5p"), pass_mark=80)

    bare = learner.post(result={"score": {"scaled": 1}})  # no response at all
    assert bare.graded_by == SELF and bare.score_scaled == 1
    forged = learner.post("2", result={"score": {"scaled": 1}, "success": True})
    assert forged.graded_by == SERVER and forged.score_scaled == 0
    assert learner.progress.status == Status.FAILED
    assert not learner.completed and not learner.certified

    bare_again = learner.post(result={"score": {"scaled": 1}})
    assert learner.progress.status == Status.PASSED  # shown, but self-reported
    assert bare_again.graded_by == SELF and learner.progress.score_source == SELF
    assert not learner.completed and not learner.certified

    completion = learner.post(verb="completed", result={"completion": True})  # no score
    assert completion.graded_by == SELF and not learner.completed

    right = learner.post("0", result={"score": {"raw": 0, "max": 1, "scaled": 0}})
    assert right.graded_by == SERVER and right.score_scaled == 1
    assert learner.progress.status == Status.PASSED and learner.progress.score_source == SERVER
    assert learner.completed and learner.certified


def test_a_completion_announced_is_not_taken_back_by_a_later_self_reported_score(client):
    learner = Learner(client, install("multichoice.h5p"), pass_mark=80)
    learner.post("0")
    assert learner.completed and learner.certified
    learner.post(result={"score": {"scaled": 1}})  # self-reported now
    assert learner.progress.score_source == SELF
    assert learner.completed and learner.certified


# --- The course's "accept self-reported scores" -------------------------------------------


def test_a_course_that_accepts_self_reported_scores_completes_on_them(client):
    package = answers.store_package({"presentation": {}}, "H5P.CoursePresentation 1.22")
    strict = Learner(client, package, pass_mark=80)
    strict.post(verb="completed", result=FORGED_RESULT)
    assert strict.progress.status == Status.PASSED and strict.progress.score_source == SELF
    assert not strict.completed and not strict.certified

    lenient = Learner(client, package, pass_mark=80, accept_self_reported=True)
    assert lenient.built.course.accept_self_reported_scores
    lenient.post(verb="completed", result=FORGED_RESULT)
    assert lenient.progress.score_source == SELF
    assert lenient.completed and lenient.certified


def test_a_scoreless_completion_never_passes_a_page_with_a_pass_mark(client):
    package = answers.store_package({"presentation": {}}, "H5P.CoursePresentation 1.22")
    learner = Learner(client, package, pass_mark=50, accept_self_reported=True)
    learner.post(verb="completed", result={"completion": True})
    assert not ActivityProgress.objects.filter(
        user=learner.user, status__in=[Status.COMPLETED, Status.PASSED]
    ).exists()
    assert not learner.completed


# --- The admin shows who graded each score ---------------------------------------------------


def test_the_admin_shows_whether_scores_were_graded_by_the_server(client):
    learner = Learner(client, install("multichoice.h5p"), pass_mark=80)
    learner.post("0")  # server-graded
    other = Learner(client, install("multichoice.h5p"), pass_mark=80)
    other.post(result={"score": {"scaled": 1}})  # no response: self-reported

    admin = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(admin)

    listing = client.get(reverse("h5p_results:index"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Graded by the server" in text and "Self-reported by the browser" in text
    only_self = client.get(reverse("h5p_results:index"), {"graded_by": SELF}).content.decode()
    assert "Self-reported by the browser" in only_self
    assert "Graded by the server</td>" not in only_self

    page = client.get(reverse("courses_admin:enrolments", args=[other.built.course.pk]))
    rows = re.findall(r"<tr><td>.*?</tr>", page.content.decode(), re.S)
    assert len(rows) == 1
    assert "<td>0</td><td>1 (not counted for completion)</td>" in rows[0]
    page = client.get(reverse("courses_admin:enrolments", args=[learner.built.course.pk]))
    rows = re.findall(r"<tr><td>.*?</tr>", page.content.decode(), re.S)
    assert "<td>1</td><td>0</td>" in rows[0]


def test_switching_on_self_reported_scores_completes_learners_who_already_sent_them(
    client, django_capture_on_commit_callbacks
):
    package = answers.store_package({"presentation": {}}, "H5P.CoursePresentation 1.22")
    learner = Learner(client, package, pass_mark=80)
    learner.post(verb="completed", result=FORGED_RESULT)
    assert not learner.completed

    course = learner.built.course
    course.accept_self_reported_scores = True
    with django_capture_on_commit_callbacks(execute=True):
        publish(course)  # the recount runs after the commit (eagerly in tests)

    assert learner.completed and learner.certified
