"""The H5P player: files, saved state and xAPI results reach only the learner they belong to."""

import json
import re
import time
import uuid
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from content.access import TOKEN_MAX_AGE, issue_token
from content.models import H5PActivityPage, H5PResult, H5PUserData
from content.results import LOCAL_ID, player_content_id
from courses.models import LessonPage
from courses.services import enrol, unenrol
from lms.settings.env import content_origin_from_env
from progress.models import ActivityProgress, Status
from tests.builders import build_course, publish
from tests.conftest import clean_env, run_python
from tests.content.installed import install
from tests.factories import UserFactory

# The SQLite pass of `make test` runs the tests marked `sqlite` (the browser journeys cover
# the rest of these pages on SQLite).
pytestmark = pytest.mark.django_db


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


FRAME = re.compile(
    r'<iframe class="h5p-frame" src="(?P<src>[^"]+)" sandbox="(?P<sandbox>[^"]+)"'
    r'.*?data-xapi-url="(?P<xapi>[^"]*)"',
    re.S,
)


def embedded(client, page) -> dict:
    """The H5P iframe the page (rendered with ``client``'s session) embeds."""
    response = client.get(page.url)
    assert response.status_code == 200, response.status_code
    match = FRAME.search(response.content.decode())
    assert match, "no H5P frame in the page"
    return match.groupdict()


