"""The site's icon and web app manifest (add to home screen on a phone)."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import get_language, get_language_bidi, gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ICON_SIZES = (192, 512)
THEME_COLOUR = "#1e5a96"


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for ``/favicon.ico`` whatever the page says: send them to the static one."""
    return HttpResponsePermanentRedirect(static("core/icons/favicon.ico"))


@require_safe
@cache_control(public=True, max_age=3600)
def manifest(request):
    """The web app manifest in the page's language."""
    language = get_language()
    data = {
        "name": gettext("Savad: digital literacy"),
        "short_name": gettext("Savad"),
        "description": gettext("Learn digital skills and how to use online public services."),
        "lang": language,
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": f"/{language}/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"core/icons/savad-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in ICON_SIZES
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
