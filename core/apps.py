from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .converters import IdConverter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Savad core")

    def ready(self):
        from . import checks, receivers  # noqa: F401 - app loading: checks register themselves

        register_converter(IdConverter, "id")
        receivers.connect()
