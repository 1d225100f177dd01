"""Background work for courses. Tasks stay thin: they call a service."""

from celery import shared_task

from .models import CoursePage
from .services import reevaluate_completion as reevaluate


@shared_task(name="courses.tasks.reevaluate_completion", acks_late=True)
def reevaluate_completion(course_id: int) -> int:
    """Recount learners' progress after a course's activities or completion rule changed."""
    course = CoursePage.objects.filter(pk=course_id).select_related("locale").first()
    return reevaluate(course=course) if course is not None else 0
