import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"accounts:{name}", kwargs=kwargs)


def test_reset_by_email_link_sets_new_password(client, user):
    response = client.post(url("password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == url("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = re.search(r"https?://[^/]+(/en/accounts/password/reset/\S+/)", message.body).group(1)
    assert user.username in message.body

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "brand-new-Secret-99", "new_password2": "brand-new-Secret-99"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-Secret-99")


def test_reset_for_unknown_email_reveals_nothing_and_sends_nothing(client, user):
    response = client.post(url("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == url("password_reset_done")
    assert mail.outbox == []


class TokenFromTheDayBeforeYesterday(PasswordResetTokenGenerator):
    def _now(self):
        return datetime.now() - timedelta(days=2)


def test_expired_reset_link_says_so_and_changes_nothing(client, user):
    token = TokenFromTheDayBeforeYesterday().make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(url("password_reset_confirm", uidb64=uid, token=token), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is False
    body = response.content.decode()
    assert "This link no longer works" in body
    assert "has expired or has already been used" in body
    # A forged POST to the expired link is refused too.
    client.post(
        url("password_reset_confirm", uidb64=uid, token=token),
        {"new_password1": "brand-new-Secret-99", "new_password2": "brand-new-Secret-99"},
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_expired_link_message_in_persian(client, user):
    token = TokenFromTheDayBeforeYesterday().make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(url("password_reset_confirm", "fa", uidb64=uid, token=token), follow=True)
    assert "این پیوند دیگر کار نمی‌کند" in response.content.decode()
