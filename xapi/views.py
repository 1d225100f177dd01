"""A learner's own learning record: a page explaining it and the statements as a download."""

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import statements_of


@require_GET
@login_required
def learning_record(request):
    counts = statements_of(request.user).aggregate(
        total=Count("id"), pending=Count("id", filter=Q(sent_at__isnull=True))
    )
    return render(request, "xapi/learning_record.html", {"counts": counts})


@require_GET
@login_required
def statements_download(request):
    """The learner's statements as an xAPI StatementResult, oldest first, as a file."""
    rows = statements_of(request.user).values_list("statement", flat=True)
    body = json.dumps({"statements": list(rows), "more": ""}, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="savad-learning-record.json"'
    response["Cache-Control"] = "private, no-store"
    return response
