"""Clients are scoped: progress only for the activities registered on them (never for what
Savad grades itself), and reads only of their own statements unless granted more."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from content.models import H5PActivityPage
from courses.selectors import course_syllabus
from courses.services import enrol
from lrs import services
from lrs.models import Client, Statement
from progress.models import ActivityProgress, Status
from progress.services import record_score
from tests.builders import build_course, publish
from tests.content.installed import install
from tests.factories import UserFactory
from tests.lrs.conftest import COMPLETED, VOIDED, Api, agent, new_id, statement
from tests.quiz_builders import build_quiz, category, standard_questions
from xapi.identity import activity_iri, agent_for

pytestmark = pytest.mark.django_db

PASSED = "http://adlnet.gov/expapi/verbs/passed"


@pytest.fixture
def course(db):
    return build_course(slug="scoped-course", lessons=2)


@pytest.fixture
def learner(course):
    user = UserFactory()
    enrol(user=user, course=course.course)
    return user


def make_api(name="Client", **scope) -> tuple[Client, Api]:
    client, secret = services.create_client(name=name, **scope)
    return client, Api(client.key, secret)


def iri(page) -> str:
    return activity_iri(page.translation_key)


def passed_with_full_marks(page, user) -> dict:
    return statement(
        actor=agent(user.email),
        verb=PASSED,
        activity=iri(page),
        result={"score": {"scaled": 1.0}, "success": True},
    )


def progress(user, page):
    return ActivityProgress.objects.filter(user=user, activity_key=page.translation_key).first()


def test_a_client_cannot_pass_a_quiz_for_a_learner_even_when_registered_for_it(course, learner):
    quiz = build_quiz(course.course, standard_questions(category(course.course)))
    real = record_score(
        user=learner,
        activity=quiz.activity_ref(course_syllabus(course.course)),
        score=0.0,
        passed=False,
    )
    assert real.status == Status.FAILED
    _client, api = make_api(activities=iri(quiz))
    response = api.post(passed_with_full_marks(quiz, learner))
    assert response.status_code == 200  # stored, as an LRS does, but it grades nothing
    row = progress(learner, quiz)
    assert (row.status, float(row.score), row.attempts) == (Status.FAILED, 0.0, 1)


def test_a_client_cannot_pass_an_h5p_exercise_for_a_learner(course, learner):
    exercise = H5PActivityPage(title="تمرین", slug="exercise", package=install("multichoice.h5p"))
    course.course.add_child(instance=exercise)
    publish(exercise)
    _client, api = make_api(activities=iri(exercise))
    assert api.post(passed_with_full_marks(exercise, learner)).status_code == 200
    assert progress(learner, exercise) is None


def test_a_registered_lesson_takes_progress_and_an_unregistered_one_does_not(course, learner):
    registered, other = course.lessons
    _client, api = make_api(activities=iri(registered))
    for lesson in (registered, other):
        sent = statement(actor=agent_for(learner), verb=COMPLETED, activity=iri(lesson))
        assert api.post(sent).status_code == 200
    assert progress(learner, registered).status == Status.COMPLETED
    assert progress(learner, other) is None
    assert Statement.objects.count() == 2


def test_registration_of_one_client_does_not_count_for_another(course, learner):
    lesson = course.lessons[0]
    make_api("Registered", activities=iri(lesson))
    _other, api = make_api("Other")
    api.post(statement(actor=agent_for(learner), verb=COMPLETED, activity=iri(lesson)))
    assert progress(learner, lesson) is None


@pytest.fixture
def two_clients(db):
    """Client A has stored three statements naming learners by e-mail; B is another client."""
    client_a, api_a = make_api("A")
    ids = [new_id() for _ in range(3)]
    for number, statement_id in enumerate(ids):
        sent = statement(actor=agent(f"learner{number}@example.org"), statement_id=statement_id)
        assert api_a.put(sent, statement_id).status_code == 204
    client_b, api_b = make_api("B")
    return api_a, client_b, api_b, ids


def test_another_client_cannot_read_a_statement_by_id(two_clients):
    api_a, _client_b, api_b, ids = two_clients
    assert api_a.get({"statementId": ids[0]}).status_code == 200
    response = api_b.get({"statementId": ids[0]})
    assert response.status_code == 404
    assert "learner0@example.org" not in response.content.decode()


def test_another_client_cannot_read_a_voided_statement_by_id(two_clients):
    api_a, _client_b, api_b, ids = two_clients
    void = statement(verb=VOIDED, object={"objectType": "StatementRef", "id": ids[0]})
    assert api_a.post(void).status_code == 200
    assert api_a.get({"voidedStatementId": ids[0]}).status_code == 200
    assert api_b.get({"voidedStatementId": ids[0]}).status_code == 404


def test_another_client_finds_nothing_by_filter(two_clients):
    api_a, _client_b, api_b, _ids = two_clients
    query = {"agent": '{"mbox": "mailto:learner1@example.org"}'}
    assert len(api_a.get(query).json()["statements"]) == 1
    assert api_b.get(query).json() == {"statements": [], "more": ""}
    assert api_b.get().json()["statements"] == []


def test_another_client_cannot_follow_a_more_link(two_clients):
    api_a, _client_b, api_b, _ids = two_clients
    first = api_a.get({"limit": 1}).json()
    assert first["more"]
    assert len(api_a.get(url=first["more"]).json()["statements"]) == 1
    response = api_b.get(url=first["more"])
    assert response.status_code == 400
    assert "learner" not in response.content.decode()


def test_a_client_granted_reads_of_all_statements_can_read_them(two_clients):
    _api_a, client_b, api_b, ids = two_clients
    services.scope_client(key=client_b.key, reads_all_statements=True)
    assert api_b.get({"statementId": ids[2]}).json()["actor"]["mbox"] == (
        "mailto:learner2@example.org"
    )
    first = api_b.get({"limit": 2}).json()
    following = api_b.get(url=first["more"]).json()
    seen = [s["id"] for s in first["statements"] + following["statements"]]
    assert sorted(seen) == sorted(ids)


def test_another_client_cannot_void_a_clients_statement(two_clients):
    api_a, _client_b, api_b, ids = two_clients
    void = statement(verb=VOIDED, object={"objectType": "StatementRef", "id": ids[1]})
    assert api_b.post(void).status_code == 200
    assert Statement.objects.get(id=ids[1]).voided is False
    assert api_a.get({"statementId": ids[1]}).status_code == 200


def test_a_registered_activity_must_be_an_iri():
    with pytest.raises(ValidationError) as invalid, translation.override("en"):
        services.create_client(name="Bad", activities="https://example.org/a\nnot an iri")
    assert "not an IRI" in str(invalid.value)
    assert not Client.objects.exists()


def test_the_command_registers_pages_and_grants_reads(course):
    out = StringIO()
    lesson = course.lessons[0]
    call_command("xapi_client", "create", "Simulator", "--page", str(lesson.pk), stdout=out)
    key = out.getvalue().splitlines()[0].removeprefix("key=")
    client = Client.objects.get(key=key)
    assert client.activity_iris() == [iri(lesson)] and not client.reads_all_statements
    extra = "https://example.org/simulation"
    call_command("xapi_client", "scope", key, "--activity", extra, "--read-all", stdout=out)
    client.refresh_from_db()
    assert client.activity_iris() == [iri(lesson), extra] and client.reads_all_statements
    call_command("xapi_client", "scope", key, "--clear", "--own-only", stdout=out)
    client.refresh_from_db()
    assert client.activity_iris() == [] and not client.reads_all_statements


def test_the_admin_registers_activities_and_grants_reads(client, course):
    admin = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(admin)
    lesson = iri(course.lessons[0])
    bad = client.post(reverse("xapi_clients:add"), {"name": "Sim", "activities": "not an iri"})
    assert bad.status_code == 200 and "is not an IRI" in bad.content.decode()
    assert not Client.objects.exists()
    form = {"name": "Sim", "activities": f" {lesson}\n\n{lesson}\n", "reads_all_statements": "on"}
    assert client.post(reverse("xapi_clients:add"), form).status_code == 302
    created = Client.objects.get()
    assert created.activity_iris() == [lesson] and created.reads_all_statements
    edit = {"name": "Sim", "activities": "", "is_active": "on"}
    assert client.post(reverse("xapi_clients:edit", args=[created.pk]), edit).status_code == 302
    created.refresh_from_db()
    assert created.activity_iris() == [] and not created.reads_all_statements
