"""One step of an attempt: what the page may show of it, and how an answer is checked.

``step_view`` is everything a template gets: titles, texts and card rows filled from the
persona, the fields without their expected values, the options of a choice in the attempt's
own order without saying which is right. ``check_answer`` compares an answer with the step
as copied into the attempt, the way a real portal would: identifiers are checked for their
check digits first (``refused``: the portal's own message), then compared with what the
scenario expects (``wrong``). Digits may be typed in any script.
"""

import datetime
import random
import re
from dataclasses import dataclass, field

import jdatetime
from django.utils.translation import gettext as _

from core.text import answers_match, latin_digits

from . import checks
from .blocks import option_lines
from .persona import expected as expected_value
from .persona import fill
from .samples import MAX_UPLOAD_BYTES, is_sample, sample_links

CORRECT, WRONG, REFUSED, INCOMPLETE = "correct", "wrong", "refused", "incomplete"
SCORED_TYPES = ("form", "choice")
DIGIT_CHECKS = ("national_code", "bill_id", "payment_id")
DATE_SEPARATORS = re.compile(r"[/\-.\s]+")
DATE_PARTS = ("year", "month", "day")  # a date field's three inputs: name__year, …


@dataclass
class Outcome:
    """How an answer went: ``status`` one of correct, wrong, refused, incomplete."""

    status: str
    errors: dict[str, str] = field(default_factory=dict)
    feedback: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT


def is_scored(step: dict) -> bool:
    return step["type"] in SCORED_TYPES


def option_order(step: dict, seed: int) -> list[int]:
    """The attempt's own order of a choice's options (indexes into the authored list)."""
    order = list(range(len(step["value"]["options"])))
    random.Random(f"{seed}:{step['id']}").shuffle(order)
    return order


def _card(value: dict, persona: dict, language: str) -> dict | None:
    if not value.get("card_lines"):
        return None
    rows, lines = [], []
    for line in fill(value["card_lines"], persona, language).splitlines():
        if "|" in line:
            label, _sep, shown = line.partition("|")
            rows.append((label.strip(), shown.strip()))
        elif line.strip():
            lines.append(line.strip())
    return {
        "kind": value.get("card_kind") or "page",
        "title": fill(value.get("card_title", ""), persona, language),
        "rows": rows,
        "lines": lines,
    }


def step_view(step: dict, *, persona: dict, language: str) -> dict:
    """The current step as the page shows it: never an expected value or the right option."""
    value = step["value"]
    view = {
        "id": step["id"],
        "type": step["type"],
        "title": fill(value["title"], persona, language),
        "instructions": fill(value.get("instructions", ""), persona, language),
        "has_hint": bool(value.get("hint")),
    }
    if step["type"] == "form":
        view["submit_label"] = value.get("submit_label", "")
        view["has_file"] = any(item["kind"] == "file" for item in value["fields"])
        view["fields"] = [
            {
                "name": item["name"],
                "label": fill(item["label"], persona, language),
                "kind": item["kind"],
                "options": option_lines(item.get("options", "")),
                "help_text": fill(item.get("help_text", ""), persona, language),
                "digits": item["kind"] == "number" or item.get("check") in DIGIT_CHECKS,
                "samples": sample_links() if item["kind"] == "file" else [],
            }
            for item in value["fields"]
        ]
    else:
        view["card"] = _card(value, persona, language)
    if step["type"] == "choice":
        texts = [option["text"] for option in value["options"]]
        view["options"] = [
            (position, fill(texts[index], persona, language))
            for position, index in enumerate(option_order(step, persona["seed"]))
        ]
    return view


def hint_text(step: dict, *, persona: dict, language: str) -> str:
    return fill(step["value"].get("hint", ""), persona, language)


def typed_value(item: dict, answers: dict):
    """A field's answer; a date typed in three parts (``name__year`` …) becomes ``Y/M/D``."""
    name = item["name"]
    if item["kind"] == "date" and f"{name}__year" in answers:
        parts = [str(answers.get(f"{name}__{part}", "")).strip() for part in DATE_PARTS]
        return "/".join(parts) if any(parts) else ""
    return answers.get(name, "")


