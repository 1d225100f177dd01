"""The reports of one quiz or H5P exercise, and the list of them (Statistics menu).

Each shows only activities of the courses ``statistics_scope`` gives the viewer: an unknown
activity is not found (404), another teacher's is refused.
"""

from functools import cached_property
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn

from content.models import H5PActivityPage
from core.templatetags.savad import jdate
from courses.models import LessonPage
from quizzes import selectors as quiz_selectors
from quizzes.models import QuestionType, QuizPage

from . import reports, selectors
from .views import StatisticsReportView, activity_report_url, percent


def index_text(value) -> str:
    """An item-analysis index (already a percentage) to one decimal place."""
    return "" if value is None else f"{value:.1f}%"


class ActivitiesView(StatisticsReportView):
    page_title = _("Quizzes and exercises")
    verbose_name = _("activity")
    verbose_name_plural = _("activities")
    index_url_name = "stats:activities"
    export_filename = "quizzes-and-exercises"
    paginate_by = None
    columns = [
        TitleColumn("title", label=_("Activity"), get_url=lambda row: row.report_url),
        Column("kind", label=_("Type")),
        Column("course_title", label=_("Course")),
    ]

    def get_index_results_url(self):
        return None

    def get_queryset(self):
        rows = selectors.scored_activities(keys=self.scope, models=[QuizPage, H5PActivityPage])
        for row in rows:
            row.kind = str(row.model._meta.verbose_name)
            row.report_url = activity_report_url(row.model, row.activity_key)
        embedded = selectors.embedded_exercises(keys=self.scope)
        for row in embedded:
            row.title = gettext("%(exercise)s (in %(lesson)s)") % {
                "exercise": row.title,
                "lesson": row.lesson_title,
            }
            row.kind = gettext("H5P exercise in a lesson")
            row.report_url = reverse(
                "stats:embedded_exercise", args=[row.activity_key, row.package_id]
            )
        rows = [*rows, *embedded]
        for row in rows:
            row.course_title = self.titles.get(row.course_key, "")
        return sorted(rows, key=lambda row: (row.course_title, row.position))


class ActivityReportView(StatisticsReportView):
    """The report of one activity (``page_model``) of a course the viewer may see: 404 for an
    unknown one, permission denied for another teacher's."""

    template_name = "stats/activity_report.html"
    page_model = None
    paginate_by = None

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.kwargs["activity_key"]])

    def get_index_results_url(self):
        return None

    @cached_property
    def page(self):
        page = (
            self.page_model.objects.filter(translation_key=self.kwargs["activity_key"])
            .order_by("-live", "pk")
            .first()
        )
        if page is None:
            raise Http404
        return page

    @cached_property
    def course_key(self) -> UUID:
        return self.page.course.translation_key

    def get(self, request, *args, **kwargs):
        if self.course_key not in self.scope:  # another teacher's course
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        *base, current = super().get_breadcrumbs_items()
        trail = [
            {"url": reverse("stats:activities"), "label": _("Quizzes and exercises")},
            {"url": reverse("stats:funnel", args=[self.course_key]), "label": self.course_title},
        ]
        return [*base, *trail, current]

    @cached_property
    def course_title(self) -> str:
        return self.titles.get(self.course_key, "")

    @cached_property
    def analysis(self):
        """The report's figures (``snapshot``: the subclass's ``stats.reports`` call)."""
        return self.snapshot.result

    def summary(self) -> list[tuple[str, object]]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = self.summary()
        context["course_title"] = self.course_title
        context["funnel_url"] = reverse("stats:funnel", args=[self.course_key])
        context["snapshot"] = self.snapshot
        return context


