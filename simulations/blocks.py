"""The steps of a practice simulation, authored in the Wagtail admin.

A step is a form screen, an information card (a bill, an SMS, an e-mail, a receipt) or a
choice. Texts may use ``{{ persona.field }}`` (``simulations.persona.FIELDS``); a field's
expected value and a choice's right option stay on the server (``simulations.steps``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from .persona import unknown_fields
from .samples import SAMPLES

FIELD_KINDS = [
    ("text", _("Text")),
    ("number", _("Number")),
    ("select", _("Drop-down list")),
    ("radio", _("Radio buttons")),
    ("checkbox", _("Checkbox")),
    ("date", _("Date (Jalali in Persian)")),
    ("file", _("File upload of a sample document")),
]
CHECKS = [
    ("", _("None")),
    ("national_code", _("A valid national code")),
    ("bill_id", _("A valid bill ID")),
    ("payment_id", _("A valid payment ID (for the bill ID on this screen, else the persona's)")),
]
CARD_KINDS = [
    ("bill", _("A bill")),
    ("sms", _("A text message")),
    ("email", _("An e-mail")),
    ("receipt", _("A receipt")),
    ("page", _("A web page")),
]
HINT_HELP = _("Shown in guided mode when the learner asks for it (it lowers the score).")
LINES_HELP = _(
    "One line each. 'Label | value' shows as a row of the card. "
    "Use {{ persona.bill_id }} and the like for the attempt's practice data."
)


def _placeholder_errors(**texts) -> dict:
    errors = {}
    for name, text in texts.items():
        unknown = unknown_fields(text)
        if unknown:
            errors[name] = ValidationError(
                _("Unknown practice data: %(names)s") % {"names": ", ".join(unknown)}
            )
    return errors


def option_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FieldBlock(blocks.StructBlock):
    name = blocks.RegexBlock(
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        label=_("name"),
        help_text=_("A short name in lower-case Latin letters, unique on this screen."),
        error_messages={"invalid": _("Use lower-case Latin letters, digits and _.")},
    )
    label = blocks.CharBlock(label=_("label"), max_length=200)
    kind = blocks.ChoiceBlock(label=_("type"), choices=FIELD_KINDS, default="text")
    options = blocks.TextBlock(
        label=_("options"), required=False, help_text=_("Lists and radio buttons: one per line.")
    )
    expected = blocks.CharBlock(
        label=_("expected answer"),
        required=False,
        max_length=200,
        help_text=_(
            "Text, a number, an option as written, 'yes' or 'no' for a checkbox, a sample "
            "document's name for a file (birth-certificate, rental-contract), or practice "
            "data such as {{ persona.bill_id }}. Empty: any answer that passes the check."
        ),
    )
    check = blocks.ChoiceBlock(label=_("check"), choices=CHECKS, required=False)
    help_text = blocks.CharBlock(label=_("help text"), required=False, max_length=300)

    class Meta:
        icon = "form"
        label = _("field")


class FormStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    instructions = blocks.TextBlock(label=_("instructions"), required=False)
    fields = blocks.ListBlock(FieldBlock(), label=_("fields"), min_num=1)
    submit_label = blocks.CharBlock(label=_("button"), required=False, max_length=60)
    hint = blocks.TextBlock(label=_("hint"), required=False, help_text=HINT_HELP)

    class Meta:
        icon = "form"
        label = _("form screen")

    def clean(self, value):
        value = super().clean(value)
        errors = _placeholder_errors(instructions=value["instructions"], hint=value["hint"])
        names = [field["name"] for field in value["fields"]]
        if len(names) != len(set(names)):
            errors["fields"] = ValidationError(_("Each field needs a name of its own."))
        for field in value["fields"]:
            problem = _field_problem(field)
            if problem:
                errors["fields"] = ValidationError(f"{field['label']}: {problem}")
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


def _field_problem(field) -> str:
    options = option_lines(field["options"])
    if unknown_fields(field["expected"]):
        return _("Unknown practice data: %(names)s") % {
            "names": ", ".join(unknown_fields(field["expected"]))
        }
    if field["kind"] in ("select", "radio"):
        if len(options) < 2:
            return _("give at least two options, one per line.")
        if field["expected"] and field["expected"] not in options:
            return _("the expected answer must be one of the options, as written.")
    if field["kind"] == "file" and field["expected"] not in SAMPLES:
        return _("a file field expects one of the samples: %(names)s.") % {
            "names": ", ".join(SAMPLES)
        }
    if field["kind"] == "checkbox" and field["expected"] not in ("", "yes", "no"):
        return _("a checkbox expects 'yes' or 'no'.")
    if not field["expected"] and not field["check"]:
        return _("give an expected answer or a check.")
    return ""


class InfoStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    instructions = blocks.TextBlock(label=_("instructions"), required=False)
    card_kind = blocks.ChoiceBlock(label=_("card"), choices=CARD_KINDS, default="bill")
    card_title = blocks.CharBlock(label=_("card title"), max_length=200)
    card_lines = blocks.TextBlock(label=_("card text"), help_text=LINES_HELP)
    hint = blocks.TextBlock(label=_("hint"), required=False, help_text=HINT_HELP)

    class Meta:
        icon = "doc-full"
        label = _("information card")

    def clean(self, value):
        value = super().clean(value)
        errors = _placeholder_errors(
            instructions=value["instructions"], card_lines=value["card_lines"], hint=value["hint"]
        )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("the right option"), required=False)
    feedback = blocks.CharBlock(
        label=_("feedback"), required=False, max_length=300, help_text=_("Guided mode only.")
    )

    class Meta:
        icon = "radio-full"
        label = _("option")


class ChoiceStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    instructions = blocks.TextBlock(label=_("question"))
    card_kind = blocks.ChoiceBlock(label=_("card"), choices=CARD_KINDS, required=False)
    card_title = blocks.CharBlock(label=_("card title"), required=False, max_length=200)
    card_lines = blocks.TextBlock(label=_("card text"), required=False, help_text=LINES_HELP)
    options = blocks.ListBlock(OptionBlock(), label=_("options"), min_num=2)
    hint = blocks.TextBlock(label=_("hint"), required=False, help_text=HINT_HELP)

    class Meta:
        icon = "list-ul"
        label = _("choice")

    def clean(self, value):
        value = super().clean(value)
        errors = _placeholder_errors(
            instructions=value["instructions"], card_lines=value["card_lines"], hint=value["hint"]
        )
        if sum(1 for option in value["options"] if option["correct"]) != 1:
            errors["options"] = ValidationError(_("Mark exactly one option as the right one."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class StepsBlock(blocks.StreamBlock):
    form = FormStepBlock()
    info = InfoStepBlock()
    choice = ChoiceStepBlock()

    class Meta:
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        if not any(child.block_type in ("form", "choice") for child in value):
            raise StreamBlockValidationError(
                non_block_errors=ValidationError(
                    _("Add at least one form or choice screen: they are what is scored.")
                )
            )
        return value
