from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LrsConfig(AppConfig):
    name = "lrs"
    verbose_name = _("xAPI statements (LRS)")
