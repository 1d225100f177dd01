"""wagtail.users with Savad's user forms: INSTALLED_APPS lists this config instead."""

from wagtail.users.apps import WagtailUsersAppConfig


class SavadUsersConfig(WagtailUsersAppConfig):
    user_viewset = "accounts.admin_viewsets.UserViewSet"
