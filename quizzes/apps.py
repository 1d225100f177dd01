from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _question_bank_permissions(sender, **kwargs):
    # app loading: apps.py is imported before models
    from .roles import ensure_question_bank_permissions

    ensure_question_bank_permissions()


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        post_migrate.connect(_question_bank_permissions, sender=self)
