"""The CSV import of learners: upload → preview (counts, line-numbered problems) → confirm.

The previewed file is kept as a ``LearnerImport`` row; the confirmation names its token and
checks it all again (``stats.services.learner_import_confirm``).
"""

from dataclasses import asdict
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from core.exceptions import SavadError

from . import services
from .importing import COLUMNS, ImportIssue
from .selectors import can_view_statistics

FORM_SLACK = 64 * 1024  # bytes of a multipart body beyond the file itself


def _require(user) -> None:
    if not can_view_statistics(user):
        raise PermissionDenied


def _page(request, *, errors=(), summary=None, token="", name="", status=200):
    context = {
        "errors": sorted(errors, key=lambda issue: issue.line),
        "summary": summary,
        "token": token,
        "file_name": name,
        "columns": COLUMNS,
        "limit_kb": settings.STATS_IMPORT_MAX_BYTES // 1024,
        "header_title": _("Import learners"),
    }
    return TemplateResponse(request, "stats/learner_import.html", context, status=status)


@csrf_exempt
def import_upload(request):
    """Step 1 and 2: the upload form, then the preview. A body larger than the limit is
    refused from its Content-Length, before anything of it is read."""
    _require(request.user)
    if request.method != "POST":
        return _page(request)
    limit = settings.STATS_IMPORT_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_SLACK:
        message = _("The file is too large: the limit is %(size)s KB.") % {"size": limit // 1024}
        return _page(request, errors=[ImportIssue(0, message)], status=413)
    return csrf_protect(_preview)(request)


def _preview(request):
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, errors=[ImportIssue(0, _("Choose a CSV file."))], status=400)
    data = upload.read(settings.STATS_IMPORT_MAX_BYTES + 1)
    result = services.learner_import_parse(user=request.user, data=data)
    if not result.ok:
        return _page(request, errors=result.errors, name=upload.name)
    summary = services.learner_import_preview(rows=result.rows)
    staged = services.learner_import_stage(
        user=request.user, file_name=upload.name, text=data.decode("utf-8-sig")
    )
    return _page(request, summary=asdict(summary), token=staged.token, name=upload.name)


@require_POST
def import_confirm(request):
    """Step 3: check the kept file again and import it, once, all or nothing."""
    _require(request.user)
    try:
        token = UUID(request.POST.get("token", ""))
    except ValueError:
        token = UUID(int=0)  # names no import: refused below like an expired one
    try:
        summary = services.learner_import_confirm(user=request.user, token=token)
    except services.LearnerImportError as error:
        return _page(request, errors=error.errors)
    except SavadError as error:
        return _page(request, errors=[ImportIssue(0, error.message)], status=error.status)
    messages.success(
        request,
        _(
            "Learners imported: %(new)d new accounts (each invited by e-mail), %(existing)d "
            "existing, %(enrolments)d enrolments, %(memberships)d group memberships."
        )
        % {
            "new": summary.new_users,
            "existing": summary.existing_users,
            "enrolments": summary.enrolments,
            "memberships": summary.memberships,
        },
    )
    return redirect("stats:import")
