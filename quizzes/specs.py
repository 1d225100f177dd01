"""From the question bank to what grading and the learner's page need.

``question_spec`` turns a stored question into a grading ``QuestionSpec`` (snapshotted as JSON
into each attempt); ``learner_view`` is the part of a spec a learner may see while answering:
texts of the choices in the attempt's order, never fractions, feedback or the right pairs.
"""

import dataclasses
import random
from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core.text import parse_number

from .cloze import PLACEHOLDER, ClozeError
from .grading import Choice, Gap, QuestionSpec, spec_from_cloze

GRADED_TYPES = {"multichoice", "truefalse", "shortanswer", "numerical", "match", "ordering"}


class QuestionDefinitionError(ValueError):
    """A question that cannot be graded as written; ``message`` says what to fix."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def question_spec(question, choices=None) -> tuple[str, QuestionSpec]:
    """The question's display text (gaps as placeholders) and its grading spec."""
    if question.type == "cloze":
        try:
            return spec_from_cloze(question.text)
        except ClozeError as error:
            raise QuestionDefinitionError(error.message) from error
    if choices is None:
        choices = list(question.choices.all())
    spec_choices = tuple(
        Choice(
            id=index,
            text=choice.text.strip(),
            fraction=float(choice.fraction or 0),
            feedback=choice.feedback,
            match_text=choice.match_text.strip(),
            tolerance=choice.tolerance,
        )
        for index, choice in enumerate(choices, start=1)
    )
    spec = QuestionSpec(
        type=question.type,
        choices=spec_choices,
        single=question.single,
        correct=question.correct_answer,
        feedback_true=question.feedback_true,
        feedback_false=question.feedback_false,
        case_sensitive=question.case_sensitive,
    )
    return question.text, spec


def validate_question(question, choices) -> None:
    """Refuse questions that could not be graded fairly, with a message a teacher understands."""
    kind = question.type
    if kind == "cloze":
        question_spec(question)
        return
    full = [c for c in choices if Decimal(c.fraction or 0) >= Decimal("0.9999")]
    positive = sum(Decimal(c.fraction) for c in choices if Decimal(c.fraction or 0) > 0)
    if kind == "multichoice":
        if len(choices) < 2:
            raise QuestionDefinitionError(_("A multiple-choice question needs at least 2 answers."))
        if question.single and not full:
            raise QuestionDefinitionError(_("One answer must give full credit (1)."))
        if not question.single and positive < Decimal("0.9999"):
            raise QuestionDefinitionError(_("The positive credits must add up to 1."))
    elif kind == "truefalse":
        if question.correct_answer is None:
            raise QuestionDefinitionError(_("Say whether the statement is true or false."))
    elif kind in {"shortanswer", "numerical"}:
        if not full:
            raise QuestionDefinitionError(_("At least one answer must give full credit (1)."))
        if kind == "numerical":
            for choice in choices:
                if choice.text.strip() != "*" and parse_number(choice.text) is None:
                    raise QuestionDefinitionError(
                        _("“%(text)s” is not a number.") % {"text": choice.text}
                    )
    elif kind == "match":
        if len([c for c in choices if c.text.strip()]) < 2:
            raise QuestionDefinitionError(_("A matching question needs at least 2 pairs."))
        if any(not c.match_text.strip() for c in choices):
            raise QuestionDefinitionError(_("Every pair needs its right-hand answer."))
    elif kind == "ordering" and len(choices) < 2:
        raise QuestionDefinitionError(_("An ordering question needs at least 2 items."))


def spec_to_json(spec: QuestionSpec) -> dict:
    return dataclasses.asdict(spec)


def spec_from_json(data: dict) -> QuestionSpec:
    values = dict(data)
    values["choices"] = tuple(Choice(**c) for c in data.get("choices", ()))
    values["gaps"] = tuple(
        Gap(**{**g, "choices": tuple(Choice(**c) for c in g.get("choices", ()))})
        for g in data.get("gaps", ())
    )
    return QuestionSpec(**values)


