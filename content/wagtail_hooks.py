"""Admin glue of the content app: the H5P packages snippet (menu "H5P packages") with its
per-course permission policy, the library upgrades menu item, privacy hooks."""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from core.localized import page_titles
from courses.page_forms import CLEAN_LESSON_FORM
from xapi.identity import iri_base

from .admin_views import H5PPackageViewSet
from .models import H5PPackage, H5PResult, H5PUserData
from .page_forms import check_packages
from .results_admin import H5PResultViewSet, ViewOnlyPolicy
from .roles import H5PPackagePolicy

# Registered before the snippet so the admin never falls back to the model-wide policy.
register_permission_policy(H5PPackage, H5PPackagePolicy(H5PPackage))
register_snippet(H5PPackageViewSet)
# Registered before the viewset: results are read-only in the admin.
register_permission_policy(H5PResult, ViewOnlyPolicy(H5PResult))


@hooks.register("register_admin_viewset")
def register_h5p_results_viewset():
    return H5PResultViewSet()


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def library_upgrades_menu_item():
    return AdministratorMenuItem(
        gettext_lazy("H5P library upgrades"),
        reverse(H5PPackage.snippet_viewset.get_url_name("library_upgrades")),
        icon_name="media",
        order=900,
    )


# --- Privacy: a learner's H5P results and saved state (see core.privacy) --------------------


@hooks.register("savad_user_data")
def h5p_data(user) -> dict:
    results = list(
        H5PResult.objects.filter(user=user).select_related("package").order_by("stored_at", "pk")
    )
    states = list(
        H5PUserData.objects.filter(user=user).select_related("package").order_by("updated_at")
    )
    titles = page_titles({r.activity_key for r in results} | {s.activity_key for s in states})
    return {
        "h5p_results.csv": [
            {
                "statement_id": r.statement_id,
                "activity_key": r.activity_key,
                "activity": titles.get(r.activity_key, ""),
                "exercise": r.package.title,
                "verb": r.verb,
                "sub_content_id": r.sub_content_id,
                "response": _statement_response(r.statement),
                "score_raw": r.score_raw,
                "score_max": r.score_max,
                "score_scaled": r.score_scaled,
                "graded_by": r.graded_by,
                "success": r.success,
                "completion": r.completion,
                "stored_at": r.stored_at,
            }
            for r in results
        ],
        "h5p_state.json": [
            {
                "activity_key": s.activity_key,
                "activity": titles.get(s.activity_key, ""),
                "exercise": s.package.title,
                "sub_content_id": s.sub_content_id,
                "data_type": s.data_type,
                "data": _maybe_json(s.data),
                "updated_at": s.updated_at,
            }
            for s in states
        ],
    }


def _statement_response(statement) -> str:
    result = statement.get("result") if isinstance(statement, dict) else None
    response = result.get("response") if isinstance(result, dict) else None
    return response if isinstance(response, str) else ""


def _maybe_json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


@hooks.register("savad_erase_user")
def anonymise_h5p_results(user) -> None:
    """Results stay for statistics; the learner's name in their statements goes.

    Saved player state is deleted with the account (its foreign key cascades).
    """
    anonymous = {"objectType": "Agent", "account": {"homePage": iri_base(), "name": "anonymous"}}
    results = list(H5PResult.objects.filter(user=user))
    for result in results:
        if isinstance(result.statement, dict):
            result.statement = {
                **{k: v for k, v in result.statement.items() if k != "authority"},
                "actor": anonymous,
            }
    H5PResult.objects.bulk_update(results, ["statement"], batch_size=500)


# A lesson's H5P blocks may use only this course's packages or shared ones.
hooks.register(CLEAN_LESSON_FORM, check_packages)
