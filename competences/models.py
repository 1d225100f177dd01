from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


def in_active_language(name_en: str, name_fa: str) -> str:
    """The Persian name while Persian is active, the English one otherwise."""
    return name_fa if (get_language() or "").startswith("fa") else name_en


class CompetenceArea(index.Indexed, models.Model):
    """One of the five DigComp areas, e.g. 4 Safety. The number is the stable key."""

    number = models.PositiveSmallIntegerField(
        _("number"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("The area's number in DigComp, from 1 to 5."),
    )
    name_en = models.CharField(_("English name"), max_length=150)
    name_fa = models.CharField(_("Persian name"), max_length=150)

    panels = [FieldPanel("number"), FieldPanel("name_en"), FieldPanel("name_fa")]
    search_fields = [
        index.SearchField("name_en"),
        index.SearchField("name_fa"),
        index.AutocompleteField("name_en"),
        index.AutocompleteField("name_fa"),
        index.FilterField("number"),
    ]

    class Meta:
        ordering = ["number"]
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def name(self) -> str:
        return in_active_language(self.name_en, self.name_fa)


competence_code_validator = RegexValidator(
    r"^[1-9]\.[1-9][0-9]?$",
    _("Write the code as area number, a dot and the competence number, e.g. 4.2."),
)


class Competence(index.Indexed, models.Model):
    """One of the 21 DigComp competences, e.g. 4.2 Protecting personal data and privacy."""

    area = models.ForeignKey(
        CompetenceArea,
        on_delete=models.PROTECT,
        related_name="competences",
        verbose_name=_("area"),
    )
    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        validators=[competence_code_validator],
        help_text=_("The competence's number in DigComp, e.g. 4.2."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        editable=False,
        help_text=_("Place within the area, taken from the code: 2 for 4.2."),
    )
    name_en = models.CharField(_("English name"), max_length=150)
    name_fa = models.CharField(_("Persian name"), max_length=150)

    panels = [
        FieldPanel("area"),
        FieldPanel("code"),
        FieldPanel("name_en"),
        FieldPanel("name_fa"),
    ]
    search_fields = [
        index.SearchField("code"),
        index.SearchField("name_en"),
        index.SearchField("name_fa"),
        index.AutocompleteField("name_en"),
        index.AutocompleteField("name_fa"),
        index.FilterField("area"),
    ]

    class Meta:
        ordering = ["area__number", "position"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.position = int(self.code.rsplit(".", 1)[-1])
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return in_active_language(self.name_en, self.name_fa)

    def clean(self):
        super().clean()
        if self.area_id and self.code and "." in self.code:
            area_part = self.code.split(".", 1)[0]
            if area_part != str(self.area.number):
                raise ValidationError(
                    {"code": _("The code must start with the area's number and a dot.")}
                )
