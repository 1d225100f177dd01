"""The H5P player: files, saved state and xAPI results reach only the learner they belong to."""

import json
import re
import uuid

import pytest
from django.urls import reverse

from content.models import H5PActivityPage, H5PResult, H5PUserData
from content.results import LOCAL_ID, player_content_id
from courses.models import LessonPage
from courses.services import enrol
from progress.models import ActivityProgress, Status
from tests.builders import build_course, publish
from tests.content.installed import install
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def setup(client):
    built = build_course(slug="h5p-course", lessons=1)
    package = install("multichoice.h5p")
    activity = H5PActivityPage(title="تمرین رنگ", slug="colour", package=package, pass_mark=50)
    built.course.add_child(instance=activity)
    publish(activity)
    learner = UserFactory()
    enrol(user=learner, course=built.course)
    client.force_login(learner)
    return built, package, H5PActivityPage.objects.get(pk=activity.pk), learner


def player(client, page, package):
    response = client.get(reverse("h5p:play", args=[page.pk, package.uuid]))
    assert response.status_code == 200, response.status_code
    config = json.loads(
        re.search(
            r'id="h5p-config" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    xapi_url = re.search(r'data-xapi-url="([^"]+)"', response.content.decode()).group(1)
    return response, config, xapi_url


def statement(package, *, raw=1, maximum=1, verb="answered", sid=None, **extra):
    return {
        "id": sid or str(uuid.uuid4()),
        "actor": {"name": "anyone", "mbox": "mailto:forged@example.org"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {
            "id": "http://testserver/whatever",
            "definition": {"extensions": {LOCAL_ID: player_content_id(package)}},
        },
        "result": {"score": {"min": 0, "max": maximum, "raw": raw}, "completion": True, **extra},
    }


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_player_page_is_framed_by_our_pages_only_and_points_at_tokened_paths(client, setup):
    _built, package, page, _learner = setup
    client.get(page.url)
    response, config, _xapi = player(client, page, package)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "'unsafe-eval'" in response["Content-Security-Policy"]
    assert config["h5pJsonPath"].startswith("/h5p/c/")
    assert config["librariesPath"] == "/h5p/libraries"
    assert config["frameJs"].endswith("h5p-standalone/frame.bundle.js")
    h5p_json = client.get(config["h5pJsonPath"] + "/h5p.json")
    assert h5p_json.status_code == 200
    assert h5p_json["Content-Type"] == "application/json"
    assert h5p_json["X-Content-Type-Options"] == "nosniff"
    assert b"".join(h5p_json.streaming_content).startswith(b"{")
    library = client.get("/h5p/libraries/H5P.MultiChoice-1.14/library.json")
    assert library.status_code == 200 and library["X-Content-Type-Options"] == "nosniff"


def test_content_reaches_only_the_learner_who_may_see_the_activity(client, setup):
    built, package, page, _learner = setup
    _response, config, _xapi = player(client, page, package)
    content_url = config["h5pJsonPath"] + "/content/content.json"
    assert client.get(content_url).status_code == 200

    stranger = UserFactory()
    client.force_login(stranger)  # logged in, not enrolled
    assert client.get(reverse("h5p:play", args=[page.pk, package.uuid])).status_code == 403
    assert client.get(content_url).status_code == 403  # another learner's token is useless
    client.logout()
    assert client.get(content_url).status_code == 403
    assert client.get(reverse("h5p:play", args=[page.pk, package.uuid])).status_code == 302
    media = f"/media/{package.content_dir}/content/content.json"
    assert client.get(media, follow=True).status_code == 404


def test_a_page_that_does_not_use_the_package_does_not_play_it(client, setup):
    built, package, _page, _learner = setup
    lesson = built.lessons[0]
    url = reverse("h5p:play", args=[lesson.pk, package.uuid])
    assert client.get(url, follow=True).status_code == 404


def test_paths_outside_the_package_are_refused(client, setup):
    _built, package, page, _learner = setup
    _response, config, _xapi = player(client, page, package)
    base = config["h5pJsonPath"]
    for path in ["/../../../lms/settings/base.py", "/content/../../x", "/h5p.json/../../secret"]:
        assert client.get(base + path, follow=True).status_code == 404, path
    assert client.get("/h5p/libraries/../content/x", follow=True).status_code == 404


def test_a_learners_answer_becomes_their_score_once(client, setup):
    _built, package, page, learner = setup
    client.get(page.url)  # the learner opens the activity
    _response, _config, xapi_url = player(client, page, package)
    body = statement(package, raw=3, maximum=4, success=True)

    first = post(client, xapi_url, body)
    again = post(client, xapi_url, body)  # a retry of the same statement

    assert first.status_code == 200 and first.json()["stored"] is True
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert H5PResult.objects.count() == 1
    result = H5PResult.objects.get()
    assert result.user == learner and result.score_scaled == 0.75
    progress = ActivityProgress.objects.get(user=learner, activity_key=page.translation_key)
    assert progress.score == 0.75 and progress.status == Status.PASSED and progress.attempts == 1


def test_scores_are_clamped_and_nonsense_is_refused(client, setup):
    _built, package, page, learner = setup
    client.get(page.url)
    _response, _config, xapi_url = player(client, page, package)

    assert post(client, xapi_url, statement(package, raw=9, maximum=1)).status_code == 200
    progress = ActivityProgress.objects.get(user=learner, activity_key=page.translation_key)
    assert progress.score == 1
    for bad in [
        statement(package, raw="lots"),
        {**statement(package), "id": "not-a-uuid"},
        {"verb": "answered"},
        [1, 2, 3],
    ]:
        response = post(client, xapi_url, bad)
        assert response.status_code == 400 and response.json()["error"], bad
    other = statement(package)
    other["object"]["definition"]["extensions"][LOCAL_ID] = "savad-999999"
    assert post(client, xapi_url, other).status_code == 400
    broken = client.post(xapi_url, "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert H5PResult.objects.count() == 1


def test_no_completion_for_an_activity_never_opened(client, setup):
    _built, package, page, learner = setup
    _response, _config, xapi_url = player(client, page, package)  # the frame, but not the page
    response = post(client, xapi_url, statement(package))
    assert response.status_code == 409
    assert not ActivityProgress.objects.filter(user=learner, score__isnull=False).exists()
    assert H5PResult.objects.count() == 0


def test_another_users_token_cannot_post_results(client, setup):
    built, package, page, _learner = setup
    client.get(page.url)
    _response, _config, xapi_url = player(client, page, package)
    intruder = UserFactory()
    enrol(user=intruder, course=built.course)
    client.force_login(intruder)
    assert post(client, xapi_url, statement(package)).status_code == 403
    assert H5PResult.objects.count() == 0


def test_xapi_posts_need_the_csrf_token(setup):
    from django.test import Client

    _built, package, page, learner = setup
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    strict.get(page.url)
    _response, _config, xapi_url = player(strict, page, package)
    assert post(strict, xapi_url, statement(package)).status_code == 403
    assert H5PResult.objects.count() == 0


def test_the_players_saved_state_comes_back_for_that_learner_only(client, setup):
    built, package, page, learner = setup
    _response, config, _xapi = player(client, page, package)
    url = (
        config["ajax"]["contentUserDataUrl"]
        .replace(":dataType", "state")
        .replace(":subContentId", "0")
    )
    assert client.get(url).json() == {"success": True, "data": False}
    assert client.post(url, {"data": '{"answers":[1]}', "preload": "1"}).json()["success"]
    assert client.get(url).json() == {"success": True, "data": '{"answers":[1]}'}
    _response, config, _xapi = player(client, page, package)
    assert config["contentUserData"] == [
        {"dataType": "state", "previousState": '{"answers":[1]}', "subContentId": "*"}
    ]
    assert client.post(url, {"data": "x" * 300_000}).status_code == 413

    other = UserFactory()
    enrol(user=other, course=built.course)
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert H5PUserData.objects.get().user == learner


def test_an_h5p_block_in_a_lesson_plays_for_enrolled_learners(client, setup):
    built, package, _page, _learner = setup
    lesson = LessonPage.objects.get(pk=built.lessons[0].pk)
    lesson.body = [("h5p", {"package": package, "title": "تمرین"})]
    publish(lesson)
    html = client.get(lesson.url).content.decode()
    src = reverse("h5p:play", args=[lesson.pk, package.uuid])
    assert f'src="{src}"' in html and 'title="تمرین"' in html
    assert client.get(src).status_code == 200


def test_admins_preview_a_package_and_nothing_is_recorded(client, setup):
    _built, package, _page, _learner = setup
    preview = reverse("h5p:preview", args=[package.uuid])
    assert client.get(preview).status_code == 403  # a learner may not
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(preview)
    assert response.status_code == 200
    html = response.content.decode()
    config = json.loads(
        re.search(r'id="h5p-config" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert "ajax" not in config and 'data-xapi-url=""' in html
    token = config["h5pJsonPath"].rsplit("/", 1)[1]
    assert client.get(config["h5pJsonPath"] + "/h5p.json").status_code == 200
    assert post(client, reverse("h5p:xapi", args=[token]), statement(package)).status_code == 404
    assert H5PResult.objects.count() == 0
