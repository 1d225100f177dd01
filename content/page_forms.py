"""Which H5P packages a page may use: the H5P exercise page's form, and the check that
lessons' forms run through the ``savad_clean_lesson_form`` hook (see ``content.wagtail_hooks``).
"""

from django.db import models
from django.utils.translation import gettext as _
from wagtail.admin.forms.pages import WagtailAdminPageForm
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructValue

from courses.blocks import H5PBlock

PACKAGE_MODEL = "content.h5ppackage"


def packages_in(value) -> list:
    """Every H5P package chosen in a StreamField value (any depth), in order."""
    found = []
    if isinstance(value, StreamValue):
        for child in value:
            if isinstance(child.block, H5PBlock):
                package = child.value.get("package")
                if package is not None:
                    found.append(package)
            else:
                found += packages_in(child.value)
    elif isinstance(value, StructValue):
        for item in value.values():
            found += packages_in(item)
    elif isinstance(value, ListValue | list):
        for item in value:
            found += packages_in(getattr(item, "value", item))
    return found


class H5PPageForm(WagtailAdminPageForm):
    """A page may use (in an H5P block or as an exercise page's package) only shared packages
    and packages of its own course; administrators may use any. A package the editor may not
    see cannot be slipped in by posting its id either."""

    def clean(self):
        cleaned = super().clean()
        check_packages(form=self, cleaned_data=cleaned)
        return cleaned


def check_packages(*, form: WagtailAdminPageForm, cleaned_data: dict) -> None:
    """Add a form error for each package the page may not use (see ``H5PPageForm``)."""
    user = form.for_user
    if user is not None and user.is_superuser:
        return
    # import cycle: .roles needs content.models, which imports this module
    from .roles import can_use_package, course_of_page

    parent = form.parent_page if form.instance.pk is None else form.instance.get_parent()
    course = course_of_page(parent) if parent is not None else None
    for name, value in list(cleaned_data.items()):
        if isinstance(value, models.Model) and value._meta.label_lower == PACKAGE_MODEL:
            packages = [value]
        elif isinstance(value, StreamValue):
            packages = packages_in(value)
        else:
            continue
        for package in packages:
            if package.course_id is None and (
                user is None or can_use_package(user, package, read=True)
            ):
                continue
            own = package.course is not None and course is not None
            if own and package.course.translation_key == course.translation_key:
                continue
            form.add_error(
                name,
                _(
                    "“%(package)s” belongs to another course: use this course's H5P "
                    "packages or shared ones."
                )
                % {"package": package},
            )
            break
