r"""Moodle "embedded answers" (Cloze) syntax.

A gap is written inside the question text as ``{weight:TYPE:answers}``, for example
``{1:SHORTANSWER:=Tehran#Right~*#Wrong}`` or ``{:NUMERICAL:=3.14:0.01}``. Answers are
separated by ``~``; ``=`` marks a fully correct answer and ``%50%`` gives a partial (or, with
``%-50%``, negative) fraction; ``#`` starts an answer's feedback. ``\}``, ``\{``, ``\~``, ``\#``,
``\=``, ``\/`` and ``\%`` stand for the character itself; ``\*`` is kept for short answers,
where it means a literal star. A ``{`` that is not followed by ``digits:`` is ordinary text.
"""

import re

from django.utils.translation import gettext as _

from core.text import format_number, parse_number
from quizzes.grading import Choice, Gap

PLACEHOLDER = "[[gap {number}]]"
FULL_MARK = 0.999999

# Type name -> (gap type, case sensitive, layout, shuffle).
GAP_TYPE_NAMES: dict[str, tuple[str, bool, str, bool]] = {}
for _names, _kind in (
    (("SHORTANSWER", "SA", "MW"), ("shortanswer", False, "dropdown", False)),
    (("SHORTANSWER_C", "SAC", "MWC"), ("shortanswer", True, "dropdown", False)),
    (("NUMERICAL", "NM"), ("numerical", False, "dropdown", False)),
    (("MULTICHOICE", "MC"), ("multichoice", False, "dropdown", False)),
    (("MULTICHOICE_S", "MCS"), ("multichoice", False, "dropdown", True)),
    (("MULTICHOICE_V", "MCV"), ("multichoice", False, "vertical", False)),
    (("MULTICHOICE_VS", "MCVS"), ("multichoice", False, "vertical", True)),
    (("MULTICHOICE_H", "MCH"), ("multichoice", False, "horizontal", False)),
    (("MULTICHOICE_HS", "MCHS"), ("multichoice", False, "horizontal", True)),
    (("MULTIRESPONSE", "MR"), ("multiresponse", False, "vertical", False)),
    (("MULTIRESPONSE_S", "MRS"), ("multiresponse", False, "vertical", True)),
    (("MULTIRESPONSE_H", "MRH"), ("multiresponse", False, "horizontal", False)),
    (("MULTIRESPONSE_HS", "MRHS"), ("multiresponse", False, "horizontal", True)),
):
    for _name in _names:
        GAP_TYPE_NAMES[_name] = _kind

_ESCAPABLE = frozenset("{}~#=/%")
_ESCAPABLE_ALL = _ESCAPABLE | {"*"}
_OPEN = re.compile(r"\{(\d*):")
_TYPE = re.compile(r"([A-Za-z_]*)(:?)")
_PERCENT = re.compile(r"%(-?\d+(?:\.\d+)?)%")

# A parsed character: (char, escaped).
Token = tuple[str, bool]


class ClozeError(ValueError):
    """Cloze text that cannot be turned into gaps; ``.message`` is user-readable."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(tokens: list[Token], escapable: frozenset[str] = _ESCAPABLE) -> str:
    """Tokens back to text: escaped syntax characters lose their backslash, others keep it."""
    return "".join(c if not escaped or c in escapable else "\\" + c for c, escaped in tokens)


def _split(tokens: list[Token], separator: str) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token == (separator, False):
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _scan_body(text: str, start: int, number: int) -> tuple[list[Token], int]:
    """Read a gap body from ``start`` up to its closing ``}``; return tokens and the end index."""
    tokens: list[Token] = []
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            tokens.append((text[i + 1], True))
            i += 2
            continue
        if char == "}":
            return tokens, i + 1
        if char == "{":
            break
        tokens.append((char, False))
        i += 1
    raise ClozeError(_("Gap %(number)s is not closed with }.") % {"number": number})


def _fraction(tokens: list[Token], number: int) -> tuple[float, list[Token]]:
    """The answer's fraction from its ``=`` or ``%n%`` prefix, and the rest of the answer."""
    if tokens[:1] == [("=", False)]:
        return 1.0, tokens[1:]
    raw = "".join(c if not escaped else "\x00" for c, escaped in tokens)
    match = _PERCENT.match(raw)
    if not match:
        return 0.0, tokens
    percent = float(match.group(1))
    if not -100 <= percent <= 100:
        raise ClozeError(
            _("Gap %(number)s: an answer's percentage must be between -100 and 100.")
            % {"number": number}
        )
    return percent / 100, tokens[match.end() :]


