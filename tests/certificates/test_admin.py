"""The Wagtail admin of certificates: listing, search, filters, inspect, revoke and reissue."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from wagtail.users.models import UserProfile

from certificates.models import Certificate, PdfStatus
from tests.builders import build_course
from tests.factories import UserFactory

from .conftest import FA_NAME, complete_course

pytestmark = pytest.mark.django_db


def admin_user(*codenames: str, **fields):
    user = UserFactory(**fields)
    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(
        preferred_language="en"
    )
    for codename in ("access_admin", *codenames):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def superuser(db):
    return admin_user(is_superuser=True, is_staff=True)


@pytest.fixture
def registrar(db):
    """Not a superuser: may change certificates, nothing else."""
    return admin_user("change_certificate")


def url(name: str, *args) -> str:
    return reverse(f"certificates_admin:{name}", args=args)


def test_listing_search_and_filters(client, superuser, completion):
    certificate = completion.certificate
    other_course = build_course(slug="other", lessons=1, title="دورهٔ دیگر")
    other_learner = UserFactory(display_name="Reza Karimi")
    complete_course(other_course, other_learner)
    other = Certificate.objects.get(user=other_learner)
    other.revoked_at = other.issued_at
    other.save()
    client.force_login(superuser)

    page = client.get(url("index")).content.decode()
    assert certificate.code in page and other.code in page
    assert url("inspect", certificate.pk) in page
    for query, shown, hidden in (
        ({"q": certificate.code[:9]}, certificate, other),
        ({"q": "Karimi"}, other, certificate),
        ({"status": "revoked"}, other, certificate),
        ({"status": "valid"}, certificate, other),
        ({"course_key": str(certificate.course_key)}, certificate, other),
    ):
        response = client.get(url("index"), query)
        assert response.status_code == 200
        page = response.content.decode()
        assert shown.code in page and hidden.code not in page, query


def test_inspect_shows_the_certificate(client, superuser, completion):
    certificate = completion.certificate
    client.force_login(superuser)
    response = client.get(url("inspect", certificate.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.code in page and FA_NAME in page and certificate.verify_url in page
    assert url("revoke", certificate.pk) in page and url("reissue", certificate.pk) in page
    response = client.get(url("pdf", certificate.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_no_hand_made_certificates(client, superuser, completion):
    client.force_login(superuser)
    page = client.get(url("index")).content.decode()
    assert "/admin/certificates/new/" not in page
    assert "/admin/certificates/edit/" not in page
    assert "/admin/certificates/delete/" not in page
    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"certificates_admin:{name}", args=[] if name == "add" else [1])


def test_revoke_through_the_admin(client, registrar, completion):
    certificate = completion.certificate
    client.force_login(registrar)
    confirm = client.get(url("revoke", certificate.pk))
    assert confirm.status_code == 200
    assert 'name="reason"' in confirm.content.decode()

    response = client.post(url("revoke", certificate.pk), {"reason": ""})
    assert response.status_code == 200  # the form again: a reason is required
    certificate.refresh_from_db()
    assert not certificate.is_revoked

    response = client.post(url("revoke", certificate.pk), {"reason": "Duplicate account"})
    assert response.status_code == 302
    assert response["Location"] == url("inspect", certificate.pk)
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert (certificate.revoked_by, certificate.revoke_reason) == (registrar, "Duplicate account")

    again = client.post(url("revoke", certificate.pk), {"reason": "Again"})
    assert again.status_code == 200 and "already revoked" in again.content.decode()


def test_reissue_through_the_admin(
    client, registrar, completion, django_capture_on_commit_callbacks
):
    old = completion.certificate
    client.force_login(registrar)
    assert client.get(url("reissue", old.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reissue", old.pk), {"reason": "Name corrected"})
    new = Certificate.objects.get(replaces=old)
    assert response.status_code == 302
    assert response["Location"] == url("inspect", new.pk)
    old.refresh_from_db()
    assert old.is_revoked and old.revoke_reason == "Name corrected"
    assert new.pdf_status == PdfStatus.READY and new.code != old.code
    assert client.get(new.verify_url).status_code == 200


def test_actions_are_post_only_in_effect(client, registrar, completion):
    certificate = completion.certificate
    client.force_login(registrar)
    client.get(url("revoke", certificate.pk), {"reason": "via GET"})
    client.get(url("reissue", certificate.pk))
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    assert Certificate.objects.count() == 1


def test_others_may_not_see_or_act(client, completion):
    certificate = completion.certificate
    editor = admin_user()  # admin access, no certificate permission
    client.force_login(editor)
    for name in ("index", "inspect", "revoke", "reissue", "pdf"):
        args = [] if name == "index" else [certificate.pk]
        response = client.get(url(name, *args))
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), name
    response = client.post(url("revoke", certificate.pk), {"reason": "no"})
    assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    client.force_login(completion.learner)  # a learner never reaches the admin
    assert client.get(url("index")).status_code == 302