def snapshot(question, *, rng: random.Random, shuffle: bool) -> dict:
    """What an attempt stores for one question: text, spec and the order choices are shown in."""
    text, spec = question_spec(question)
    order = [c.id for c in spec.choices]
    gap_orders = {str(g.number): [c.id for c in g.choices] for g in spec.gaps}
    if spec.type == "ordering":
        while len(order) > 1 and order == sorted(order):  # never show the answer as given
            rng.shuffle(order)
    elif shuffle and question.shuffle_choices and spec.type in {"multichoice", "match"}:
        rng.shuffle(order)
    for gap in spec.gaps:
        if gap.shuffle:
            rng.shuffle(gap_orders[str(gap.number)])
    keys = {str(c.id): f"{rng.getrandbits(40):010x}" for c in spec.choices}
    answer_keys = {str(c.id): f"{rng.getrandbits(40):010x}" for c in spec.choices if c.match_text}
    return {
        "name": question.name,
        "keys": keys,  # opaque per-attempt names of the choices: ids would give pairs and orders
        "answer_keys": answer_keys,  # and other names for the right-hand answers of pairs
        "text": text,
        "general_feedback": question.general_feedback,
        "spec": spec_to_json(spec),
        "order": order,
        "gap_orders": gap_orders,
    }


def learner_view(stored: dict) -> dict:
    """The question as shown while answering: no credit, feedback or right answers in it."""
    spec = spec_from_json(stored["spec"])
    by_id = {c.id: c for c in spec.choices}
    keys = stored.get("keys", {})

    answer_keys = stored.get("answer_keys", {})

    def item(choice_id: int, text: str, names: dict = keys) -> dict:
        return {"id": choice_id, "key": names.get(str(choice_id), str(choice_id)), "text": text}

    view = {"type": spec.type, "text": stored["text"], "single": spec.single}
    if spec.type in {"multichoice", "ordering"}:
        view["choices"] = [item(i, by_id[i].text) for i in stored["order"]]
    elif spec.type == "match":
        view["subquestions"] = [item(i, by_id[i].text) for i in stored["order"] if by_id[i].text]
        options, seen = [], set()
        for choice in spec.choices:
            if choice.match_text and choice.match_text not in seen:
                seen.add(choice.match_text)
                options.append(item(choice.id, choice.match_text, answer_keys))
        options.sort(key=lambda option: option["key"])  # neither order nor names give pairs
        view["options"] = options
    elif spec.type == "cloze":
        gaps = []
        for gap in spec.gaps:
            gap_choices = {c.id: c for c in gap.choices}
            entry = {"number": gap.number, "type": gap.type, "layout": gap.layout}
            if gap.type in {"multichoice", "multiresponse"}:
                order = stored["gap_orders"].get(str(gap.number), list(gap_choices))
                entry["choices"] = [
                    {"id": i, "key": str(i), "text": gap_choices[i].text} for i in order
                ]
            gaps.append(entry)
        view["gaps"] = gaps
        view["placeholder"] = PLACEHOLDER
    return view


def plain_name(text: str, limit: int = 80) -> str:
    """A short name for a question from its text."""
    words = " ".join(strip_tags(text).split())
    return (words[: limit - 1] + "…") if len(words) > limit else (words or _("Question"))


def ids_from_keys(stored: dict, raw: dict) -> dict:
    """A posted response with the attempt's opaque choice names turned back into choice ids.

    Unknown names (a forged value, or a bare id) become -1, which ``clean_response`` refuses.
    """
    ids = {key: int(choice_id) for choice_id, key in stored.get("keys", {}).items()}
    answer_ids = {key: int(choice_id) for choice_id, key in stored.get("answer_keys", {}).items()}

    def one(value, names=ids):
        if not names:  # a snapshot without opaque names (cloze gaps use plain ids)
            return value
        return names.get(value, -1) if isinstance(value, str) else -1

    result = dict(raw)
    if "choice" in raw:
        result["choice"] = one(raw["choice"])
    if isinstance(raw.get("choices"), list):
        result["choices"] = [one(v) for v in raw["choices"]]
    if isinstance(raw.get("order"), list):
        result["order"] = [one(v) for v in raw["order"]]
    if isinstance(raw.get("pairs"), dict):
        result["pairs"] = {str(one(k)): one(v, answer_ids) for k, v in raw["pairs"].items()}
    return result
