"""xAPI statements from the H5P player: validated, stored once, fed to the progress core.

Scores from H5P are reported by the browser (H5P content grades itself there), so the server
checks what it can: the statement is about the package this learner was given on this page,
the learner is enrolled and actually opened the activity, the numbers are sane (clamped to
0–1), and each statement id is stored once.
"""

import math
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import SavadError
from progress.models import ActivityProgress
from progress.services import record_completion, record_score

from .access import PlayerGrant, activity_for, packages_used_by
from .models import H5PActivityPage, H5PPackage, H5PResult

VERB_PREFIX = "http://adlnet.gov/expapi/verbs/"
SCORED_VERBS = {"answered", "completed", "passed", "failed", "scored"}
LOCAL_ID = "http://h5p.org/x-api/h5p-local-content-id"
SUB_CONTENT_ID = "http://h5p.org/x-api/h5p-subContentId"


def player_content_id(package: H5PPackage) -> str:
    return f"savad-{package.pk}"


def _number(value, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SavadError(_("The score “%(name)s” is not a number.") % {"name": name})
    return float(value)


def _scaled(score: dict) -> tuple[float | None, float | None, float | None]:
    raw = _number(score.get("raw"), "raw")
    maximum = _number(score.get("max"), "max")
    scaled = _number(score.get("scaled"), "scaled")
    if raw is not None and maximum is not None and maximum > 0:
        scaled = raw / maximum
    if scaled is not None:
        scaled = min(1.0, max(0.0, scaled))
    return raw, maximum, scaled


def _parse(statement) -> dict:
    if not isinstance(statement, dict):
        raise SavadError(_("The statement must be a JSON object."))
    try:
        statement_id = uuid.UUID(str(statement.get("id", "")))
    except ValueError:
        raise SavadError(_("The statement needs an id (a UUID).")) from None
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    target = statement.get("object")
    if not isinstance(verb_id, str) or not isinstance(target, dict):
        raise SavadError(_("The statement needs a verb and an object."))
    definition = target.get("definition") if isinstance(target.get("definition"), dict) else {}
    extensions = (
        definition.get("extensions") if isinstance(definition.get("extensions"), dict) else {}
    )
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    activities = context.get("contextActivities")
    parent = isinstance(activities, dict) and bool(activities.get("parent"))
    result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
    score = result.get("score") if isinstance(result.get("score"), dict) else {}
    raw, maximum, scaled = _scaled(score)
    success, completion = result.get("success"), result.get("completion")
    return {
        "id": statement_id,
        "verb": verb_id.removeprefix(VERB_PREFIX) if verb_id.startswith(VERB_PREFIX) else verb_id,
        "object_id": str(target.get("id", "")),
        "local_id": str(extensions.get(LOCAL_ID, "")),
        "sub_content_id": str(extensions.get(SUB_CONTENT_ID, ""))[:64],
        "top_level": not parent and not extensions.get(SUB_CONTENT_ID),
        "raw": raw,
        "max": maximum,
        "scaled": scaled,
        "success": success if isinstance(success, bool) else None,
        "completion": completion if isinstance(completion, bool) else None,
    }


def record_statement(*, grant: PlayerGrant, statement, request) -> dict:
    """Store one statement for the learner ``grant`` names; update progress when it counts."""
    page = activity_for(grant.page_id)
    package = H5PPackage.objects.filter(uuid=grant.package_uuid).first()
    if page is None or package is None or package.pk not in packages_used_by(page):
        raise SavadError(_("This exercise is not part of this activity."), status=404)
    access = page.access_for(request)
    if not access.enrolled:
        raise SavadError(_("Only learners enrolled in the course record results."), status=403)
    parsed = _parse(statement)
    if parsed["local_id"] != player_content_id(package):
        raise SavadError(_("The statement is not about this exercise."), status=400)
    opened = ActivityProgress.objects.filter(
        user_id=grant.user_id, activity_key=page.translation_key, first_seen_at__isnull=False
    ).exists()
    if not opened:
        raise SavadError(_("Open the activity before sending results for it."), status=409)

    existing = H5PResult.objects.filter(statement_id=parsed["id"]).first()
    if existing is not None:
        if existing.user_id != grant.user_id or existing.package_id != package.pk:
            raise SavadError(_("This statement id is already used."), status=409)
        return {"stored": False, "duplicate": True}
    try:
        with transaction.atomic():
            H5PResult.objects.create(
                statement_id=parsed["id"],
                user_id=grant.user_id,
                package=package,
                activity_key=page.translation_key,
                verb=parsed["verb"][:255],
                sub_content_id=parsed["sub_content_id"],
                score_raw=parsed["raw"],
                score_max=parsed["max"],
                score_scaled=parsed["scaled"],
                success=parsed["success"],
                completion=parsed["completion"],
                statement=statement,
            )
    except IntegrityError:  # the same statement posted twice at once
        return {"stored": False, "duplicate": True}
    return {"stored": True, "progress": _feed_progress(page, request.user, parsed)}


def _feed_progress(page, user, parsed: dict) -> str | None:
    """Top-level results of an H5P activity page become its score (lessons keep their own)."""
    if not isinstance(page, H5PActivityPage) or not parsed["top_level"]:
        return None
    activity = page.activity_ref(_syllabus(page))
    if parsed["verb"] in SCORED_VERBS and parsed["scaled"] is not None:
        passed = parsed["success"]
        if page.pass_mark is not None:
            passed = Decimal(str(parsed["scaled"])) * 100 >= page.pass_mark
        return record_score(
            user=user, activity=activity, score=parsed["scaled"], passed=passed
        ).status
    if parsed["completion"]:
        return record_completion(user=user, activity=activity).status
    return None


def _syllabus(page):
    from courses.selectors import course_syllabus

    return course_syllabus(page.course)
