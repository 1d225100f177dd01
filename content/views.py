"""The H5P player frame, its files, the learner's saved state and the xAPI results endpoint.

The frame and everything it loads are untrusted (teachers upload the packages, and their
libraries' code runs as it is). They live in a frame sandboxed without ``allow-same-origin``
(by the iframe's ``sandbox`` attribute and by a CSP ``sandbox`` header on the frame document
itself), optionally on an origin of their own (``H5P_CONTENT_ORIGIN``). So they can read none
of Savad's cookies, DOM or pages: the frame, package files and saved state are authenticated by
the player token in their URL only (see ``access``), and answer with CORS ``*`` (no
credentials) where the opaque frame has to read them. Results travel to the embedding page by
``postMessage``; the page posts them to ``xapi`` with its session.
"""

import mimetypes
import posixpath
from urllib.parse import urljoin

from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exceptions import SavadError
from core.jsonbody import parse_json
from core.serving import is_local, send_stored

from . import results
from .access import (
    FRAME_SANDBOX,
    PREVIEW_PERMISSION,
    frame_for,
    grant_for,
    live_activity_page,
    packages_used_by,
    read_token,
    site_origin,
)
from .models import H5PPackage, H5PUserData
from .selectors import library_code, library_file_name

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
MAX_STATE_BYTES = 256 * 1024
MAX_STATEMENT_BYTES = 64 * 1024


def frame_csp(*, origin: str, parent_origin: str) -> str:
    """The frame document's policy: sandboxed (opaque origin) even when opened on its own.

    H5P libraries use inline styles and scripts and, in some content types, eval. Scripts come
    from the libraries and our static files only; the frame connects to the package's files,
    the libraries and the saved state only, and only the site's pages may embed it.
    """
    static_root = urljoin(origin + "/", static(""))
    h5p = f"{origin}/h5p/"
    directives = {
        "sandbox": FRAME_SANDBOX,
        "default-src": "'none'",
        "script-src": f"{h5p}libraries/ {static_root} 'unsafe-inline' 'unsafe-eval'",
        "style-src": f"{h5p} {static_root} 'unsafe-inline'",
        "img-src": f"{h5p} {static_root} data: blob:",
        "media-src": f"{h5p} blob: data:",
        "font-src": f"{h5p} {static_root} data:",
        "connect-src": f"{h5p}c/ {h5p}libraries/ {h5p}state/",
        "frame-src": "'none'",
        "worker-src": "'none'",
        "form-action": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
        "frame-ancestors": parent_origin or "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _isolate(response, *, cors: bool):
    """Headers of every response the content origin gives the opaque frame."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _file_response(request, path: str, *, private: bool):
    """A package or library file, always from this origin (streamed, or by the web server's
    sendfile): a redirect to object storage would leave the frame's CSP and break the relative
    paths H5P's player builds from the file's URL."""
    name = posixpath.basename(path)
    extension = posixpath.splitext(name)[1].lower()
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0]
    response = send_stored(
        request,
        path,
        content_type=content_type or "application/octet-stream",
        cache_control="private, max-age=3600" if private else "public, max-age=604800",
        headers={"Content-Security-Policy": FILE_CSP},
        redirect=False,
    )
    return _isolate(response, cors=True)


def _safe_subpath(path: str) -> str:
    clean = posixpath.normpath(path)
    if clean.startswith(("/", "..")) or "\\" in path or "\x00" in path or clean in {"", "."}:
        raise Http404
    return clean


def _expired():
    response = HttpResponse(
        _("This exercise link has expired: reload the page."),
        status=403,
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return _isolate(response, cors=True)


@require_safe
def preview(request, package_uuid):
    """A page on the site's origin for teachers and admins checking a package (nothing is
    recorded); the package plays in the same sandboxed frame as learners'."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(PREVIEW_PERMISSION):
        return HttpResponseForbidden(_("You may not preview H5P packages."))
    package = get_object_or_404(H5PPackage, uuid=package_uuid)
    if not package.is_ready:
        raise Http404
    return render(
        request,
        "content/preview.html",
        {"package": package, "frame": frame_for(request=request, page=None, package=package)},
    )


