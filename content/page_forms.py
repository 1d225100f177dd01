"""The page form of pages that use H5P packages (lessons, H5P exercise pages).

Kept apart from ``content.forms`` (which needs ``content.models``) so that ``courses.models``
can use it as a base form without an import loop.
"""

from django.db import models
from django.utils.translation import gettext as _
from wagtail.admin.forms.pages import WagtailAdminPageForm
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructValue

from .blocks import H5PBlock

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
        user = self.for_user
        if user is not None and user.is_superuser:
            return cleaned
        from .roles import can_use_package, course_of_page  # needs the models: loaded by now

        parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
        course = course_of_page(parent) if parent is not None else None
        for name, value in list(cleaned.items()):
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
                self.add_error(
                    name,
                    _(
                        "“%(package)s” belongs to another course: use this course's H5P "
                        "packages or shared ones."
                    )
                    % {"package": package},
                )
                break
        return cleaned
