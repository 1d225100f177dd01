"""Learner views of a quiz: start, answer (autosaved), submit, review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import wants_json
from core.exceptions import SavadError
from core.localized import localized, localized_page

from . import services
from .answers import answers_from_post
from .models import Attempt, QuizPage
from .selectors import review_allowed, shown_questions


def _quiz_for_learner(request, page_id: int) -> QuizPage:
    quiz = get_object_or_404(QuizPage.objects.live().select_related("locale"), pk=page_id)
    if not quiz.course.live:
        raise Http404
    access = quiz.access_for(request)
    if not access.allowed:
        raise SavadError(_("You must be enrolled in this course to take its quizzes."), status=403)
    return quiz


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = (
        Attempt.objects.filter(pk=attempt_id, user=request.user).select_related("quiz_page").first()
    )
    if attempt is None:
        raise SavadError(_("This attempt does not exist or is not yours."), status=404)
    return attempt


def _localized_quiz(attempt: Attempt) -> QuizPage | None:
    """The quiz in the reader's language (the attempt belongs to all its translations)."""
    quiz = attempt.quiz_page
    if quiz is None:  # the attempt's page was deleted; a translation of it may remain
        return localized_page(attempt.quiz_key, pages=QuizPage.objects.all())
    return localized(quiz)


def _question_shapes(responses) -> list[dict]:
    shapes = []
    for response in responses:
        spec = response.spec["spec"]
        shapes.append(
            {
                "position": response.position,
                "type": spec["type"],
                "single": spec.get("single", True),
                "gap_types": {str(g["number"]): g["type"] for g in spec.get("gaps", [])},
                "stored": response.spec,
            }
        )
    return shapes


@require_POST
@login_required
def start(request, page_id: int):
    quiz = _quiz_for_learner(request, page_id)
    attempt = services.attempt_start(user=request.user, quiz=quiz)
    return HttpResponseRedirect(reverse("quizzes:attempt", args=[attempt.pk]))


@login_required
def attempt_view(request, attempt_id: int):
    if request.method == "POST" and request.POST.get("action") == "submit":
        return _submit(request, attempt_id)
    attempt = _own_attempt(request, attempt_id)
    if request.method != "POST" and attempt.state == Attempt.State.IN_PROGRESS and attempt.deadline:
        attempt = services.close_overdue_attempt(attempt)  # late POSTs get told why first
    if attempt.state != Attempt.State.IN_PROGRESS:
        return HttpResponseRedirect(reverse("quizzes:review", args=[attempt.pk]))
    quiz = _localized_quiz(attempt)
    if request.method == "POST":
        return _post_answers(request, attempt, quiz)
    immediate = quiz is not None and quiz.feedback_timing == "immediately"
    questions = shown_questions(
        attempt, feedback=True, answers=quiz is not None and quiz.answers_timing == "immediately"
    )
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "questions": questions,
            "immediate": immediate,
            "seconds_left": (
                max(0, int((attempt.deadline - timezone.now()).total_seconds()))
                if attempt.deadline
                else None
            ),
        },
    )


def _submit(request, attempt_id: int):
    """Submit with the posted answers: the attempt is read once, locked, by the service."""
    try:
        services.attempt_submit(
            user=request.user,
            attempt_id=attempt_id,
            answers=lambda responses: answers_from_post(_question_shapes(responses), request.POST),
        )
    except services.AlreadySubmitted:
        return HttpResponseRedirect(reverse("quizzes:review", args=[attempt_id]))
    except SavadError as error:
        attempt = Attempt.objects.filter(pk=attempt_id, user=request.user).first()
        quiz = _localized_quiz(attempt) if attempt is not None else None
        if quiz is not None:
            error.back = (quiz.get_url(request), _("Back to the quiz"))
        raise
    if wants_json(request):
        return JsonResponse({"ok": True, "saved_at": timezone.now().isoformat()})
    messages.success(request, _("Your attempt was submitted."))
    return HttpResponseRedirect(reverse("quizzes:review", args=[attempt_id]))


def _post_answers(request, attempt: Attempt, quiz):
    try:
        answers = answers_from_post(_question_shapes(attempt.responses.all()), request.POST)
        check = request.POST.get("check")
        services.attempt_save(
            user=request.user,
            attempt_id=attempt.pk,
            answers=answers,
            check=int(check) if check and check.isdigit() else None,
        )
    except SavadError as error:
        if quiz is not None:
            error.back = (quiz.get_url(request), _("Back to the quiz"))
        raise
    if wants_json(request):
        return JsonResponse({"ok": True, "saved_at": timezone.now().isoformat()})
    messages.success(request, _("Your answers were saved."))
    return HttpResponseRedirect(reverse("quizzes:attempt", args=[attempt.pk]))


@login_required
def review(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        return HttpResponseRedirect(reverse("quizzes:attempt", args=[attempt.pk]))
    quiz = _localized_quiz(attempt)
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "questions": shown_questions(
                attempt,
                feedback=review_allowed(quiz, "feedback_timing", attempt),
                answers=review_allowed(quiz, "answers_timing", attempt),
            ),
        },
    )