@csp_exempt()
@xframe_options_exempt  # frame-ancestors in the frame's own CSP says who may embed it
@require_safe
def frame(request, token: str):
    """The document inside the sandboxed iframe: h5p-standalone for one learner (token only)."""
    grant = grant_for(token)
    if grant is None:
        return _expired()
    package = H5PPackage.objects.filter(uuid=grant.package_uuid).first()
    if package is None or not package.is_ready:
        raise Http404
    page = None
    if not grant.is_preview:
        page = live_activity_page(grant.page_id)
        if page is None or package.pk not in packages_used_by(page):
            raise Http404
    language = (package.h5p_json.get("language") or "").split("-")[0]
    if page is not None and language in {"", "und"}:
        language = page.locale.language_code
    config = {
        "id": results.player_content_id(package),
        "h5pJsonPath": reverse("h5p:content", args=[token, "h5p.json"]).removesuffix("/h5p.json"),
        # The token changes with any library's code: browsers keep library files for a week,
        # and an upgrade must not be played with some of the old files still cached.
        "librariesPath": reverse("h5p:library", args=[library_code()["token"]]),
        "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
        "frame": False,
        # The sandboxed frame is already the content's own document: no second, nested iframe.
        "embedType": "div",
    }
    if page is not None:
        rows = H5PUserData.objects.filter(
            user_id=grant.user_id,
            package=package,
            activity_key=page.translation_key,
            sub_content_id="0",
        )
        user = get_user_model().objects.get(pk=grant.user_id)
        config.update(
            {
                "saveFreq": settings.H5P_SAVE_SECONDS,
                # Without a user (an admin preview) H5P core neither loads nor saves state.
                "user": {
                    "name": user.get_full_name() or user.get_username(),
                    "mail": f"learner-{user.pk}@users.savad.invalid",
                },
                "ajax": {
                    "contentUserDataUrl": reverse(
                        "h5p:state", args=[token, "DATATYPE", "SUBCONTENT"]
                    )
                    .replace("DATATYPE", ":dataType")
                    .replace("SUBCONTENT", ":subContentId"),
                },
                # H5P core reads contentUserData[subContentId][dataType] (a JSON string).
                "contentUserData": [{row.data_type: row.data for row in rows}],
                "xAPIObjectIRI": urljoin(grant.site_origin + "/", page.url or "/"),
            }
        )
    response = render(
        request,
        "content/player.html",
        {
            "config": config,
            "parent_origin": grant.site_origin,
            "title": package.title,
            "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "language": language or "en",
        },
    )
    response["Content-Security-Policy"] = frame_csp(
        origin=site_origin(request), parent_origin=grant.site_origin
    )
    response["Cache-Control"] = "no-store"
    return _isolate(response, cors=False)


def _content_dir(package_uuid: str) -> str:
    """The package's content folder. Local storage imports swap it in place (no query); in
    object storage the row names the version its imports uploaded last."""
    if is_local():
        return H5PPackage(uuid=package_uuid).content_root
    package = H5PPackage.objects.filter(uuid=package_uuid).only("uuid", "content_version").first()
    if package is None:
        raise Http404
    return package.content_dir


@csp_exempt()
@require_safe
def content_file(request, token: str, path: str):
    """A file of the package (``h5p.json``, ``content/…``) for the token's learner."""
    grant = grant_for(token)
    if grant is None:
        return _expired()
    path = _safe_subpath(path)
    if path != "h5p.json" and not path.startswith("content/"):
        raise Http404
    return _file_response(request, f"{_content_dir(grant.package_uuid)}/{path}", private=True)


@csp_exempt()
@require_safe
def library_file(request, path: str):
    """Shared H5P library code and assets (the same for everyone: public, long-cached)."""
    return _file_response(request, library_file_name(_safe_subpath(path)), private=False)


def _state_json(body: dict, *, status: int = 200):
    return _isolate(JsonResponse(body, status=status), cors=True)


@csp_exempt()
@csrf_exempt  # posted by the opaque frame, without cookies: the signed token authenticates it
@require_http_methods(["GET", "POST", "OPTIONS"])
def state(request, token: str, data_type: str, sub_content_id: str):
    """H5P's content user data: GET returns the saved state, POST saves (or clears) it."""
    if request.method == "OPTIONS":  # jQuery's X-Requested-With makes the frame ask first
        response = _isolate(HttpResponse(status=204), cors=True)
        response["Access-Control-Allow-Methods"] = "GET, POST"
        response["Access-Control-Allow-Headers"] = "X-Requested-With, Content-Type"
        response["Access-Control-Max-Age"] = "3600"
        return response
    grant = grant_for(token)
    if grant is None or grant.is_preview:
        return _state_json({"success": False, "message": _("Please reload the page.")}, status=403)
    page = live_activity_page(grant.page_id)
    package = H5PPackage.objects.filter(uuid=grant.package_uuid).first()
    if page is None or package is None or package.pk not in packages_used_by(page):
        raise Http404
    data = request.POST.get("data", "") if request.method == "POST" else ""
    if "\x00" in data or "\x00" in data_type or "\x00" in sub_content_id:
        return _state_json(
            {"success": False, "message": _("The saved state may not contain NUL characters.")},
            status=400,
        )
    key = {
        "user_id": grant.user_id,
        "package": package,
        "activity_key": page.translation_key,
        "sub_content_id": (sub_content_id or "0")[:64],
        "data_type": data_type[:64],
    }
    if request.method == "GET":
        row = H5PUserData.objects.filter(**key).first()
        return _state_json({"success": True, "data": row.data if row else False})
    if len(data.encode()) > MAX_STATE_BYTES:
        return _state_json(
            {"success": False, "message": _("The saved state is too large.")}, status=413
        )
    if data in {"", "0"}:  # H5P clears a state by posting 0
        H5PUserData.objects.filter(**key).delete()
    else:
        H5PUserData.objects.update_or_create(**key, defaults={"data": data})
    return _state_json({"success": True})


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
