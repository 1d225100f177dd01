from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _h5p_permissions(sender, **kwargs):
    from .services import ensure_h5p_permissions  # app loading: apps.py is imported before models

    ensure_h5p_permissions()


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content")

    def ready(self):
        from . import receivers  # app loading: apps.py is imported before models

        post_migrate.connect(_h5p_permissions, sender=self)
        receivers.connect()
