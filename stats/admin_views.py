"""Learner groups in the admin (a ModelViewSet in the Statistics menu)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import LearnerGroup


class LearnerGroupViewSet(ModelViewSet):
    model = LearnerGroup
    icon = "group"
    menu_label = _("Learner groups")
    add_to_admin_menu = True
    menu_hook = "register_statistics_menu_item"
    form_fields = ["name", "kind", "members"]
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_export = ["name", "kind"]
