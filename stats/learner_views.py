"""One learner's page in the statistics (the learner table links each name to it).

Only the courses ``statistics_scope`` gives the viewer are shown; a learner enrolled in none
of them is not found (404), like an unknown one.
"""

from functools import cached_property

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.templatetags.savad import digits, jdate
from progress.models import ScoreSource, Status

from . import selectors
from .learner_detail import learner_detail
from .selectors import LearnerStatus
from .views import activity_report_url, percent


def duration_text(seconds: int) -> str:
    """Seconds as hours:minutes:seconds (empty for none)."""
    if not seconds:
        return ""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02}:{second:02}"


class LearnerDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "stats/learner_detail.html"
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        scope = selectors.statistics_scope(request.user)
        if not (scope or selectors.sees_all_courses(request.user)):
            return permission_denied(request)  # in the admin's language, as the reports do
        self.detail = learner_detail(user_id=kwargs["user_id"], keys=scope)
        if self.detail is None:  # unknown, or enrolled in none of the viewer's courses
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def learner_name(self) -> str:
        user = self.detail.user
        return user.get_full_name() or user.username

    def get_page_title(self):
        return gettext("Learner: %(learner)s") % {"learner": self.learner_name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("stats:learners"), "label": _("Learners")},
            {"url": "", "label": self.learner_name},
        ]

    def get_context_data(self, **kwargs):
        statuses = dict(Status.choices)
        course_statuses = dict(LearnerStatus.CHOICES)
        sources = dict(ScoreSource.choices)
        for course in self.detail.courses:
            course.progress_text = digits(f"{course.percent_complete}%")
            course.status_text = str(course_statuses[course.status])
            course.funnel_url = reverse("stats:funnel", args=[course.course_key])
            for line in course.activities:
                line.kind = str(line.model._meta.verbose_name)
                line.report_url = activity_report_url(line.model, line.activity_key)
                line.status_text = str(statuses.get(line.status, line.status))
                line.score_text = digits(percent(line.score))
                line.attempts_text = digits(line.attempts)
                line.source_text = str(sources.get(line.score_source, ""))
                line.time_text = digits(duration_text(line.time_spent))
                line.reviews = [
                    {
                        "number": digits(attempt.number),
                        "url": reverse("stats:attempt", args=[attempt.pk]),
                        "label": gettext("Review attempt %(number)s (%(score)s)")
                        % {
                            "number": digits(attempt.number),
                            "score": digits(percent(attempt.score)) or "–",
                        },
                    }
                    for attempt in line.quiz_attempts
                ]
                for name in ("first_seen_at", "last_seen_at", "completed_at"):
                    setattr(line, f"{name}_text", jdate(getattr(line, name)))
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "learner": self.detail.user,
            "learner_name": self.learner_name,
            "groups": self.detail.groups,
            "courses": self.detail.courses,
        }
