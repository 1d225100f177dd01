from django import template
from django.utils.translation import get_language

from core.text import persian_digits

register = template.Library()


@register.filter
def digits(value) -> str:
    """A number in the reader's digits: Persian in ``fa`` (as the chart's axis shows them)."""
    text = str(value)
    return persian_digits(text) if get_language() == "fa" else text
