"""Attempt lifecycle: start, save as the learner goes, submit, grade on the server, teacher grading.

Every write locks the attempt row (``SELECT … FOR UPDATE``) and checks its state inside the same
transaction, so a double submit counts once and nothing is half-written. Expected failures raise
``QuizError`` (a ``SavadError``) with a message for the learner; nothing is changed then.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import SavadError
from courses.models import Enrolment
from courses.selectors import course_syllabus, is_enrolled
from progress import signals
from progress.services import record_score

from .grading import InvalidResponse, clean_response, grade
from .models import Attempt, GradingMethod, Question, QuizPage, Response
from .specs import snapshot, spec_from_json

FOUR_PLACES = Decimal("0.0001")


class QuizError(SavadError):
    """A quiz action refused, with a message for the learner."""


def grace_period() -> timedelta:
    return timedelta(seconds=settings.QUIZ_GRACE_SECONDS)


@dataclass(frozen=True)
class Availability:
    can_start: bool
    reason: str = ""


def quiz_availability(*, quiz: QuizPage, user, now=None, used: int | None = None) -> Availability:
    """Whether ``user`` may start a new attempt now, and why not (``used``: attempts so far)."""
    now = now or timezone.now()
    if quiz.opens_at and now < quiz.opens_at:
        return Availability(False, _("This quiz is not open yet."))
    if quiz.closes_at and now >= quiz.closes_at:
        return Availability(False, _("This quiz is closed."))
    if quiz.attempts_allowed:
        if used is None:
            used = Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).count()
        if used >= quiz.attempts_allowed:
            return Availability(False, _("You have used all your attempts at this quiz."))
    return Availability(True)


def _draw_questions(quiz: QuizPage, rng: random.Random) -> list[tuple[Question, Decimal]]:
    """The questions of a new attempt with their marks: fixed ones and random draws."""
    chosen: list[tuple[Question, Decimal]] = []
    used: set[int] = set()
    slots = list(quiz.slots.select_related("question", "random_category"))
    for slot in slots:
        if slot.question_id:
            question = slot.question
            chosen.append((question, slot.mark if slot.mark is not None else question.default_mark))
            used.add(question.pk)
    for slot in slots:
        if slot.random_category_id:
            pool = list(
                Question.objects.filter(category_id=slot.random_category_id)
                .exclude(pk__in=used)
                .exclude(type="description")
                .order_by("pk")
            )
            if len(pool) < slot.count:
                raise QuizError(
                    _("This quiz is not ready yet: its question bank is too small."), status=409
                )
            for question in rng.sample(pool, slot.count):
                used.add(question.pk)
                chosen.append(
                    (question, slot.mark if slot.mark is not None else question.default_mark)
                )
    if not chosen:
        raise QuizError(_("This quiz has no questions yet."), status=409)
    return chosen


def attempt_start(*, user, quiz: QuizPage) -> Attempt:
    """The learner's open attempt at ``quiz`` (resumed), or a new one."""
    existing = Attempt.objects.filter(
        user=user, quiz_key=quiz.translation_key, state=Attempt.State.IN_PROGRESS
    ).first()
    if existing is not None:
        return existing
    availability = quiz_availability(quiz=quiz, user=user)
    if not availability.can_start:
        raise QuizError(availability.reason, status=403)
    rng = random.Random(secrets.randbits(64))
    questions = _draw_questions(quiz, rng)
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    now = timezone.now()
    deadline = now + quiz.time_limit if quiz.time_limit else None
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    try:
        with transaction.atomic():
            last = Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).aggregate(
                last=Max("number")
            )["last"]
            attempt = Attempt.objects.create(
                user=user,
                quiz_key=quiz.translation_key,
                course_key=quiz.course.translation_key,
                quiz_page=quiz,
                number=(last or 0) + 1,
                deadline=deadline,
                max_marks=sum((mark for _q, mark in questions), Decimal(0)),
            )
            Response.objects.bulk_create(
                Response(
                    attempt=attempt,
                    position=position,
                    question=question,
                    spec=snapshot(question, rng=rng, shuffle=quiz.shuffle_choices),
                    mark=mark,
                )
                for position, (question, mark) in enumerate(questions, start=1)
            )
    except IntegrityError:  # a parallel start won: resume that attempt
        return Attempt.objects.get(
            user=user, quiz_key=quiz.translation_key, state=Attempt.State.IN_PROGRESS
        )
    return attempt


