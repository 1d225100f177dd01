from django import template
from django.utils.translation import get_language

from core.templatetags.savad import PERSIAN_DIGITS

register = template.Library()


@register.filter
def digits(value) -> str:
    """A number in the reader's digits: Persian in ``fa`` (as the chart's axis shows them)."""
    text = str(value)
    return text.translate(PERSIAN_DIGITS) if get_language() == "fa" else text
