"""Every learning-record event becomes an outbox statement, in the sender's transaction.

Connected by ``XapiConfig.ready()`` through :func:`connect`.
"""

from progress import signals

from . import statements
from .services import record, record_many


def on_enrolled(sender, *, user, course, **kwargs):
    record(statements.registered(user=user, course_key=course.translation_key), user=user)


def on_activity_launched(sender, *, user, activity, **kwargs):
    # Parallel first visits may both send this: the statement id is fixed, so it is kept once.
    record(statements.launched(user=user, activity=activity), user=user, ignore_conflicts=True)


def on_activity_finished(sender, *, user, activity, progress, **kwargs):
    record(statements.finished(user=user, activity=activity, progress=progress), user=user)


def on_attempt_answered(sender, *, user, activity, attempt, responses, **kwargs):
    answered = (
        statements.answered(user=user, activity=activity, attempt=attempt, response=response)
        for response in responses
    )
    record_many([statement for statement in answered if statement is not None], user=user)


def on_course_progressed(sender, *, user, summary, **kwargs):
    record(statements.progressed(user=user, summary=summary), user=user)


def on_course_completed(sender, *, user, summary, **kwargs):
    record(
        statements.course_completed(user=user, summary=summary), user=user, ignore_conflicts=True
    )


def connect() -> None:
    signals.enrolled.connect(on_enrolled, dispatch_uid="xapi-enrolled")
    signals.activity_launched.connect(on_activity_launched, dispatch_uid="xapi-launched")
    signals.activity_finished.connect(on_activity_finished, dispatch_uid="xapi-finished")
    signals.attempt_answered.connect(on_attempt_answered, dispatch_uid="xapi-answered")
    signals.course_progressed.connect(on_course_progressed, dispatch_uid="xapi-progressed")
    signals.course_completed.connect(on_course_completed, dispatch_uid="xapi-course-completed")
