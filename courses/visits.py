"""Page views are reads: what a learner's activity page reports back with a beacon.

A lesson, quiz, H5P or simulation page writes nothing when an enrolled learner opens it again
(the first visit creates the progress rows). The page carries a signed *visit token* (learner,
page, activity, course, when it was served, a view id) and its script (``courses/visits.js``)
posts it with ``navigator.sendBeacon``: a *seen* report when the page is shown (it becomes the
resume point) and a *time* report when it is hidden or left (the seconds it was visible,
counted from the page's start, so a lost or repeated beacon costs nothing: the next one
carries the whole count; it does not move the resume point, which belongs to the page the
learner went on to). :func:`accept` checks a batch of reports and hands each to
``progress.services.record_seen``:

- a token that is not ours or another learner's, seconds that are not a whole number or an
  unknown kind refuse the whole batch (nothing is written); an expired token is skipped;
- seconds are clamped to the time since the page was served (and an hour per report);
- per learner and activity at most one report of each kind (seen, time) is accepted every
  ``PROGRESS_BEACON_INTERVAL`` seconds; the others are skipped (the seconds they carried
  arrive with the next accepted one of the same view).
"""

import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from progress.services import record_seen

SALT = "savad.courses.visit"
TOKEN_MAX_AGE = 24 * 60 * 60  # a page left open for a day reports nothing more
MAX_BATCH = 10
MAX_SECONDS_DIGITS = 7
SLACK = 5  # seconds a report may exceed the server's own clock (rounding, latency)


class VisitError(ValueError):
    """A report that was tampered with (or is too old): the batch is refused."""


@dataclass(frozen=True)
class Visit:
    user_id: int
    page_id: int
    activity_key: UUID
    course_key: UUID
    served_at: float  # epoch seconds (whole seconds in tokens issued before microseconds)
    view: str
    seconds: int = 0
    seen: bool = False  # "the page is open now" (the resume point), else "time on a page"


def interval() -> int:
    return int(getattr(settings, "PROGRESS_BEACON_INTERVAL", 5))


def throttle_key(user_id: int, activity_key: UUID, kind: str) -> str:
    return f"progress:beacon:{user_id}:{activity_key}:{kind}"


def issue_token(*, user, page, activity_key: UUID, course_key: UUID) -> str:
    """The signed token of one page view (no query)."""
    # The time the page was served, to the microsecond: a late report of a page left
    # earlier must not move the resume point back from a page opened after it.
    payload = [user.pk, page.pk, activity_key.hex, course_key.hex, time.time()]
    return signing.dumps([*payload, secrets.token_hex(8)], salt=SALT, compress=True)


def parse(*, user, tokens: list[str], seconds: list[str], kinds: list[str]) -> list[Visit]:
    """Check a batch; raises ``VisitError`` with a message for the learner."""
    if not tokens or not len(tokens) == len(seconds) == len(kinds) or len(tokens) > MAX_BATCH:
        raise VisitError(_("The report of your reading time was incomplete."))
    if not set(kinds) <= {"seen", "time"}:
        raise VisitError(_("The report of your reading time was incomplete."))
    visits = []
    for token, text, kind in zip(tokens, seconds, kinds, strict=True):
        try:
            user_id, page_id, activity, course, served_at, view = signing.loads(
                token, salt=SALT, max_age=TOKEN_MAX_AGE
            )
            visit = Visit(user_id, page_id, UUID(activity), UUID(course), served_at, view)
        except signing.SignatureExpired:
            continue  # a page left open too long (or kept offline): nothing more to record
        except (signing.BadSignature, TypeError, ValueError) as error:
            raise VisitError(_("The report of your reading time could not be verified.")) from error
        if visit.user_id != user.pk:
            raise VisitError(_("The report of your reading time could not be verified."))
        if not (text.isascii() and text.isdigit() and len(text) <= MAX_SECONDS_DIGITS):
            raise VisitError(_("Reading time must be a whole number of seconds."))
        elapsed = max(0, int(time.time() - visit.served_at))
        seconds_open = min(int(text), elapsed + SLACK)
        visits.append(replace(visit, seconds=seconds_open, seen=kind == "seen"))
    return visits


def accept(*, user, visits: list[Visit], activity_for=None) -> int:
    """Record the reports that pass the throttle; returns how many did.

    ``activity_for(visit)`` returns the ``ActivityRef`` of a visit whose progress rows are
    missing (rare: looked up only then).
    """
    accepted = 0
    for visit in visits:
        kind = "seen" if visit.seen else "time"
        if not cache.add(throttle_key(user.pk, visit.activity_key, kind), 1, interval()):
            continue
        extra = 0
        if not visit.seen:
            counted_key = f"progress:view:{visit.view}"
            extra = max(0, visit.seconds - cache.get(counted_key, 0))
            if extra:
                cache.set(counted_key, visit.seconds, TOKEN_MAX_AGE)
        record_seen(
            user=user,
            activity_key=visit.activity_key,
            course_key=visit.course_key,
            seconds=extra,
            resume=visit.seen,
            opened_at=datetime.fromtimestamp(visit.served_at, tz=UTC),
            activity=(lambda visit=visit: activity_for(visit)) if activity_for else None,
        )
        accepted += 1
    return accepted
