from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Savad core")

    def ready(self):
        from . import receivers
        from .converters import IdConverter

        register_converter(IdConverter, "id")
        receivers.connect()
