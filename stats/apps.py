from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        # app loading: these import models, ready only now; ``reports`` registers the
        # reports' compute functions with ``stats.rollups``
        from . import receivers, reports  # noqa: F401

        receivers.connect()
