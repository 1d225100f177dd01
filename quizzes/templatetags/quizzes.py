from django import template

from core.templatetags.savad import fraction_percent

from ..rendering import answer_area as render_answer_area
from ..rendering import question_text as render_question_text

register = template.Library()


@register.simple_tag
def question_text(question):
    return render_question_text(question)


@register.simple_tag
def answer_area(question, editable=1):
    return render_answer_area(question, editable=str(editable) == "1")


register.filter("percent", fraction_percent)  # a 0–1 score as a percentage in the page's digits


@register.filter
def clock(seconds) -> str:
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
