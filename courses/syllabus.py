"""A course's syllabus in a compact, cacheable form, and its HTML with a learner's ticks.

The syllabus is plain tuples (ids, translation keys, titles, paths below the course, page
types, module grouping), never model instances: a 1,000-lesson course is read from the cache
in well under a millisecond. Its HTML is rendered once per content version, language, course
URL and page kind (``course``: every module open; ``activity``: every module closed) and kept
split at slots, one per module (``open``) and two per activity (its status class, its tick).
A request fills the slots from the learner's few progress rows and marks the current page:
no template runs per lesson, and nothing a learner sees is ever stored in a shared entry.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import blake2b
from itertools import chain
from typing import NamedTuple
from uuid import UUID

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.caching import cached_content

SLOT = "\x00"  # around a slot's name in the rendered template; never in escaped text
DONE = ("completed", "passed")
COURSE, ACTIVITY = "course", "activity"


class Activity(NamedTuple):
    """A published activity; ``path`` is its URL below the course's (``module-1/lesson-3/``)."""

    pk: int
    translation_key: UUID
    title: str
    path: str
    model: str  # app_label.model_name of its page type
    module_id: int | None = None

    @property
    def specific_class(self) -> type:
        return apps.get_model(self.model)

    @property
    def status_slot(self) -> str:
        return f"{SLOT}s{self.translation_key.hex}{SLOT}"

    @property
    def tick_slot(self) -> str:
        return f"{SLOT}t{self.translation_key.hex}{SLOT}"


class Module(NamedTuple):
    pk: int
    title: str
    activities: tuple[Activity, ...]

    is_module = True

    @property
    def open_slot(self) -> str:
        return f"{SLOT}o{self.pk}{SLOT}"


Activity.is_module = False


@dataclass
class Syllabus:
    """A course's published modules and activities, and its completion rule.

    ``items`` are the top level in tree order (modules, and activities outside any module);
    ``required_keys`` are the activities that must be done to complete the course (all of
    them when the teacher marked none as required); ``min_scores`` the scores (0–1) some of
    them need to count; ``accept_self_reported`` whether results the learner's browser
    reported itself (H5P scores the server could not re-grade) count too.
    """

    items: tuple
    activities: tuple[Activity, ...]
    required_keys: frozenset[UUID] = frozenset()
    min_scores: dict[UUID, Decimal] = field(default_factory=dict)
    accept_self_reported: bool = False

    @property
    def activity_keys(self) -> frozenset[UUID]:
        return frozenset(activity.translation_key for activity in self.activities)

    @property
    def modules(self) -> list[Module]:
        return [item for item in self.items if item.is_module]

    def find(self, page_id: int) -> Activity | None:
        return next((a for a in self.activities if a.pk == page_id), None)

    def neighbours(self, page) -> tuple[Activity | None, Activity | None]:
        ids = [activity.pk for activity in self.activities]
        if page.pk not in ids:
            return None, None
        index = ids.index(page.pk)
        previous = self.activities[index - 1] if index > 0 else None
        following = self.activities[index + 1] if index + 1 < len(self.activities) else None
        return previous, following


@dataclass(frozen=True)
class SyllabusHtml:
    """Rendered syllabus: static ``parts`` around the ``slots`` (one fewer than the parts)."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        """The HTML with ``values`` in their slots and the slots' defaults elsewhere."""
        filled = [values.get(slot) or DEFAULTS[slot[0]] for slot in self.slots]
        pairs = zip(self.parts[:-1], filled, strict=True)
        return "".join(chain.from_iterable(pairs)) + self.parts[-1]


DEFAULTS = {"s": "not_started", "t": "", "o": ""}


def syllabus_html(
    *, syllabus: Syllabus, course_id: int, course_url: str, kind: str
) -> SyllabusHtml:
    """The course's syllabus HTML for ``kind`` of page, cached (no query to build)."""

    def build() -> SyllabusHtml:
        html = render_to_string(
            "courses/includes/syllabus.html",
            {"syllabus": syllabus, "course_url": course_url, "expanded": kind == COURSE},
        )
        pieces = html.split(SLOT)
        return SyllabusHtml(parts=tuple(pieces[0::2]), slots=tuple(pieces[1::2]))

    return cached_content(html_cache_key(course_id, course_url, kind), build, local=True)


def html_cache_key(course_id: int, course_url: str, kind: str) -> str:
    url = blake2b(course_url.encode(), digest_size=8).hexdigest()
    return f"syllabus-html:{course_id}:{get_language()}:{kind}:{url}"


def status_values(statuses: Iterable[tuple[UUID, str]]) -> dict[str, str]:
    """Slot values for a learner's (activity key, status) pairs: status class and tick."""
    completed = escape(_("(completed)"))
    labels = {"in_progress": escape(_("(started)")), "failed": escape(_("(not passed yet)"))}
    values = {}
    for key, status in statuses:
        values[f"s{key.hex}"] = status
        if status in DONE:
            values[f"t{key.hex}"] = (
                '<span class="tick" aria-hidden="true">✓</span>'
                f'<span class="visually-hidden">{completed}</span>'
            )
        elif status in labels:
            values[f"t{key.hex}"] = f'<span class="visually-hidden">{labels[status]}</span>'
    return values


def render(
    fragment: SyllabusHtml,
    *,
    course_url: str,
    statuses: Iterable[tuple[UUID, str]] = (),
    current: Activity | None = None,
) -> str:
    """The syllabus of one learner: their ticks, the current activity marked and its module
    open."""
    values = status_values(statuses)
    if current is not None and current.module_id is not None:
        values[f"o{current.module_id}"] = " open"
    html = fragment.fill(values)
    if current is not None:
        title = escape(current.title)
        link = f'<a href="{escape(course_url + current.path)}">{title}</a>'
        html = html.replace(link, f'<span aria-current="page">{title}</span>', 1)
    return html
