"""The public verification pages (outside the language prefix: the address printed in PDFs)."""

from django.urls import path

from . import views

app_name = "certificates_public"

urlpatterns = [
    path("", views.verify_form, name="form"),
    path("<str:code>/", views.verify, name="verify"),
]
