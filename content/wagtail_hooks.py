"""Admin glue of the content app: the H5P packages snippet (menu "H5P packages")."""

from wagtail.snippets.models import register_snippet

from .admin_views import H5PPackageViewSet

register_snippet(H5PPackageViewSet)
