"""xAPI 1.0.3 statements for Savad's learning events.

Each builder returns a plain JSON-ready dict. Learners are agents named by their account
(``identity.agent_for``), activities and courses by their translation-key IRIs, and names are
given in every language the page exists in. Statements about quiz questions carry the
learner's response but never the correct answer: choices are named by the attempt's opaque
keys, so neither their order nor their names say which is right.
"""

import uuid
from decimal import Decimal
from functools import cache
from uuid import UUID

from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import pgettext_lazy

from .identity import XAPI_VERSION, activity_iri, agent_for, course_iri, iri_base, question_iri
from .selectors import PageNames, page_names

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PLATFORM = "Savad"
# Deterministic statement ids (uuid5) live under this namespace.
ID_NAMESPACE = uuid.UUID("6b0e3d52-6c1f-4b57-9a86-3f4ef0d5c8a1")

VERB_NAMES = {
    "registered": pgettext_lazy("xAPI verb", "registered"),
    "launched": pgettext_lazy("xAPI verb", "launched"),
    "progressed": pgettext_lazy("xAPI verb", "progressed"),
    "completed": pgettext_lazy("xAPI verb", "completed"),
    "passed": pgettext_lazy("xAPI verb", "passed"),
    "failed": pgettext_lazy("xAPI verb", "failed"),
    "answered": pgettext_lazy("xAPI verb", "answered"),
}
ACTIVITY_TYPES = {  # page model → ADL activity type
    "coursepage": "course",
    "lessonpage": "lesson",
    "quizpage": "assessment",
    "h5pactivitypage": "interaction",
    "simulationpage": "simulation",
}
INTERACTION_TYPES = {
    "multichoice": "choice",
    "truefalse": "true-false",
    "shortanswer": "fill-in",
    "numerical": "numeric",
    "match": "matching",
    "ordering": "sequencing",
    "essay": "long-fill-in",
    "cloze": "other",
}


def deterministic_id(*parts) -> UUID:
    """The same statement id for the same event, however often it is recorded."""
    return uuid.uuid5(ID_NAMESPACE, ":".join(str(part) for part in parts))


def _verb(name: str) -> dict:
    return {"id": ADL_VERBS + name, "display": dict(_verb_display(name))}


@cache
def _verb_display(name: str) -> dict[str, str]:
    """The verb's name in every language (translations do not change while a process runs)."""
    display = {"en-US": name}
    for code, _label in settings.LANGUAGES:
        if code != "en":
            with translation.override(code):
                display[code] = str(VERB_NAMES[name])
    return display


def _activity(iri: str, page: PageNames | None, default_type: str) -> dict:
    kind = ACTIVITY_TYPES.get(page.model, default_type) if page else default_type
    definition: dict = {"type": ADL_ACTIVITIES + kind}
    if page and page.names:
        definition["name"] = dict(sorted(page.names.items()))
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _context(*parents: dict, grouping: dict | None = None, extensions=None) -> dict:
    context = {
        "platform": PLATFORM,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    activities = {}
    if parents:
        activities["parent"] = list(parents)
    if grouping:
        activities["grouping"] = [grouping]
    if activities:
        context["contextActivities"] = activities
    if extensions:
        context["extensions"] = extensions
    return context


def _statement(
    *, user, verb: str, obj: dict, context: dict, result=None, statement_id=None
) -> dict:
    statement = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": agent_for(user),
        "verb": _verb(verb),
        "object": obj,
        "context": context,
        "timestamp": timezone.now().isoformat(),
        "version": XAPI_VERSION,
    }
    if result:
        statement["result"] = result
    return statement


def _number(value) -> float | int:
    number = float(Decimal(str(value)))
    return int(number) if number.is_integer() else round(number, 4)


def _score(scaled, raw=None, maximum=None) -> dict:
    scaled = min(max(float(scaled), 0.0), 1.0)
    if raw is None or not maximum:
        raw, maximum = scaled * 100, 100
    maximum = _number(maximum)
    return {
        "scaled": round(scaled, 4),
        "raw": min(max(_number(raw), 0), maximum),
        "min": 0,
        "max": maximum,
    }


