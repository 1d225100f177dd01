"""Server-side grading of quiz responses: pure functions over plain data, no database.

A question is described by a ``QuestionSpec``; a learner's response is a plain dict (decoded
JSON or form data). ``clean_response`` checks a response against its question and returns its
canonical form, ``grade`` marks a cleaned response and ``correct_response`` builds a response
that earns full marks.

Response shapes (``{}`` or a missing key means unanswered):

- multichoice: ``{"choice": id}``, or ``{"choices": [ids]}`` when ``single`` is False
- truefalse: ``{"value": bool}``
- shortanswer, numerical, essay: ``{"text": str}``
- match: ``{"pairs": {"<subquestion id>": answer choice id}}``
- ordering: ``{"order": [ids]}``
- cloze: ``{"gaps": {"<number>": <the gap type's response>}}``
- description: ``{}``
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.text import answers_match, format_number, parse_number

TEXT_LIMIT = 10_000
ESSAY_LIMIT = 50_000
FULL_MARK = 0.999999
GAP_TYPES = ("shortanswer", "numerical", "multichoice", "multiresponse")
QUESTION_TYPES = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "match",
    "ordering",
    "cloze",
    "essay",
    "description",
)


@dataclass(frozen=True)
class Choice:
    """An answer option; its meaning depends on the question type (see field comments)."""

    id: int
    text: str
    fraction: float = 0.0  # may be negative (penalty)
    feedback: str = ""
    match_text: str = ""  # match: the right-hand answer; text "" = distractor answer only
    tolerance: float | None = None  # numerical: text holds the value ("3.5" or "*")


@dataclass(frozen=True)
class Gap:
    """One embedded answer of a cloze question."""

    number: int  # 1-based
    type: str  # "shortanswer" | "numerical" | "multichoice" | "multiresponse"
    weight: int = 1
    choices: tuple[Choice, ...] = ()  # ids 1..n within the gap
    case_sensitive: bool = False
    layout: str = "dropdown"  # dropdown | vertical | horizontal (for multichoice display)
    shuffle: bool = False  # multichoice/multiresponse: show the choices in random order


@dataclass(frozen=True)
class QuestionSpec:
    """What grading needs to know about a question."""

    type: str  # one of QUESTION_TYPES
    choices: tuple[Choice, ...] = ()
    single: bool = True  # multichoice
    correct: bool | None = None  # truefalse
    feedback_true: str = ""
    feedback_false: str = ""
    case_sensitive: bool = False  # shortanswer
    gaps: tuple[Gap, ...] = ()  # cloze


class InvalidResponse(ValueError):
    """A response that does not fit its question (forged ids, wrong shape).

    ``.message`` is user-readable.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Grade:
    """The outcome of grading one response."""

    fraction: float | None  # 0..1; None when a teacher must grade or there is no mark
    state: str  # "correct" | "partial" | "incorrect" | "unanswered" | "needs_grading"
    feedback: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)


# --- cleaning -----------------------------------------------------------------------------

_INT = re.compile(r"-?\d{1,18}")
_RESPONSE_KEYS = {
    "truefalse": {"value"},
    "shortanswer": {"text"},
    "numerical": {"text"},
    "essay": {"text"},
    "match": {"pairs"},
    "ordering": {"order"},
    "cloze": {"gaps"},
    "description": set(),
}


def _check_type(spec: QuestionSpec) -> None:
    if spec.type not in QUESTION_TYPES:
        raise ValueError(f"Unknown question type {spec.type!r}")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value)
    raise InvalidResponse(_("A choice must be given by its number."))


def _choice_id(value: Any, valid: set[int]) -> int:
    choice_id = _as_int(value)
    if choice_id not in valid:
        raise InvalidResponse(
            _("Choice %(id)s does not belong to this question.") % {"id": choice_id}
        )
    return choice_id


def _id_list(value: Any, valid: set[int]) -> list[int]:
    if not isinstance(value, list | tuple):
        raise InvalidResponse(_("The chosen answers must be given as a list."))
    ids = [_choice_id(item, valid) for item in value]
    if len(set(ids)) != len(ids):
        raise InvalidResponse(_("The same answer was given more than once."))
    return ids


def _clean_text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise InvalidResponse(_("The answer must be text."))
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        raise InvalidResponse(
            _("The answer is too long (at most %(limit)s characters).") % {"limit": f"{limit:,}"}
        )
    return text


def _clean_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidResponse(_("The answer must be true or false."))


