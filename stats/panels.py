"""The admin dashboard's statistics panel: the totals of the courses the viewer may see."""

import hashlib

from django.core.cache import cache
from wagtail.admin.ui.components import Component

from . import selectors

PANEL_CACHE_SECONDS = 300  # the admin's home page is opened often; totals may lag 5 minutes


class StatisticsPanel(Component):
    name = "statistics"
    order = 90
    template_name = "stats/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        keys = sorted(str(key) for key in selectors.statistics_scope(self.user))
        digest = hashlib.sha256(",".join(keys).encode()).hexdigest()
        total = cache.get_or_set(
            f"stats:panel:{digest}",
            lambda: selectors.course_overview(keys=keys)[1],
            PANEL_CACHE_SECONDS,
        )
        return {"total": total}
