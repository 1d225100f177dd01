from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Savad user: learner, teacher or administrator (the difference lives in groups)."""

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("How your name appears on your certificates and to your teachers."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.display_name or super().get_short_name() or self.username


class SignupRequest(models.Model):
    """A sign-up waiting for its e-mail address to be confirmed (no account exists yet).

    Only the SHA-256 of the link's token is kept, and the password only as its hash; the row
    is used once and forgotten after ``accounts.services.SIGNUP_LINK_AGE``.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    username = models.CharField(max_length=150)
    display_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    preferred_language = models.CharField(max_length=8)
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sign-up waiting for confirmation")
        verbose_name_plural = _("sign-ups waiting for confirmation")

    def __str__(self) -> str:
        return self.username
