"""The learner table's filters. Choices come from the courses the viewer may see."""

import datetime
import re

import django_filters
import jdatetime
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from core.text import latin_digits
from courses.models import Enrolment

from .models import LearnerGroup
from .selectors import LearnerStatus

JALALI_YEARS_BELOW = 1700  # learners enrolled in Gregorian 19xx-20xx or Jalali 13xx-14xx
TYPED_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


class CalendarDateField(forms.DateField):
    """A date typed as year-month-day (``-`` or ``/``, Persian or Latin digits): a Jalali
    date when its year is below 1700 (1404/05/10), else a Gregorian one (2025-08-01)."""

    def to_python(self, value):
        if isinstance(value, str) and (match := TYPED_DATE.fullmatch(latin_digits(value.strip()))):
            year, month, day = map(int, match.groups())
            try:
                if year < JALALI_YEARS_BELOW:
                    return jdatetime.date(year, month, day).togregorian()
                return datetime.date(year, month, day)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return super().to_python(value)


class CalendarDateRangeField(DateRangeField):
    def __init__(self, *args, **kwargs):
        super(DateRangeField, self).__init__(
            (CalendarDateField(), CalendarDateField()), *args, **kwargs
        )


class CalendarDateRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = CalendarDateRangeField


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
    enrolled_at = CalendarDateRangeFilter(label=_("Enrolled between"), widget=DateRangePickerWidget)

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def __init__(self, *args, course_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["course"].extra["choices"] = [(str(k), t) for k, t in course_choices]
