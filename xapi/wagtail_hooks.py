"""Admin and privacy glue for the xAPI outbox."""

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import admin_views, services
from .models import OutboxStatement
from .selectors import statements_of

# Registered before the viewset so the admin never falls back to the model-wide policy.
register_permission_policy(OutboxStatement, admin_views.SuperuserReadOnlyPolicy(OutboxStatement))


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return admin_views.OutboxViewSet()


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [path("retry/", admin_views.retry, name="retry")]
    return [path("xapi/", include((urls, "xapi_admin")))]


@hooks.register("savad_user_data")
def user_data(user) -> dict:
    return {"xapi_statements.json": list(statements_of(user).values_list("statement", flat=True))}


@hooks.register("savad_erase_user")
def erase_user(user) -> None:
    services.erase_user(user)
