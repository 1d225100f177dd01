"""Admin glue: the certificates viewset and the personal-data hooks (see core.privacy)."""

from wagtail import hooks

from . import services
from .admin_views import CertificateViewSet


@hooks.register("register_admin_viewset")
def register_certificates_viewset():
    return CertificateViewSet("certificates")


@hooks.register("savad_user_data")
def certificates_user_data(user) -> dict:
    return {"certificates.json": services.export_rows(user)}


@hooks.register("savad_erase_user")
def erase_certificates(user) -> None:
    services.erase_user(user)