class QuizReportView(ActivityReportView):
    page_model = QuizPage
    verbose_name = _("question")
    verbose_name_plural = _("questions")
    index_url_name = "stats:quiz"
    export_filename = "quiz-item-analysis"
    columns = [
        Column("position", label=_("Position")),
        Column("name", label=_("Question")),
        Column("type_text", label=_("Type")),
        Column("responses", label=_("Responses")),
        Column("facility_text", label=_("Facility index")),
        Column("discrimination_text", label=_("Discrimination index")),
        Column("choices_text", label=_("Choices picked")),
    ]

    def get_page_title(self):
        return gettext("Quiz: %(quiz)s") % {"quiz": self.page.title}

    @cached_property
    def snapshot(self):
        return reports.quiz(quiz_key=self.page.translation_key, course_key=self.course_key)

    def summary(self):
        analysis = self.analysis
        return [
            (_("Finished attempts"), analysis.attempts),
            (_("Learners"), analysis.learners),
            (_("Average score"), percent(analysis.average)),
        ]

    def get_context_data(self, **kwargs):
        bins = self.analysis.bins
        chart = {"labels": [b.label for b in bins], "counts": [b.count for b in bins]}
        recent = [
            {
                "learner": attempt.user.get_full_name() or attempt.user.username,
                "number": attempt.number,
                "score": percent(attempt.score),
                "submitted_at": jdate(attempt.submitted_at),
                "url": reverse("stats:attempt", args=[attempt.pk]),
            }
            for attempt in selectors.recent_attempts(quiz_key=self.page.translation_key)
        ]
        context = super().get_context_data(**kwargs)
        return {**context, "bins": bins, "chart": chart, "recent_attempts": recent}

    def get_queryset(self):
        types = dict(QuestionType.choices)
        for item in self.analysis.items:
            item.type_text = str(types.get(item.type, item.type))
            item.facility_text = index_text(item.facility)
            item.discrimination_text = index_text(item.discrimination)
            picks = [f"{choice.text}: {choice.count}" for choice in item.choices]
            if item.choices and item.unanswered:
                picks.append(gettext("no answer: %(count)s") % {"count": item.unanswered})
            item.choices_text = "; ".join(picks)
        return self.analysis.items


class ExerciseReportView(ActivityReportView):
    page_model = H5PActivityPage
    verbose_name = _("score range")
    verbose_name_plural = _("score ranges")
    index_url_name = "stats:exercise"
    export_filename = "exercise-scores"
    columns = [
        Column("label", label=_("Score")),
        Column("count", label=_("Attempts")),
    ]

    def get_page_title(self):
        return gettext("H5P exercise: %(exercise)s") % {"exercise": self.page.title}

    @cached_property
    def snapshot(self):
        return reports.exercise(activity_key=self.page.translation_key, course_key=self.course_key)

    def summary(self):
        analysis = self.analysis
        return [
            (_("Attempts"), analysis.attempts),
            (_("Learners"), analysis.learners),
            (_("Average score"), percent(analysis.average)),
            (_("Enrolled learners"), analysis.enrolled),
            (_("Opened"), analysis.reached),
            (_("Completed"), analysis.completed),
            (_("Completion rate"), percent(analysis.completion_rate)),
            (_("Passed"), analysis.passed),
            (_("Failed"), analysis.failed),
        ]

    def get_queryset(self):
        return self.analysis.bins


class EmbeddedExerciseReportView(ExerciseReportView):
    """The report of an H5P package embedded in a lesson (404 unless the lesson embeds it)."""

    page_model = LessonPage
    index_url_name = "stats:embedded_exercise"

    def get_index_url(self):
        return reverse(
            self.index_url_name, args=[self.kwargs["activity_key"], self.kwargs["package_id"]]
        )

    @cached_property
    def exercise(self) -> selectors.EmbeddedExercise | None:
        wanted = (self.page.translation_key, self.kwargs["package_id"])
        for row in selectors.embedded_exercises(keys=[self.course_key]):
            if (row.activity_key, row.package_id) == wanted:
                return row
        return None

    def get(self, request, *args, **kwargs):
        if self.course_key in self.scope and self.exercise is None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("H5P exercise: %(exercise)s (in %(lesson)s)") % {
            "exercise": self.exercise.title,
            "lesson": self.page.title,
        }

    @cached_property
    def snapshot(self):
        return reports.embedded_exercise(
            lesson_key=self.page.translation_key,
            package_id=self.kwargs["package_id"],
            course_key=self.course_key,
        )


def attempt_review(request, attempt_id: int):
    """A learner's submitted attempt as their teacher sees it: answers, marks, feedback and
    the right answers (404 for an unknown or open attempt, refused outside the viewer's scope)."""
    attempt = quiz_selectors.submitted_attempt(attempt_id)
    if attempt is None:
        raise Http404
    if attempt.course_key not in selectors.statistics_scope(request.user):
        raise PermissionDenied
    user = attempt.user
    learner = (user.get_full_name() or user.username) if user else gettext("Deleted account")
    context = {
        "attempt": attempt,
        "questions": quiz_selectors.shown_questions(attempt, feedback=True, answers=True),
        "page_title": gettext("Attempt %(number)s by %(learner)s")
        % {"number": attempt.number, "learner": learner},
        "quiz_report_url": reverse("stats:quiz", args=[attempt.quiz_key]),
    }
    return TemplateResponse(request, "stats/attempt_review.html", context)
