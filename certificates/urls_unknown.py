"""A URL configuration without language-prefixed patterns, set on the unknown-code response.

``LocaleMiddleware`` answers a 404 outside the language prefix by redirecting to the same path
under ``/<language>/``, where Wagtail's catch-all would serve a generic "page not found". With
this configuration on the request it keeps the verification page's own 404 and its message.
"""

from django.urls import include, path

urlpatterns = [path("verify/", include("certificates.urls_public"))]
