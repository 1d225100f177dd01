"""Signal receivers of the courses app, connected by ``CoursesConfig.ready()`` via :func:`connect`.

Completion recounts: publishing an activity recounts its course's learners only when the
activity's completion rule (required? minimum score?) differs from the one that was live, or
the activity was not live before; publishing a course only when its "accept self-reported
scores" setting changed. Unpublishing (deleting sends it too) or moving activities to another
course changes the course's set of activities, so it always recounts.

The rule that was live is read from the page's row just before publishing saves the new
revision over it: Wagtail writes a live page's fields to its row only when publishing.
"""

from django.db.models.signals import pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from core import jobs

from .models import ActivityPage, CoursePage
from .tasks import reevaluate_completion

ACTIVITY_RULE_FIELDS = ("required_for_completion", "completion_min_score")
COURSE_RULE_FIELDS = ("accept_self_reported_scores",)
_LIVE_RULE = "_savad_live_completion_rule"  # instance attribute: the rule before this save


def _rule_fields(page) -> tuple[str, ...]:
    if isinstance(page, ActivityPage):
        return ACTIVITY_RULE_FIELDS
    if isinstance(page, CoursePage):
        return COURSE_RULE_FIELDS
    return ()


def remember_live_rule(sender, instance, update_fields=None, **kwargs):
    """Before a full save of a live activity or course (publishing), note the rule it replaces.

    ``None`` is noted when the page was not live, or live without ever being published
    (created live in code): going live counts as a change.
    """
    fields = _rule_fields(instance)
    if not fields or instance.pk is None or update_fields is not None or not instance.live:
        return
    row = type(instance).objects.filter(pk=instance.pk)
    row = row.values("live", "live_revision_id", *fields).first()
    was_published = row and row["live"] and row["live_revision_id"] is not None
    live_rule = tuple(row[name] for name in fields) if was_published else None
    setattr(instance, _LIVE_RULE, live_rule)


def _rule_changed(page) -> bool:
    """Whether publishing ``page`` changed its completion rule (unknown counts as changed)."""
    fields = _rule_fields(page)
    missing = object()
    before = page.__dict__.pop(_LIVE_RULE, missing)
    if before is missing or before is None:
        return True
    return before != tuple(getattr(page, name) for name in fields)


def _recount(course: CoursePage | None) -> None:
    if course is not None:
        jobs.enqueue_on_commit(reevaluate_completion, course.pk)


def _course_of(page: Page) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(page).only("pk").first()


def recount_on_publish(sender, instance, **kwargs):
    """A changed completion rule can change who has completed the course: recount after commit.

    A course's "accept self-reported scores" switched on lets learners whose self-reported
    results now count complete it (switching it off takes nothing back).
    """
    if isinstance(instance, CoursePage):
        if _rule_changed(instance):
            _recount(instance)
    elif isinstance(instance, ActivityPage) and _rule_changed(instance):
        _recount(_course_of(instance))


def recount_on_unpublish(sender, instance, **kwargs):
    """An activity taken off (or deleted) changes its course's set of activities."""
    if isinstance(instance, ActivityPage):
        _recount(_course_of(instance))


def recount_on_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """Live activities moved to another course (alone or in a module) change both courses."""
    if isinstance(instance.specific_deferred, CoursePage):
        return
    moved_live = instance.live and isinstance(instance.specific_deferred, ActivityPage)
    if not moved_live and not ActivityPage.objects.descendant_of(instance).live().exists():
        return
    before = CoursePage.objects.ancestor_of(parent_page_before, inclusive=True).only("pk")
    after = CoursePage.objects.ancestor_of(parent_page_after, inclusive=True).only("pk")
    before, after = before.first(), after.first()
    if before != after:
        _recount(before)
        _recount(after)


def connect() -> None:
    pre_save.connect(remember_live_rule, dispatch_uid="courses-remember-live-rule")
    page_published.connect(recount_on_publish, dispatch_uid="courses-recount-published")
    page_unpublished.connect(recount_on_unpublish, dispatch_uid="courses-recount-unpublished")
    post_page_move.connect(recount_on_move, dispatch_uid="courses-recount-moved")
