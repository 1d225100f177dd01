"""Moodle GIFT question format: parser and exporter.

``parse_gift`` reads a whole file and reports every bad question (with the line where
it starts) instead of stopping at the first one; the importer decides what to do with
the errors.  ``to_gift`` writes questions back so that parsing the output gives the same
questions again.

Escapes are handled up front: every ``\\x`` escape is swapped for a private placeholder
character, so the rest of the parser can search for ``{``, ``~``, ``#`` ... with plain
string methods and only ever sees the unescaped (meaningful) ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from .parsed import (
    TEXT_FORMATS,
    ParsedAnswer,
    ParsedPair,
    ParsedQuestion,
    ParseIssue,
    ParseResult,
    default_question_name,
)

__all__ = ["parse_gift", "to_gift"]

# --------------------------------------------------------------------------- escapes

# Unicode noncharacters stand in for escaped characters while a question is parsed.
_PLACEHOLDERS = {
    "\\": "\ufdd0",
    "~": "\ufdd1",
    "=": "\ufdd2",
    "#": "\ufdd3",
    "{": "\ufdd4",
    "}": "\ufdd5",
    ":": "\ufdd6",
    "n": "\ufdd7",  # "\n" is a line break
}
_RESTORE_TABLE = str.maketrans(
    {placeholder: ("\n" if char == "n" else char) for char, placeholder in _PLACEHOLDERS.items()}
)
_SPECIAL_CHARS = "\\~=#{}:"


def _protect(text: str) -> str:
    """Replace every escape sequence by its placeholder; other backslashes stay."""
    out: list[str] = []
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char == "\\" and i + 1 < length and text[i + 1] in _PLACEHOLDERS:
            out.append(_PLACEHOLDERS[text[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    """Turn placeholders back into the literal characters they stand for."""
    return text.translate(_RESTORE_TABLE)


def _escape(text: str) -> str:
    """Escape text for writing into a GIFT file (inverse of ``_protect`` + ``_restore``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for char in text:
        if char in _SPECIAL_CHARS:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


# --------------------------------------------------------------------------- helpers

_FORMAT_RE = re.compile(r"\[(moodle|html|plain|markdown)\]")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
_CATEGORY_ID_RE = re.compile(r"\[id:(?:\\\]|[^\]])*\]")
_CATEGORY_PREFIX = "$CATEGORY:"
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")
_BLANK = "_____"


class _GiftError(Exception):
    """A problem with one question; the message is already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _split_format(protected: str, default: str) -> tuple[str, str]:
    """Split a leading ``[format]`` marker off; return (format, unescaped stripped text)."""
    protected = protected.strip()
    match = _FORMAT_RE.match(protected)
    if match:
        return match.group(1), _restore(protected[match.end() :]).strip()
    return default, _restore(protected).strip()


def _text(protected: str) -> str:
    """Answer or feedback text: format marker dropped, unescaped, stripped."""
    return _split_format(protected, "")[1]


def _format_number(value: float) -> str:
    """``3.0`` → ``"3"``, ``3.1415`` → ``"3.1415"``."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _split_answers(block: str, markers: str) -> list[tuple[str, str]]:
    """Cut an answer block at every marker character, keeping the marker.

    Text before the first marker is kept too (marker ``""``) unless it is blank,
    which is what Moodle does.
    """
    parts: list[tuple[str, str]] = []
    marker = ""
    buffer: list[str] = []
    for char in block:
        if char in markers:
            parts.append((marker, "".join(buffer)))
            marker = char
            buffer = []
        else:
            buffer.append(char)
    parts.append((marker, "".join(buffer)))
    if not parts[0][1].strip():
        parts.pop(0)
    return parts


def _split_feedback(body: str) -> tuple[str, str]:
    """``answer#feedback`` → (answer, feedback); only the first ``#`` counts."""
    answer, _sep, feedback = body.partition("#")
    return answer, feedback


def _take_weight(body: str, default: float) -> tuple[float, str]:
    """Read a leading ``%50%`` weight; return (fraction, rest of the answer)."""
    body = body.strip()
    if body.startswith("%"):
        end = body.find("%", 1)
        if end > 0:
            raw = body[1:end].strip()
            if not _NUMBER_RE.fullmatch(raw):
                raise _GiftError(
                    gettext("Unknown answer weight: '%(weight)s'")
                    % {"weight": _restore(body[: end + 1])}
                )
            value = float(raw)
            if not -100 <= value <= 100:
                raise _GiftError(
                    gettext("Answer weight must be between -100%% and 100%%: '%(weight)s'")
                    % {"weight": _restore(body[: end + 1])}
                )
            return round(value / 100, 7), body[end + 1 :].strip()
    return default, body


def _not_enough_answers() -> _GiftError:
    return _GiftError(gettext("There are not enough answers for this question type"))


def _empty_answer(number: int) -> _GiftError:
    return _GiftError(gettext("Answer %(number)d has no text") % {"number": number})


def _tags_and_idnumber(comments: list[str]) -> tuple[list[str], str]:
    text = "\n".join(comments)
    idnumber = ""
    match = _ID_RE.search(text)
    if match:
        idnumber = match.group(1).replace("\\]", "]").strip()
    tags: list[str] = []
    for raw in _TAG_RE.findall(text):
        tag = raw.replace("\\]", "]").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags, idnumber


def _category_name(raw: str) -> str:
    return _CATEGORY_ID_RE.sub("", raw).strip()


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("//")


def _chunks(lines: list[str]) -> Iterable[list[tuple[int, str]]]:
    """Groups of (line number, line) separated by blank lines."""
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            chunk.append((number, line))
        elif chunk:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _normalise_source(source: str) -> str:
    if source.startswith("\ufeff"):
        source = source[1:]
    return source.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- parser


def parse_gift(source: str, *, default_category: str = "") -> ParseResult:
    """Parse a GIFT file; report every bad question and keep the good ones."""
    questions: list[ParsedQuestion] = []
    errors: list[ParseIssue] = []
    category = default_category
    for chunk in _chunks(_normalise_source(source).split("\n")):
        comments = [line.strip() for _number, line in chunk if _is_comment(line)]
        body = [(number, line) for number, line in chunk if not _is_comment(line)]
        if not body:
            continue
        first = body[0][1].strip()
        if first.startswith(_CATEGORY_PREFIX):
            category = _category_name(first[len(_CATEGORY_PREFIX) :]) or default_category
            body = body[1:]  # a question may follow directly (Moodle would lose it)
            if not body:
                continue
        line_number = body[0][0]
        text = "\n".join(line for _number, line in body).strip()
        try:
            question = _parse_question(text, comments)
        except _GiftError as exc:
            errors.append(ParseIssue(line_number, exc.message))
            continue
        question.category = category
        question.line = line_number
        questions.append(question)
    return ParseResult(questions=questions, errors=errors)


def _parse_question(text: str, comments: list[str]) -> ParsedQuestion:
    raw = _protect(text)

    name = ""
    if raw.startswith("::"):
        raw = raw[2:]
        end = raw.find("::")
        if end >= 0:
            name = _restore(raw[:end]).strip()
            raw = raw[end + 2 :].strip()

    start = raw.find("{")
    end = raw.find("}")
    block: str | None
    if start < 0 and end < 0:
        block = None
        question_text = raw
    elif start < 0 or end < start:
        raise _GiftError(gettext("Could not find {...} around answers"))
    else:
        block = raw[start + 1 : end].strip()
        after = raw[end + 1 :]
        question_text = raw[:start] + (_BLANK + after if after.strip() else "")

    general_feedback = ""
    if block is not None:
        separator = block.rfind("####")
        if separator >= 0:
            general_feedback = _text(block[separator + 4 :])
            block = block[:separator].strip()

    text_format, question_text = _split_format(question_text, "moodle")
    tags, idnumber = _tags_and_idnumber(comments)
    question = ParsedQuestion(
        type="description",
        name=name or default_question_name(question_text, text_format),
        text=question_text,
        format=text_format,
        general_feedback=general_feedback,
        tags=tags,
        idnumber=idnumber,
    )

    if block is None:
        question.type = "description"
    elif block == "":
        question.type = "essay"
    elif block.startswith("#"):
        question.type = "numerical"
        question.answers = _parse_numerical(block[1:])
    elif "~" in block:
        question.type = "multichoice"
        question.single = "=" in block
        question.answers = _parse_multichoice(block)
    elif "=" in block and "->" in block:
        question.type = "match"
        question.pairs = _parse_match(block)
    elif _true_false_value(block):
        question.type = "truefalse"
        _fill_true_false(question, block)
    else:
        question.type = "shortanswer"
        question.answers = _parse_short_answer(block)
    return question


def _parse_multichoice(block: str) -> list[ParsedAnswer]:
    parts = _split_answers(block, "~=")
    if len(parts) < 2:
        raise _not_enough_answers()
    answers = []
    for number, (marker, body) in enumerate(parts, start=1):
        fraction, body = _take_weight(body, 1.0 if marker == "=" else 0.0)
        text, feedback = _split_feedback(body)
        answer = ParsedAnswer(text=_text(text), fraction=fraction, feedback=_text(feedback))
        if not answer.text:
            raise _empty_answer(number)
        answers.append(answer)
    return answers


def _parse_short_answer(block: str) -> list[ParsedAnswer]:
    parts = _split_answers(block, "=")
    if not parts:
        raise _not_enough_answers()
    answers = []
    for number, (_marker, body) in enumerate(parts, start=1):
        fraction, body = _take_weight(body, 1.0)
        text, feedback = _split_feedback(body)
        answer = ParsedAnswer(text=_text(text), fraction=fraction, feedback=_text(feedback))
        if not answer.text:
            raise _empty_answer(number)
        answers.append(answer)
    return answers


def _parse_match(block: str) -> list[ParsedPair]:
    parts = _split_answers(block, "=")
    if len(parts) < 2:
        raise _not_enough_answers()
    pairs = []
    for _marker, body in parts:
        subquestion, arrow, answer = body.partition("->")
        if not arrow:
            raise _GiftError(gettext("Matching question answers are improperly formatted"))
        pairs.append(ParsedPair(subquestion=_text(subquestion), answer=_restore(answer).strip()))
    return pairs


def _true_false_value(block: str) -> str:
    """The T/TRUE/F/FALSE word of a true/false block, or "" if it is not one."""
    check = block
    hash_at = block.find("#")
    if hash_at > 0:
        check = block[:hash_at].strip()
    if check in _TRUE_FALSE or check.upper() in ("TRUE", "FALSE"):
        return check.upper()
    return ""


def _fill_true_false(question: ParsedQuestion, block: str) -> None:
    bits = block.split("#", 2)
    # The first feedback is shown for the wrong response, the second for the right one.
    wrong = _text(bits[1]) if len(bits) > 1 else ""
    right = _text(bits[2]) if len(bits) > 2 else ""
    question.correct = _true_false_value(block) in ("T", "TRUE")
    if question.correct:
        question.feedback_true, question.feedback_false = right, wrong
    else:
        question.feedback_true, question.feedback_false = wrong, right


def _parse_numerical(block: str) -> list[ParsedAnswer]:
    wrong: str | None = None
    tilde_at = block.find("~")
    if tilde_at >= 0:
        block, wrong = block[:tilde_at], block[tilde_at + 1 :]

    parts = _split_answers(block, "=")
    if not parts:
        raise _GiftError(gettext("No answers found for numerical question"))
    answers = []
    for _marker, body in parts:
        fraction, body = _take_weight(body, 1.0)
        value, feedback = _split_feedback(body)
        text, tolerance = _numerical_value(value.strip())
        answers.append(
            ParsedAnswer(
                text=text, fraction=fraction, feedback=_text(feedback), tolerance=tolerance
            )
        )
    if wrong is not None:
        # "~#feedback": a catch-all answer for everything else, worth nothing.
        wrong = wrong.strip()
        feedback = wrong.partition("#")[2] if "#" in wrong else wrong
        answers.append(
            ParsedAnswer(text="*", fraction=0.0, feedback=_text(feedback), tolerance=0.0)
        )
    return answers


def _number(protected: str, *, tolerance: bool = False) -> Decimal:
    text = _restore(protected).strip()
    value: Decimal | None = None
    if _NUMBER_RE.fullmatch(text):
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            value = None
    if value is None or not math.isfinite(float(value)):
        if tolerance:
            message = gettext("Numerical tolerance is not a number: '%(value)s'")
        else:
            message = gettext("Numerical answer is not a number: '%(value)s'")
        raise _GiftError(message % {"value": text})
    return value


def _numerical_value(value: str) -> tuple[str, float]:
    """``3``, ``3:0.5``, ``1..5`` or ``*`` → (answer text, tolerance)."""
    range_at = value.find("..")
    colon_at = value.find(":")
    if range_at > 0:  # position 0 would be "..5": not a range, and not a number either
        low = _number(value[:range_at])
        high = _number(value[range_at + 2 :])
        middle = (low + high) / 2  # exact decimal arithmetic: 3.141..3.142 → 3.1415 ± 0.0005
        return _format_number(float(middle)), float(abs(high - middle))
    if colon_at > 0:
        answer, tolerance = value[:colon_at], value[colon_at + 1 :]
        if _restore(answer).strip() == "*":
            return "*", 0.0
        number = _number(answer)
        return _format_number(float(number)), abs(float(_number(tolerance, tolerance=True)))
    if _restore(value).strip() == "*":
        return "*", 0.0
    return _format_number(float(_number(value))), 0.0


# --------------------------------------------------------------------------- exporter


def to_gift(questions: Iterable[ParsedQuestion]) -> str:
    """Write questions as GIFT; ``parse_gift`` of the result gives them back."""
    parts: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            parts.append(f"{_CATEGORY_PREFIX} {' '.join(category.split())}\n")
        parts.append(_export_question(question))
    return "\n".join(parts)


def _export_question(question: ParsedQuestion) -> str:
    text_format = question.format if question.format in TEXT_FORMATS else "moodle"
    lines = []
    meta = []
    if question.idnumber:
        meta.append(f"[id:{_escape_meta(question.idnumber)}]")
    meta.extend(f"[tag:{_escape_meta(tag)}]" for tag in question.tags)
    if meta:
        lines.append("// " + " ".join(meta))

    head = f"::{_escape(question.name)}::"
    if text_format != "moodle" or _FORMAT_RE.match(question.text.strip()):
        head += f"[{text_format}]"

    block = _answer_block(question, text_format)
    text = question.text
    if block is None:
        body = _escape(text)
    else:
        blank_at = text.find(_BLANK)
        if blank_at >= 0 and text[blank_at + len(_BLANK) :].strip():
            # Missing-word question: the answers go where the blank is.
            body = _escape(text[:blank_at]) + block + _escape(text[blank_at + len(_BLANK) :])
        else:
            # A block at the very end is simply dropped on import, so a trailing blank stays.
            body = _escape(text) + block
    lines.append(head + body)
    return "\n".join(lines) + "\n"


def _escape_meta(value: str) -> str:
    return " ".join(value.split()).replace("]", "\\]")


def _embedded(text: str, text_format: str) -> str:
    """Escape answer/feedback text; protect text that itself starts like a format marker."""
    if _FORMAT_RE.match(text.strip()):
        return f"[{text_format}]" + _escape(text)
    return _escape(text)


def _weight(fraction: float) -> str:
    return f"%{_format_number(round(fraction * 100, 5))}%"


def _feedback(feedback: str, text_format: str) -> str:
    return "#" + _embedded(feedback, text_format) if feedback else ""


def _block(items: list[str], general_feedback: str, text_format: str) -> str:
    lines = [f"\t{item}" for item in items]
    if general_feedback:
        lines.append("\t####" + _embedded(general_feedback, text_format))
    return "{\n" + "\n".join(lines) + "\n}"


def _answer_block(question: ParsedQuestion, text_format: str) -> str | None:
    kind = question.type
    general_feedback = question.general_feedback
    if kind == "description":
        return None
    if kind == "essay":
        if general_feedback:
            return "{####" + _embedded(general_feedback, text_format) + "}"
        return "{}"
    if kind == "truefalse":
        if question.correct:
            word, wrong, right = "TRUE", question.feedback_false, question.feedback_true
        else:
            word, wrong, right = "FALSE", question.feedback_true, question.feedback_false
        inner = word
        if wrong or right:
            inner += "#" + _embedded(wrong, text_format)
        if right:
            inner += "#" + _embedded(right, text_format)
        if general_feedback:
            inner += " ####" + _embedded(general_feedback, text_format)
        return "{" + inner + "}"
    if kind == "multichoice":
        return _block(_multichoice_items(question, text_format), general_feedback, text_format)
    if kind == "shortanswer":
        items = []
        for answer in question.answers:
            _check_no_arrow(answer.text)
            weight = _weight(answer.fraction)
            if answer.fraction == 1.0 and not answer.text.startswith("%"):
                weight = ""
            items.append(
                "="
                + weight
                + _embedded(answer.text, text_format)
                + _feedback(answer.feedback, text_format)
            )
        return _block(items, general_feedback, text_format)
    if kind == "match":
        items = []
        for pair in question.pairs:
            _check_no_arrow(pair.subquestion)
            items.append(f"={_embedded(pair.subquestion, text_format)} -> {_escape(pair.answer)}")
        return _block(items, general_feedback, text_format)
    if kind == "numerical":
        return (
            "{#"
            + _block(_numerical_items(question, text_format), general_feedback, text_format)[1:]
        )
    raise ValueError(gettext("Unknown question type: %(type)s") % {"type": kind})


def _check_no_arrow(text: str) -> None:
    if "->" in text:
        raise ValueError(
            gettext("GIFT cannot express '->' in this text: %(text)s") % {"text": text}
        )


def _multichoice_items(question: ParsedQuestion, text_format: str) -> list[str]:
    markers: list[str] = []
    weights: list[str] = []
    for answer in question.answers:
        if question.single and answer.fraction == 1.0:
            markers.append("=")
            weights.append("")
        elif answer.fraction == 0:
            markers.append("~")
            weights.append("")
        else:
            markers.append("~")
            weights.append(_weight(answer.fraction))
    if question.single and "=" not in markers and question.answers:
        # A single-answer question needs an "=" somewhere; give it to the best answer.
        best = max(range(len(markers)), key=lambda i: question.answers[i].fraction)
        markers[best] = "="
        weights[best] = _weight(question.answers[best].fraction)
    if "~" not in markers and markers:
        # Without any "~" the block would read as a short-answer question.
        markers[-1] = "~"
        weights[-1] = _weight(question.answers[-1].fraction)
    items = []
    for marker, weight, answer in zip(markers, weights, question.answers, strict=True):
        if not weight and answer.text.startswith("%"):
            weight = _weight(answer.fraction)  # keep a leading "%" from reading as a weight
        items.append(
            marker
            + weight
            + _embedded(answer.text, text_format)
            + _feedback(answer.feedback, text_format)
        )
    return items


def _numerical_items(question: ParsedQuestion, text_format: str) -> list[str]:
    items = []
    last = len(question.answers) - 1
    for index, answer in enumerate(question.answers):
        feedback = _feedback(answer.feedback, text_format)
        if answer.text == "*" and index == last and answer.fraction == 0:
            items.append("~" + (feedback or "#"))
            continue
        weight = "" if answer.fraction == 1.0 else _weight(answer.fraction)
        value = _escape(answer.text)
        tolerance = abs(answer.tolerance or 0.0)
        if tolerance and answer.text != "*":
            value += ":" + _format_number(tolerance)
        items.append("=" + weight + value + feedback)
    return items
