"""The LRS resources under ``/xapi/`` (each with or without a trailing slash), all of them
also reachable through the alternate request syntax (``lrs.alternate``)."""

from django.urls import path

from . import document_views, views
from .alternate import alternate_syntax

app_name = "lrs"

RESOURCES = [
    ("statements", views.statements, "statements"),
    ("about", views.about, "about"),
    ("activities/state", document_views.state, "state"),
    ("activities/profile", document_views.activity_profile, "activity_profile"),
    ("activities", document_views.activities, "activities"),
    ("agents/profile", document_views.agent_profile, "agent_profile"),
    ("agents", document_views.agents, "agents"),
]

urlpatterns = []
for route, view, name in RESOURCES:
    view = alternate_syntax(view)
    urlpatterns += [path(route, view, name=name), path(f"{route}/", view)]
