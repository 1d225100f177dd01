"""Privacy hooks of accounts: log-in records (django-axes) in the export, gone on erasure.

The profile itself is written by ``core.privacy``; Wagtail's user profile cascades with the
account.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from wagtail import hooks


@hooks.register("savad_user_data")
def login_data(user) -> dict:
    logins = AccessLog.objects.filter(username=user.get_username()).order_by("attempt_time")
    failures = AccessFailureLog.objects.filter(username=user.get_username())
    return {
        "logins.csv": [
            {
                "logged_in_at": row.attempt_time,
                "logged_out_at": row.logout_time,
                "ip_address": row.ip_address,
                "browser": row.user_agent,
            }
            for row in logins
        ],
        "failed_logins.csv": [
            {
                "attempted_at": row.attempt_time,
                "ip_address": row.ip_address,
                "browser": row.user_agent,
                "locked_out": row.locked_out,
            }
            for row in failures.order_by("attempt_time")
        ],
    }


@hooks.register("savad_erase_user")
def erase_login_records(user) -> None:
    username = user.get_username()
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        model.objects.filter(username=username).delete()
