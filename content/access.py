"""Who may play an H5P package where: activity usage checks and per-learner player tokens.

The activity page (on the site's origin, with the learner's session) checks that the learner may
see it and issues a signed token naming (user, page, package, course, site origin). The page
embeds the player frame ``/h5p/frame/<token>/`` in a sandboxed iframe: the frame has an opaque
origin, sends no cookies and may live on ``H5P_CONTENT_ORIGIN``. The frame, the package's files
and the saved state are authenticated by the token ONLY, never by a session, and every such
request checks again that the token's user may still open the activity (one query for an
enrolled learner), so unenrolling revokes a token at once. xAPI results travel from the frame to
the page by ``postMessage``; the page posts them with its session and CSRF token, and that view
also checks the token's user is the logged-in one.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from wagtail.models import Page

from courses.models import ActivityPage, Enrolment
from courses.selectors import can_edit_course

from .models import H5PPackage

TOKEN_SALT = "savad.h5p.player"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 12 * 60 * 60  # a player page left open over a day needs a reload
PREVIEW_PERMISSION = "content.view_h5ppackage"
# Paths the content host serves (with H5P_CONTENT_ORIGIN set, the site's host does not).
# The iframe's sandbox: scripts run, but in an opaque origin (no allow-same-origin), and the
# frame may not navigate the page that embeds it.
FRAME_SANDBOX = "allow-scripts allow-popups allow-forms allow-downloads"
CONTENT_PATHS = ("/h5p/frame/", "/h5p/c/", "/h5p/libraries/", "/h5p/state/")


@dataclass(frozen=True)
class PlayerGrant:
    user_id: int
    page_id: int  # 0: an admin preview (files only: no state, no results)
    package_uuid: str
    course_key: str
    site_origin: str

    @property
    def is_preview(self) -> bool:
        return self.page_id == 0


def site_origin(request) -> str:
    """``scheme://host`` of the request: where the page that embeds the frame lives."""
    parts = urlsplit(request.build_absolute_uri("/"))
    return f"{parts.scheme}://{parts.netloc}"


def frame_url(token: str) -> str:
    """The player frame's address: on ``H5P_CONTENT_ORIGIN`` when set, else on the site's host."""
    return settings.H5P_CONTENT_ORIGIN + reverse("h5p:frame", args=[token])


def issue_token(*, request, page, package: H5PPackage) -> str:
    """A player token for ``request.user``; ``page`` None for an admin preview."""
    page_id = page.pk if page is not None else 0
    course_key = str(page.course.translation_key) if page is not None else ""
    payload = [request.user.pk, page_id, str(package.uuid), course_key, site_origin(request)]
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def frame_for(*, request, page, package: H5PPackage) -> dict:
    """What a site page needs to embed the player for ``request.user`` (issues a token).

    The caller has checked that the user may open ``page`` (None: an admin preview).
    """
    token = issue_token(request=request, page=page, package=package)
    return {
        "src": frame_url(token),
        "sandbox": FRAME_SANDBOX,
        "xapi_url": reverse("h5p:xapi", args=[token]) if page is not None else "",
    }


def read_token(token: str, *, user=None) -> PlayerGrant | None:
    """The grant in ``token`` if it is genuine and fresh (and, with ``user``, theirs); else None.

    This checks the signature only: token-authenticated endpoints also call ``may_use``.
    """
    try:
        user_id, page_id, package_uuid, course_key, origin = signing.loads(
            token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if user is not None and (not user.is_authenticated or user.pk != user_id):
        return None
    return PlayerGrant(
        user_id=user_id,
        page_id=page_id,
        package_uuid=package_uuid,
        course_key=course_key,
        site_origin=origin,
    )


def may_use(grant: PlayerGrant) -> bool:
    """Whether the grant's user may still open what it names (revocation on unenrolment).

    An enrolled learner costs one query. Anyone else (a course editor, an admin preview) is
    checked in full: an active account with the page or preview permission.
    """
    if not grant.is_preview and (
        Enrolment.objects.filter(
            user_id=grant.user_id, user__is_active=True, course_key=grant.course_key
        ).exists()
    ):
        return True
    user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
    if user is None:
        return False
    if grant.is_preview:
        return user.has_perm(PREVIEW_PERMISSION)
    page = live_activity_page(grant.page_id)
    return page is not None and can_edit_course(user=user, course=page.course)


def grant_for(token: str) -> PlayerGrant | None:
    """The grant of a token-only request (frame, files, state): genuine, fresh and not revoked."""
    grant = read_token(token)
    if grant is None or not may_use(grant):
        return None
    return grant


def packages_used_by(page) -> set[int]:
    """Primary keys of the H5P packages an activity page plays (its own, or lesson blocks)."""
    used = set()
    package_id = getattr(page, "package_id", None)
    if package_id:
        used.add(package_id)
    body = getattr(page, "body", None)
    if body is not None:
        for block in body:
            if block.block_type == "h5p" and block.value.get("package") is not None:
                used.add(block.value["package"].pk)
    return used


def live_activity_page(page_id: int):
    """The live activity page ``page_id`` (specific), or None."""
    page = Page.objects.live().filter(pk=page_id).select_related("locale").first()
    if page is None:
        return None
    page = page.specific
    return page if isinstance(page, ActivityPage) else None
