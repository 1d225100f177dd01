"""Question files into the question bank: decode, parse, convert texts, save all or nothing.

``parse_file`` turns uploaded bytes into a ``ParseResult`` (every problem reported with its line);
``import_questions`` saves parsed questions into categories only when every one of them can be
stored and graded fairly, otherwise it raises ``QuestionImportError`` and writes nothing.
"""

import html
import re
from decimal import Decimal

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .formats.aiken import parse_aiken
from .formats.gift import parse_gift
from .formats.parsed import ParsedQuestion, ParseIssue, ParseResult
from .models import Choice, Question, QuestionCategory
from .specs import QuestionDefinitionError, validate_question

FORMATS = ("gift", "aiken")

ALLOWED_TAGS = {
    *("p", "br", "hr", "div", "span", "blockquote", "pre", "code"),
    *("b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "mark"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
    *("a", "img", "figure", "figcaption"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"dir", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_CATEGORY_CONTEXT_RE = re.compile(r"^\$[a-z0-9]+\$(?:/|$)", re.IGNORECASE)


class QuestionImportError(Exception):
    """Nothing was imported; ``errors`` says why, question by question."""

    def __init__(self, errors: list[ParseIssue]):
        super().__init__("\n".join(str(issue) for issue in errors))
        self.errors = errors


def max_bytes() -> int:
    return settings.QUIZ_IMPORT_MAX_BYTES


def parse_file(data: bytes, fmt: str) -> ParseResult:
    """Decode an uploaded question file (UTF-8, BOM or not) and parse it as ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown question format: {fmt}")
    problem = _file_problem(data)
    if problem:
        return ParseResult(questions=[], errors=[problem])
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _("The file is not UTF-8 text. Save it with the UTF-8 encoding and try again.")
        return ParseResult(questions=[], errors=[ParseIssue(line, message)])
    result = (parse_gift if fmt == "gift" else parse_aiken)(source)
    if not result.questions and not result.errors:
        result.errors.append(ParseIssue(0, _("No questions were found in the file.")))
    return result


def _file_problem(data: bytes) -> ParseIssue | None:
    limit = max_bytes()
    if len(data) > limit:
        message = _("The file is too large: the limit is %(size)s KB.") % {"size": limit // 1024}
        return ParseIssue(0, message)
    if not data.strip():
        return ParseIssue(0, _("The file is empty."))
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:8192]:
        return ParseIssue(
            0,
            _(
                "This is not a text file (perhaps a ZIP archive or a document). "
                "Save the questions as plain UTF-8 text."
            ),
        )
    return None


# --------------------------------------------------------------------------- texts


def clean_html(value: str) -> str:
    """HTML with only harmless formatting, links and images left."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def text_to_html(value: str, text_format: str) -> str:
    """A question or feedback text, in its file format, as safe HTML for a rich-text field."""
    if not value.strip():
        return ""
    if text_format == "html":
        return clean_html(value)
    if text_format == "markdown":
        return clean_html(markdown.markdown(value))
    escaped = html.escape(value.strip(), quote=False).replace("\n", "<br>")
    return f"<p>{escaped}</p>"


def answer_text(value: str, text_format: str) -> str:
    """Answers and their feedback are stored as plain text."""
    if text_format == "html":
        return html.unescape(strip_tags(value)).strip()
    return value.strip()


def category_name(path: str) -> str:
    """``$course$/top/Week 1`` → ``Week 1``: Moodle's context prefix and ``top`` dropped."""
    name = _CATEGORY_CONTEXT_RE.sub("", path.strip()).strip()
    if name == "top" or name.startswith("top/"):
        name = name[3:].lstrip("/").strip()
    return name[:255]


# --------------------------------------------------------------------------- import


def import_questions(
    *,
    parsed: list[ParsedQuestion],
    category: QuestionCategory | None = None,
    course=None,
    default_category_name: str = "Imported",
    source_format: str = "",
) -> list[Question]:
    """Save every parsed question, or none: raise ``QuestionImportError`` with all problems."""
    built = [(item, *_build(item, source_format)) for item in parsed]
    errors = _issues(built)
    if errors:
        raise QuestionImportError(errors)
    categories: dict[str, QuestionCategory] = {}
    created = []
    with transaction.atomic():
        for item, question, choices in built:
            if category is not None:
                question.category = category
            else:
                name = category_name(item.category) or default_category_name
                if name not in categories:
                    categories[name] = _category(name, course)
                question.category = categories[name]
            question.save()
            for choice in choices:
                choice.question = question
            Choice.objects.bulk_create(choices)
            created.append(question)
    return created


def question_problems(parsed: list[ParsedQuestion]) -> list[ParseIssue]:
    """What would stop ``import_questions`` (nothing is written to the database)."""
    return _issues([(item, *_build(item, "")) for item in parsed])


def _issues(built) -> list[ParseIssue]:
    return [
        ParseIssue(item.line, message)
        for item, question, choices in built
        for message in _problems(question, choices)
    ]


def _category(name: str, course) -> QuestionCategory:
    existing = QuestionCategory.objects.filter(name=name, course=course).first()
    return existing or QuestionCategory.objects.create(name=name, course=course)


def _build(item: ParsedQuestion, source_format: str) -> tuple[Question, list[Choice]]:
    question = Question(
        type=item.type,
        name=item.name.strip()[:255] or _("Question"),
        text=text_to_html(item.text, item.format) or "<p></p>",
        general_feedback=text_to_html(item.general_feedback, item.format),
        idnumber=item.idnumber,
        tags=", ".join(item.tags),
        single=item.single,
        source_format=source_format,
    )
    if item.type == "truefalse":
        question.correct_answer = bool(item.correct)
        question.feedback_true = answer_text(item.feedback_true, item.format)
        question.feedback_false = answer_text(item.feedback_false, item.format)
    choices = []
    if item.type == "match":
        for pair in item.pairs:
            choices.append(
                Choice(
                    text=answer_text(pair.subquestion, item.format),
                    match_text=answer_text(pair.answer, item.format),
                )
            )
    elif item.type in {"multichoice", "shortanswer", "numerical"}:
        for answer in item.answers:
            choices.append(
                Choice(
                    text=answer_text(answer.text, item.format),
                    fraction=Decimal(str(round(answer.fraction, 7))),
                    feedback=answer_text(answer.feedback, item.format),
                    tolerance=answer.tolerance if item.type == "numerical" else None,
                )
            )
    for order, choice in enumerate(choices):
        choice.sort_order = order
    return question, choices


def _problems(question: Question, choices: list[Choice]) -> list[str]:
    """Why this question cannot be stored or graded fairly (empty when it can)."""
    problems = []
    # A matching distractor has no sub-question: its empty text is meant.
    choice_exclude = {"question", "text"} if question.type == "match" else {"question"}
    checks = [(question, {"category"})] + [(choice, choice_exclude) for choice in choices]
    for instance, exclude in checks:
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = instance._meta.get_field(field).verbose_name
                problems.extend(f"{label}: {message}" for message in messages)
    if not problems:
        try:
            validate_question(question, choices)
        except QuestionDefinitionError as error:
            problems.append(error.message)
    return problems
