"""Admin glue of the LRS: the xAPI clients viewset and the privacy hooks (``core.privacy``)."""

from wagtail import hooks

from . import privacy
from .admin_views import client_viewset


@hooks.register("register_admin_viewset")
def register_client_viewset():
    return client_viewset


@hooks.register("savad_user_data")
def user_data(user) -> dict:
    return privacy.export_user_data(user)


@hooks.register("savad_erase_user")
def erase_user(user) -> None:
    privacy.erase_user(user)
