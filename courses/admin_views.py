"""Wagtail admin: a course's enrolments, and enrolling learners by e-mail or CSV."""

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from progress import selectors as progress_selectors

from . import services
from .models import CoursePage, Enrolment
from .selectors import can_edit_course

MAX_CSV_BYTES = 1024 * 1024


class EnrolByEmailForm(forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One address per line, or separated by commas."),
    )
    csv_file = forms.FileField(
        label=gettext_lazy("or a CSV file"),
        required=False,
        help_text=gettext_lazy("Every cell that looks like an e-mail address is used."),
    )

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if upload is None:
            return []
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The CSV file is larger than 1 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The CSV file must be UTF-8 text.")) from None
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:
            raise forms.ValidationError(_("The CSV file could not be read: %s") % error) from None
        return [cell for row in rows for cell in row if "@" in cell]

    def clean(self):
        cleaned = super().clean()
        typed = [
            part for line in cleaned.get("emails", "").splitlines() for part in line.split(",")
        ]
        cleaned["addresses"] = [a for a in typed + cleaned.get("csv_file", []) if a.strip()]
        if not self.errors and not cleaned["addresses"]:
            raise forms.ValidationError(_("Give at least one e-mail address."))
        return cleaned


def enrolments(request, page_id: int):
    course = get_object_or_404(CoursePage, pk=page_id)
    if not can_edit_course(user=request.user, course=course):
        raise PermissionDenied
    form = EnrolByEmailForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = services.enrol_by_email(
            emails=form.cleaned_data["addresses"], course=course, by=request.user
        )
        if result.enrolled:
            messages.success(request, _("Enrolled: %s") % ", ".join(result.enrolled))
        if result.already:
            messages.info(request, _("Already enrolled: %s") % ", ".join(result.already))
        if result.unknown:
            messages.warning(
                request, _("No account uses these addresses: %s") % ", ".join(result.unknown)
            )
        if result.invalid:
            messages.error(request, _("Not e-mail addresses: %s") % ", ".join(result.invalid))
        return redirect("courses_admin:enrolments", page_id=course.pk)
    rows = Enrolment.objects.filter(course_key=course.translation_key).select_related("user")
    summaries = progress_selectors.summaries_by_learner(course_key=course.translation_key)
    scores = progress_selectors.score_sources(course_key=course.translation_key)
    enrolled = [
        (row, summaries.get(row.user_id), scores.get(row.user_id, {}))
        for row in rows.order_by("-enrolled_at")
    ]
    return TemplateResponse(
        request,
        "courses/admin/enrolments.html",
        {"course": course, "form": form, "enrolled": enrolled, "header_title": course.title},
    )
