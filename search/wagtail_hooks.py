from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from . import admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("search-reports/", include(admin_urls, namespace="search_reports"))]


@hooks.register("register_reports_menu_item")
def register_no_results_report():
    return AdminOnlyMenuItem(
        _("Searches without results"),
        reverse("search_reports:no_results"),
        name="searches-without-results",
        icon_name="search",
        order=1310,
    )