def _names(activity) -> dict[UUID, PageNames]:
    """Names of an ``ActivityRef``'s pages (cached for the whole course)."""
    keys = {activity.course_key, activity.activity_key, *activity.course_activity_keys}
    return page_names(keys, scope=f"course:{activity.course_key}")


def _course_and_activity(activity, names=None) -> tuple[dict, dict]:
    names = names if names is not None else _names(activity)
    course = _activity(course_iri(activity.course_key), names.get(activity.course_key), "course")
    target = _activity(
        activity_iri(activity.activity_key), names.get(activity.activity_key), "lesson"
    )
    return course, target


def _course(course_key: UUID) -> dict:
    names = page_names([course_key], scope=f"course-only:{course_key}")
    return _activity(course_iri(course_key), names.get(course_key), "course")


# --- builders, one per event ---------------------------------------------------------------


def registered(*, user, course_key: UUID) -> dict:
    """The learner enrolled in a course."""
    return _statement(user=user, verb="registered", obj=_course(course_key), context=_context())


def launched(*, user, activity) -> dict:
    """The learner's first visit of an activity; one statement id per learner and activity."""
    course, target = _course_and_activity(activity)
    return _statement(
        user=user,
        verb="launched",
        obj=target,
        context=_context(course, grouping=course),
        statement_id=launched_id(user, activity.activity_key),
    )


def launched_id(user, activity_key: UUID) -> UUID:
    return deterministic_id("launched", user.pk, activity_key)


def finished(*, user, activity, progress) -> dict:
    """An activity completed, passed or failed, with its score (0–1) when it has one."""
    verb = progress.status if progress.status in ("completed", "passed", "failed") else "completed"
    course, target = _course_and_activity(activity)
    result: dict = {"completion": True} if verb != "failed" else {}
    if verb != "completed":
        result["success"] = verb == "passed"
    if progress.score is not None:
        result["score"] = _score(progress.score)
    if progress.time_spent:
        result["duration"] = f"PT{int(progress.time_spent)}S"
    return _statement(
        user=user,
        verb=verb,
        obj=target,
        context=_context(course, grouping=course),
        result=result,
    )


def progressed(*, user, summary) -> dict:
    """The learner's share of a course's required activities changed."""
    return _statement(
        user=user,
        verb="progressed",
        obj=_course(summary.course_key),
        context=_context(),
        result={
            "completion": summary.completed_at is not None,
            "extensions": {PROGRESS_EXTENSION: int(summary.percent_complete)},
        },
    )


def course_completed(*, user, summary) -> dict:
    """The course's completion rule was met (once per learner and course)."""
    return _statement(
        user=user,
        verb="completed",
        obj=_course(summary.course_key),
        context=_context(),
        result={"completion": True, "extensions": {PROGRESS_EXTENSION: 100}},
        statement_id=deterministic_id("course-completed", user.pk, summary.course_key),
    )


def answered(*, user, activity, attempt, response) -> dict | None:
    """One response of a submitted attempt as a ``cmi.interaction`` (None: nothing to answer)."""
    stored = response.spec or {}
    spec = stored.get("spec") or {}
    kind = spec.get("type", "")
    if kind not in INTERACTION_TYPES:
        return None  # a description: no answer to report
    names = _names(activity)
    course, quiz = _course_and_activity(activity, names)
    question_id = response.question_id or f"position-{response.position}"
    quiz_page = names.get(activity.activity_key)
    language = (quiz_page.languages if quiz_page else {}).get(
        attempt.quiz_page_id, settings.LANGUAGE_CODE
    )
    definition = {
        "type": ADL_ACTIVITIES + "cmi.interaction",
        "interactionType": INTERACTION_TYPES[kind],
        "name": {language: stored.get("name") or f"{response.position}"},
    }
    text = " ".join(strip_tags(stored.get("text", "")).split())
    if text:
        definition["description"] = {language: text[:1000]}
    definition.update(_components(kind, stored, spec, language))
    result: dict = {"response": _response(kind, stored, spec, response.answer or {})}
    result["completion"] = bool(response.answer)
    if response.state in ("correct", "partial", "incorrect", "unanswered"):
        result["success"] = response.state == "correct"
    if response.fraction is not None and response.mark:
        result["score"] = _score(
            response.fraction, raw=response.mark * response.fraction, maximum=response.mark
        )
    return _statement(
        user=user,
        verb="answered",
        obj={
            "objectType": "Activity",
            "id": question_iri(activity.activity_key, question_id),
            "definition": definition,
        },
        context=_context(
            quiz,
            grouping=course,
            extensions={f"{iri_base()}/xapi/extensions/attempt": attempt.number},
        ),
        result=result,
    )


