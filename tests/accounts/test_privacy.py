"""A learner's data: the zip export (only theirs) and account deletion (progress anonymised)."""

import csv
import io
import json
import uuid
import zipfile

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from content.models import H5PPackage, H5PResult, H5PUserData
from core.privacy import erase_user, to_csv
from courses.models import Enrolment
from courses.selectors import course_syllabus
from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress
from progress.services import record_completion, record_visit
from quizzes import services as quiz_services
from quizzes.models import Attempt, Response
from tests.builders import build_course
from tests.factories import PASSWORD, UserFactory
from tests.quiz_builders import build_quiz, category, question

pytestmark = pytest.mark.django_db

DATA_URL = "/fa/accounts/data/"
EXPORT_URL = "/fa/accounts/data/export"
DELETE_URL = "/fa/accounts/delete/"
RIGHT_FEEDBACK = "آفرین، درست است"  # feedback of the right choice: never in the export


def ref(page):
    return page.activity_ref(course_syllabus(page.course))


def record_h5p(user, activity_key, package, name):
    H5PResult.objects.create(
        statement_id=uuid.uuid4(),
        user=user,
        package=package,
        activity_key=activity_key,
        verb="answered",
        score_raw=1,
        score_max=2,
        score_scaled=0.5,
        statement={"actor": {"name": name, "mbox": "mailto:x@users.savad.invalid"}, "id": "x"},
    )
    H5PUserData.objects.create(
        user=user, package=package, activity_key=activity_key, data='{"progress": 3}'
    )


@pytest.fixture
def world():
    """Two learners in one course with progress, a graded attempt and H5P results each; the
    first learner also in a second course with an unsubmitted attempt."""
    built = build_course(slug="privacy", lessons=2, title="دورهٔ حریم خصوصی")
    second = build_course(slug="second", lessons=1, title="دورهٔ دوم")
    cat = category(built.course)
    choice = question(
        cat, "multichoice", "کدام رمز قوی است؟", [("x7#Lq9!", 1, RIGHT_FEEDBACK), ("123456", 0)]
    )
    quiz = build_quiz(built.course, [choice])
    second_quiz = build_quiz(second.course, [choice], slug="second-quiz")
    package = H5PPackage.objects.create(title="تمرین تعاملی")
    learner = UserFactory(username="maryam", display_name="مریم")
    other = UserFactory(username="negar", display_name="نگار")
    for user in (learner, other):
        enrol(user=user, course=built.course)
        record_completion(user=user, activity=ref(built.lessons[0]))
        record_visit(user=user, activity=ref(built.lessons[1]))
        attempt = quiz_services.attempt_start(user=user, quiz=quiz)
        quiz_services.attempt_submit(user=user, attempt_id=attempt.pk, answers={})
        record_h5p(user, built.lessons[1].translation_key, package, user.display_name)
        AccessLog.objects.create(
            username=user.username, ip_address="10.0.0.1", user_agent=f"agent-{user.username}"
        )
    enrol(user=learner, course=second.course)
    quiz_services.attempt_start(user=learner, quiz=second_quiz)  # left open
    return {"built": built, "second": second, "learner": learner, "other": other, "quiz": quiz}


