"""Learner pages (own certificates, PDF download) and the public verification page."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.exceptions import SavadError
from core.serving import send_stored

from . import codes, selectors, services

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- learner


@require_safe
@login_required
def certificate_list(request):
    certificates = selectors.certificates_for(request.user)
    return render(request, "certificates/list.html", {"certificates": certificates})


def _own(request, code: str):
    certificate = selectors.learner_certificate(request.user, code)
    if certificate is None:
        raise Http404(_("You have no certificate with this code."))
    return certificate


@require_safe
@login_required
def certificate_detail(request, code: str):
    return render(request, "certificates/detail.html", {"certificate": _own(request, code)})


@require_safe
@login_required
def certificate_pdf(request, code: str):
    """The stored PDF as a download (rendered now if the background task has not yet)."""
    certificate = _own(request, code)
    try:
        certificate = services.ready_pdf(certificate)
    except Exception as error:
        logger.exception("Certificate %s: the PDF could not be made", certificate.pk)
        services.mark_pdf_failed(certificate.pk, error)
        raise SavadError(
            _("Your certificate's PDF could not be made just now. Try again later."),
            status=503,
            back=(certificate.get_absolute_url(), _("Back to the certificate")),
        ) from error
    return send_stored(
        request,
        certificate.pdf.name,
        content_type="application/pdf",
        cache_control="private",
        filename=f"certificate-{certificate.code}.pdf",
        as_attachment=True,
    )


# --------------------------------------------------------------------------- public


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=64,
        help_text=gettext_lazy("As printed on the certificate, for example K7QF-9XPM-2HCW-RT4D."),
        widget=forms.TextInput(
            attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = codes.normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("This is not a verification code: it has 16 letters and digits.")
            )
        return code


def _public(response):
    """Verification answers are never cached (a revocation shows at once) nor indexed."""
    patch_cache_control(response, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def verify_form(request):
    """Type a code: a valid-looking one goes to its verification page."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return HttpResponseRedirect(
            reverse("certificates_public:verify", args=[form.cleaned_data["code"]])
        )
    with translation.override(_asked_language(request) or translation.get_language()):
        response = render(request, "certificates/verify_form.html", {"form": form})
    return _public(response)


@require_safe
def verify(request, code: str):
    """Valid: who, what and when. Revoked: only that and since when. Unknown: 404."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        response = render(
            request, "certificates/verify_unknown.html", {"form": VerifyForm()}, status=404
        )
        request.urlconf = "certificates.urls_unknown"  # keep this 404 (see that module)
        return _public(response)
    if certificate.code != code:  # typed in another spelling: show the printed one
        url = reverse("certificates_public:verify", args=[certificate.code])
        return _public(HttpResponseRedirect(url))
    with translation.override(_asked_language(request) or certificate.language):
        response = render(request, "certificates/verify.html", {"certificate": certificate})
    return _public(response)


def _asked_language(request) -> str | None:
    """The language a public page was asked for with ``?lang=`` (its language switch), if any."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else None
