"""Aiken question format (single-answer multiple choice): parser and exporter.

::

    What is the capital of France?
    A) Berlin
    B. Paris
    ANSWER: B

The question text may run over several lines before the first choice; the lines are
joined with a space.  Text and choices are HTML-escaped and stored as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from .parsed import ParsedAnswer, ParsedQuestion, ParseIssue, ParseResult, default_question_name

__all__ = ["parse_aiken", "to_aiken"]

MAX_CHOICES = 26

_CHOICE_RE = re.compile(r"([A-Z])[.)]\s*(.*)")
_ANSWER_RE = re.compile(r"answer\s*:\s*(.*)", re.IGNORECASE)
_ANSWER_LETTER_RE = re.compile(r"([A-Za-z])\s*[.)]?")


@dataclass
class _Draft:
    line: int
    text_lines: list[str]
    choices: list[tuple[str, str]] = field(default_factory=list)
    broken: bool = False

    @property
    def labels(self) -> list[str]:
        return [label for label, _text in self.choices]


def parse_aiken(source: str, *, default_category: str = "") -> ParseResult:
    """Parse an Aiken file; report every problem with its line number."""
    if source.startswith("\ufeff"):
        source = source[1:]
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    questions: list[ParsedQuestion] = []
    errors: list[ParseIssue] = []
    draft: _Draft | None = None

    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        answer_match = _ANSWER_RE.fullmatch(line)
        choice_match = None if answer_match else _CHOICE_RE.fullmatch(line)

        if answer_match or choice_match:
            if draft is None:
                errors.append(
                    ParseIssue(
                        number,
                        gettext("Question not started: this line comes before any question text"),
                    )
                )
                continue
            if answer_match:
                question = _finish(draft, answer_match.group(1).strip(), number, errors)
                if question is not None:
                    question.category = default_category
                    questions.append(question)
                draft = None
            else:
                _add_choice(
                    draft, choice_match.group(1), choice_match.group(2).strip(), number, errors
                )
            continue

        # Any other line is question text.
        if draft is not None and draft.choices:
            errors.append(
                ParseIssue(
                    draft.line,
                    gettext(
                        "Question not completed: no ANSWER line before the next question "
                        "starts on line %(line)d"
                    )
                    % {"line": number},
                )
            )
            draft = None
        if draft is None:
            draft = _Draft(line=number, text_lines=[line])
        else:
            draft.text_lines.append(line)

    if draft is not None:
        errors.append(
            ParseIssue(
                draft.line, gettext("Question not completed: the file ends before its ANSWER line")
            )
        )

    errors.sort(key=lambda issue: issue.line)
    return ParseResult(questions=questions, errors=errors)


def _add_choice(
    draft: _Draft, label: str, text: str, number: int, errors: list[ParseIssue]
) -> None:
    if label in draft.labels:
        errors.append(
            ParseIssue(number, gettext("Duplicate choice label '%(label)s'") % {"label": label})
        )
        draft.broken = True
        return
    if not text:
        errors.append(
            ParseIssue(number, gettext("Choice %(label)s has no text") % {"label": label})
        )
        draft.broken = True
    draft.choices.append((label, text))


def _finish(
    draft: _Draft, value: str, number: int, errors: list[ParseIssue]
) -> ParsedQuestion | None:
    if len(draft.choices) < 2 and not draft.broken:  # a broken choice was already reported
        errors.append(ParseIssue(draft.line, gettext("Question must have at least 2 choices")))
        return None
    letter_match = _ANSWER_LETTER_RE.fullmatch(value)
    if not letter_match:
        errors.append(
            ParseIssue(
                number,
                gettext(
                    "ANSWER must give the letter of one choice, e.g. 'ANSWER: B'; got '%(value)s'"
                )
                % {"value": value},
            )
        )
        return None
    letter = letter_match.group(1).upper()
    if letter not in draft.labels:
        errors.append(
            ParseIssue(
                number,
                gettext("ANSWER letter '%(letter)s' is not among the choices (%(labels)s)")
                % {"letter": letter, "labels": ", ".join(draft.labels)},
            )
        )
        return None
    if draft.broken:
        return None

    text = " ".join(draft.text_lines)
    return ParsedQuestion(
        type="multichoice",
        name=default_question_name(text, "plain"),
        text=html.escape(text, quote=False),
        format="html",
        single=True,
        answers=[
            ParsedAnswer(
                text=html.escape(choice, quote=False), fraction=1.0 if label == letter else 0.0
            )
            for label, choice in draft.choices
        ],
        line=draft.line,
    )


# --------------------------------------------------------------------------- exporter


def to_aiken(questions: Iterable[ParsedQuestion]) -> str:
    """Write single-answer multiple-choice questions as Aiken.

    Raises ValueError for a question Aiken cannot express.
    """
    blocks = []
    for question in questions:
        _check_exportable(question)
        text = _one_line(question.text, question.format)
        if not text or _ANSWER_RE.fullmatch(text) or _CHOICE_RE.fullmatch(text):
            raise _not_exportable(
                question, gettext("its text would not be read back as question text")
            )
        lines = [text]
        correct = "A"
        for index, answer in enumerate(question.answers):
            label = chr(ord("A") + index)
            choice = _one_line(answer.text, question.format)
            if not choice:
                raise _not_exportable(
                    question, gettext("choice %(label)s is empty") % {"label": label}
                )
            lines.append(f"{label}) {choice}")
            if answer.fraction == 1.0:
                correct = label
        lines.append(f"ANSWER: {correct}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _not_exportable(question: ParsedQuestion, reason: str) -> ValueError:
    return ValueError(
        gettext("Question '%(name)s' cannot be written as Aiken: %(reason)s")
        % {"name": question.name, "reason": reason}
    )


def _check_exportable(question: ParsedQuestion) -> None:
    if question.type != "multichoice" or not question.single:
        raise _not_exportable(
            question, gettext("only single-answer multiple choice questions are supported")
        )
    count = len(question.answers)
    if count < 2 or count > MAX_CHOICES:
        raise _not_exportable(
            question,
            gettext("it needs between 2 and %(max)d choices, not %(count)d")
            % {"max": MAX_CHOICES, "count": count},
        )
    fractions = [answer.fraction for answer in question.answers]
    if fractions.count(1.0) != 1 or any(f not in (0.0, 1.0) for f in fractions):
        raise _not_exportable(
            question,
            gettext("exactly one choice must be worth 100% and the others nothing"),
        )


def _one_line(text: str, text_format: str) -> str:
    if text_format != "plain":
        text = html.unescape(text)
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
