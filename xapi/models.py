from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatement(models.Model):
    """An xAPI statement waiting for, or already given to, the configured LRS.

    Rows are written in the same transaction as the learning event they describe and are
    delivered in ``id`` order (the auto primary key is the sequence). ``statement_id`` is the
    statement's own ``id``, so sending a row twice is harmless: an LRS keeps one copy.
    ``user`` becomes NULL when the account is deleted (sent statements stay, detached).
    """

    # Rows reference only a user: nothing for Wagtail's reference index (saves 4 queries).
    wagtail_reference_index_ignore = True

    statement_id = models.UUIDField(_("statement id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="xapi_statements",
    )
    verb = models.CharField(_("verb"), max_length=32)
    statement = models.JSONField(_("statement"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outbox statement")
        verbose_name_plural = _("outbox statements")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(sent_at__isnull=True),
                name="xapi_outbox_due",
            ),
            models.Index(
                fields=["user", "id"],
                condition=models.Q(sent_at__isnull=True),
                name="xapi_outbox_user_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.statement_id}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
