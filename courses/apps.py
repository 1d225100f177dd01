from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from .services import ensure_roles  # app loading: apps.py is imported before models

    ensure_roles()


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from . import receivers  # app loading: receivers import models, ready only now

        post_migrate.connect(_ensure_roles, sender=self)
        receivers.connect()
