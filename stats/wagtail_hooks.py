from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import urls
from .admin_views import LearnerGroupViewSet
from .panels import StatisticsPanel
from .selectors import can_view_statistics


def may_view_statistics(request) -> bool:
    """``can_view_statistics`` for the request's user, worked out once per request (the menu
    asks for each of its items)."""
    if not hasattr(request, "_savad_may_view_statistics"):
        request._savad_may_view_statistics = can_view_statistics(request.user)
    return request._savad_may_view_statistics


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_statistics(request)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("statistics/", include(urls, namespace="stats"))]


@hooks.register("register_admin_viewset")
def register_viewsets():
    return LearnerGroupViewSet("learner_groups")


@hooks.register("register_admin_menu_item")
def register_statistics_menu():
    menu = Menu(register_hook_name="register_statistics_menu_item", construct_hook_name=None)
    return SubmenuMenuItem(_("Statistics"), menu, icon_name="table", name="statistics", order=250)


@hooks.register("register_statistics_menu_item")
def register_overview_item():
    return StatisticsMenuItem(
        _("Overview"), reverse_lazy("stats:overview"), icon_name="table", order=100
    )


@hooks.register("register_statistics_menu_item")
def register_learners_item():
    return StatisticsMenuItem(
        _("Learners"), reverse_lazy("stats:learners"), icon_name="user", order=200
    )


@hooks.register("construct_homepage_panels")
def add_statistics_panel(request, panels):
    if may_view_statistics(request):
        panels.append(StatisticsPanel(request.user))


@hooks.register("register_statistics_menu_item")
def register_activities_item():
    return StatisticsMenuItem(
        _("Quizzes and exercises"), reverse_lazy("stats:activities"), icon_name="form", order=300
    )


@hooks.register("register_statistics_menu_item")
def register_import_item():
    return StatisticsMenuItem(
        _("Import learners"), reverse_lazy("stats:import"), icon_name="upload", order=400
    )
