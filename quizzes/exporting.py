"""Question bank categories out to GIFT or Aiken files (the reverse of ``importing``).

Question texts are exported as HTML (rich text is HTML, whatever the teacher typed); answers
and their feedback are plain text, HTML-escaped so that importing the file gives them back.
"""

import html
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from .formats.aiken import to_aiken
from .formats.gift import to_gift
from .formats.parsed import ParsedAnswer, ParsedPair, ParsedQuestion
from .models import Question, QuestionCategory

NOT_IN_GIFT = {"ordering", "cloze"}


@dataclass
class ExportResult:
    text: str
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (question name, reason)


def question_to_parsed(question: Question, *, text_format: str = "html") -> ParsedQuestion:
    """One stored question as a format-neutral ``ParsedQuestion`` (``html`` or ``plain``)."""

    def rich(value: str) -> str:
        value = expand_db_html(value) if value else ""
        return value if text_format == "html" else html.unescape(strip_tags(value)).strip()

    def plain(value: str) -> str:
        return html.escape(value, quote=False) if text_format == "html" else value

    choices = list(question.choices.all())
    parsed = ParsedQuestion(
        type=question.type,
        name=question.name,
        text=rich(question.text),
        format=text_format,
        category=question.category.name,
        general_feedback=rich(question.general_feedback),
        tags=[tag.strip() for tag in question.tags.split(",") if tag.strip()],
        idnumber=question.idnumber,
        single=question.single,
    )
    if question.type == "truefalse":
        parsed.correct = bool(question.correct_answer)
        parsed.feedback_true = plain(question.feedback_true)
        parsed.feedback_false = plain(question.feedback_false)
    elif question.type == "match":
        parsed.pairs = [ParsedPair(plain(c.text), plain(c.match_text)) for c in choices]
    elif question.type in {"multichoice", "shortanswer", "numerical"}:
        parsed.answers = [
            ParsedAnswer(
                text=plain(c.text),
                fraction=float(c.fraction),
                feedback=plain(c.feedback),
                tolerance=c.tolerance if question.type == "numerical" else None,
            )
            for c in choices
        ]
    return parsed


def _questions(category: QuestionCategory):
    return category.questions.select_related("category").prefetch_related("choices").order_by("pk")


def category_to_parsed(category: QuestionCategory) -> list[ParsedQuestion]:
    """Every question of the category that GIFT can express (not ordering or cloze)."""
    return [question_to_parsed(q) for q in _questions(category) if q.type not in NOT_IN_GIFT]


def export_category(category: QuestionCategory, fmt: str = "gift") -> ExportResult:
    """The category as a GIFT or Aiken file, with the questions the format cannot hold."""
    skipped: list[tuple[str, str]] = []
    kept: list[ParsedQuestion] = []
    writer = to_gift if fmt == "gift" else to_aiken
    for question in _questions(category):
        if fmt == "gift" and question.type in NOT_IN_GIFT:
            skipped.append((question.name, _("GIFT has no %(type)s questions") % _type(question)))
            continue
        parsed = question_to_parsed(question, text_format="html" if fmt == "gift" else "plain")
        try:
            writer([parsed])
        except ValueError as error:
            skipped.append((question.name, str(error)))
            continue
        kept.append(parsed)
    return ExportResult(text=writer(kept) if kept else "", skipped=skipped)


def _type(question: Question) -> dict:
    return {"type": question.get_type_display().lower()}


def export_gift(category: QuestionCategory) -> str:
    """The category as GIFT; questions GIFT cannot hold are named in a comment at the top."""
    result = export_category(category, "gift")
    header = [
        "// " + _("Not exported: %(name)s (%(reason)s)") % {"name": name, "reason": reason}
        for name, reason in result.skipped
    ]
    header = [" ".join(line.split()) for line in header]  # one comment line each
    return "\n".join(header) + ("\n\n" if header else "") + result.text
