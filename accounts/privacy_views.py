"""A learner's own data: the privacy page, the export download and account deletion."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import SavadError
from core.privacy import erase_user, export_user_data, is_last_superuser

from .privacy_forms import DeleteAccountForm
from .views import home_url


@login_required
@require_http_methods(["GET"])
def privacy(request):
    return render(request, "accounts/privacy.html")


@never_cache
@require_POST
@login_required
def export(request):
    """The user's data as a zip download (POST, so that a link alone never starts one)."""
    data = export_user_data(request.user)
    filename = f"savad-data-{timezone.localdate().isoformat()}.zip"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    last_superuser = is_last_superuser(user)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and not last_superuser and form.is_valid():
        try:
            erase_user(user)
        except SavadError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect(home_url())
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "last_superuser": last_superuser},
        status=409 if last_superuser and request.method == "POST" else 200,
    )
