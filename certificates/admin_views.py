"""Wagtail admin of certificates: a searchable, filterable listing, an inspect view, and
"Revoke" and "Reissue" actions, each behind a confirmation page.

Certificates are never created, edited or deleted by hand (the services issue them), so the
viewset has no add, edit, copy or delete views. Every view needs the ``change`` permission on
certificates (superusers have it).
"""

import django_filters
from django import forms
from django.contrib.auth import get_permission_codename
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import PermissionCheckedMixin, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from core.localized import page_titles
from core.serving import send_stored
from courses.models import CoursePage

from . import services
from .models import Certificate

PERMISSION = "change"


# --------------------------------------------------------------------------- listing


def course_choices() -> list[tuple[str, str]]:
    """Courses that have certificates, by translation key, titled in the active language."""
    keys = Certificate.objects.values_list("course_key", flat=True).distinct()
    titles = page_titles(keys, pages=CoursePage.objects.all())  # unpublished courses too
    return sorted(((str(key), title) for key, title in titles.items()), key=lambda c: c[1])


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[("valid", gettext_lazy("Valid")), ("revoked", gettext_lazy("Revoked"))],
        method="filter_status",
        empty_label=gettext_lazy("All"),
    )
    course_key = django_filters.ChoiceFilter(
        label=gettext_lazy("Course"), choices=course_choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Certificate
        fields = ["status", "course_key", "pdf_status"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=(value == "valid"))


def status_label(certificate: Certificate) -> str:
    return _("Revoked") if certificate.is_revoked else _("Valid")


def course_label(certificate: Certificate) -> str:
    return certificate.course_title


class IndexView(generic.IndexView):
    any_permission_required = [PERMISSION]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.extend(action_buttons(instance))
        return buttons


def action_buttons(certificate: Certificate) -> list:
    pk = certificate.pk
    buttons = [
        Button(
            _("Download PDF"),
            url=reverse("certificates_admin:pdf", args=[pk]),
            icon_name="download",
            priority=40,
        )
    ]
    if not certificate.is_revoked:
        buttons.append(
            Button(
                _("Revoke"),
                url=reverse("certificates_admin:revoke", args=[pk]),
                icon_name="cross",
                priority=50,
            )
        )
    if certificate.user_id:
        buttons.append(
            Button(
                _("Reissue"),
                url=reverse("certificates_admin:reissue", args=[pk]),
                icon_name="repeat",
                priority=60,
            )
        )
    return buttons


# --------------------------------------------------------------------------- inspect

EXTRA_LABELS = {
    "status": gettext_lazy("Status"),
    "verify_url": gettext_lazy("Verification address"),
    "replaced_by": gettext_lazy("Replaced by"),
}


class InspectView(generic.InspectView):
    any_permission_required = [PERMISSION]

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *action_buttons(self.object)]

    def get_field_label(self, field_name, field):
        if field_name in EXTRA_LABELS:
            return EXTRA_LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_context_for_field(self, field_name):
        if field_name in EXTRA_LABELS:
            value = getattr(self, f"get_{field_name}_display_value")()
            return {"label": EXTRA_LABELS[field_name], "value": value, "component": None}
        return super().get_context_for_field(field_name)

    def get_status_display_value(self):
        return status_label(self.object)

    def get_verify_url_display_value(self):
        url = self.object.verify_url
        return format_html('<a href="{}" dir="ltr">{}</a>', url, url)

    def get_replaced_by_display_value(self):
        newer = self.object.replaced_by.order_by("issued_at")
        return format_html_join(", ", '<a href="{}">{}</a>', ((_inspect(c), c.code) for c in newer))

    def get_replaces_display_value(self):
        old = self.object.replaces
        return format_html('<a href="{}">{}</a>', _inspect(old), old.code) if old else "-"

    def get_course_titles_display_value(self):
        titles = self.object.course_titles or {}
        return format_html_join(
            "", '<span lang="{}" dir="auto">{}</span><br>', sorted(titles.items())
        )


def _inspect(certificate: Certificate) -> str:
    return reverse("certificates_admin:inspect", args=[certificate.pk])


