"""Learners' answers as posted by the attempt form, turned into the grading response shapes.

Field names: ``q<position>-choice`` (one choice), ``q<position>-choices`` (several),
``q<position>-value`` (true/false), ``q<position>-text``, ``q<position>-pair-<id>`` (matching),
``q<position>-rank-<id>`` (ordering: the position given to each item) and
``q<position>-gap-<number>`` (cloze). Shapes are validated afterwards by ``grading.clean_response``.
"""

from django.utils.translation import gettext as _

from core.exceptions import SavadError

from .specs import ids_from_keys


def _ordering(prefix: str, data) -> dict:
    ranks = {}
    for name in data:
        if name.startswith(f"{prefix}rank-"):
            value = data.get(name, "").strip()
            if value:
                ranks[name.removeprefix(f"{prefix}rank-")] = value
    if not ranks:
        return {}
    try:
        ordered = sorted(ranks.items(), key=lambda item: int(item[1]))
    except ValueError:
        raise SavadError(_("Give each item a position number."), status=400) from None
    if len({rank for _id, rank in ranks.items()}) != len(ranks):
        raise SavadError(_("Give each item a different position."), status=400)
    return {"order": [item_id for item_id, _rank in ordered]}


def response_from_post(position: int, question_type: str, single: bool, data) -> dict:
    """The raw response to question ``position`` in the posted ``data`` (a QueryDict)."""
    prefix = f"q{position}-"
    if question_type == "multichoice":
        if single:
            return {"choice": data.get(prefix + "choice")} if data.get(prefix + "choice") else {}
        return {"choices": data.getlist(prefix + "choices")}
    if question_type == "truefalse":
        value = data.get(prefix + "value")
        return {"value": value} if value in {"true", "false"} else {}
    if question_type in {"shortanswer", "numerical", "essay"}:
        return {"text": data.get(prefix + "text", "")}
    if question_type == "match":
        pairs = {
            name.removeprefix(prefix + "pair-"): data.get(name)
            for name in data
            if name.startswith(prefix + "pair-") and data.get(name)
        }
        return {"pairs": pairs} if pairs else {}
    if question_type == "ordering":
        return _ordering(prefix, data)
    if question_type == "cloze":
        gaps = {}
        for name in data:
            if name.startswith(prefix + "gap-"):
                number = name.removeprefix(prefix + "gap-")
                values = [v for v in data.getlist(name) if v != ""]
                if values:
                    gaps[number] = values
        return {"gaps": gaps} if gaps else {}
    return {}


def cloze_gap_response(gap_type: str, values: list[str]) -> dict:
    """One gap's posted values in the shape of its sub-question type."""
    if gap_type == "multichoice":
        return {"choice": values[0]}
    if gap_type == "multiresponse":
        return {"choices": values}
    return {"text": values[0]}


def answers_from_post(questions: list[dict], data) -> dict[int, dict]:
    """Every question's raw response from the posted form.

    ``questions``: dicts with position, type, single, gap_types and the stored snapshot.
    """
    answers = {}
    for question in questions:
        raw = response_from_post(question["position"], question["type"], question["single"], data)
        if question["type"] == "cloze" and raw:
            gap_types = question["gap_types"]
            raw = {
                "gaps": {
                    number: cloze_gap_response(gap_types.get(number, "shortanswer"), values)
                    for number, values in raw["gaps"].items()
                }
            }
        answers[question["position"]] = ids_from_keys(question["stored"], raw)
    return answers
