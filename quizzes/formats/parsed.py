"""Format-neutral result of parsing a question file (GIFT, Aiken).

The parsers in this package only build these plain dataclasses; turning them into
database objects is the importer's job.  ``ParsedQuestion.to_dict()`` is the JSON
contract of ``manage.py import_questions --json``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

QUESTION_TYPES = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "match",
    "essay",
    "description",
)

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

DEFAULT_NAME = "Question"
NAME_LENGTH = 80


@dataclass
class ParsedAnswer:
    text: str
    fraction: float  # 1.0 = 100 %, may be negative
    feedback: str = ""
    tolerance: float | None = None  # numerical only; ``text`` holds the value

    def to_dict(self) -> dict:
        data = {"text": self.text, "fraction": float(self.fraction), "feedback": self.feedback}
        if self.tolerance is not None:
            data["tolerance"] = float(self.tolerance)
        return data


@dataclass
class ParsedPair:
    subquestion: str
    answer: str

    def to_dict(self) -> dict:
        return {"subquestion": self.subquestion, "answer": self.answer}


@dataclass
class ParsedQuestion:
    type: str  # Moodle names, see QUESTION_TYPES
    name: str
    text: str  # an embedded answer block in the middle of the text becomes "_____"
    format: str = "moodle"  # moodle/html/plain/markdown
    category: str = ""
    general_feedback: str = ""
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    single: bool = True  # multichoice only
    correct: bool | None = None  # truefalse only
    feedback_true: str = ""  # truefalse only
    feedback_false: str = ""  # truefalse only
    answers: list[ParsedAnswer] = field(default_factory=list)
    pairs: list[ParsedPair] = field(default_factory=list)
    line: int = 0  # 1-based line where the question starts in the source file

    def to_dict(self) -> dict:
        data = {
            "type": self.type,
            "name": self.name,
            "text": self.text,
            "format": self.format,
            "category": self.category,
            "general_feedback": self.general_feedback,
            "tags": list(self.tags),
            "idnumber": self.idnumber,
        }
        if self.type == "multichoice":
            data["single"] = bool(self.single)
            data["answers"] = [answer.to_dict() for answer in self.answers]
        elif self.type == "truefalse":
            data["correct"] = bool(self.correct)
            data["feedback_true"] = self.feedback_true
            data["feedback_false"] = self.feedback_false
        elif self.type == "shortanswer":
            data["answers"] = [answer.to_dict() for answer in self.answers]
        elif self.type == "numerical":
            data["answers"] = [
                {
                    "text": answer.text,
                    "fraction": float(answer.fraction),
                    "feedback": answer.feedback,
                    "tolerance": float(answer.tolerance or 0.0),
                }
                for answer in self.answers
            ]
        elif self.type == "match":
            data["pairs"] = [pair.to_dict() for pair in self.pairs]
        return data


@dataclass
class ParseIssue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParseResult:
    questions: list[ParsedQuestion]
    errors: list[ParseIssue]

    @property
    def ok(self) -> bool:
        return not self.errors


# Line breaks and paragraphs become spaces, every other tag simply disappears.
_BREAK_TAG_RE = re.compile(r"<\s*(?:br|/?p|/?div|/?li|/?h[1-6])\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>", re.DOTALL)


def default_question_name(text: str, text_format: str = "moodle") -> str:
    """Name for a question that has none: the start of its text, as plain text.

    HTML tags are removed, whitespace is collapsed and the result is cut to at most
    80 characters, on a word boundary when there is one in the second half.
    """
    plain = _BREAK_TAG_RE.sub(" ", text)
    plain = _TAG_RE.sub("", plain)
    if text_format != "plain":
        plain = html.unescape(plain)
    plain = " ".join(plain.split())
    if len(plain) > NAME_LENGTH:
        cut = plain.rfind(" ", 0, NAME_LENGTH + 1)
        plain = plain[:cut] if cut > NAME_LENGTH // 2 else plain[:NAME_LENGTH].rstrip()
    return plain or DEFAULT_NAME