# --------------------------------------------------------------------------- actions


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Kept for the administrators; never shown on the public page."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy(
            "Why the current certificate is replaced, for example a corrected name."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A confirmation page (GET) and the action itself (POST) on one certificate."""

    model = Certificate
    permission_required = PERMISSION
    template_name = "certificates/admin/confirm_action.html"
    index_url_name = None
    inspect_url_name = None
    header_icon = "doc-full"
    submit_label = ""
    confirmation = ""

    @cached_property
    def object(self) -> Certificate:
        return get_object_or_404(Certificate, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.object.code

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Certificates")},
            {"url": reverse(self.inspect_url_name, args=[self.object.pk]), "label": str(self)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.object.code},
        ]

    def __str__(self) -> str:
        return self.object.code

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            confirmation=self.confirmation,
            submit_label=self.submit_label,
            cancel_url=reverse(self.inspect_url_name, args=[self.object.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result, message = self.act(form.cleaned_data)
        except services.CertificateError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse(self.inspect_url_name, args=[result.pk]))

    def act(self, data) -> tuple[Certificate, str]:
        raise NotImplementedError


class RevokeView(ActionView):
    form_class = RevokeForm
    page_title = gettext_lazy("Revoke certificate")
    submit_label = gettext_lazy("Yes, revoke it")
    confirmation = gettext_lazy(
        "Its verification page will say that it has been revoked. This cannot be undone, "
        "but you can reissue the certificate later."
    )

    def act(self, data):
        certificate = services.revoke(self.object, by=self.request.user, reason=data["reason"])
        return certificate, _("Certificate %(code)s revoked.") % {"code": certificate.code}


class ReissueView(ActionView):
    form_class = ReissueForm
    page_title = gettext_lazy("Reissue certificate")
    submit_label = gettext_lazy("Yes, reissue it")
    confirmation = gettext_lazy(
        "A new certificate with a new code is issued with the learner's current name and the "
        "course's current title; this one is revoked."
    )

    def act(self, data):
        new = services.reissue(self.object, by=self.request.user, reason=data["reason"])
        message = _("Certificate %(old)s reissued as %(new)s.") % {
            "old": self.object.code,
            "new": new.code,
        }
        return new, message


class AdminPdfView(PermissionCheckedMixin, View):
    """The certificate's PDF for an administrator (rendered now if needed)."""

    model = Certificate
    permission_required = PERMISSION
    http_method_names = ["get", "head"]

    def get(self, request, pk: int):
        certificate = services.ready_pdf(get_object_or_404(Certificate, pk=pk))
        return send_stored(
            request,
            certificate.pdf.name,
            content_type="application/pdf",
            cache_control="private",
            filename=f"certificate-{certificate.code}.pdf",
            as_attachment=True,
        )


# --------------------------------------------------------------------------- viewset


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = gettext_lazy("Certificates")
    menu_order = 260
    add_to_admin_menu = True
    url_prefix = "certificates"
    url_namespace = "certificates_admin"
    index_view_class = IndexView
    inspect_view_class = InspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "code",
        "learner_name",
        Column("course", label=gettext_lazy("Course"), accessor=course_label),
        "issued_at",
        Column("status", label=gettext_lazy("Status"), accessor=status_label),
        "pdf_status",
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["code", "learner_name"]
    search_backend_name = None
    ordering = ["-issued_at", "-pk"]
    inspect_view_fields = [
        "code",
        "status",
        "learner_name",
        "course_titles",
        "course_key",
        "language",
        "user",
        "completed_at",
        "issued_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
        "replaces",
        "replaced_by",
        "verify_url",
        "pdf_status",
        "pdf_error",
    ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add", "edit", "delete", "copy", "history", "usage"):
            view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        action_kwargs = {
            "index_url_name": self.get_url_name("index"),
            "inspect_url_name": self.get_url_name("inspect"),
        }
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<id:pk>/", self.inspect_view, name="inspect"),
            path(
                "revoke/<id:pk>/",
                self.construct_view(RevokeView, **action_kwargs),
                name="revoke",
            ),
            path(
                "reissue/<id:pk>/",
                self.construct_view(ReissueView, **action_kwargs),
                name="reissue",
            ),
            path("pdf/<id:pk>/", self.construct_view(AdminPdfView), name="pdf"),
        ]

    def get_permissions_to_register(self):
        codename = get_permission_codename(PERMISSION, self.model_opts)
        return super().get_permissions_to_register().filter(codename=codename)