def config_of(response) -> dict:
    return json.loads(
        re.search(
            r'id="h5p-config" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )


def player(client, page, package):
    """Open the page as ``client``'s user, then load its frame WITHOUT any cookie."""
    frame = embedded(client, page)
    response = Client().get(frame["src"])
    assert response.status_code == 200, response.status_code
    return response, config_of(response), frame["xapi"]


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


def state_url(token, data_type="state", sub_content_id="0"):
    return reverse("h5p:state", args=[token, data_type, sub_content_id])


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_page_embeds_the_player_in_a_frame_sandboxed_without_same_origin(client, setup):
    _built, package, page, _learner = setup
    frame = embedded(client, page)
    tokens = frame["sandbox"].split()
    assert "allow-scripts" in tokens and "allow-same-origin" not in tokens
    assert "allow-top-navigation" not in frame["sandbox"]
    assert frame["src"].startswith("/h5p/frame/")
    assert frame["xapi"].startswith("/h5p/xapi/")


def test_the_frame_document_is_sandboxed_by_its_own_header_and_needs_no_cookie(client, setup):
    _built, package, page, _learner = setup
    response, config, _xapi = player(client, page, package)
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["sandbox"][0] == "allow-scripts"
    assert "allow-same-origin" not in directives["sandbox"]
    assert "allow-top-navigation" not in directives["sandbox"]
    assert directives["frame-ancestors"] == ["http://testserver"]
    assert directives["connect-src"] == [
        "http://testserver/h5p/c/",
        "http://testserver/h5p/libraries/",
        "http://testserver/h5p/state/",
    ]
    assert "'self'" not in policy
    assert response["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert 'data-parent-origin="http://testserver"' in html
    assert config["h5pJsonPath"].startswith("/h5p/c/")
    assert re.fullmatch(r"/h5p/libraries/v[0-9a-f]{12}", config["librariesPath"])  # versioned
    assert config["frameJs"].endswith("h5p-standalone/frame.bundle.js")
    assert config["embedType"] == "div"

    anonymous = Client()  # the opaque frame sends no cookie
    h5p_json = anonymous.get(config["h5pJsonPath"] + "/h5p.json")
    assert h5p_json.status_code == 200
    assert h5p_json["Content-Type"] == "application/json"
    assert h5p_json["X-Content-Type-Options"] == "nosniff"
    assert h5p_json["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in h5p_json
    assert h5p_json["Referrer-Policy"] == "no-referrer"
    assert b"".join(h5p_json.streaming_content).startswith(b"{")
    library = anonymous.get("/h5p/libraries/H5P.MultiChoice-1.14/library.json")
    assert library.status_code == 200 and library["X-Content-Type-Options"] == "nosniff"
    assert library["Access-Control-Allow-Origin"] == "*"


@pytest.mark.sqlite
def test_content_reaches_only_the_learner_who_may_see_the_activity(client, setup):
    built, package, page, _learner = setup
    _response, config, _xapi = player(client, page, package)
    content_url = config["h5pJsonPath"] + "/content/content.json"
    assert Client().get(content_url).status_code == 200

    stranger = UserFactory()
    client.force_login(stranger)  # logged in, not enrolled: the page gives them no frame
    response = client.get(page.url)
    assert response.status_code == 403 and b"h5p-frame" not in response.content
    client.logout()
    assert client.get(page.url).status_code == 302
    media = f"/media/{package.content_dir}/content/content.json"
    assert client.get(media, follow=True).status_code == 404


def test_wrong_expired_and_foreign_tokens_are_refused(client, setup):
    built, package, page, learner = setup
    frame = embedded(client, page)
    token = frame["src"].split("/")[3]
    anonymous = Client()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in [forged, "nonsense", token + "x"]:
        assert anonymous.get(reverse("h5p:frame", args=[bad])).status_code == 403
        assert anonymous.get(reverse("h5p:content", args=[bad, "h5p.json"])).status_code == 403
        assert anonymous.get(state_url(bad)).status_code == 403
        assert anonymous.post(state_url(bad), {"data": "{}"}).status_code == 403

    later = time.time() + TOKEN_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert anonymous.get(frame["src"]).status_code == 403
        assert anonymous.get(reverse("h5p:content", args=[token, "h5p.json"])).status_code == 403
        assert anonymous.get(state_url(token)).status_code == 403

    # A token for a page that does not use the package plays nothing there.
    lesson = built.lessons[0]
    request = RequestFactory().get("/")
    request.user = learner
    foreign = issue_token(request=request, page=lesson, package=package)
    assert anonymous.get(reverse("h5p:frame", args=[foreign])).status_code == 404
    assert anonymous.get(state_url(foreign)).status_code == 404
    # A preview token (files only) saves no state.
    preview = issue_token(request=request, page=None, package=package)
    assert anonymous.get(reverse("h5p:frame", args=[preview])).status_code == 403
    assert H5PUserData.objects.count() == 0


def test_unenrolling_revokes_the_learners_tokens_at_once(client, setup):
    built, package, page, learner = setup
    frame = embedded(client, page)
    token = frame["src"].split("/")[3]
    anonymous = Client()
    content_url = reverse("h5p:content", args=[token, "content/content.json"])
    assert anonymous.get(frame["src"]).status_code == 200
    assert anonymous.get(content_url).status_code == 200
    assert anonymous.post(state_url(token), {"data": '{"a":1}'}).status_code == 200

    unenrol(user=learner, course=built.course)

    assert anonymous.get(frame["src"]).status_code == 403
    assert anonymous.get(content_url).status_code == 403
    assert anonymous.get(state_url(token)).status_code == 403
    assert anonymous.post(state_url(token), {"data": '{"a":2}'}).status_code == 403
    assert H5PUserData.objects.get().data == '{"a":1}'
    # Back in the course, a fresh page hands out a fresh token that works.
    enrol(user=learner, course=built.course)
    assert anonymous.get(embedded(client, page)["src"]).status_code == 200


def test_a_deactivated_account_loses_its_tokens(client, setup):
    _built, package, page, learner = setup
    src = embedded(client, page)["src"]
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    assert Client().get(src).status_code == 403


def test_a_page_without_a_ready_package_embeds_no_frame(client, setup):
    _built, package, page, _learner = setup
    package.status = package.Status.FAILED
    package.save(update_fields=["status"])
    html = client.get(page.url).content.decode()
    assert "h5p-frame" not in html


def test_paths_outside_the_package_are_refused(client, setup):
    _built, package, page, _learner = setup
    _response, config, _xapi = player(client, page, package)
    base = config["h5pJsonPath"]
    for path in ["/../../../lms/settings/base.py", "/content/../../x", "/h5p.json/../../secret"]:
        assert client.get(base + path, follow=True).status_code == 404, path
    assert client.get(base + "/content/%00", follow=True).status_code == 404
    assert client.get("/h5p/libraries/../content/x", follow=True).status_code == 404


@pytest.mark.sqlite
def test_a_learners_answer_becomes_their_score_once(client, setup):
    _built, package, page, learner = setup
    _response, _config, xapi_url = player(client, page, package)  # opening the page
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
    request = RequestFactory().get("/")
    request.user = learner
    token = issue_token(request=request, page=page, package=package)  # not via the page
    response = post(client, reverse("h5p:xapi", args=[token]), statement(package))
    assert response.status_code == 409
    assert not ActivityProgress.objects.filter(user=learner, score__isnull=False).exists()
    assert H5PResult.objects.count() == 0


def test_another_users_token_cannot_post_results(client, setup):
    built, package, page, _learner = setup
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
    _response, _config, xapi_url = player(strict, page, package)
    assert post(strict, xapi_url, statement(package)).status_code == 403
    assert H5PResult.objects.count() == 0


@pytest.mark.sqlite
def test_the_players_saved_state_comes_back_for_that_learner_only(client, setup):
    built, package, page, learner = setup
    _response, config, _xapi = player(client, page, package)
    url = (
        config["ajax"]["contentUserDataUrl"]
        .replace(":dataType", "state")
        .replace(":subContentId", "0")
    )
    frame = Client()  # the sandboxed frame: no cookie
    assert frame.get(url).json() == {"success": True, "data": False}
    saved = frame.post(url, {"data": '{"answers":[1]}', "preload": "1"})
    assert saved.json()["success"] and saved["Access-Control-Allow-Origin"] == "*"
    assert frame.get(url).json() == {"success": True, "data": '{"answers":[1]}'}
    _response, config, _xapi = player(client, page, package)
    # H5P core restores from contentUserData[subContentId][dataType]
    assert config["contentUserData"] == [{"state": '{"answers":[1]}'}]
    assert frame.post(url, {"data": "x" * 300_000}).status_code == 413

    other = UserFactory()
    enrol(user=other, course=built.course)
    client.force_login(other)
    _response, other_config, _xapi = player(client, page, package)
    assert other_config["contentUserData"] == [{}]
    other_url = (
        other_config["ajax"]["contentUserDataUrl"]
        .replace(":dataType", "state")
        .replace(":subContentId", "0")
    )
    assert frame.get(other_url).json() == {"success": True, "data": False}
    assert H5PUserData.objects.get().user == learner


def test_a_state_with_a_nul_character_is_refused_and_nothing_is_stored(client, setup):
    _built, package, page, _learner = setup
    token = embedded(client, page)["src"].split("/")[3]
    response = Client().post(
        state_url(token), "data=a%00b", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["message"]
    assert H5PUserData.objects.count() == 0


def test_the_state_endpoint_answers_the_frames_cors_preflight(client, setup):
    _built, package, page, _learner = setup
    token = embedded(client, page)["src"].split("/")[3]
    response = Client().options(
        state_url(token),
        HTTP_ORIGIN="null",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-requested-with",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "X-Requested-With" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_an_h5p_block_in_a_lesson_plays_for_enrolled_learners(client, setup):
    built, package, _page, _learner = setup
    lesson = LessonPage.objects.get(pk=built.lessons[0].pk)
    lesson.body = [("h5p", {"package": package, "title": "تمرین"})]
    publish(lesson)
    html = client.get(lesson.url).content.decode()
    frame = FRAME.search(html).groupdict()
    assert 'title="تمرین"' in html and "allow-same-origin" not in frame["sandbox"]
    assert Client().get(frame["src"]).status_code == 200


def test_admins_preview_a_package_and_nothing_is_recorded(client, setup):
    _built, package, _page, _learner = setup
    preview = reverse("h5p:preview", args=[package.uuid])
    assert client.get(preview).status_code == 403  # a learner may not
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(preview)
    assert response.status_code == 200
    html = response.content.decode()
    frame = FRAME.search(html).groupdict()
    assert "allow-same-origin" not in frame["sandbox"] and frame["xapi"] == ""
    framed = Client().get(frame["src"])  # the admin's session is not needed, nor sent
    assert framed.status_code == 200
    config = config_of(framed)
    assert "ajax" not in config and "contentUserData" not in config
    assert framed["Content-Security-Policy"].startswith("sandbox allow-scripts")
    token = frame["src"].split("/")[3]
    assert Client().get(config["h5pJsonPath"] + "/h5p.json").status_code == 200
    assert post(client, reverse("h5p:xapi", args=[token]), statement(package)).status_code == 404
    assert Client().post(state_url(token), {"data": "{}"}).status_code == 403
    assert H5PResult.objects.count() == 0 and H5PUserData.objects.count() == 0
    # Losing the permission revokes the preview's token.
    admin.is_superuser = False
    admin.save(update_fields=["is_superuser"])
    assert Client().get(frame["src"]).status_code == 403


CONTENT_ORIGIN = "http://h5p.testserver"


@override_settings(
    H5P_CONTENT_ORIGIN=CONTENT_ORIGIN, ALLOWED_HOSTS=["testserver", "h5p.testserver"]
)
def test_a_content_origin_serves_the_h5p_endpoints_and_nothing_else(client, setup):
    _built, package, page, _learner = setup
    frame = embedded(client, page)
    assert frame["src"].startswith(CONTENT_ORIGIN + "/h5p/frame/")
    assert frame["xapi"].startswith("/h5p/xapi/")  # results go to the site, with the session
    path = frame["src"].removeprefix(CONTENT_ORIGIN)
    content = Client(HTTP_HOST="h5p.testserver")
    framed = content.get(path)
    assert framed.status_code == 200
    assert "frame-ancestors http://testserver" in framed["Content-Security-Policy"]
    assert "connect-src http://h5p.testserver/h5p/c/" in framed["Content-Security-Policy"]
    config = config_of(framed)
    assert content.get(config["h5pJsonPath"] + "/h5p.json").status_code == 200
    library = "/h5p/libraries/H5P.MultiChoice-1.14/library.json"
    assert content.get(library).status_code == 200
    assert content.get("/static/content/player.js").status_code == 200

    # The content host is not the site: no pages, admin, media or results there ...
    for elsewhere in [
        "/",
        "/en/dashboard/",
        "/admin/",
        "/django-admin/",
        f"/media/{package.content_dir}/h5p.json",
        frame["xapi"],
        reverse("h5p:preview", args=[package.uuid]),
    ]:
        assert content.get(elsewhere).status_code == 404, elsewhere
    # ... and the site's host no longer serves frames, package files or library code.
    assert client.get(path).status_code == 404
    assert client.get(config["h5pJsonPath"] + "/h5p.json").status_code == 404
    assert client.get(library).status_code == 404
    assert client.get(page.url).status_code == 200


def test_the_content_origin_setting_is_checked(monkeypatch):
    monkeypatch.setenv("H5P_CONTENT_ORIGIN", "https://H5P.savad.example/")
    assert content_origin_from_env() == "https://h5p.savad.example"
    monkeypatch.setenv("H5P_CONTENT_ORIGIN", "")
    assert content_origin_from_env() == ""
    for bad in ["h5p.savad.example", "ftp://h5p.example", "https://h5p.example/path", "https://"]:
        monkeypatch.setenv("H5P_CONTENT_ORIGIN", bad)
        with pytest.raises(ImproperlyConfigured, match="H5P_CONTENT_ORIGIN"):
            content_origin_from_env()


def test_the_content_origin_must_not_share_a_host_name_with_the_site(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "savad.example,www.savad.example")
    monkeypatch.setenv("SITE_URL", "https://learn.savad.example")
    monkeypatch.setenv("H5P_CONTENT_ORIGIN", "https://h5p.savad.example")
    assert content_origin_from_env() == "https://h5p.savad.example"
    for same_host in [
        "https://savad.example:8443",  # another port of a site host: cookies ignore ports
        "https://WWW.savad.example",
        "http://learn.savad.example:8001",
    ]:
        monkeypatch.setenv("H5P_CONTENT_ORIGIN", same_host)
        with pytest.raises(ImproperlyConfigured, match="host name of its own"):
            content_origin_from_env()


def test_a_content_origin_joins_the_allowed_hosts_and_the_sites_frame_sources():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.ALLOWED_HOSTS, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-src'], s.MIDDLEWARE]))"
    )
    env = clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        ALLOWED_HOSTS="savad.example",
        SECRET_KEY="x" * 60,
        H5P_CONTENT_ORIGIN="https://h5p.savad.example",
    )
    result = run_python(code, env=env)
    assert result.returncode == 0, result.stderr
    hosts, frame_src, middleware = json.loads(result.stdout)
    assert hosts == ["savad.example", "h5p.savad.example"]
    assert frame_src == ["'self'", "https://h5p.savad.example"]
    assert middleware.index("content.middleware.ContentHostMiddleware") < middleware.index(
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )


def test_a_token_request_of_an_enrolled_learner_costs_one_query(
    client, setup, django_assert_num_queries
):
    _built, package, page, _learner = setup
    token = embedded(client, page)["src"].split("/")[3]
    anonymous = Client()
    with django_assert_num_queries(1):  # may the token's user still open it? (revocation)
        response = anonymous.get(reverse("h5p:content", args=[token, "content/content.json"]))
    assert response.status_code == 200
