"""Wagtail admin: learners' H5P results, read-only, with who graded each score.

Listed under Reports for those with the "view H5P result" permission (superusers always). The
"graded by" column says whether Savad re-graded the answer on the server or the score is the
browser's own (self-reported), which does not complete a course unless the course accepts it.
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .models import H5PResult


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Those with the model's "view" permission may look; nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


class H5PResultFilterSet(WagtailFilterSet):
    class Meta:
        model = H5PResult
        fields = ["graded_by", "verb", "package"]


class H5PResultIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "package").order_by("-pk")


class H5PResultViewSet(ModelViewSet):
    model = H5PResult
    icon = "form"
    menu_label = gettext_lazy("H5P results")
    menu_hook = "register_reports_menu_item"
    name = "h5p_results"
    index_view_class = H5PResultIndexView
    filterset_class = H5PResultFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        Column("package", label=gettext_lazy("Exercise")),
        Column("user", label=gettext_lazy("Learner")),
        "verb",
        Column("sub_content_id", label=gettext_lazy("Question")),
        Column("score_raw", label=gettext_lazy("Score")),
        Column("score_max", label=gettext_lazy("Out of")),
        Column("graded_by", accessor="get_graded_by_display", label=gettext_lazy("Graded by")),
        "success",
        DateColumn("stored_at", label=gettext_lazy("Stored")),
    ]
    list_export = [
        "statement_id",
        "package_id",
        "user_id",
        "activity_key",
        "verb",
        "sub_content_id",
        "score_raw",
        "score_max",
        "score_scaled",
        "graded_by",
        "success",
        "completion",
        "stored_at",
    ]
    export_filename = "h5p-results"
    form_fields = ["verb"]  # required by ModelViewSet; no form view is routed
    inspect_view_fields = [
        "statement_id",
        "package",
        "user",
        "activity_key",
        "verb",
        "sub_content_id",
        "score_raw",
        "score_max",
        "score_scaled",
        "graded_by",
        "success",
        "completion",
        "stored_at",
        "statement",
    ]

    def get_urlpatterns(self):
        """Only the listing (with its export) and the inspect view: results are read-only."""
        kept = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]
