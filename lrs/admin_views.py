"""Wagtail admin of xAPI clients (Settings → xAPI clients): create, list, rename, deactivate.

A client's secret exists in clear only at creation: the create view keeps it in the session
just long enough for the next page to show it once, then it is gone (only its hash is stored).
Who may do what follows the model permissions (``lrs.add_client`` and so on; superusers all).
"""

from django.core.exceptions import PermissionDenied
from django.forms import modelform_factory
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from . import services
from .models import Client

SESSION_KEY = "lrs_new_client_secret"


class ClientCreateView(generic.CreateView):
    page_title = _("New xAPI client")
    success_message = None

    def save_instance(self):
        data = self.form.cleaned_data
        client, secret = services.create_client(
            name=data["name"],
            activities=data["activities"],
            reads_all_statements=data["reads_all_statements"],
        )
        self.request.session[SESSION_KEY] = {"pk": client.pk, "secret": secret}
        log(client, "wagtail.create", user=self.request.user)
        return client

    def get_success_url(self):
        return reverse(Client.admin_viewset.get_url_name("created"), args=[self.object.pk])


@never_cache
def client_created(request, pk: int):
    """The new client's key and secret; the secret shows on the first visit only."""
    if not Client.admin_viewset.permission_policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    client = get_object_or_404(Client, pk=pk)
    pending = request.session.get(SESSION_KEY) or {}
    secret = None
    if pending.get("pk") == client.pk:
        secret = pending["secret"]
        del request.session[SESSION_KEY]
    context = {
        "client": client,
        "secret": secret,
        "statements_url": request.build_absolute_uri(reverse("lrs:statements")),
        "index_url": reverse(Client.admin_viewset.get_url_name("index")),
        "header_title": _("xAPI client created"),
    }
    return TemplateResponse(request, "lrs/admin/client_created.html", context)


class ClientViewSet(ModelViewSet):
    model = Client
    icon = "key"
    add_to_settings_menu = True
    menu_label = _("xAPI clients")
    add_view_class = ClientCreateView
    copy_view_enabled = False
    search_fields = ["name", "key"]
    search_backend_name = None
    list_filter = ["is_active", "reads_all_statements"]
    list_display = [
        TitleColumn("name", label=_("Name"), url_name="xapi_clients:edit"),
        Column("key", label=_("Key")),
        BooleanColumn("is_active", label=_("Active")),
        BooleanColumn("reads_all_statements", label=_("Reads all statements")),
        DateColumn("created_at", label=_("Created")),
        DateColumn("last_used_at", label=_("Last used")),
    ]

    def get_form_class(self, for_update=False):
        """A name and what the client may do; existing ones can also be deactivated."""
        fields = ["name", "activities", "reads_all_statements"]
        if for_update:
            fields.append("is_active")
        return modelform_factory(Client, fields=fields)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("created/<id:pk>/", client_created, name="created"),
        ]

    def on_register(self):
        super().on_register()
        Client.admin_viewset = self


client_viewset = ClientViewSet("xapi_clients")
