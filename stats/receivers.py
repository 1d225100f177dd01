"""Learning events make the statistics of their course stale (``stats.rollups``).

Connected by ``StatsConfig.ready()`` through :func:`connect`.
"""

from django.db.models.signals import post_delete

from courses.models import Enrolment
from progress import signals

from .rollups import mark_changed


def on_enrolled(sender, *, course, **kwargs):
    mark_changed(course.translation_key)


def on_activity_event(sender, *, activity, **kwargs):
    mark_changed(activity.course_key)


def on_course_event(sender, *, summary, **kwargs):
    mark_changed(summary.course_key)


def on_unenrolled(sender, *, instance, **kwargs):
    mark_changed(instance.course_key)


def connect() -> None:
    signals.enrolled.connect(on_enrolled, dispatch_uid="stats-enrolled")
    for signal in (signals.activity_launched, signals.activity_finished, signals.attempt_answered):
        signal.connect(on_activity_event, dispatch_uid=f"stats-{id(signal)}")
    for signal in (signals.course_progressed, signals.course_completed):
        signal.connect(on_course_event, dispatch_uid=f"stats-{id(signal)}")
    post_delete.connect(on_unenrolled, sender=Enrolment, dispatch_uid="stats-unenrolled")