def parse_date(text: str) -> datetime.date | None:
    """A typed date: Jalali (year below 1700) or Gregorian, as Y/M/D or Y-M-D, any digits."""
    parts = [part for part in DATE_SEPARATORS.split(latin_digits(text or "").strip()) if part]
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    year, month, day = (int(part) for part in parts)
    try:
        if year < 1700:
            return jdatetime.date(year, month, day).togregorian()
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _portal_error(item: dict, given, *, bill_id: str) -> str:
    """The message a real portal gives for a malformed value ("" when it is well formed).

    A payment ID is checked against ``bill_id``: the one typed on the same screen, if any.
    """
    check, kind = item.get("check") or "", item["kind"]
    if kind == "file":
        name = getattr(given, "name", "").lower()
        if not name.endswith(".pdf") or given.size > MAX_UPLOAD_BYTES:
            return _("Attach a PDF file of at most 1 MB.")
        return ""
    if check == "national_code" and not checks.national_code_valid(given):
        return _("The national code is not valid. Check its ten digits.")
    if check == "bill_id" and not checks.bill_id_valid(given):
        return _("The bill ID is not valid. Check the digits on your bill.")
    if check == "payment_id" and not checks.payment_id_valid(given, bill_id=bill_id):
        return _("The payment ID is not valid for this bill. Check the digits on your bill.")
    if kind == "number" and not _number(given).isdigit():
        return _("Enter a number.")
    if kind == "date" and parse_date(given) is None:
        return _("Enter a real date: a day, a month and a year.")
    return ""


def _number(text: str) -> str:
    """Typed digits without group separators (, ٬ spaces) in 0-9."""
    return checks.digits_only(text).replace(",", "").replace("٬", "")


def _matches(item: dict, given: str, wanted: str) -> bool:
    kind = item["kind"]
    if kind == "file":
        return is_sample(given, item.get("expected", ""))
    if kind == "checkbox":
        return given == wanted
    if kind in ("select", "radio"):
        return given == wanted
    if kind == "date":
        return parse_date(given) == parse_date(wanted)
    if kind == "number" or item.get("check") in DIGIT_CHECKS:
        return _number(given) == _number(wanted)
    case_sensitive = "persona.password" in item.get("expected", "")
    return answers_match(given, wanted, case_sensitive=case_sensitive)


def _check_form(step: dict, answers: dict, persona: dict, language: str) -> Outcome:
    items = step["value"]["fields"]
    given = {}
    for item in items:
        raw = typed_value(item, answers)
        given[item["name"]] = ("yes" if raw else "no") if item["kind"] == "checkbox" else raw
    errors = {
        item["name"]: _("Fill in this field.")
        for item in items
        if item["kind"] != "checkbox" and not _given(given[item["name"]])
    }
    if errors:
        return Outcome(INCOMPLETE, errors)
    bill_id = next(
        (given[item["name"]] for item in items if item.get("check") == "bill_id"),
        persona.get("bill_id", ""),
    )
    for item in items:
        message = _portal_error(item, given[item["name"]], bill_id=bill_id)
        if message:
            errors[item["name"]] = message
    if errors:
        return Outcome(REFUSED, errors)
    for item in items:
        wanted = expected_value(item.get("expected", ""), persona, language)
        if item.get("expected") and not _matches(item, given[item["name"]], wanted):
            errors[item["name"]] = _wrong_message(item)
    if errors:
        return Outcome(WRONG, errors)
    return Outcome(CORRECT)


def _given(value) -> bool:
    """Whether something was typed (or a file attached)."""
    return bool(value) if hasattr(value, "read") else bool(str(value).strip())


def _wrong_message(item: dict) -> str:
    if item["kind"] == "file":
        return _("This is not the document this form asks for.")
    if item.get("check") in DIGIT_CHECKS:
        return _("This number is well formed, but it is not the one you were given.")
    if item["kind"] in ("select", "radio", "checkbox"):
        return _("This is not the right choice here.")
    return _("This is not what the information you were given says.")


def _check_choice(step: dict, answers: dict, persona: dict, language: str) -> Outcome:
    options = step["value"]["options"]
    order = option_order(step, persona["seed"])
    position = str(answers.get("option", ""))
    if not position.isdigit() or int(position) >= len(order):
        return Outcome(INCOMPLETE, {"option": _("Choose one of the options.")})
    option = options[order[int(position)]]
    if option["correct"]:
        return Outcome(CORRECT, feedback=fill(option.get("feedback", ""), persona, language))
    feedback = fill(option.get("feedback", ""), persona, language)
    return Outcome(WRONG, {"option": feedback or _("This is not the right answer.")}, feedback)


def check_answer(step: dict, *, answers: dict, persona: dict, language: str) -> Outcome:
    """How ``answers`` (field name → typed text) do at ``step``; an info card is always done."""
    if step["type"] == "form":
        return _check_form(step, answers, persona, language)
    if step["type"] == "choice":
        return _check_choice(step, answers, persona, language)
    return Outcome(CORRECT)
