"""The learner dashboard: the home page of a logged-in learner."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import learner_dashboard


@login_required
def home(request):
    return render(
        request,
        "dashboard/home.html",
        {"dashboard": learner_dashboard(user=request.user, request=request)},
    )
