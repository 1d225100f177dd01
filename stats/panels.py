"""The admin dashboard's statistics panel: the totals of the courses the viewer may see."""

from wagtail.admin.ui.components import Component

from . import reports, selectors


class StatisticsPanel(Component):
    name = "statistics"
    order = 90
    template_name = "stats/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        """The overview's total row: exact for a small scope, the rollup for a large one."""
        snapshot = reports.overview(keys=selectors.statistics_scope(self.user))
        return {"total": snapshot.result[1], "snapshot": snapshot}
