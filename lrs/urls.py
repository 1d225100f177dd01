"""``/xapi/statements`` and ``/xapi/about`` (each with or without a trailing slash)."""

from django.urls import path

from . import views

app_name = "lrs"

urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("statements/", views.statements),
    path("about", views.about, name="about"),
    path("about/", views.about),
]
