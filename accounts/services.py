"""Signing up without telling anyone whether an e-mail address already has an account.

A valid sign-up form always gets the same answer ("check your e-mail") and sends one e-mail to
the address given, costing about the same either way (the password is hashed in both):

* a new address receives a link that creates the account (``signup_confirm``); until then
  nothing but a ``SignupRequest`` exists, so neither the address nor the username is taken;
* the owner of an existing account is told that someone tried to sign up with their address,
  with a link to choose a new password in case it was them and they forgot it.

No account is created twice: confirming checks again, and the database refuses a second
account with the same address (case-insensitively) or username.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.exceptions import SavadError

from .models import SignupRequest, User

SIGNUP_LINK_AGE = timedelta(days=2)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _mail(*, template: str, to: str, context: dict) -> None:
    subject = render_to_string(f"accounts/{template}_subject.txt", context)
    body = render_to_string(f"accounts/{template}_email.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def signup_request(
    *,
    username: str,
    display_name: str,
    email: str,
    preferred_language: str,
    password: str,
    request,
) -> None:
    """Answer a valid sign-up form by e-mail (see the module's docstring); returns nothing,
    so that the caller cannot tell the two cases apart either."""
    password_hash = make_password(password)
    SignupRequest.objects.filter(created_at__lt=timezone.now() - SIGNUP_LINK_AGE).delete()
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None:
        token = secrets.token_urlsafe(32)
        SignupRequest.objects.create(
            token_hash=_token_hash(token),
            username=username,
            display_name=display_name,
            email=email,
            preferred_language=preferred_language,
            password=password_hash,
        )
        link = request.build_absolute_uri(reverse("accounts:signup_confirm", args=[token]))
        context = {"name": display_name or username, "link": link, "days": SIGNUP_LINK_AGE.days}
        _mail(template="signup_confirm", to=email, context=context)
        return
    with translation.override(owner.preferred_language):
        uid = urlsafe_base64_encode(force_bytes(owner.pk))
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": uid, "token": default_token_generator.make_token(owner)},
        )
        context = {
            "name": owner.get_short_name(),
            "username": owner.get_username(),
            "link": request.build_absolute_uri(path),
        }
        _mail(template="signup_existing", to=owner.email, context=context)


def pending_signup(*, token: str) -> SignupRequest | None:
    """The sign-up a confirmation link names, if it has not expired."""
    return SignupRequest.objects.filter(
        token_hash=_token_hash(token), created_at__gte=timezone.now() - SIGNUP_LINK_AGE
    ).first()


def signup_confirm(*, token: str) -> User:
    """Create the account a confirmation link names (once); ``SavadError`` when it cannot."""
    with transaction.atomic():
        pending = SignupRequest.objects.select_for_update().filter(
            token_hash=_token_hash(token), created_at__gte=timezone.now() - SIGNUP_LINK_AGE
        )
        pending = pending.first()
        if pending is None:
            raise SavadError(
                _("This link has expired or was already used. Please sign up again."),
                status=404,
            )
        pending.delete()
        if User.objects.filter(email__iexact=pending.email).exists():
            raise SavadError(
                _("An account with this e-mail address already exists. Log in instead."),
                status=409,
            )
        if User.objects.filter(username__iexact=pending.username).exists():
            raise SavadError(
                _("Someone took the username “%(username)s” meanwhile. Please sign up again.")
                % {"username": pending.username},
                status=409,
            )
        try:
            with transaction.atomic():
                return User.objects.create(
                    username=pending.username,
                    display_name=pending.display_name,
                    email=pending.email,
                    preferred_language=pending.preferred_language,
                    password=pending.password,
                )
        except IntegrityError:  # a parallel confirmation of the same address or username
            raise SavadError(
                _("An account with this e-mail address or username already exists."), status=409
            ) from None


def invitation_send(*, user_id: int) -> bool:
    """E-mail an invited account (made by an import) a link to choose its password, in its own
    language; nothing once the account has a password or has logged in (a repeat is harmless)."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None or user.has_usable_password() or user.last_login is not None:
        return False
    with translation.override(user.preferred_language):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
        )
        context = {
            "name": user.get_short_name(),
            "username": user.get_username(),
            "link": settings.SITE_URL + path,
        }
        _mail(template="invitation", to=user.email, context=context)
    return True
