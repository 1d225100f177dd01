"""Template helpers of the simulation pages."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def field_value(values: dict, name: str) -> str:
    """What the learner typed in a field (shown again with its error)."""
    return (values or {}).get(name, "")


MONTHS = {
    "fa": [
        "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
        "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip


@register.simple_tag
def date_parts(values: dict, name: str) -> dict:
    """A three-part date field: what was typed in each part, and the month names to choose from
    (the solar calendar's in Persian)."""
    values = values or {}
    language = "fa" if get_language() == "fa" else "en"
    return {
        "day": values.get(f"{name}__day", ""),
        "month": values.get(f"{name}__month", ""),
        "year": values.get(f"{name}__year", ""),
        "months": [(str(number), label) for number, label in enumerate(MONTHS[language], 1)],
    }


@register.filter
def field_error(errors: dict, name: str) -> str:
    return (errors or {}).get(name, "")
