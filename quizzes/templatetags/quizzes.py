from decimal import Decimal

from django import template
from django.utils.formats import number_format

from ..rendering import answer_area as render_answer_area
from ..rendering import question_text as render_question_text

register = template.Library()


@register.simple_tag
def question_text(question):
    return render_question_text(question)


@register.simple_tag
def answer_area(question, editable=1):
    return render_answer_area(question, editable=str(editable) == "1")


@register.filter
def percent(value) -> str:
    """A 0–1 score as a whole percentage in the active language's digits and format."""
    if value is None:
        return ""
    return f"{number_format(round(Decimal(value) * 100), use_l10n=True)}%"


@register.filter
def clock(seconds) -> str:
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
