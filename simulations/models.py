"""Practice simulations: a page of steps in a course, and learners' attempts at it.

An attempt copies the page's steps when it starts (a teacher's later edit never changes a
running attempt) and draws its own persona. It is a server-side state machine: the page
only ever shows the current step, and every answer is checked against the copy kept here.
Only the score and which steps went wrong are kept, never what the learner typed.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from courses.models import ActivityPage

from .blocks import StepsBlock


class Mode(models.TextChoices):
    GUIDED = "guided", _("Guided: hints, feedback on each step, retries")
    TEST = "test", _("Test: no hints, scored at the end")


class SimulationPage(ActivityPage):
    """A practice copy of an e-service, graded step by step on the server."""

    intro = RichTextField(_("introduction"), blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.GUIDED)
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    steps = StreamField(
        StepsBlock(),
        verbose_name=_("steps"),
        help_text=_(
            "Each attempt gets practice data of its own, written in texts and expected answers "
            "as {{ persona.name }}: name, national_code, mobile, username, password, otp, "
            "bill_id, payment_id, amount (rials), period, issue_date, due_date, tracking_code, "
            "appointment_date."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        FieldPanel("steps"),
    ]
    settings_panels = [
        MultiFieldPanel([FieldPanel("mode"), FieldPanel("pass_mark")], heading=_("Simulation")),
        *ActivityPage.scored_completion_panels,
        *Page.settings_panels,
    ]
    template = "simulations/simulation_page.html"

    class Meta:
        verbose_name = _("practice simulation")

    def get_context(self, request, *args, **kwargs):
        from .selectors import page_context  # import cycle: selectors imports this module

        context = super().get_context(request, *args, **kwargs)
        context.update(page_context(page=self, request=request))
        return context


class SimulationAttempt(models.Model):
    """One learner's run through a simulation (keyed by the page's translation key)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="simulation_attempts",
    )
    simulation_key = models.UUIDField(_("simulation"))
    course_key = models.UUIDField(_("course"))
    page = models.ForeignKey(
        SimulationPage, null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    language = models.CharField(_("language"), max_length=8, default="fa")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    persona = models.JSONField(_("practice data"))
    steps = models.JSONField(_("steps as given"))
    step_index = models.PositiveSmallIntegerField(_("current step"), default=0)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Counts the changes: a replayed form is refused.")
    )
    results = models.JSONField(
        _("results per step"),
        default=list,
        help_text=_("Per step: wrong tries, hints used, and whether it was done right."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.IN_PROGRESS
    )
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=4, null=True)
    passed = models.BooleanField(_("passed"), null=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulation attempt")
        ordering = ["simulation_key", "user", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "simulation_key"],
                condition=models.Q(state="in_progress"),
                name="simulations_one_open_attempt",
            )
        ]
        indexes = [models.Index(fields=["user", "simulation_key"], name="simulations_attempt")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.simulation_key} · {self.started_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.state == self.State.FINISHED

    @property
    def current_step(self) -> dict | None:
        return self.steps[self.step_index] if self.step_index < len(self.steps) else None