def _key(stored: dict, choice_id, names: str = "keys") -> str:
    return stored.get(names, {}).get(str(choice_id), f"choice-{choice_id}")


def _components(kind: str, stored: dict, spec: dict, language: str) -> dict:
    """The choices a learner saw, named by opaque keys, in an order that gives nothing away."""
    choices = spec.get("choices", [])

    def described(choice: dict, names: str = "keys", text_field: str = "text") -> dict:
        return {
            "id": _key(stored, choice["id"], names),
            "description": {language: choice[text_field]},
        }

    if kind in ("multichoice", "ordering"):
        items = [described(choice) for choice in choices]
        return {"choices": sorted(items, key=lambda item: item["id"])}
    if kind == "match":
        sources = [described(choice) for choice in choices if choice["text"]]
        targets, seen = [], set()
        for choice in choices:
            if choice.get("match_text") and choice["match_text"] not in seen:
                seen.add(choice["match_text"])
                targets.append(described(choice, "answer_keys", "match_text"))
        return {
            "source": sorted(sources, key=lambda item: item["id"]),
            "target": sorted(targets, key=lambda item: item["id"]),
        }
    return {}


def _response(kind: str, stored: dict, spec: dict, answer: dict) -> str:
    """The learner's answer in the xAPI response format of its interaction type."""
    if not answer:
        return ""
    if kind == "multichoice":
        ids = [answer["choice"]] if "choice" in answer else answer.get("choices", [])
        return "[,]".join(_key(stored, choice_id) for choice_id in ids)
    if kind == "truefalse":
        return "true" if answer.get("value") else "false"
    if kind == "ordering":
        return "[,]".join(_key(stored, choice_id) for choice_id in answer.get("order", []))
    if kind == "match":
        texts = {c["id"]: c.get("match_text", "") for c in spec.get("choices", [])}
        first_with_text = {}
        for choice in spec.get("choices", []):
            if choice.get("match_text"):
                first_with_text.setdefault(choice["match_text"], choice["id"])
        pairs = []
        for sub_id, answer_id in answer.get("pairs", {}).items():
            target = first_with_text.get(texts.get(answer_id, ""), answer_id)
            pairs.append(f"{_key(stored, sub_id)}[.]{_key(stored, target, 'answer_keys')}")
        return "[,]".join(pairs)
    if kind == "cloze":
        return "[,]".join(_gap_text(spec, number, value) for number, value in _gaps(answer))
    return str(answer.get("text", ""))


def _gaps(answer: dict):
    return sorted(answer.get("gaps", {}).items(), key=lambda item: int(item[0]))


def _gap_text(spec: dict, number: str, value: dict) -> str:
    """A gap's answer as text: typed text, or the texts of the chosen options."""
    gap = next((g for g in spec.get("gaps", []) if str(g.get("number")) == str(number)), {})
    texts = {c["id"]: c["text"] for c in gap.get("choices", [])}
    if "text" in value:
        return str(value["text"])
    ids = [value["choice"]] if "choice" in value else value.get("choices", [])
    return " + ".join(texts.get(choice_id, "") for choice_id in ids)