class AlreadySubmitted(QuizError):
    """The attempt is no longer open (a second submit, a closed attempt)."""


def _locked_with_responses(attempt_id: int, user) -> tuple[Attempt, dict[int, Response]]:
    """The learner's attempt, locked until commit, with its quiz page and its responses by
    position, in one query; each response carries what grading needs next: whether the learner
    is enrolled and the scores of their finished attempts at the quiz (first, best, sum, count).
    """
    finished = Attempt.objects.filter(
        user_id=user.pk, quiz_key=OuterRef("attempt__quiz_key"), state=Attempt.State.FINISHED
    )
    totals = finished.order_by().values("user_id")
    rows = list(
        Response.objects.filter(attempt_id=attempt_id, attempt__user_id=user.pk)
        .select_related("attempt__quiz_page")
        .select_for_update(of=("attempt",))
        .annotate(
            learner_enrolled=Exists(
                Enrolment.objects.filter(
                    user_id=user.pk, course_key=OuterRef("attempt__course_key")
                )
            ),
            first_score=Subquery(finished.order_by("number").values("score")[:1]),
            best_score=Subquery(totals.annotate(value=Max("score")).values("value")),
            score_sum=Subquery(totals.annotate(value=Sum("score")).values("value")),
            score_count=Subquery(totals.annotate(value=Count("pk")).values("value")),
        )
        .order_by("position")
    )
    if not rows:  # every attempt has responses: this one is missing or another learner's
        raise QuizError(_("This attempt does not exist or is not yours."), status=404)
    attempt = rows[0].attempt
    attempt.user = user
    first = rows[0]
    attempt.earlier = Earlier(
        enrolled=first.learner_enrolled,
        first=first.first_score,
        best=first.best_score,
        total=first.score_sum or Decimal(0),
        count=first.score_count or 0,
    )
    for row in rows:
        row.attempt = attempt
    return attempt, {row.position: row for row in rows}


@dataclass(frozen=True)
class Earlier:
    """The learner's finished attempts at a quiz before this submit (for its grade)."""

    enrolled: bool
    first: Decimal | None
    best: Decimal | None
    total: Decimal
    count: int

    def grade(self, method: str, score: Decimal) -> Decimal:
        """The quiz grade once ``score`` (the newest finished attempt) is added."""
        if method == GradingMethod.LAST:
            return score
        if method == GradingMethod.FIRST:
            return self.first if self.first is not None else score
        if method == GradingMethod.AVERAGE:
            return ((self.total + score) / (self.count + 1)).quantize(FOUR_PLACES, ROUND_HALF_UP)
        return score if self.best is None else max(self.best, score)


def _locked_attempt(attempt_id: int, user) -> Attempt:
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise QuizError(_("This attempt does not exist or is not yours."), status=404)
    return attempt


