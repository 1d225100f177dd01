"""The learner table's filters. Choices come from the courses the viewer may see."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from courses.models import Enrolment

from .models import LearnerGroup
from .selectors import LearnerStatus


class LearnerFilterSet(WagtailFilterSet):
    course = django_filters.ChoiceFilter(
        label=_("Course"), field_name="course_key", empty_label=_("All courses")
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Group"),
        field_name="user__learner_groups",
        queryset=LearnerGroup.objects.all(),
        empty_label=_("Any group"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=LearnerStatus.CHOICES, empty_label=_("Any status")
    )
    enrolled_at = django_filters.DateFromToRangeFilter(
        label=_("Enrolled between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def __init__(self, *args, course_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["course"].extra["choices"] = [(str(k), t) for k, t in course_choices]
