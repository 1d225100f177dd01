"""StreamField blocks for lesson bodies. Each block renders with its own small template."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"), choices=[("h2", _("Section")), ("h3", _("Sub-section"))], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=300,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        template = "blocks/image.html"


class VideoBlock(blocks.StructBlock):
    video = DocumentChooserBlock(
        label=_("video file"), required=False, help_text=_("An uploaded MP4 or WebM file.")
    )
    embed = EmbedBlock(label=_("or an embedded video"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)
    subtitles = DocumentChooserBlock(
        label=_("subtitles"), required=False, help_text=_("A WebVTT (.vtt) file.")
    )
    subtitles_language = blocks.ChoiceBlock(
        label=_("subtitle language"), choices=[("fa", "فارسی"), ("en", "English")], default="fa"
    )

    class Meta:
        icon = "media"
        template = "blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("video")) == bool(value.get("embed")):
            raise StructBlockValidationError(
                block_errors={
                    "video": forms.ValidationError(
                        _("Choose either an uploaded video file or an embed, not both or neither.")
                    )
                }
            )
        return value


class AudioBlock(blocks.StructBlock):
    audio = DocumentChooserBlock(label=_("audio file"), help_text=_("An MP3, OGG or M4A file."))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)
    transcript = blocks.RichTextBlock(label=_("transcript"), required=False, features=TEXT_FEATURES)

    class Meta:
        icon = "media"
        template = "blocks/audio.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("note", _("Note"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("text"), features=TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout.html"


class StepBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("what to do"), features=TEXT_FEATURES)
    screenshot = ImageChooserBlock(label=_("screenshot"), required=False)
    screenshot_alt = blocks.CharBlock(
        label=_("screenshot alternative text"), required=False, max_length=300
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("screenshot") and not value.get("screenshot_alt", "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "screenshot_alt": forms.ValidationError(
                        _("A screenshot needs alternative text.")
                    )
                }
            )
        return value


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "blocks/steps.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/document.html"


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    points = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("points"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "blocks/key_points.html"


class H5PBlock(blocks.StructBlock):
    """An interactive exercise played in its own frame. The package model belongs to ``content``
    and is named by its label only: courses does not import content (content imports courses)."""

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


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock(label=_("Heading"))
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h3", "bold", "italic", "link", "ol", "ul", "document-link"],
        template="blocks/text.html",
    )
    image = ImageBlock(label=_("Image"))
    video = VideoBlock(label=_("Video"))
    audio = AudioBlock(label=_("Audio"))
    callout = CalloutBlock(label=_("Callout"))
    steps = StepsBlock(label=_("Step-by-step guide"))
    glossary = SnippetChooserBlock(
        "courses.GlossaryTerm",
        label=_("Glossary term"),
        template="blocks/glossary.html",
        icon="help",
    )
    document = DocumentBlock(label=_("Downloadable document"))
    key_points = KeyPointsBlock(label=_("Key points"))
    h5p = H5PBlock(label=_("Interactive exercise (H5P)"))
