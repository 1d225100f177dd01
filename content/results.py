"""xAPI statements from the H5P player: validated, re-graded, stored once, fed to progress.

H5P content grades itself in the browser, so the score in a statement is only a claim. The
server checks what it can: the statement is about the package this learner was given on this
page, the learner is enrolled and actually opened the activity, and each statement id is
stored once. Then it grades what it can itself (``content.h5p.grading``): for the common
question types the learner's ``result.response`` is scored against the answers in the
package's stored ``content.json``, and a QuestionSet or SingleChoiceSet is the sum of its
questions answered in this attempt. Such results are stored as ``ScoreSource.SERVER`` with the
server's numbers. Anything else keeps the browser's numbers (on the 0–1 scale of
``xapi.validation.scaled_score``, as statements to the LRS) and is stored as
``ScoreSource.SELF_REPORTED``: it shows as the learner's score but completes a required
activity only in a course that accepts self-reported scores (``progress.services``).
"""

import json
import logging
import uuid
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import SavadError
from courses.selectors import course_syllabus
from progress import selectors as progress_selectors
from progress.models import ScoreSource
from progress.services import record_completion, record_score
from xapi.validation import StatementError, Tolerances, scaled_score, validate_statement

from .access import PlayerGrant, live_activity_page, packages_used_by
from .h5p import grading
from .models import H5PActivityPage, H5PPackage, H5PResult

logger = logging.getLogger(__name__)

VERB_PREFIX = "http://adlnet.gov/expapi/verbs/"
SCORED_VERBS = {"answered", "completed", "passed", "failed", "scored"}
LOCAL_ID = "http://h5p.org/x-api/h5p-local-content-id"
SUB_CONTENT_ID = "http://h5p.org/x-api/h5p-subContentId"
# H5P's deviations from xAPI, accepted from the player only: containers (question sets,
# interactive videos) report ``interactionType: "compound"``, and scores leave their range
# (bonus points above ``max``, ``max: 0`` for content without points).
H5P_DEVIATIONS = Tolerances(score_range=True, interaction_types=frozenset({"compound"}))


def player_content_id(package: H5PPackage) -> str:
    return f"savad-{package.pk}"


def _parse(statement) -> dict:
    """The parts of a valid statement this module uses; ``SavadError`` (400) for anything else.

    The statement is checked by the same model as the LRS's (``xapi.validation``, in English),
    with H5P's known deviations (``H5P_DEVIATIONS``), and must carry its id.
    """
    try:
        validate_statement(statement, tolerate=H5P_DEVIATIONS)
    except StatementError as problem:
        raise SavadError(str(problem)) from None
    if "id" not in statement:
        raise SavadError(_("The statement needs an id (a UUID)."))
    verb_id = statement["verb"]["id"]
    target = statement["object"]
    extensions = target.get("definition", {}).get("extensions", {})
    activities = statement.get("context", {}).get("contextActivities", {})
    categories = activities.get("category")
    result = statement.get("result", {})
    score = result.get("score", {})
    return {
        "response": result.get("response"),
        "category": categories if isinstance(categories, list) else [],
        "id": uuid.UUID(statement["id"]),
        "verb": verb_id.removeprefix(VERB_PREFIX) if verb_id.startswith(VERB_PREFIX) else verb_id,
        "object_id": str(target.get("id", "")),
        "local_id": str(extensions.get(LOCAL_ID, "")),
        "sub_content_id": str(extensions.get(SUB_CONTENT_ID, ""))[:64],
        "top_level": not activities.get("parent") and not extensions.get(SUB_CONTENT_ID),
        "raw": float(score["raw"]) if "raw" in score else None,
        "max": float(score["max"]) if "max" in score else None,
        "scaled": scaled_score(score),
        "success": result.get("success"),
        "completion": result.get("completion"),
    }


def record_statement(*, grant: PlayerGrant, statement, request) -> dict:
    """Store one statement for the learner ``grant`` names; update progress when it counts."""
    page = live_activity_page(grant.page_id)
    package = H5PPackage.objects.filter(uuid=grant.package_uuid).first()
    if page is None or package is None or package.pk not in packages_used_by(page):
        raise SavadError(_("This exercise is not part of this activity."), status=404)
    access = page.access_for(request)
    if not access.enrolled:
        raise SavadError(_("Only learners enrolled in the course record results."), status=403)
    parsed = _parse(statement)
    if parsed["local_id"] != player_content_id(package):
        raise SavadError(_("The statement is not about this exercise."), status=400)
    if not progress_selectors.has_opened(user_id=grant.user_id, activity_key=page.translation_key):
        raise SavadError(_("Open the activity before sending results for it."), status=409)

    existing = H5PResult.objects.filter(statement_id=parsed["id"]).first()
    if existing is not None:
        if existing.user_id != grant.user_id or existing.package_id != package.pk:
            raise SavadError(_("This statement id is already used."), status=409)
        return {"stored": False, "duplicate": True}
    parsed["graded_by"] = _regrade(package, parsed, user_id=grant.user_id, page=page)
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
                graded_by=parsed["graded_by"],
                statement=statement,
            )
    except IntegrityError:  # the same statement posted twice at once
        return {"stored": False, "duplicate": True}
    return {
        "stored": True,
        "graded_by": parsed["graded_by"],
        "progress": _feed_progress(page, request.user, parsed),
    }


