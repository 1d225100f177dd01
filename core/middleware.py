"""Tells the editor when work they started waits for the task queue (see ``core.jobs``)."""

from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from . import jobs


class HeldBackJobsMiddleware:
    """After a request whose background jobs the broker did not take, say they will run later.

    Only people who use the admin are told (they started an import, published a page); a
    learner's page shows nothing, its jobs simply run later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jobs.start_request()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            jobs.held_back()
            and user is not None
            and user.is_authenticated
            and user.has_perm("wagtailadmin.access_admin")
        ):
            # The admin view has given back its language by now: speak the editor's own.
            with translation.override(UserProfile.get_for_user(user).get_preferred_language()):
                notice = _(
                    "Saved. The task queue is not answering: the background work this "
                    "started (such as an import) will start when the task queue is back."
                )
            messages.warning(request, notice, fail_silently=True)
        return response
