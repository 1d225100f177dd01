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
