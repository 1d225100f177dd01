"""Admin forms of the content app: uploading and replacing an H5P package's file."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CoursePage

from .h5p.limits import Limits
from .models import H5PPackage
from .roles import editable_course_keys, editable_courses

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # an entry first, or an empty archive


class H5PPackageForm(WagtailAdminModelForm):
    """Title and ``.h5p`` file. Saving goes through ``content.services`` (see the views)."""

    class Meta:
        model = H5PPackage
        fields = ["title", "course", "upload"]
        help_texts = {
            "title": gettext_lazy("Leave empty to use the title written in the package."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_courses()
        field = self.fields["upload"]
        field.widget = forms.FileInput(attrs={"accept": ".h5p"})
        limit = filesizeformat(Limits().max_upload_bytes)
        if self.instance.pk:
            field.required = False
            field.label = gettext_lazy("New H5P file")
            field.help_text = _(
                "Optional: an .h5p file (up to %(limit)s) to replace this package's content. "
                "Lessons keep using the current content until the new file is ready."
            ) % {"limit": limit}
        else:
            field.help_text = _(
                "An .h5p file exported from H5P (up to %(limit)s). It is checked and unpacked "
                "after the upload."
            ) % {"limit": limit}

    def limit_courses(self) -> None:
        """Teachers choose one of the courses they edit; only administrators share a package."""
        course = self.fields.get("course")
        user = self.for_user
        if course is None or user is None or user.is_superuser:
            return

        first_of_each = {}
        for page in editable_courses(user):
            first_of_each.setdefault(page.translation_key, page.pk)
        current = self.instance.course_id
        course.queryset = CoursePage.objects.filter(
            pk__in={*first_of_each.values(), *([current] if current else [])}
        ).order_by("title")
        course.required = True
        course.widget = forms.Select()
        course.widget.choices = course.choices
        course.help_text = _("One of the courses you edit; its teachers may use this package.")

    def clean_course(self):
        course = self.cleaned_data.get("course")
        user = self.for_user
        if user is None or user.is_superuser or course is None:
            return course

        if course.pk != self.instance.course_id and (
            course.translation_key not in editable_course_keys(user)
        ):
            raise ValidationError(_("Choose one of the courses you edit."), code="not_yours")
        return course

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not isinstance(upload, UploadedFile):
            return upload  # no new file (editing the title only)
        name = upload.name or ""
        if not name.lower().endswith(".h5p"):
            raise ValidationError(
                _("“%(name)s” is not an H5P file: choose a file whose name ends in .h5p."),
                code="not_h5p",
                params={"name": name},
            )
        limit = Limits().max_upload_bytes
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; an H5P file may be at most %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if head not in ZIP_SIGNATURES:
            raise ValidationError(
                _("“%(name)s” is not an H5P file: it is not a zip archive."),
                code="not_zip",
                params={"name": name},
            )
        return upload