def package_answers(package: H5PPackage) -> dict | None:
    """The package's stored ``content/content.json`` (its parameters and right answers)."""
    try:
        with default_storage.open(f"{package.content_dir}/content/content.json", "rb") as handle:
            content = json.loads(handle.read().decode("utf-8-sig"))
    except (OSError, ValueError) as error:
        logger.warning("H5P package %s: content.json unreadable (%s)", package.uuid, error)
        return None
    return content if isinstance(content, dict) else None


def _regrade(package: H5PPackage, parsed: dict, *, user_id: int, page) -> str:
    """Grade the statement on the server if possible; put the server's numbers in ``parsed``.

    Returns the ``ScoreSource``. Only scored statements are graded; their claimed score,
    success and ``correctResponsesPattern`` are ignored.
    """
    if parsed["verb"] not in SCORED_VERBS or not grading.is_gradable(package.main_library):
        return ScoreSource.SELF_REPORTED
    content = package_answers(package)
    if content is None:
        return ScoreSource.SELF_REPORTED
    claimed = grading.library_from_category(parsed["category"])
    try:
        if parsed["sub_content_id"]:
            member = grading.member_of(content, package.main_library, parsed["sub_content_id"])
            if member is None:
                raise grading.Ungradable("unknown sub-content")
            library = grading.machine_name(member.library)
            if claimed and library != grading.SINGLE_CHOICE and claimed != library:
                raise grading.Ungradable("the statement names another library")
            grade = grading.grade_response(member.library, member.params, parsed["response"])
        else:
            library = grading.machine_name(package.main_library)
            if claimed and claimed != library:
                raise grading.Ungradable("the statement names another library")
            if library in grading.SETS:
                answered = _answered_in_attempt(package, user_id, page.translation_key)
                grade = grading.grade_set(library, content, answered)
            else:
                grade = grading.grade_response(library, content, parsed["response"])
    except grading.Ungradable as reason:
        logger.info("H5P statement %s self-reported: %s", parsed["id"], reason)
        return ScoreSource.SELF_REPORTED
    parsed.update(raw=grade.raw, max=grade.max, scaled=grade.scaled, success=grade.success)
    return ScoreSource.SERVER


def _answered_in_attempt(package, user_id: int, activity_key) -> dict[str, grading.Grade]:
    """Server grades of the set's questions since its last scored top-level statement."""
    results = H5PResult.objects.filter(user_id=user_id, package=package, activity_key=activity_key)
    last = (
        results.filter(sub_content_id="", verb__in=SCORED_VERBS, score_scaled__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    rows = (
        results.filter(pk__gt=last or 0, graded_by=ScoreSource.SERVER)
        .exclude(sub_content_id="")
        .order_by("pk")
        .values_list("sub_content_id", "score_raw", "score_max")
    )
    return {sub: grading.Grade(raw, maximum) for sub, raw, maximum in rows}


def _feed_progress(page, user, parsed: dict) -> str | None:
    """Top-level results of an H5P activity page become its score (lessons keep their own).

    A completion without a score never passes a page with a pass mark or a minimum score.
    """
    if not isinstance(page, H5PActivityPage) or not parsed["top_level"]:
        return None
    activity = page.activity_ref(_syllabus(page))
    if parsed["verb"] in SCORED_VERBS and parsed["scaled"] is not None:
        passed = parsed["success"]
        if page.pass_mark is not None:
            passed = Decimal(str(parsed["scaled"])) * 100 >= page.pass_mark
        return record_score(
            user=user,
            activity=activity,
            score=parsed["scaled"],
            passed=passed,
            source=parsed["graded_by"],
        ).status
    scored_page = page.pass_mark is not None or page.completion_min_score is not None
    if parsed["completion"] and not scored_page:
        return record_completion(
            user=user, activity=activity, source=ScoreSource.SELF_REPORTED
        ).status
    return None


def _syllabus(page):
    return course_syllabus(page.course)
