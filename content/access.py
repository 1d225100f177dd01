"""Who may play an H5P package where: activity usage checks and per-learner player tokens.

The player page (``/h5p/play/<page>/<package>/``) checks that the page is an activity the user may
see and that it uses the package, then issues a signed token naming (user, page, package). Every
request the player makes afterwards (content files, saved state, xAPI) carries the token in its
URL and is checked against it and the logged-in user, so content reaches only those who may see
the activity, without repeating the page checks for each of the player's many file requests.
"""

from dataclasses import dataclass

from django.core import signing
from wagtail.models import Page

from .models import H5PPackage

TOKEN_SALT = "savad.h5p.player"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 12 * 60 * 60  # a player page left open over a day needs a reload


@dataclass(frozen=True)
class PlayerGrant:
    user_id: int
    page_id: int
    package_uuid: str


def issue_token(*, user, page, package: H5PPackage) -> str:
    """A player token; ``page`` None for an admin preview (files only: no state, no results)."""
    page_id = page.pk if page is not None else 0
    return signing.dumps([user.pk, page_id, str(package.uuid)], salt=TOKEN_SALT, compress=True)


def read_token(token: str, *, user) -> PlayerGrant | None:
    """The grant in ``token`` if it is genuine, fresh and belongs to ``user``; else None."""
    try:
        user_id, page_id, package_uuid = signing.loads(
            token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not user.is_authenticated or user.pk != user_id:
        return None
    return PlayerGrant(user_id=user_id, page_id=page_id, package_uuid=package_uuid)


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


def activity_for(page_id: int):
    """The live activity page ``page_id`` (specific), or None."""
    from courses.models import ActivityPage

    page = Page.objects.live().filter(pk=page_id).select_related("locale").first()
    if page is None:
        return None
    page = page.specific
    return page if isinstance(page, ActivityPage) else None
