"""Privacy hooks: a learner's progress in their data export (see ``core.privacy``).

Nothing is erased here: progress rows keep their numbers for statistics and lose their user
(the foreign key is ``SET_NULL``) when the account is deleted.
"""

from wagtail import hooks

from core.localized import page_titles

from .models import ActivityProgress, CourseProgress


@hooks.register("savad_user_data")
def progress_data(user) -> dict:
    activities = list(ActivityProgress.objects.filter(user=user).order_by("course_key", "pk"))
    courses = list(CourseProgress.objects.filter(user=user).order_by("started_at", "pk"))
    keys = {row.course_key for row in courses} | {row.course_key for row in activities}
    keys |= {row.activity_key for row in activities}
    titles = page_titles(keys)
    return {
        "activity_progress.csv": [
            {
                "course_key": row.course_key,
                "course": titles.get(row.course_key, ""),
                "activity_key": row.activity_key,
                "activity": titles.get(row.activity_key, ""),
                "status": row.status,
                "score": row.score,
                "score_source": row.score_source,
                "attempts": row.attempts,
                "time_spent_seconds": row.time_spent,
                "first_seen_at": row.first_seen_at,
                "last_seen_at": row.last_seen_at,
                "completed_at": row.completed_at,
            }
            for row in activities
        ],
        "course_progress.csv": [
            {
                "course_key": row.course_key,
                "course": titles.get(row.course_key, ""),
                "completed_activities": row.completed_activities,
                "total_activities": row.total_activities,
                "percent_complete": row.percent_complete,
                "last_activity_key": row.last_activity_key,
                "started_at": row.started_at,
                "last_activity_at": row.last_activity_at,
                "completed_at": row.completed_at,
            }
            for row in courses
        ],
    }