def _clean_pairs(spec: QuestionSpec, value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise InvalidResponse(_("The matched pairs must be given as a mapping."))
    subquestions = {c.id for c in spec.choices if c.text.strip()}
    answers = {c.id for c in spec.choices if c.match_text.strip()}
    pairs: dict[int, int] = {}
    seen: set[int] = set()
    for key, answer in value.items():
        sub_id = _as_int(key)
        if sub_id not in subquestions:
            raise InvalidResponse(
                _("Item %(id)s is not one of the items to match.") % {"id": sub_id}
            )
        if sub_id in seen:
            raise InvalidResponse(_("An item was matched more than once."))
        seen.add(sub_id)
        if not _is_blank(answer):
            pairs[sub_id] = _choice_id(answer, answers)
    return {str(sub_id): pairs[sub_id] for sub_id in sorted(pairs)}


def _clean_gaps(spec: QuestionSpec, value: Any) -> dict[str, dict]:
    if not isinstance(value, dict):
        raise InvalidResponse(_("The gap answers must be given as a mapping."))
    gaps = {gap.number: gap for gap in spec.gaps}
    cleaned: dict[int, dict] = {}
    seen: set[int] = set()
    for key, sub_response in value.items():
        try:
            number = _as_int(key)
        except InvalidResponse:
            number = None
        if number not in gaps:
            raise InvalidResponse(_("The question has no such gap."))
        if number in seen:
            raise InvalidResponse(_("A gap was answered more than once."))
        seen.add(number)
        if _is_blank(sub_response):
            continue
        try:
            sub = clean_response(gap_spec(gaps[number]), sub_response)
        except InvalidResponse as error:
            raise InvalidResponse(
                _("Gap %(number)s: %(message)s") % {"number": number, "message": error.message}
            ) from error
        if sub:
            cleaned[number] = sub
    return {str(number): cleaned[number] for number in sorted(cleaned)}


def clean_response(spec: QuestionSpec, raw: Any) -> dict:
    """Check ``raw`` against ``spec`` and return its canonical form; raise InvalidResponse.

    Ids may be ints or numeric strings; texts are stripped; blank answers are dropped, so an
    unanswered question cleans to ``{}``.
    """
    _check_type(spec)
    if not isinstance(raw, dict):
        raise InvalidResponse(_("The response is not in the expected form."))
    if spec.type == "multichoice":
        allowed = {"choice"} if spec.single else {"choices"}
    else:
        allowed = _RESPONSE_KEYS[spec.type]
    if set(raw) - allowed:
        raise InvalidResponse(_("The response contains unexpected fields."))
    if not allowed:  # description
        return {}
    ids = {c.id for c in spec.choices}
    (key,) = allowed
    value = raw.get(key)
    if _is_blank(value) or value in ([], {}):
        return {}

    if spec.type == "multichoice" and spec.single:
        return {"choice": _choice_id(value, ids)}
    if spec.type == "multichoice":
        return {"choices": sorted(_id_list(value, ids))}
    if spec.type == "truefalse":
        return {"value": _clean_bool(value)}
    if spec.type in ("shortanswer", "numerical", "essay"):
        text = _clean_text(value, ESSAY_LIMIT if spec.type == "essay" else TEXT_LIMIT)
        return {"text": text} if text else {}
    if spec.type == "ordering":
        order = _id_list(value, ids)
        if len(order) != len(ids):
            raise InvalidResponse(_("Every item must be placed exactly once."))
        return {"order": order}
    if spec.type == "match":
        pairs = _clean_pairs(spec, value)
        return {"pairs": pairs} if pairs else {}
    gaps = _clean_gaps(spec, value)  # cloze
    return {"gaps": gaps} if gaps else {}


# --- grading ------------------------------------------------------------------------------


def _settle(fraction: float) -> float:
    """Clamp to [0, 1], round away float noise and snap near-full marks to 1."""
    fraction = min(max(round(fraction, 7), 0.0), 1.0)
    return 1.0 if fraction >= FULL_MARK else fraction


def _state(fraction: float) -> str:
    if fraction >= FULL_MARK:
        return "correct"
    return "partial" if fraction > 0 else "incorrect"


def _graded(fraction: float, feedback: list[str], details: dict | None = None) -> Grade:
    fraction = _settle(fraction)
    return Grade(fraction, _state(fraction), [f for f in feedback if f], details or {})


def _best(matching: list[Choice]) -> Choice | None:
    return max(matching, key=lambda c: c.fraction, default=None)


def _numeric_match(choice: Choice, number: float) -> bool:
    if choice.text.strip() == "*":
        return True
    value = parse_number(choice.text)
    if value is None:
        return False
    tolerance = abs(choice.tolerance or 0.0)
    return abs(number - value) <= tolerance + 1e-9 * max(1.0, abs(value))


def _grade_multichoice(spec: QuestionSpec, response: dict) -> Grade:
    picked = {response["choice"]} if spec.single else set(response["choices"])
    chosen = [c for c in spec.choices if c.id in picked]
    return _graded(sum(c.fraction for c in chosen), [c.feedback for c in chosen])


def _grade_text(spec: QuestionSpec, text: str) -> Grade:
    matching = [
        c for c in spec.choices if answers_match(text, c.text, case_sensitive=spec.case_sensitive)
    ]
    best = _best(matching)
    return _graded(best.fraction, [best.feedback]) if best else _graded(0.0, [])


def _grade_numerical(spec: QuestionSpec, text: str) -> Grade:
    number = parse_number(text)
    if number is None:
        return _graded(0.0, [], {"unparsed": True})
    best = _best([c for c in spec.choices if _numeric_match(c, number)])
    return _graded(best.fraction, [best.feedback]) if best else _graded(0.0, [])


def _grade_match(spec: QuestionSpec, pairs: dict[str, int]) -> Grade:
    subquestions = [c for c in spec.choices if c.text.strip()]
    if not subquestions:
        raise ValueError("A match question needs at least one item to match")
    texts = {c.id: c.match_text.strip() for c in spec.choices}
    results = {
        str(sub.id): str(sub.id) in pairs and texts.get(pairs[str(sub.id)]) == texts[sub.id]
        for sub in subquestions
    }
    right = sum(results.values())
    return _graded(right / len(subquestions), [], {"subquestions": results})


def _grade_ordering(spec: QuestionSpec, order: list[int]) -> Grade:
    if not spec.choices:
        raise ValueError("An ordering question needs items")
    positions = [i < len(order) and order[i] == choice.id for i, choice in enumerate(spec.choices)]
    return _graded(sum(positions) / len(positions), [], {"positions": positions})


def _grade_cloze(spec: QuestionSpec, gaps: dict[str, dict]) -> Grade:
    if not spec.gaps:
        raise ValueError("A cloze question needs gaps")
    weights = [max(gap.weight, 0) for gap in spec.gaps]
    if not sum(weights):
        weights = [1] * len(spec.gaps)
    total, feedback, details = 0.0, [], {}
    for gap, weight in zip(spec.gaps, weights, strict=True):
        sub = grade(gap_spec(gap), gaps.get(str(gap.number), {}))
        total += weight * sub.fraction
        feedback.extend(sub.feedback)
        details[str(gap.number)] = {
            "fraction": sub.fraction,
            "state": sub.state,
            "feedback": sub.feedback,
            **sub.details,
        }
    return _graded(total / sum(weights), feedback, {"gaps": details})


def grade(spec: QuestionSpec, response: dict) -> Grade:
    """Mark a response that ``clean_response`` has already checked."""
    _check_type(spec)
    if spec.type == "description":
        return Grade(None, "unanswered", [], {})
    if not response:
        return Grade(0.0, "unanswered", [], {})
    if spec.type == "essay":
        return Grade(None, "needs_grading", [], {})
    if spec.type == "multichoice":
        return _grade_multichoice(spec, response)
    if spec.type == "truefalse":
        if spec.correct is None:
            raise ValueError("A true/false question needs its correct value")
        said = response["value"]
        return _graded(
            float(said == spec.correct), [spec.feedback_true if said else spec.feedback_false]
        )
    if spec.type == "shortanswer":
        return _grade_text(spec, response["text"])
    if spec.type == "numerical":
        return _grade_numerical(spec, response["text"])
    if spec.type == "match":
        return _grade_match(spec, response["pairs"])
    if spec.type == "ordering":
        return _grade_ordering(spec, response["order"])
    return _grade_cloze(spec, response["gaps"])


# --- building -----------------------------------------------------------------------------


def gap_spec(gap: Gap) -> QuestionSpec:
    """The stand-alone question a cloze gap is graded as."""
    if gap.type not in GAP_TYPES:
        raise ValueError(f"Unknown gap type {gap.type!r}")
    if gap.type == "multiresponse":
        return QuestionSpec("multichoice", gap.choices, single=False)
    return QuestionSpec(gap.type, gap.choices, case_sensitive=gap.case_sensitive)


def _typeable(pattern: str) -> str:
    r"""A text matching a short-answer pattern: wildcards dropped, ``\*`` made a star."""
    text = pattern.replace("\\*", "\x00").replace("*", "").replace("\x00", "*").strip()
    return text or "*"


def correct_response(spec: QuestionSpec) -> dict:
    """A response in the shapes above that earns full marks ({} for essay and description)."""
    _check_type(spec)
    best = _best(list(spec.choices))
    if spec.type == "multichoice" and spec.single:
        return {"choice": best.id} if best else {}
    if spec.type == "multichoice":
        positive = sorted(c.id for c in spec.choices if c.fraction > 0)
        return {"choices": positive} if positive else {}
    if spec.type == "truefalse":
        return {} if spec.correct is None else {"value": spec.correct}
    if spec.type == "shortanswer":
        return {"text": _typeable(best.text)} if best else {}
    if spec.type == "numerical":
        if not best:
            return {}
        value = parse_number(best.text)
        return {"text": "0" if value is None else format_number(value)}
    if spec.type == "match":
        return {"pairs": {str(c.id): c.id for c in spec.choices if c.text.strip()}}
    if spec.type == "ordering":
        return {"order": [c.id for c in spec.choices]}
    if spec.type == "cloze":
        gaps = {str(gap.number): correct_response(gap_spec(gap)) for gap in spec.gaps}
        return {"gaps": gaps}
    return {}


def spec_from_cloze(text: str) -> tuple[str, QuestionSpec]:
    """Parse Moodle cloze text into display text with ``[[gap N]]`` markers and its spec."""
    # import cycle: quizzes.cloze builds on this module's dataclasses
    from quizzes.cloze import parse_cloze

    display, gaps = parse_cloze(text)
    return display, QuestionSpec("cloze", gaps=tuple(gaps))
