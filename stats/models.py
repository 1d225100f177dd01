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
