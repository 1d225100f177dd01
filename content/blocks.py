"""The H5P block for lesson bodies: an interactive exercise played in its own frame."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class H5PBlock(blocks.StructBlock):
    package = SnippetChooserBlock("content.H5PPackage", label=_("H5P package"))
    title = blocks.CharBlock(
        label=_("title"),
        max_length=200,
        help_text=_("Names the exercise for screen readers and in the lesson."),
    )

    class Meta:
        icon = "media"
        template = "blocks/h5p.html"
        label = _("Interactive exercise (H5P)")
