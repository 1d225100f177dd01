"""Issuing on course completion (through the real progress services), codes, revoking,
reissuing, the rendering task and the personal-data hooks."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail import hooks

from certificates import codes, services, tasks
from certificates.models import Certificate, PdfStatus
from certificates.selectors import certificate_by_code, certificates_for
from progress.models import CourseProgress
from progress.signals import course_completed
from tests.builders import build_course
from tests.factories import UserFactory

from .conftest import EN_TITLE, FA_NAME, FA_TITLE, complete_course

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- codes


def test_codes_are_long_random_and_readable():
    assert len(codes.ALPHABET) == 32 and len(set(codes.ALPHABET)) == 32
    assert not set("01IO") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) ** codes.LENGTH >= 2**80
    drawn = {codes.new_code() for _ in range(2000)}
    assert len(drawn) == 2000
    for code in list(drawn)[:50]:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(codes.ALPHABET)
        assert codes.normalise(code) == code


@pytest.mark.parametrize(
    "typed",
    ["k7qf-9xpm-2hcw-rt4d", "K7QF9XPM2HCWRT4D", " k7qf 9xpm 2hcw rt4d ", "K7QF–9XPM–2HCW–RT4D"],
)
def test_typed_codes_are_read_forgivingly(typed):
    assert codes.normalise(typed) == "K7QF-9XPM-2HCW-RT4D"


def test_persian_digits_in_a_typed_code_are_read():
    assert codes.normalise("k۷qf-۹xpm-۲hcw-rt۴d") == "K7QF-9XPM-2HCW-RT4D"


@pytest.mark.parametrize(
    "typed", ["", "K7QF-9XPM-2HCW", "K7QF-9XPM-2HCW-RT4D-AAAA", "K7QF-9XPM-2HCW-RT40", "<script>"]
)
def test_malformed_codes_are_refused(typed):
    assert codes.normalise(typed) is None
    assert certificate_by_code(typed) is None


# --------------------------------------------------------------------------- issuing


def test_completing_a_course_issues_one_certificate_with_snapshots(completion):
    certificate, learner = completion.certificate, completion.learner
    summary = CourseProgress.objects.get(user=learner)
    assert certificate.course_key == completion.built.course.translation_key
    assert certificate.learner_name == FA_NAME
    assert certificate.course_titles == {"fa": FA_TITLE, "en": EN_TITLE}
    assert certificate.language == "fa"
    assert certificate.completed_at == summary.completed_at
    assert certificate.issued_at <= timezone.now()
    assert not certificate.is_revoked
    assert codes.normalise(certificate.code) == certificate.code
    assert certificate_by_code(certificate.code.lower().replace("-", "")) == certificate


def test_repeated_completion_signals_and_writes_issue_nothing_more(completion):
    learner, built = completion.learner, completion.built
    summary = CourseProgress.objects.get(user=learner)
    for _ in range(3):
        course_completed.send("tests", user=learner, summary=summary)
    complete_course(built, learner)  # completing the lessons again
    assert Certificate.objects.filter(user=learner).count() == 1
    assert services.issue_certificate(learner, built.course.translation_key) == (
        completion.certificate
    )


def test_no_certificate_before_the_course_is_completed(course, learner):
    from courses.selectors import course_syllabus
    from progress.services import record_completion

    syllabus = course_syllabus(course.course)
    record_completion(user=learner, activity=course.lessons[0].activity_ref(syllabus))
    assert not Certificate.objects.exists()
    with pytest.raises(services.CertificateError):
        services.issue_certificate(learner, course.course.translation_key)
    assert not Certificate.objects.exists()


def test_the_pdf_is_rendered_after_the_commit_by_the_task(
    course, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complete_course(course, learner)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.pdf_status == PdfStatus.PENDING and not certificate.pdf
    pdf_callbacks = [
        c
        for c in callbacks
        if getattr(c, "task_name", "") == "certificates.tasks.render_certificate_pdf"
    ]
    assert len(pdf_callbacks) == 1
    pdf_callbacks[0]()  # the task runs eagerly in tests
    certificate.refresh_from_db()
    assert certificate.pdf_status == PdfStatus.READY
    assert certificate.pdf.read(5) == b"%PDF-"


def test_the_task_is_idempotent_and_reports(completion):
    certificate = completion.certificate
    name = certificate.pdf.name
    result = tasks.render_certificate_pdf.delay(certificate.pk).get()
    assert result == {"certificate": certificate.pk, "status": "ready"}
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert tasks.render_certificate_pdf.delay(10**9).get()["status"] == "deleted"


def test_a_failed_rendering_is_kept_and_raised_for_retry(completion, monkeypatch):
    certificate = completion.certificate
    Certificate.objects.filter(pk=certificate.pk).update(pdf_status=PdfStatus.PENDING)
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(services, "render_pdf", broken)
    with pytest.raises(RuntimeError, match="no fonts today"):
        tasks.render_certificate_pdf.delay(certificate.pk)
    assert len(calls) == 1  # eager: no waiting for retries in the caller
    certificate.refresh_from_db()
    assert certificate.pdf_status == PdfStatus.FAILED
    assert "RuntimeError: no fonts today" in certificate.pdf_error

    monkeypatch.undo()
    tasks.render_certificate_pdf.delay(certificate.pk)
    certificate.refresh_from_db()
    assert (certificate.pdf_status, certificate.pdf_error) == (PdfStatus.READY, "")


def test_one_valid_certificate_per_learner_and_course_is_enforced(completion):
    old = completion.certificate
    duplicate = Certificate(
        code=codes.new_code(),
        user=old.user,
        course_key=old.course_key,
        learner_name="x",
        completed_at=old.completed_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    Certificate.objects.filter(pk=old.pk).update(revoked_at=timezone.now())
    duplicate.save()  # allowed once the first is revoked
    assert Certificate.objects.filter(user=old.user).count() == 2


# --------------------------------------------------------------------------- revoke, reissue


def test_revoke_needs_a_reason_and_happens_once(completion):
    certificate = completion.certificate
    admin = UserFactory(is_superuser=True)
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, by=admin, reason="  ")
    services.revoke(certificate, by=admin, reason="Plagiarised quiz answers")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == admin
    assert certificate.revoke_reason == "Plagiarised quiz answers"
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, by=admin, reason="again")


def test_reissue_revokes_and_issues_a_fresh_certificate(
    completion, django_capture_on_commit_callbacks
):
    old, learner = completion.certificate, completion.learner
    admin = UserFactory(is_superuser=True)
    learner.display_name = "سارا احمدی"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.reissue(old, by=admin, reason="Name corrected")
    old.refresh_from_db()
    assert old.is_revoked and old.revoke_reason == "Name corrected"
    assert new.replaces == old and new.code != old.code and not new.is_revoked
    assert new.learner_name == "سارا احمدی"
    assert new.completed_at == old.completed_at
    assert new.pdf_status == PdfStatus.READY or _refreshed(new).pdf_status == PdfStatus.READY
    # a revoked certificate whose learner has a valid one is not reissued again
    with pytest.raises(services.CertificateError):
        services.reissue(old, by=admin)
    # once that is revoked too, the old one may be reissued
    services.revoke(new, by=admin, reason="Mistake")
    newest = services.reissue(old, by=admin)
    assert (
        newest.replaces == old
        and Certificate.objects.filter(user=learner, revoked_at__isnull=True).get() == newest
    )


def _refreshed(certificate):
    certificate.refresh_from_db()
    return certificate


def test_certificates_of_deleted_accounts_cannot_be_reissued(completion):
    certificate = completion.certificate
    Certificate.objects.filter(pk=certificate.pk).update(user=None)
    certificate.refresh_from_db()
    with pytest.raises(services.CertificateError):
        services.reissue(certificate, by=UserFactory(is_superuser=True))


# --------------------------------------------------------------------------- selectors, privacy


def test_certificates_for_lists_own_newest_first_in_one_query(
    completion, django_assert_num_queries
):
    learner = completion.learner
    second = build_course(slug="second", lessons=1, title="دورهٔ دوم")
    complete_course(second, learner)
    complete_course(second, UserFactory())  # someone else's
    with django_assert_num_queries(1):
        rows = list(certificates_for(learner))
    assert [c.course_title for c in rows] == ["دورهٔ دوم", FA_TITLE]
    assert all(row.user_id == learner.pk for row in rows)
    assert rows[0].get_pdf_url().endswith(f"/certificates/{rows[0].code}/pdf")
    assert rows[0].verify_url.endswith(f"/verify/{rows[0].code}/")
    assert list(certificates_for(UserFactory())) == []


def test_privacy_hooks_export_and_erase(completion):
    certificate, learner = completion.certificate, completion.learner
    storage, name = certificate.pdf.storage, certificate.pdf.name
    assert storage.exists(name)
    exported = {}
    for hook in hooks.get_hooks("savad_user_data"):
        exported.update(hook(learner))
    rows = exported["certificates.json"]
    assert [row["code"] for row in rows] == [certificate.code]
    assert rows[0]["course_titles"]["en"] == EN_TITLE
    with transaction.atomic():  # the account deletion's transaction
        for hook in hooks.get_hooks("savad_erase_user"):
            hook(learner)
    assert not Certificate.objects.filter(user=learner).exists()
    assert certificate_by_code(certificate.code) is None


def test_erasure_removes_pdf_files_after_commit(completion, django_capture_on_commit_callbacks):
    certificate = completion.certificate
    storage, name = certificate.pdf.storage, certificate.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        assert services.erase_user(completion.learner) == 1
    assert not storage.exists(name)
