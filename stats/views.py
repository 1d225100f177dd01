"""Statistics reports in the Wagtail admin: overview, course funnel, learner table.

Each report shows, filters and exports only the courses ``statistics_scope`` gives the viewer.
"""

import datetime
from functools import cached_property
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from content.models import H5PActivityPage
from core.privacy import formula_safe
from core.templatetags.savad import digits, jdate
from quizzes.models import QuizPage

from . import reports, selectors
from .filters import LearnerFilterSet
from .selectors import LearnerStatus

EXPORT_CHUNK = 2000  # rows read (and their groups prefetched) at a time while exporting


def percent(value) -> str:
    return "" if value is None else f"{round(float(value) * 100)}%"


class PlainColumn(Column):
    """A cell as Wagtail's plain cell template renders it, built without the template: a page
    of the learner table has 550 cells, and rendering them was most of its time."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        classname = format_html(' class="{}"', self.classname) if self.classname else ""
        return format_html("<td{}>{}</td>", classname, "" if value is None else value)


class FigureColumn(PlainColumn):
    """A number or percentage on screen in the page's digits (exports keep Latin digits)."""

    def get_value(self, instance):
        return digits(super().get_value(instance))


def in_view_locale(lines):
    """``lines`` read in the language and time zone active now (the admin's, in a view), not
    in those of whoever reads them later (a streaming response, after the view returns)."""
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def read():
        remaining = iter(lines)
        while True:
            with translation.override(language), timezone.override(zone):
                line = next(remaining, None)
            if line is None:
                return
            yield line

    return read()


class JalaliDateColumn(PlainColumn):
    """A date shown in the reader's calendar (Jalali in Persian)."""

    def get_value(self, instance):
        return jdate(super().get_value(instance))


class StatisticsReportView(ReportView):
    """A report over the courses the viewer may see; CSV cells escaped against formulas."""

    header_icon = "table"
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        str: {ReportView.FORMAT_CSV: formula_safe},
    }

    @property
    def list_export(self):
        """Every column on screen is exported (a view may list other fields instead)."""
        return [column.name for column in self.columns]

    @property
    def export_headings(self):
        """The exported columns are headed as on screen."""
        return {column.name: column.label for column in self.columns}

    def dispatch(self, request, *args, **kwargs):
        try:
            if not (self.scope or selectors.sees_all_courses(request.user)):
                raise PermissionDenied
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:  # refused in the admin's language (Wagtail's is the browser's)
            return permission_denied(request)

    def stream_csv(self, queryset):
        """A CSV file is streamed after the view has returned: in its language and time zone."""
        return in_view_locale(super().stream_csv(queryset))

    @cached_property
    def scope(self) -> frozenset[UUID]:
        return selectors.statistics_scope(self.request.user)

    @cached_property
    def titles(self) -> dict[UUID, str]:
        return selectors.course_titles(self.scope)

    def get_filename(self):
        return f"{self.export_filename}-{datetime.date.today():%Y-%m-%d}"

    def get(self, request, *args, **kwargs):
        """An export goes straight to the spreadsheet: no listing context, no row count."""
        if self.is_export:
            rows = self.decorate_paginated_queryset(self.get_filtered_queryset())
            return self.as_spreadsheet(rows, request.GET["export"])
        return super().get(request, *args, **kwargs)


# --- Overview ---------------------------------------------------------------------------------


class OverviewView(StatisticsReportView):
    page_title = _("Course statistics")
    verbose_name = _("course")
    verbose_name_plural = _("courses")
    index_url_name = "stats:overview"
    index_results_url_name = "stats:overview_results"
    export_filename = "course-statistics"
    paginate_by = None
    columns = [
        TitleColumn("title", label=_("Course"), get_url=lambda row: row.funnel_url),
        FigureColumn("enrolled", label=_("Enrolled learners")),
        FigureColumn("started", label=_("Started")),
        FigureColumn("completed", label=_("Completed")),
        FigureColumn("completion_rate_text", label=_("Completion rate")),
        FigureColumn("active_7_days", label=_("Active in 7 days")),
        FigureColumn("active_30_days", label=_("Active in 30 days")),
        FigureColumn("median_days", label=_("Median days to complete")),
        FigureColumn("quiz_average_text", label=_("Average quiz score")),
        FigureColumn("quiz_pass_rate_text", label=_("Quiz pass rate")),
        FigureColumn("certificates", label=_("Certificates")),
    ]
    template_name = "stats/overview.html"

    @cached_property
    def snapshot(self):
        return reports.overview(keys=self.scope)

    def get_context_data(self, **kwargs):
        _rows, _total, trend = self.snapshot.result
        context = super().get_context_data(**kwargs)
        return {**context, **trend_context(trend), "snapshot": self.snapshot}

    def get_queryset(self):
        rows, total, _trend = self.snapshot.result
        for row in [*rows, total]:
            row.completion_rate_text = percent(row.completion_rate)
            row.quiz_average_text = percent(row.quiz_average)
            row.quiz_pass_rate_text = percent(row.quiz_pass_rate)
            median = row.median_time_to_complete
            row.median_days = "" if median is None else round(median.total_seconds() / 86400, 1)
            row.funnel_url = (
                reverse("stats:funnel", args=[row.course_key]) if row.course_key else None
            )
        return [*rows, total]


# --- Funnel -----------------------------------------------------------------------------------


