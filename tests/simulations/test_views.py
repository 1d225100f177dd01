"""The learner's pages: start, one step at a time, errors tied to fields, the result; and
tampering: forged, replayed and out-of-order posts, other learners' attempts, finished ones."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.text import persian_digits
from courses.services import enrol
from demo.simulations import scenario_steps
from progress.models import ActivityProgress
from simulations.models import SimulationAttempt
from tests.builders import build_course

from .answers import mistyped, right_answers
from .builders import build_simulation

# The SQLite pass of `make test` runs the tests marked `sqlite` (the browser journeys cover
# the rest of these pages on SQLite).
pytestmark = pytest.mark.django_db


@pytest.fixture
def course(user):
    built = build_course(slug="sim-views", lessons=1)
    enrol(user=user, course=built.course)
    return built.course


@pytest.fixture
def learner(client, user):
    client.force_login(user)
    return client


def start(client, page) -> SimulationAttempt:
    response = client.post(f"/fa/simulations/{page.pk}/start/")
    assert response.status_code == 302
    attempt = SimulationAttempt.objects.get()
    assert response["Location"] == f"/fa/simulations/attempts/{attempt.pk}/"
    return attempt


def post(client, attempt, answers, **overrides):
    attempt.refresh_from_db()
    data = {"step": attempt.current_step["id"], "version": attempt.version, **answers}
    data.update(overrides)
    return client.post(f"/fa/simulations/attempts/{attempt.pk}/", data)


def post_right(client, attempt, **overrides):
    attempt.refresh_from_db()
    return post(client, attempt, right_answers(attempt), **overrides)


def test_the_page_starts_an_attempt_and_shows_the_first_step_marked_as_practice(learner, course):
    page = build_simulation(course)
    html = learner.get(page.url).content.decode()
    assert "تمرین" in html and f"/fa/simulations/{page.pk}/start/" in html
    attempt = start(learner, page)
    html = learner.get(f"/fa/simulations/attempts/{attempt.pk}/").content.decode()
    assert 'class="practice-banner" role="note"' in html
    assert 'data-watermark="' in html and "simulations/simulation.css" in html
    assert "قبض برق شما" in html
    assert persian_digits(attempt.persona["bill_id"]) in html  # the bill card shows it
    assert persian_digits(attempt.persona["otp"]) not in html  # later steps are not here
    assert persian_digits(attempt.persona["tracking_code"]) not in html
    assert "پیامک رمز پویا" not in html and "رسید پرداخت" not in html


def test_a_form_step_holds_no_expected_value_hint_or_future_step(learner, course):
    page = build_simulation(course)
    attempt = start(learner, page)
    post_right(learner, attempt)
    post_right(learner, attempt)
    html = learner.get(f"/fa/simulations/attempts/{attempt.pk}/").content.decode()
    assert "شناسهٔ قبض و شناسهٔ پرداخت" in html
    persona = attempt.persona
    for value in ("bill_id", "payment_id", "amount", "otp", "tracking_code", "national_code"):
        assert persona[value] not in html and persian_digits(persona[value]) not in html
    assert "زیر نام مشترک" not in html  # the hint text stays on the server until asked for
    assert "مبلغ را بررسی کنید" not in html
    assert 'name="action" value="hint"' in html


@pytest.mark.sqlite
def test_persian_digits_are_accepted_and_errors_are_tied_to_their_fields(learner, course):
    page = build_simulation(course)
    attempt = start(learner, page)
    post_right(learner, attempt)
    post_right(learner, attempt)
    attempt.refresh_from_db()
    ids = right_answers(attempt, persian=True)
    response = post(learner, attempt, {**ids, "payment_id": mistyped(ids["payment_id"])})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "شناسهٔ پرداخت برای این قبض معتبر نیست" in html
    field = re.search(r'<input id="sim-payment_id"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="sim-payment_id-error' in field
    assert 'id="sim-payment_id-error"' in html
    assert 'aria-invalid="true"' not in re.search(r'<input id="sim-bill_id"[^>]*>', html).group(0)
    response = post(learner, attempt, ids)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.step_index == 3 and attempt.results[2]["wrong"] == 1


def test_the_hint_is_shown_once_asked_for(learner, course):
    page = build_simulation(course)
    attempt = start(learner, page)
    post_right(learner, attempt)
    post_right(learner, attempt)
    response = post(learner, attempt, {}, action="hint")
    assert response.status_code == 302 and response["Location"].endswith("#hint")
    html = learner.get(f"/fa/simulations/attempts/{attempt.pk}/").content.decode()
    assert "زیر نام مشترک" in html and 'id="hint"' in html


@pytest.mark.sqlite
def test_finishing_shows_the_result_and_the_course_sees_the_score(learner, course, user):
    page = build_simulation(course)
    attempt = start(learner, page)
    for _step in range(8):
        response = post_right(learner, attempt)
        assert response.status_code == 302
    assert response["Location"] == f"/fa/simulations/attempts/{attempt.pk}/result/"
    html = learner.get(response["Location"]).content.decode()
    assert "۱۰۰٪" in html and "قبول" in html
    progress = ActivityProgress.objects.get(user=user, activity_key=page.translation_key)
    assert progress.score == 1
    assert learner.get(f"/fa/simulations/attempts/{attempt.pk}/").status_code == 302
    dashboard = learner.get("/fa/dashboard/").content.decode()
    assert page.title in dashboard


# --- tampering ------------------------------------------------------------------------------


def test_a_forged_step_id_changes_nothing(learner, course):
    attempt = start(learner, build_simulation(course))
    response = post(learner, attempt, {}, step="00000000-0000-0000-0000-000000000000")
    assert response.status_code == 409
    assert "not for the step you are on" in response.content.decode() or "قدمی" in (
        response.content.decode()
    )
    attempt.refresh_from_db()
    assert (attempt.step_index, attempt.version) == (0, 0)


def test_a_future_step_cannot_be_answered_out_of_order(learner, course):
    attempt = start(learner, build_simulation(course))
    future = attempt.steps[2]["id"]
    response = post(learner, attempt, {"bill_id": "1"}, step=future)
    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.step_index == 0 and attempt.results[2]["wrong"] == 0


def test_a_replayed_form_is_refused(learner, course):
    attempt = start(learner, build_simulation(course))
    post_right(learner, attempt)  # the card
    attempt.refresh_from_db()
    old = {"step": attempt.current_step["id"], "version": attempt.version, "kind": "آب"}
    assert learner.post(f"/fa/simulations/attempts/{attempt.pk}/", old).status_code == 200
    assert learner.post(f"/fa/simulations/attempts/{attempt.pk}/", old).status_code == 409
    first_card = {"step": attempt.steps[0]["id"], "version": 0}
    assert learner.post(f"/fa/simulations/attempts/{attempt.pk}/", first_card).status_code == 409
    attempt.refresh_from_db()
    assert attempt.results[1]["wrong"] == 1 and attempt.step_index == 1


def test_another_learners_attempt_is_a_404(learner, course, django_user_model):
    other = django_user_model.objects.create_user(username="other", password="x" * 12)
    enrol(user=other, course=course)
    page = build_simulation(course)
    from simulations.services import simulation_start

    theirs = simulation_start(user=other, page=page)
    url = f"/fa/simulations/attempts/{theirs.pk}/"
    assert learner.get(url).status_code == 404
    data = {"step": theirs.current_step["id"], "version": 0}
    assert learner.post(url, data).status_code == 404
    assert learner.get(url + "result/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.step_index == 0


def test_a_finished_attempt_cannot_be_changed(learner, course):
    steps = scenario_steps("practice-spot-the-fake", "fa")
    attempt = start(learner, build_simulation(course, steps=steps))
    post_right(learner, attempt)
    post_right(learner, attempt)
    attempt.refresh_from_db()
    assert attempt.is_finished
    before = (attempt.score, attempt.results, attempt.version)
    data = {"step": attempt.steps[-1]["id"], "version": attempt.version - 1, "option": "0"}
    assert learner.post(f"/fa/simulations/attempts/{attempt.pk}/", data).status_code == 409
    data["version"] = attempt.version
    assert learner.post(f"/fa/simulations/attempts/{attempt.pk}/", data).status_code == 409
    attempt.refresh_from_db()
    assert (attempt.score, attempt.results, attempt.version) == before


def test_learners_not_enrolled_cannot_start(client, django_user_model):
    built = build_course(slug="sim-closed", lessons=1)
    page = build_simulation(built.course)
    stranger = django_user_model.objects.create_user(username="stranger", password="x" * 12)
    client.force_login(stranger)
    assert client.post(f"/fa/simulations/{page.pk}/start/").status_code == 403
    assert not SimulationAttempt.objects.exists()


def test_the_english_page_is_left_to_right_with_latin_digits(client, user):
    built = build_course(slug="sim-en", lessons=1, translate=True)
    enrol(user=user, course=built.course)
    client.force_login(user)
    english = build_simulation(built.english, steps=scenario_steps("practice-pay-a-bill", "en"))
    response = client.post(f"/en/simulations/{english.pk}/start/")
    assert response["Location"].startswith("/en/simulations/attempts/")
    html = client.get(response["Location"]).content.decode()
    assert 'dir="ltr"' in html and "Your electricity bill" in html
    assert SimulationAttempt.objects.get().persona["bill_id"] in html


def test_a_step_page_costs_the_same_few_queries_for_3_and_30_steps(learner, course):
    card = scenario_steps("practice-pay-a-bill", "fa")[0]
    form = scenario_steps("practice-pay-a-bill", "fa")[2]
    counts = {}
    for size in (3, 30):
        steps = [card, *[form] * (size - 1)]
        page = build_simulation(course, slug=f"size-{size}", steps=steps)
        response = learner.post(f"/fa/simulations/{page.pk}/start/")
        url = response["Location"]
        learner.get(url)
        attempt = SimulationAttempt.objects.get(page=page)
        post_right(learner, attempt)
        with CaptureQueriesContext(connection) as queries:
            response = learner.get(url)
        assert response.status_code == 200
        counts[size] = len(queries)
        learner.get(page.url)  # the first visit writes progress rows; count a later one
        page_queries = CaptureQueriesContext(connection)
        with page_queries:
            assert learner.get(page.url).status_code == 200
        counts[f"page-{size}"] = len(page_queries)
    assert counts[3] == counts[30] <= 10
    assert counts["page-3"] == counts["page-30"] <= 10


def test_a_document_is_attached_from_the_samples_and_checked_byte_for_byte(learner, course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .answers import sample_upload

    page = build_simulation(course, steps=scenario_steps("practice-register-a-birth", "fa"))
    attempt = start(learner, page)
    post_right(learner, attempt)
    html = learner.get(f"/fa/simulations/attempts/{attempt.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "/static/simulations/samples/birth-certificate.pdf" in html
    assert "/static/simulations/samples/rental-contract.pdf" in html
    attempt.refresh_from_db()
    right = right_answers(attempt)

    def send(upload):
        return post(learner, attempt, {**right, "certificate": upload})

    text = SimpleUploadedFile("notes.txt", b"hello", "text/plain")
    assert "فایل PDF" in send(text).content.decode()
    wrong = send(sample_upload("rental-contract"))
    assert "این مدرکی نیست که این فرم می‌خواهد" in wrong.content.decode()
    assert send(sample_upload("birth-certificate", filename="scan.PDF")).status_code == 302
    attempt.refresh_from_db()
    assert attempt.step_index == 2 and attempt.results[1]["wrong"] == 2


def test_a_date_is_chosen_as_day_month_and_year_of_the_solar_calendar_in_persian(learner, course):
    import datetime

    import jdatetime

    page = build_simulation(course, steps=scenario_steps("practice-book-and-track", "fa"))
    attempt = start(learner, page)
    post_right(learner, attempt)
    html = learner.get(f"/fa/simulations/attempts/{attempt.pk}/").content.decode()
    assert '<legend>روز مراجعه <span class="sim-format">(خورشیدی)</span></legend>' in html
    assert 'name="day__month"' in html and ">فروردین</option>" in html
    assert '<label for="sim-day">روز</label>' in html
    attempt.refresh_from_db()
    day = datetime.date.fromisoformat(attempt.persona["appointment_date"])
    solar = jdatetime.date.fromgregorian(date=day)
    answers = {k: v for k, v in right_answers(attempt).items() if k != "day"}
    parts = {
        "day__day": persian_digits(str(solar.day)),
        "day__month": str(solar.month),
        "day__year": persian_digits(str(solar.year)),
    }
    response = post(learner, attempt, {**answers, **parts, "day__day": "۳۲"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "یک تاریخ درست وارد کنید" in html
    assert 'value="۳۲"' in html  # what was typed is shown again
    assert post(learner, attempt, {**answers, **parts}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.step_index == 2 and attempt.results[1] == {"wrong": 1, "hints": 0, "done": True}


def test_a_choice_step_shows_neither_which_option_is_right_nor_any_feedback(learner, course):
    steps = scenario_steps("practice-sign-in", "fa")
    attempt = start(learner, build_simulation(course, steps=steps))
    post_right(learner, attempt)
    html = learner.get(f"/fa/simulations/attempts/{attempt.pk}/").content.decode()
    options = steps[1]["value"]["options"]
    for option in options:
        assert option["text"] in html
        assert option["feedback"] not in html
    values = re.findall(r'name="option" value="(\d+)"', html)
    assert sorted(values) == [str(n) for n in range(len(options))]  # positions, nothing more
    assert "correct" not in html.lower()
    assert "دامنهٔ اصلی را از آخر نشانی" not in html  # the hint


def test_no_step_loads_or_links_anything_outside_the_site(learner, course):
    steps = scenario_steps("practice-spot-the-fake", "fa")  # its cards show fake addresses
    attempt = start(learner, build_simulation(course, steps=steps))
    response = learner.get(f"/fa/simulations/attempts/{attempt.pk}/")
    html = response.content.decode()
    assert "http://bargh-pay.savad-practice-bills.xyz" in html  # shown as text to judge
    external = re.findall(r'(?:href|src|action)="(?!/|#)([^"]*)"', html)
    assert external == []
    assert "default-src 'self'" in response.headers.get("Content-Security-Policy", "")
