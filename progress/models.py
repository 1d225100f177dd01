from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


DONE_STATUSES = (Status.COMPLETED, Status.PASSED)


class ScoreSource(models.TextChoices):
    """Who decided a score: Savad's server (a quiz, a re-graded H5P answer) or the browser."""

    SERVER = "server", _("Graded by the server")
    SELF_REPORTED = "self_reported", _("Self-reported by the browser")


class ActivityProgress(models.Model):
    """One learner in one activity (a lesson, quiz or H5P page), across its translations.

    Activities and courses are identified by their Wagtail ``translation_key``, so the record
    is shared by every language version of the page. ``user`` becomes NULL when an account is
    deleted: the row stays, anonymised, for statistics.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="activity_progress",
        db_index=False,  # the unique constraint's index starts with the user
    )
    course_key = models.UUIDField(_("course"))
    activity_key = models.UUIDField(_("activity"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Between 0 and 1."),
    )
    score_source = models.CharField(
        _("score graded by"),
        max_length=16,
        choices=ScoreSource.choices,
        blank=True,
        default="",
        help_text=_(
            "Self-reported results count towards completing a course only if the course "
            "accepts self-reported scores."
        ),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    time_spent = models.PositiveIntegerField(_("time spent (seconds)"), default=0)
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity progress")
        verbose_name_plural = _("activity progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity_key"], name="progress_one_per_activity"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="progress_score_between_0_and_1",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course_key"], name="progress_user_course"),
            models.Index(fields=["course_key", "status"], name="progress_course_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.activity_key} {self.status}"

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


class CourseProgress(models.Model):
    """A learner's summary for one course (across its translations), kept by the services."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="course_progress",
        db_index=False,  # the unique constraint's index starts with the user
    )
    course_key = models.UUIDField(_("course"))
    completed_activities = models.PositiveIntegerField(_("completed activities"), default=0)
    total_activities = models.PositiveIntegerField(_("activities"), default=0)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    last_activity_key = models.UUIDField(_("last activity"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("course progress")
        verbose_name_plural = _("course progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="progress_one_per_course"),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="progress_percent_max_100"
            ),
        ]
        indexes = [
            models.Index(fields=["course_key", "completed_at"], name="progress_course_completed"),
            models.Index(fields=["user", "-last_activity_at"], name="progress_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.course_key} {self.percent_complete}%"
