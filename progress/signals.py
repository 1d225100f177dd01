"""Learning-record events.

The progress, course and quiz services send these *inside their own transaction*, so a
receiver's writes (an xAPI outbox row, a certificate) commit or roll back with the change
that caused them. Receivers must be quick and must not call anything outside the database;
work such as rendering a PDF or talking to an LRS is queued with ``transaction.on_commit``.

Every signal is sent with ``sender`` set to the sending module's name and these arguments:

``enrolled``            user, course (a ``CoursePage``), enrolment — a new enrolment only.
``activity_launched``   user, activity (``ActivityRef``) — the learner's first visit of it.
``activity_finished``   user, activity, progress (``ActivityProgress`` after the write; its
                        ``status`` is completed, passed or failed and ``score`` is 0–1 or None).
``attempt_answered``    user, activity, attempt, responses (``quizzes`` models, in question
                        order) — once per attempt, when it is graded.
``course_progressed``   user, summary (``CourseProgress``) — its percentage changed.
``course_completed``    user, summary — exactly once per learner and course, when the
                        course's completion rule is first met.

A progress write runs its signals inside :func:`batch`: a receiver may then :func:`defer` a
write (the xAPI outbox does), and the deferred items of each flush function are written in one
call when the progress write ends, still inside its transaction.
"""

import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.dispatch import Signal

enrolled = Signal()
activity_launched = Signal()
activity_finished = Signal()
attempt_answered = Signal()
course_progressed = Signal()
course_completed = Signal()

_state = threading.local()


@contextmanager
def batch():
    """Collect deferred writes (see :func:`defer`) and flush them, grouped, at the end.

    Nested batches join the outer one; nothing is flushed if the block raises.
    """
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = pending = {}
    try:
        yield
    finally:
        _state.pending = None
    for flush, items in pending.items():
        flush(items)


def defer(flush: Callable[[list], None], item) -> bool:
    """Queue ``item`` for ``flush(items)`` at the end of the current batch; False (the caller
    writes at once) when no batch is running."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        return False
    pending.setdefault(flush, []).append(item)
    return True