class FunnelView(StatisticsReportView):
    index_url_name = "stats:funnel"
    export_filename = "course-funnel"
    paginate_by = None
    columns = [
        TitleColumn("title", label=_("Activity"), get_url=lambda row: row.report_url),
        FigureColumn("reached", label=_("Reached")),
        FigureColumn("completed", label=_("Completed")),
        FigureColumn("average_minutes", label=_("Average time spent (minutes)")),
    ]
    template_name = "stats/funnel.html"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.kwargs["course_key"]])

    def get_index_results_url(self):
        return None

    def get_page_title(self):
        return gettext("Funnel: %(course)s") % {"course": self.titles[self.course_key]}

    @cached_property
    def course_key(self) -> UUID:
        key = self.kwargs["course_key"]
        if key not in self.scope:  # another teacher's course, or none at all
            raise PermissionDenied
        return key

    @cached_property
    def snapshot(self):
        return reports.funnel(course_key=self.course_key)

    def get_context_data(self, **kwargs):
        _steps, trend = self.snapshot.result
        context = super().get_context_data(**kwargs)
        learners_url = f"{reverse('stats:learners')}?course={self.course_key}"
        return {
            **context,
            **trend_context(trend),
            "snapshot": self.snapshot,
            "learners_url": learners_url,
        }

    def get_queryset(self):
        steps, _trend = self.snapshot.result
        for step in steps:
            step.report_url = activity_report_url(step.model, step.activity_key)
            seconds = step.average_seconds
            step.average_minutes = "" if seconds is None else round(seconds / 60, 1)
        return steps


def trend_context(trend) -> dict:
    """The weekly trend as a table (``trend``) and as the chart's data (``trend_chart``)."""
    weeks = [
        {"label": jdate(week.start), "enrolled": week.enrolled, "completed": week.completed}
        for week in trend
    ]
    chart = {
        "labels": [week["label"] for week in weeks],
        "datasets": [
            {"label": gettext("Enrolments"), "data": [week["enrolled"] for week in weeks]},
            {"label": gettext("Completions"), "data": [week["completed"] for week in weeks]},
        ],
    }
    return {"trend": weeks, "trend_chart": chart}


# --- Learners ---------------------------------------------------------------------------------


class LearnersView(StatisticsReportView):
    page_title = _("Learners")
    verbose_name = _("learner")
    verbose_name_plural = _("learners")
    index_url_name = "stats:learners"
    index_results_url_name = "stats:learners_results"
    export_filename = "learners"
    filterset_class = LearnerFilterSet
    is_searchable = True
    search_backend_name = None
    search_fields = ["user__display_name", "user__first_name", "user__last_name", "user__email"]
    default_ordering = "-enrolled_at"
    paginate_by = 50
    columns = [
        TitleColumn(
            "learner_name",
            label=_("Name"),
            sort_key="user__display_name",
            get_url=lambda row: reverse("stats:learner", args=[row.user_id]),
        ),
        PlainColumn("learner_email", label=_("E-mail"), sort_key="user__email"),
        PlainColumn("groups_text", label=_("Groups")),
        PlainColumn("course_title", label=_("Course")),
        JalaliDateColumn("enrolled_at", label=_("Enrolled at"), sort_key="enrolled_at"),
        FigureColumn("progress_text", label=_("Progress"), sort_key="progress_percent"),
        PlainColumn("status_text", label=_("Status"), sort_key="status"),
        JalaliDateColumn("completed_at", label=_("Completed at"), sort_key="completed_at"),
        JalaliDateColumn("last_activity_at", label=_("Last activity"), sort_key="last_activity_at"),
        FigureColumn("time_spent_minutes", label=_("Time spent (minutes)")),
        FigureColumn("best_quiz_text", label=_("Best quiz score"), sort_key="best_quiz_score"),
    ]
    list_export = [  # dates and progress as values, not as the screen shows them
        "learner_name",
        "learner_email",
        "groups_text",
        "course_title",
        "enrolled_at",
        "progress_percent",
        "status_text",
        "completed_at",
        "last_activity_at",
        "time_spent_minutes",
        "best_quiz_text",
    ]

    @property
    def export_headings(self):
        return {**super().export_headings, "progress_percent": _("Progress (%)")}

    def get_base_queryset(self):
        return selectors.learner_rows(keys=self.scope).prefetch_related("user__learner_groups")

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "course_choices": self.titles.items()}

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    def filter_queryset(self, queryset):
        """Bogus filter values give a message and no rows (never every row, nor an error)."""
        if self.filters and not self.filters.is_valid():
            if not getattr(self, "_told", False):
                self._told = True
                messages.error(
                    self.request,
                    gettext("Some filters are not valid (%(fields)s): correct them.")
                    % {
                        "fields": ", ".join(
                            str(self.filters.form[f].label) for f in self.filters.errors
                        )
                    },
                )
            return queryset.none()
        return super().filter_queryset(queryset)

    def decorate_paginated_queryset(self, object_list):
        """A page as a list; an export as rows read in chunks while the file is written."""
        if self.is_export:
            return map(self.decorate, object_list.iterator(chunk_size=EXPORT_CHUNK))
        return [self.decorate(row) for row in object_list]

    @cached_property
    def status_labels(self) -> dict:
        return dict(LearnerStatus.CHOICES)

    def decorate(self, row):
        user = row.user
        row.learner_name = user.get_full_name() or user.username
        row.learner_email = user.email
        row.groups_text = ", ".join(group.name for group in user.learner_groups.all())
        row.course_title = self.titles.get(row.course_key, "")
        row.progress_text = f"{row.progress_percent}%"
        row.status_text = str(self.status_labels[row.status])
        row.best_quiz_text = percent(row.best_quiz_score)
        row.time_spent_minutes = "" if row.time_spent is None else round(row.time_spent / 60)
        return row


# --- One quiz or exercise ---------------------------------------------------------------------


def activity_report_url(model, activity_key) -> str | None:
    """The report of a quiz or an H5P exercise; None for other activities."""
    if model is QuizPage:
        return reverse("stats:quiz", args=[activity_key])
    if model is H5PActivityPage:
        return reverse("stats:exercise", args=[activity_key])
    return None