def download(client) -> dict[str, str]:
    response = client.post(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="savad-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_every_kind_of_record_and_only_the_learners_own(client, world):
    learner, other, built = world["learner"], world["other"], world["built"]
    client.force_login(learner)
    files = download(client)

    for name in (
        "README.txt",
        "profile.json",
        "enrolments.csv",
        "activity_progress.csv",
        "course_progress.csv",
        "attempts.json",
        "h5p_results.csv",
        "h5p_state.json",
        "logins.csv",
    ):
        assert name in files, name
    profile = json.loads(files["profile.json"])
    assert (profile["username"], profile["display_name"]) == ("maryam", "مریم")
    assert "password" not in profile
    everything = "\n".join(files.values())
    assert learner.password not in everything
    assert other.username not in everything and "نگار" not in everything

    assert {row["course"] for row in rows(files["enrolments.csv"])} == {
        "دورهٔ حریم خصوصی",
        "دورهٔ دوم",
    }
    progress = rows(files["activity_progress.csv"])
    lesson_rows = [
        row for row in progress if row["activity_key"] != str(world["quiz"].translation_key)
    ]
    assert sorted(row["activity"] for row in lesson_rows) == ["درس 1", "درس 2"]
    assert {row["status"] for row in lesson_rows} == {"completed", "in_progress"}
    summary = rows(files["course_progress.csv"])
    assert [row["course_key"] for row in summary] == [str(built.course.translation_key)]

    attempts = json.loads(files["attempts.json"])
    assert len(attempts) == 2  # the graded one and the open one, not the other learner's
    graded = next(a for a in attempts if a["state"] == "finished")
    assert graded["score"] == "0.0000"
    (response,) = graded["responses"]
    assert response["question"]["text"] == "<p>کدام رمز قوی است؟</p>"
    assert {c["text"] for c in response["question"]["choices"]} == {"x7#Lq9!", "123456"}
    assert RIGHT_FEEDBACK not in files["attempts.json"]
    assert all(set(c) == {"id", "text"} for c in response["question"]["choices"])

    (h5p,) = rows(files["h5p_results.csv"])
    assert (h5p["exercise"], h5p["score_scaled"], h5p["activity"]) == (
        "تمرین تعاملی",
        "0.5",
        "درس 2",
    )
    assert json.loads(files["h5p_state.json"])[0]["data"] == {"progress": 3}
    browsers = [row["browser"] for row in rows(files["logins.csv"])]
    assert "agent-maryam" in browsers and "agent-negar" not in browsers

    assert "enrolments.csv" in files["README.txt"]
    with translation.override("fa"):
        assert translation.gettext("Files:") in files["README.txt"]


def test_export_needs_a_logged_in_post_with_csrf(client, world):
    anonymous = client.post(EXPORT_URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/fa/accounts/login/")
    client.force_login(world["learner"])
    assert client.get(EXPORT_URL).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["learner"])
    assert strict.post(EXPORT_URL).status_code == 403
    page = strict.get(DATA_URL)
    assert f'action="{EXPORT_URL}"' in page.content.decode()
    assert 'href="/fa/accounts/delete/"' in page.content.decode()


def test_privacy_and_delete_pages_need_login(client, site_tree):
    for url in (DATA_URL, DELETE_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/fa/accounts/login/")
    assert client.post(DELETE_URL, {"password": PASSWORD}).status_code == 302


def counts(world) -> dict:
    key = world["built"].course.translation_key
    summaries = CourseProgress.objects.filter(course_key=key)
    return {
        "activity_rows": ActivityProgress.objects.filter(course_key=key).count(),
        "summaries": summaries.count(),
        "completed": sorted(summaries.values_list("completed_activities", flat=True)),
        "percent": sorted(summaries.values_list("percent_complete", flat=True)),
        "finished_attempts": Attempt.objects.filter(state=Attempt.State.FINISHED).count(),
        "responses": Response.objects.filter(attempt__state=Attempt.State.FINISHED).count(),
        "h5p_results": H5PResult.objects.count(),
    }


def test_wrong_password_deletes_nothing(client, world):
    learner = world["learner"]
    client.force_login(learner)
    before = counts(world)
    response = client.post(DELETE_URL, {"password": "not-my-password"})
    assert response.status_code == 200
    with translation.override("fa"):
        error = translation.gettext("That is not your password. Your account has not been deleted.")
    assert error in response.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    assert Enrolment.objects.filter(user=learner).count() == 2
    assert counts(world) == before
    assert client.get("/fa/dashboard/").status_code == 200  # still logged in


def test_delete_with_password_removes_the_person_and_keeps_anonymous_statistics(client, world):
    learner, other = world["learner"], world["other"]
    client.force_login(learner)
    elsewhere = Client()  # the same learner on another device
    elsewhere.force_login(learner)
    before = counts(world)

    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/fa/"

    assert not get_user_model().objects.filter(pk=learner.pk).exists()
    assert not Enrolment.objects.filter(course_key=world["second"].course.translation_key).exists()
    assert counts(world) == before  # progress, summaries, graded attempts and results stay
    assert ActivityProgress.objects.filter(user__isnull=True).count() == 3  # 2 lessons, quiz
    assert CourseProgress.objects.filter(user__isnull=True).count() == 1
    assert Attempt.objects.filter(user__isnull=True).count() == 1  # the open attempt is gone
    assert not Attempt.objects.filter(state=Attempt.State.IN_PROGRESS).exists()
    anonymous_result = H5PResult.objects.get(user__isnull=True)
    assert "مریم" not in json.dumps(anonymous_result.statement, ensure_ascii=False)
    assert anonymous_result.statement["actor"]["account"]["name"] == "anonymous"
    assert H5PUserData.objects.filter(user=other).count() == 1
    assert H5PUserData.objects.count() == 1
    assert set(AccessLog.objects.values_list("username", flat=True)) == {"negar"}
    # Nothing of the other learner changed.
    assert Enrolment.objects.filter(user=other).count() == 1
    assert ActivityProgress.objects.filter(user=other).count() == 3

    for browser in (client, elsewhere):  # both sessions are over
        assert browser.get("/fa/dashboard/").status_code == 302
    home = client.get("/fa/").content.decode()
    with translation.override("fa"):
        assert translation.gettext("Your account and your personal data have been deleted.") in home


def test_delete_needs_csrf(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["learner"])
    assert strict.post(DELETE_URL, {"password": PASSWORD}).status_code == 403
    assert get_user_model().objects.filter(pk=world["learner"].pk).exists()


def test_the_last_superuser_cannot_delete_themself(client, site_tree):
    get_user_model().objects.update(is_superuser=False)  # no demo administrator
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    with translation.override("fa"):
        notice = translation.gettext(
            "You are the only administrator. Make someone else an administrator before you "
            "delete your account."
        )
    page = client.get(DELETE_URL).content.decode()
    assert notice in page
    assert 'name="password"' not in page
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 409
    assert get_user_model().objects.filter(pk=admin.pk).exists()

    UserFactory(is_superuser=True, is_staff=True)  # with a second administrator it works
    assert client.post(DELETE_URL, {"password": PASSWORD}).status_code == 302
    assert not get_user_model().objects.filter(pk=admin.pk).exists()


def test_erase_user_runs_in_one_transaction(world, monkeypatch):
    """A failing hook leaves everything as it was (the account included)."""
    from wagtail import hooks

    learner = world["learner"]
    before = counts(world)

    def broken(user):
        raise RuntimeError("an app failed to erase")

    real = hooks.get_hooks

    def with_broken(name):
        found = list(real(name))
        return [*found, broken] if name == "savad_erase_user" else found

    monkeypatch.setattr(hooks, "get_hooks", with_broken)
    with pytest.raises(RuntimeError):
        erase_user(learner)
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    assert Attempt.objects.filter(user=learner).count() == 2
    assert H5PResult.objects.get(user=learner).statement["actor"]["name"] == "مریم"
    assert counts(world) == before


def test_csv_cells_are_safe_for_spreadsheets():
    text = to_csv([{"a": "=SUM(A1)", "b": -1, "c": None}, {"a": "متن", "d": True}])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["a", "b", "c", "d"],
        ["'=SUM(A1)", "-1", "", ""],
        ["متن", "", "", "True"],
    ]