def _is_overdue(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + grace_period()


def _clean_answers(responses: dict[int, Response], answers: dict) -> dict[int, dict]:
    """Validate every submitted answer first: one forged answer refuses the whole request."""
    cleaned = {}
    for key, raw in answers.items():
        try:
            position = int(key)
        except (TypeError, ValueError):
            raise QuizError(_("The answers sent do not fit this attempt."), status=400) from None
        response = responses.get(position)
        if response is None:
            raise QuizError(_("The answers sent do not fit this attempt."), status=400)
        try:
            cleaned[position] = clean_response(spec_from_json(response.spec["spec"]), raw)
        except InvalidResponse as error:
            message = _("Question %(number)s: %(problem)s") % {
                "number": position,
                "problem": error.message,
            }
            raise QuizError(message, status=400) from error
    return cleaned


def _store(
    responses: dict[int, Response], cleaned: dict[int, dict], now, *, save: bool = True
) -> None:
    changed = []
    for position, answer in cleaned.items():
        response = responses[position]
        if response.checked or response.answer == answer:
            continue  # a checked answer is final; unchanged answers are not rewritten
        response.answer = answer
        response.answered_at = now
        response.state = Response.State.UNANSWERED
        response.fraction = None
        changed.append(response)
    if save:
        Response.objects.bulk_update(changed, ["answer", "answered_at", "state", "fraction"])


def attempt_save(*, user, attempt_id: int, answers: dict, check: int | None = None) -> Attempt:
    """Store answers of an open attempt; ``check`` grades (and locks) one question now."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        if attempt.state != Attempt.State.IN_PROGRESS:
            raise QuizError(_("This attempt has already been submitted."), status=409)
        if _is_overdue(attempt, now):
            raise QuizError(_("The time for this attempt is over."), status=409)
        responses = {r.position: r for r in attempt.responses.all()}
        cleaned = _clean_answers(responses, answers)
        _store(responses, cleaned, now)
        if check is not None:
            response = responses.get(check)
            if response is None or not _immediate(attempt, "feedback_timing"):
                raise QuizError(_("This question cannot be checked now."), status=400)
            if not response.checked:
                _grade_response(response)
                response.checked = True
                response.save(update_fields=["fraction", "state", "checked"])
    return attempt


def attempt_submit(*, user, attempt_id: int, answers=None) -> Attempt:
    """Submit and grade an attempt. Late answers (after deadline + grace) are refused.

    ``answers``: by position, or a function of the attempt's responses returning them (a view
    reading its form, without loading the responses twice).
    """
    now = timezone.now()
    with transaction.atomic():
        attempt, responses = _locked_with_responses(attempt_id, user)
        if attempt.state != Attempt.State.IN_PROGRESS:
            raise AlreadySubmitted(_("This attempt has already been submitted."), status=409)
        if callable(answers):
            answers = answers(list(responses.values()))
        if _is_overdue(attempt, now):
            if answers:
                raise QuizError(
                    _(
                        "The time for this attempt ran out, so these answers were not accepted. "
                        "Open the quiz to see the answers saved in time."
                    ),
                    status=409,
                )
        elif answers:  # stored with the grades below, in one UPDATE
            _store(responses, _clean_answers(responses, answers), now, save=False)
        _finish(attempt, list(responses.values()), now, fields=RESPONSE_FIELDS)
    return attempt


def close_overdue_attempt(attempt: Attempt) -> Attempt:
    """Submit an open attempt whose time is over, with the answers saved in time."""
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.state == Attempt.State.IN_PROGRESS and _is_overdue(attempt, now):
            attempt.overdue = True
            _finish(attempt, list(attempt.responses.all()), now)
    return attempt


def _grade_response(response: Response) -> None:
    result = grade(spec_from_json(response.spec["spec"]), response.answer)
    response.state = result.state
    response.fraction = (
        None if result.fraction is None else Decimal(str(result.fraction)).quantize(FOUR_PLACES)
    )


RESPONSE_FIELDS = ["answer", "answered_at", "state", "fraction"]


def _finish(
    attempt: Attempt, responses: list[Response], now, *, fields=("fraction", "state")
) -> None:
    for response in responses:
        if not response.checked:
            _grade_response(response)
    Response.objects.bulk_update(responses, list(fields))
    attempt.submitted_at = now
    _total(attempt, responses)


def _total(attempt: Attempt, responses: list[Response]) -> None:
    """Sum the marks; finish the attempt unless an essay waits for a teacher."""
    pending = any(r.state == Response.State.NEEDS_GRADING for r in responses)
    marks = sum(
        (r.mark * r.fraction for r in responses if r.fraction is not None and r.mark),
        Decimal(0),
    )
    attempt.marks = marks.quantize(FOUR_PLACES)
    attempt.score = (
        (marks / attempt.max_marks).quantize(FOUR_PLACES, ROUND_HALF_UP)
        if attempt.max_marks
        else Decimal(1)
    )
    quiz = _quiz_of(attempt)
    pass_mark = (quiz.pass_mark if quiz else Decimal(50)) / 100
    if pending:
        attempt.state, attempt.passed = Attempt.State.NEEDS_GRADING, None
    else:
        attempt.state = Attempt.State.FINISHED
        attempt.passed = attempt.score >= pass_mark
    attempt.save()
    if not pending and attempt.user_id and quiz is not None:
        _report_progress(attempt, quiz, pass_mark, responses)


def _quiz_of(attempt: Attempt) -> QuizPage | None:
    """The quiz page the attempt was taken on (loaded with a locked attempt), else any
    translation of it."""
    if attempt.quiz_page_id and "quiz_page" in attempt._state.fields_cache:
        return attempt.quiz_page
    return QuizPage.objects.filter(translation_key=attempt.quiz_key).first()


def quiz_grade(*, user, quiz: QuizPage) -> Decimal | None:
    """The learner's grade for the quiz (0–1) by its grading method, over finished attempts."""
    scores = list(
        Attempt.objects.filter(
            user=user, quiz_key=quiz.translation_key, state=Attempt.State.FINISHED
        )
        .order_by("number")
        .values_list("score", flat=True)
    )
    return grade_from_scores(quiz.grading_method, scores)


