from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import codes

PDF_PREFIX = "certificates/"  # private: core.media never serves it; the learner's view does


def pdf_path(certificate: "Certificate", filename: str) -> str:
    return f"{PDF_PREFIX}{certificate.code}.pdf"


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    READY = "ready", _("Ready")
    FAILED = "failed", pgettext_lazy("PDF status", "Failed")


class Certificate(models.Model):
    """A course-completion certificate, verifiable by its code.

    What it certifies is copied in when it is issued (the learner's name, the course's title in
    each language), so the certificate stays readable after the course is unpublished or
    deleted or the learner renames themself. A learner has at most one valid (non-revoked)
    certificate per course; a reissued certificate points to the one it ``replaces``.
    """

    # It references a learner and the certificate it replaces, which no admin screen lists as
    # "usage": nothing for Wagtail's reference index (saves 4 queries per certificate issued).
    wagtail_reference_index_ignore = True

    code = models.CharField(
        _("verification code"), max_length=codes.MAX_LENGTH, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    course_key = models.UUIDField(_("course"))
    learner_name = models.CharField(_("learner's name"), max_length=300)
    course_titles = models.JSONField(
        _("course titles"), default=dict, help_text=_("By language code.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    completed_at = models.DateTimeField(_("completed at"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    pdf = models.FileField(_("PDF"), upload_to=pdf_path, blank=True, max_length=200)
    pdf_status = models.CharField(
        _("PDF status"), max_length=8, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_error = models.TextField(_("PDF error"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificates_one_valid_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-issued_at"], name="certificates_user_recent"),
            models.Index(fields=["course_key"], name="certificates_course"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.learner_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", args=[self.code])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def title_in(self, language: str | None) -> str:
        """The course's title in ``language``, else in the certificate's, else the site's."""
        titles = self.course_titles or {}
        for code in (language, self.language, settings.LANGUAGE_CODE):
            if code and titles.get(code):
                return titles[code]
        return next(iter(titles.values()), "")

    @property
    def course_title(self) -> str:
        """The course's title in the active language (falling back)."""
        return self.title_in((get_language() or "").split("-")[0])

    @property
    def verify_url(self) -> str:
        """The public verification page (absolute: printed on the PDF and in its QR code)."""
        return settings.SITE_URL + reverse("certificates_public:verify", args=[self.code])

    def get_pdf_url(self) -> str:
        """The learner's download of the PDF."""
        return reverse("certificates:pdf", args=[self.code])
