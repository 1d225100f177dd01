"""Wagtail admin: the xAPI outbox for superusers, read-only, with a "retry now" action."""

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy

from . import services
from .models import OutboxStatement


def is_outbox_admin(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


class SuperuserReadOnlyPolicy(BasePermissionPolicy):
    """Superusers may look at the outbox; nobody adds, edits or deletes statements by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and is_outbox_admin(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if "view" in actions else users.none()


class OutboxFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"),
        choices=[("pending", gettext_lazy("Pending")), ("sent", gettext_lazy("Sent"))],
        method="filter_state",
        empty_label=gettext_lazy("All"),
    )
    failing = django_filters.BooleanFilter(
        label=gettext_lazy("Failed at least once"), method="filter_failing"
    )

    class Meta:
        model = OutboxStatement
        fields = ["verb"]

    def filter_state(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(sent_at__isnull=True)
        if value == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset

    def filter_failing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(attempts__gt=0) if value else queryset.filter(attempts=0)


class OutboxIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user").order_by("-id")

    @property
    def header_buttons(self):
        return [HeaderButton(_("Retry now"), url=reverse("xapi_admin:retry"), icon_name="rotate")]


class OutboxViewSet(ModelViewSet):
    model = OutboxStatement
    icon = "resubmit"
    menu_label = gettext_lazy("xAPI outbox")
    menu_hook = "register_reports_menu_item"
    name = "xapi_outbox"
    index_view_class = OutboxIndexView
    filterset_class = OutboxFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        Column("statement_id", label=gettext_lazy("Statement")),
        "verb",
        "user",
        DateColumn("created_at", label=gettext_lazy("Created")),
        DateColumn("sent_at", label=gettext_lazy("Sent")),
        "attempts",
        DateColumn("next_attempt_at", label=gettext_lazy("Next attempt")),
        "last_error",
    ]
    list_export = [
        "statement_id",
        "verb",
        "user_id",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    export_filename = "xapi-outbox"
    form_fields = ["last_error"]  # required by ModelViewSet; no form view is routed
    inspect_view_fields = [
        "statement_id",
        "verb",
        "user",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
        "statement",
    ]

    def get_urlpatterns(self):
        """Only the listing (with its export) and the inspect view: the outbox is read-only."""
        kept = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]


def retry(request):
    """Confirm (GET) and make every statement waiting after a failure due now (POST)."""
    if not is_outbox_admin(request.user):
        raise PermissionDenied
    waiting = OutboxStatement.objects.filter(sent_at__isnull=True, attempts__gt=0).count()
    if request.method == "POST":
        count = services.retry_now()
        messages.success(
            request,
            ngettext(
                "%(count)d statement will be sent again at once.",
                "%(count)d statements will be sent again at once.",
                count,
            )
            % {"count": count},
        )
        if count and services.lrs_configured():
            services.schedule_delivery()
        return redirect("xapi_outbox:index")
    return TemplateResponse(
        request,
        "xapi/admin/retry.html",
        {"waiting": waiting, "header_title": _("Retry now"), "header_icon": "rotate"},
    )
