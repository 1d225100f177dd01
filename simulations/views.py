"""Learner views of a simulation: start, the current step (answer, hint), the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import SavadError

from . import selectors, services
from .models import SimulationPage

CONTROL_NAMES = {"csrfmiddlewaretoken", "step", "version", "action"}


def _page_for_learner(request, page_id: int) -> SimulationPage:
    page = get_object_or_404(SimulationPage.objects.live().select_related("locale"), pk=page_id)
    if not page.course.live:
        raise Http404
    if not page.access_for(request).allowed:
        raise SavadError(_("You must be enrolled in this course to practise here."), status=403)
    return page


def _own_attempt(request, attempt_id: int):
    attempt = selectors.own_attempt(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    return attempt


@require_POST
@login_required
def start(request, page_id: int):
    page = _page_for_learner(request, page_id)
    attempt = services.simulation_start(user=request.user, page=page)
    return HttpResponseRedirect(reverse("simulations:attempt", args=[attempt.pk]))


@login_required
def attempt_view(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    here = reverse("simulations:attempt", args=[attempt.pk])
    if attempt.is_finished:
        if request.method == "POST":
            raise SavadError(
                _("This attempt is finished and cannot be changed."),
                status=409,
                back=(reverse("simulations:result", args=[attempt.pk]), _("See the result")),
            )
        return HttpResponseRedirect(reverse("simulations:result", args=[attempt.pk]))
    context = {"attempt": attempt, "simulation": attempt.page, "errors": {}, "values": {}}
    if request.method == "POST":
        step, version = request.POST.get("step", ""), request.POST.get("version", "")
        try:
            if request.POST.get("action") == "hint":
                services.simulation_hint(
                    user=request.user, attempt_id=attempt.pk, step_id=step, version=version
                )
                return HttpResponseRedirect(here + "#hint")
            answers = {
                name: request.POST.get(name, "")
                for name in request.POST
                if name not in CONTROL_NAMES
            }
            answers.update(request.FILES.items())  # checked, never stored
            moved = services.simulation_answer(
                user=request.user,
                attempt_id=attempt.pk,
                step_id=step,
                version=version,
                answers=answers,
            )
        except SavadError as error:
            error.back = (here, _("Back to the simulation"))
            raise
        if moved.finished:
            return HttpResponseRedirect(reverse("simulations:result", args=[attempt.pk]))
        if moved.advanced:
            messages.info(request, _advance_message(attempt, moved))
            return HttpResponseRedirect(here)
        attempt.refresh_from_db()
        typed = {name: value for name, value in answers.items() if isinstance(value, str)}
        context.update(errors=moved.outcome.errors, values=typed, status=moved.outcome.status)
    context.update(selectors.current_step_context(attempt))
    return render(request, "simulations/attempt.html", context)


def _advance_message(attempt, moved) -> str:
    if attempt.mode != "guided":
        return _("Your answer was recorded. Next step.")
    if moved.given_up:
        return _("That step counts as missed after three wrong tries. Let us go on.")
    return moved.outcome.feedback or _("Right. Next step.")


@login_required
def result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_finished:
        return HttpResponseRedirect(reverse("simulations:attempt", args=[attempt.pk]))
    return render(
        request,
        "simulations/result.html",
        {"attempt": attempt, "simulation": attempt.page, "rows": selectors.result_rows(attempt)},
    )
