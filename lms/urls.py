import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import media, routing, wagtail_internals, webapp
from core.views import healthz
from search.views import search, suggest

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("h5p/", include("content.urls")),
    path("xapi/", include("lrs.urls")),
    path("verify/", include("certificates.urls_public")),
]

if settings.MEDIA_URL.startswith("/"):  # local storage: media pass the access check in core.media
    urlpatterns.append(
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media.serve_media)
    )

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("learn/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("simulations/", include("simulations.urls")),
    path("search/", search, name="search"),
    path("manifest.webmanifest", webapp.manifest, name="webmanifest"),
    path("search/suggest/", suggest, name="search_suggest"),
    path("dashboard/", include("dashboard.urls")),
    path("certificates/", include("certificates.urls")),
    path("learning-record/", include("xapi.urls")),
    *wagtail_internals.urlpatterns_without_serve(),
    re_path(wagtail_internals.SERVE_PATTERN, routing.serve, name="wagtail_serve"),
    prefix_default_language=True,
)