def grade_from_scores(method: str, scores: list[Decimal]) -> Decimal | None:
    """Combine attempt scores (oldest first) by a quiz's grading method."""
    if not scores:
        return None
    if method == GradingMethod.LAST:
        return scores[-1]
    if method == GradingMethod.FIRST:
        return scores[0]
    if method == GradingMethod.AVERAGE:
        return (sum(scores) / len(scores)).quantize(FOUR_PLACES, ROUND_HALF_UP)
    return max(scores)


def _report_progress(
    attempt: Attempt, quiz: QuizPage, pass_mark: Decimal, responses: list[Response]
) -> None:
    """Feed the quiz grade to the progress core (for learners; teachers' tries don't count)."""
    earlier = getattr(attempt, "earlier", None)  # read with the locked attempt
    if earlier is not None:
        if not earlier.enrolled:
            return
        overall = earlier.grade(quiz.grading_method, attempt.score)
    else:
        if not is_enrolled(user=attempt.user, course=quiz.course):
            return
        overall = quiz_grade(user=attempt.user, quiz=quiz)
    if overall is None:
        return
    activity = quiz.activity_ref(course_syllabus(quiz.course))
    with signals.batch():  # the answers' and the score's records are written together
        signals.attempt_answered.send(
            __name__,
            user=attempt.user,
            activity=activity,
            attempt=attempt,
            responses=sorted(responses, key=lambda r: r.position),
        )
        record_score(
            user=attempt.user,
            activity=activity,
            score=overall,
            passed=overall >= pass_mark,
        )


def _immediate(attempt: Attempt, field: str) -> bool:
    quiz = QuizPage.objects.filter(translation_key=attempt.quiz_key).first()
    return quiz is not None and getattr(quiz, field) == "immediately"


def response_grade(*, grader, response_id: int, fraction: Decimal, comment: str = "") -> Response:
    """A teacher grades an essay (or overrides a grade); the attempt is re-totalled."""
    if not Decimal(0) <= fraction <= Decimal(1):
        raise QuizError(_("The grade must be between 0 and 1."), status=400)
    with transaction.atomic():
        response = Response.objects.select_related("attempt").get(pk=response_id)
        attempt = Attempt.objects.select_for_update().get(pk=response.attempt_id)
        if attempt.state == Attempt.State.IN_PROGRESS:
            raise QuizError(_("This attempt has not been submitted yet."), status=409)
        response.fraction = fraction.quantize(FOUR_PLACES)
        response.state = (
            Response.State.CORRECT
            if fraction >= 1
            else Response.State.PARTIAL
            if fraction > 0
            else Response.State.INCORRECT
        )
        response.graded_by = grader
        response.grader_comment = comment
        response.save()
        _total(attempt, list(attempt.responses.all()))
    return response
