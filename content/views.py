"""The H5P player frame, its files, the learner's saved state and the xAPI results endpoint."""

import mimetypes
import posixpath

from csp.decorators import csp_exempt, csp_replace
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exceptions import SavadError
from core.jsonbody import parse_json

from . import results
from .access import activity_for, issue_token, packages_used_by, read_token
from .models import H5PPackage, H5PUserData

RTL_LANGUAGES = {"fa", "ar", "he", "ur", "ps", "ckb"}
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".vtt": "text/vtt",
    ".webvtt": "text/vtt",
    ".md": "text/plain",
    ".txt": "text/plain",
}
# Files of a package opened on their own (an SVG, say) run nothing and load nothing.
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
# H5P libraries use inline styles and, in some content types, eval-like code.
PLAYER_CSP = {
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'", "about:"],
    "connect-src": ["'self'"],
}
MAX_STATE_BYTES = 256 * 1024
MAX_STATEMENT_BYTES = 64 * 1024


def _file_response(path: str, *, private: bool):
    name = posixpath.basename(path)
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, OSError) as error:
        raise Http404 from error
    extension = posixpath.splitext(name)[1].lower()
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0]
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600" if private else "public, max-age=604800"
    return response


def _safe_subpath(path: str) -> str:
    clean = posixpath.normpath(path)
    if clean.startswith(("/", "..")) or "\\" in path or "\x00" in path or clean in {"", "."}:
        raise Http404
    return clean


@xframe_options_sameorigin
@csp_replace(PLAYER_CSP)
@require_safe
def play(request, page_id: int, package_uuid):
    """The page inside the activity's iframe: the h5p-standalone player for one learner."""
    page = activity_for(page_id)
    if page is None:
        raise Http404
    package = get_object_or_404(H5PPackage, uuid=package_uuid)
    if package.pk not in packages_used_by(page) or not package.is_ready:
        raise Http404
    access = page.access_for(request)
    if access.reason == "anonymous":
        return redirect_to_login(request.get_full_path())
    if not access.allowed:
        return HttpResponseForbidden(_("Enrol in the course to open this exercise."))
    return _render_player(request, package=package, page=page)


@xframe_options_sameorigin
@csp_replace(PLAYER_CSP)
@require_safe
def preview(request, package_uuid):
    """The player for teachers and admins checking a package (nothing is recorded)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("content.view_h5ppackage"):
        return HttpResponseForbidden(_("You may not preview H5P packages."))
    package = get_object_or_404(H5PPackage, uuid=package_uuid)
    if not package.is_ready:
        raise Http404
    return _render_player(request, package=package, page=None)


def _render_player(request, *, package: H5PPackage, page):
    token = issue_token(user=request.user, page=page, package=package)
    language = (package.h5p_json.get("language") or "").split("-")[0]
    if page is not None and language in {"", "und"}:
        language = page.locale.language_code
    config = {
        "id": results.player_content_id(package),
        "h5pJsonPath": reverse("h5p:content", args=[token, "h5p.json"]).removesuffix("/h5p.json"),
        "librariesPath": reverse("h5p:library", args=["x"]).removesuffix("/x"),
        "frameJs": _static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": _static("vendor/h5p-standalone/styles/h5p.css"),
        "frame": False,
    }
    if page is not None:
        state = H5PUserData.objects.filter(
            user=request.user, package=package, activity_key=page.translation_key
        )
        config.update(
            {
                "saveFreq": 15,
                "user": {
                    "name": request.user.get_full_name() or request.user.get_username(),
                    "mail": f"learner-{request.user.pk}@users.savad.invalid",
                },
                "ajax": {
                    "contentUserDataUrl": reverse(
                        "h5p:state", args=[token, "DATATYPE", "SUBCONTENT"]
                    )
                    .replace("DATATYPE", ":dataType")
                    .replace("SUBCONTENT", ":subContentId"),
                },
                "contentUserData": [
                    {"dataType": row.data_type, "previousState": row.data, "subContentId": "*"}
                    for row in state
                    if row.sub_content_id == "0"
                ],
                "xAPIObjectIRI": request.build_absolute_uri(page.url or "/"),
            }
        )
    return render(
        request,
        "content/player.html",
        {
            "config": config,
            "xapi_url": reverse("h5p:xapi", args=[token]) if page is not None else "",
            "title": package.title,
            "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "language": language or "en",
        },
    )


def _static(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


@csp_exempt()
@require_safe
def content_file(request, token: str, path: str):
    """A file of the package (``h5p.json``, ``content/…``) for the learner it was issued to."""
    grant = read_token(token, user=request.user)
    if grant is None:
        return HttpResponseForbidden(_("This exercise link has expired: reload the page."))
    path = _safe_subpath(path)
    if path != "h5p.json" and not path.startswith("content/"):
        raise Http404
    return _file_response(f"h5p/content/{grant.package_uuid}/{path}", private=True)


@csp_exempt()
@require_safe
def library_file(request, path: str):
    """Shared H5P library code and assets (the same for everyone: public, long-cached)."""
    return _file_response(f"h5p/libraries/{_safe_subpath(path)}", private=False)


@csrf_exempt  # H5P core posts with jQuery and no CSRF header; the signed token stands in for it
@require_http_methods(["GET", "POST"])
def state(request, token: str, data_type: str, sub_content_id: str):
    """H5P's content user data: GET returns the saved state, POST saves (or clears) it."""
    grant = read_token(token, user=request.user)
    if grant is None:
        return JsonResponse({"success": False, "message": _("Please reload the page.")}, status=403)
    page = activity_for(grant.page_id)
    package = H5PPackage.objects.filter(uuid=grant.package_uuid).first()
    if page is None or package is None:
        raise Http404
    key = {
        "user_id": grant.user_id,
        "package": package,
        "activity_key": page.translation_key,
        "sub_content_id": (sub_content_id or "0")[:64],
        "data_type": data_type[:64],
    }
    if request.method == "GET":
        row = H5PUserData.objects.filter(**key).first()
        return JsonResponse({"success": True, "data": row.data if row else False})
    data = request.POST.get("data", "")
    if len(data.encode()) > MAX_STATE_BYTES:
        return JsonResponse(
            {"success": False, "message": _("The saved state is too large.")}, status=413
        )
    if data in {"", "0"}:  # H5P clears a state by posting 0
        H5PUserData.objects.filter(**key).delete()
    else:
        H5PUserData.objects.update_or_create(**key, defaults={"data": data})
    return JsonResponse({"success": True})


@require_POST
def xapi(request, token: str):
    """An xAPI statement from the player (CSRF-protected, for the learner the token names)."""
    grant = read_token(token, user=request.user)
    if grant is None:
        return JsonResponse({"ok": False, "error": _("Please reload the page.")}, status=403)
    if len(request.body) > MAX_STATEMENT_BYTES:
        return JsonResponse({"ok": False, "error": _("The statement is too large.")}, status=413)
    try:
        statement = parse_json(request.body)
        outcome = results.record_statement(grant=grant, statement=statement, request=request)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse(
            {"ok": False, "error": _("The statement is not valid JSON.")}, status=400
        )
    except SavadError as error:
        return JsonResponse({"ok": False, "error": str(error.message)}, status=error.status)
    return JsonResponse({"ok": True, **outcome})
