import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LearnerGroup(models.Model):
    """A class, school, region or organisation of learners; a learner may be in several."""

    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        SCHOOL = "school", _("School")
        REGION = "region", _("Region")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLASS)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="learner_groups",
    )

    class Meta:
        verbose_name = _("learner group")
        verbose_name_plural = _("learner groups")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="stats_group_kind_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class LearnerImport(models.Model):
    """A CSV file of learners between its preview and its confirmation (``stats.services``).

    The confirmation locks the row, so an import runs once however often it is sent; the
    file's text is emptied once imported, and rows never confirmed are deleted after an hour.
    """

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    file_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("learner import")
        verbose_name_plural = _("learner imports")

    def __str__(self) -> str:
        return self.file_name


class Rollup(models.Model):
    """A report's figures for one scope, computed once and read many times (``stats.rollups``).

    ``payload`` is the pickled result of the report's compute function, written only by this
    server; ``arguments`` (JSON) are what it was computed from, so a worker can compute it
    again; ``size`` is how many learners (or attempts) it counted, which decides whether the
    report is computed on every view (a small scope) or read from here.
    """

    report = models.CharField(max_length=40)
    scope = models.CharField(max_length=64)  # a digest of the report's arguments
    arguments = models.JSONField(default=dict)
    courses = models.JSONField(default=list)  # course keys whose changes make it stale
    size = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    compute_ms = models.PositiveIntegerField(default=0)
    read_at = models.DateTimeField()
    payload = models.BinaryField()

    class Meta:
        verbose_name = _("statistics rollup")
        verbose_name_plural = _("statistics rollups")
        constraints = [
            models.UniqueConstraint(fields=["report", "scope"], name="stats_rollup_report_scope")
        ]
        indexes = [models.Index(fields=["read_at"], name="stats_rollup_read_at")]

    def __str__(self) -> str:
        return f"{self.report} {self.scope[:8]}"
