"""The lesson page's admin form.

Checks that belong to other apps' blocks (``content`` checks which H5P packages a lesson may
use) are lent through a Wagtail hook, so that courses does not import them.
"""

from wagtail import hooks
from wagtail.admin.forms.pages import WagtailAdminPageForm

CLEAN_LESSON_FORM = "savad_clean_lesson_form"
"""``fn(*, form, cleaned_data) -> None``: validate a lesson form (errors via ``form.add_error``)."""


class LessonPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        for fn in hooks.get_hooks(CLEAN_LESSON_FORM):
            fn(form=self, cleaned_data=cleaned)
        return cleaned