def _numerical_choice(choice_id: int, answer: str, fraction: float, feedback: str, number: int):
    value_text, _colon, tolerance_text = answer.partition(":")
    value_text = value_text.strip()
    if value_text == "*":
        return Choice(choice_id, "*", fraction, feedback)
    value = parse_number(value_text)
    tolerance = parse_number(tolerance_text) if tolerance_text.strip() else 0.0
    if value is None or tolerance is None:
        raise ClozeError(
            _('Gap %(number)s: "%(value)s" is not a number.')
            % {"number": number, "value": answer[:50]}
        )
    return Choice(choice_id, format_number(value), fraction, feedback, tolerance=abs(tolerance))


def _parse_gap(number: int, weight: int, type_name: str, body: list[Token]) -> Gap:
    kind, case_sensitive, layout, shuffle = GAP_TYPE_NAMES[type_name]
    choices = []
    for raw_answer in _split(body, "~"):
        if not _text(raw_answer).strip():
            continue  # empty answer slots (e.g. a trailing ~) are ignored
        fraction, rest = _fraction(raw_answer, number)
        answer_tokens, *feedback_parts = _split(rest, "#")
        # A short answer keeps \* (a literal star, see core.text.answers_match).
        answer = _text(answer_tokens, _ESCAPABLE if kind == "shortanswer" else _ESCAPABLE_ALL)
        answer = answer.strip()
        feedback = "#".join(_text(part) for part in feedback_parts).strip()
        if not answer:
            raise ClozeError(_("Gap %(number)s has an empty answer.") % {"number": number})
        choice_id = len(choices) + 1
        if kind == "numerical":
            choices.append(_numerical_choice(choice_id, answer, fraction, feedback, number))
        else:
            choices.append(Choice(choice_id, answer, fraction, feedback))
    if not choices:
        raise ClozeError(_("Gap %(number)s has no answers.") % {"number": number})
    if kind == "multiresponse":
        full = sum(c.fraction for c in choices if c.fraction > 0) >= FULL_MARK
    else:
        full = max(c.fraction for c in choices) >= FULL_MARK
    if not full:
        raise ClozeError(
            _("Gap %(number)s has no fully correct answer (mark one with = or %%100%%).")
            % {"number": number}
        )
    return Gap(number, kind, weight, tuple(choices), case_sensitive, layout, shuffle)


def parse_cloze(text: str) -> tuple[str, list[Gap]]:
    """Replace each gap in ``text`` by ``[[gap N]]`` and return the text and its gaps."""
    out: list[str] = []
    gaps: list[Gap] = []
    position = 0
    for opening in _OPEN.finditer(text):
        start = opening.start()
        if start < position:
            continue  # inside a gap already read
        if start > 0 and text[start - 1] == "\\":
            out.append(text[position : start - 1] + "{")
            position = start + 1
            continue
        number = len(gaps) + 1
        type_match = _TYPE.match(text, opening.end())
        type_name = type_match.group(1).upper()
        if type_name in GAP_TYPE_NAMES and not type_match.group(2):
            raise ClozeError(_("Gap %(number)s has no answers.") % {"number": number})
        if type_name not in GAP_TYPE_NAMES:
            raise ClozeError(
                _('Gap %(number)s has an unknown type "%(type)s".')
                % {"number": number, "type": type_match.group(1)[:30]}
            )
        body, end = _scan_body(text, type_match.end(), number)
        weight = int(opening.group(1)) if opening.group(1) else 1
        if weight < 1:
            raise ClozeError(
                _("The weight of gap %(number)s must be at least 1.") % {"number": number}
            )
        gaps.append(_parse_gap(number, weight, type_name, body))
        out.append(text[position:start] + PLACEHOLDER.format(number=number))
        position = end
    if not gaps:
        raise ClozeError(_("The text has no gaps. Write a gap like {1:SHORTANSWER:=answer}."))
    out.append(text[position:])
    return "".join(out), gaps
