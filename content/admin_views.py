"""Wagtail admin of H5P packages: list, upload, status page (live progress), replace, delete,
and the review of shared-library upgrades.

Every change goes through ``content.services``: uploading queues the import, a new file on the
edit page replaces the package's content once it is ready, deleting removes the files too. The
status page polls a small JSON view while an import runs (and offers a plain refresh link).
Who may do what follows the model permissions (Teachers: add, change, view), narrowed per
package by ``content.roles``: teachers list, use and replace their courses' packages and their
own uploads, see shared ones read-only; every view refuses the rest the Wagtail way (back to the
dashboard with a message; 403 to scripts). Library upgrades are for administrators only.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import DateColumn, StatusTagColumn, TitleColumn
from wagtail.log_actions import log
from wagtail.snippets.views import chooser, snippets
from wagtail.snippets.views.snippets import SnippetViewSet

from core.exceptions import SavadError

from . import services
from .forms import H5PPackageForm
from .models import H5PLibraryUpgrade, H5PPackage
from .roles import packages_for

Status = H5PPackage.Status
POLL_INTERVAL_MS = 1500
VIEW_ACTIONS = {"add", "change", "delete", "view"}


def status_label(package: H5PPackage) -> str:
    if services.is_replacing(package):
        return _("Ready (a new file is being imported)")
    return str(package.get_status_display())


def preview_url(package: H5PPackage) -> str | None:
    """The player's preview page for the package (for those who may see the H5P packages)."""
    if not package.is_ready:
        return None
    return reverse("h5p:preview", args=[package.uuid])


def can_retry(package: H5PPackage) -> bool:
    """Failed (with its file kept), or an import (or replacement) that stopped showing signs
    of life. A refused file is deleted: a new one is uploaded on the edit page instead."""
    if package.status == Status.FAILED:
        return bool(package.upload.name)
    stuck = package.status in services.BUSY_STATES or services.is_replacing(package)
    return stuck and not services.is_busy(package)


def status_json(package: H5PPackage) -> dict:
    return {
        "id": package.pk,
        "status": package.status,
        "status_label": status_label(package),
        "progress": package.progress,
        "busy": services.is_busy(package),
        "replacing": services.is_replacing(package),
        "ready": package.is_ready,
        "title": str(package),
        "main_library": package.main_library,
        "errors": package.errors,
    }


# --- Snippet views ---------------------------------------------------------------------------


class StatusPageMixin:
    """After saving, go to the package's status page, where the import can be followed."""

    def get_success_url(self):
        return reverse(H5PPackage.snippet_viewset.get_url_name("inspect"), args=[self.object.pk])

    def get_success_buttons(self):
        return []


class ObjectPermissionMixin:
    """Refuse (``PermissionDenied``) unless the user may do ``object_action`` on this package."""

    object_action = "change"

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.object_action, instance
        ):
            raise PermissionDenied
        return instance


class HistoryView(ObjectPermissionMixin, snippets.HistoryView):
    object_action = "view"


class UsageView(ObjectPermissionMixin, snippets.UsageView):
    object_action = "view"


class IndexView(snippets.IndexView):
    """Only the packages the user may see; edit links only on those they may change."""

    def get_edit_url(self, instance):
        may = self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        )
        return super().get_edit_url(instance) if may else None

    def get_delete_url(self, instance):
        may = self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", instance
        )
        return super().get_delete_url(instance) if may else None

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        """The title links to the status page (editing is one button further)."""
        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(
            field_name,
            column_class,
            get_url=self.get_inspect_url,
            get_title_id=lambda instance: f"snippet_{instance.pk}_title",
            **kwargs,
        )


class CreateView(StatusPageMixin, snippets.CreateView):
    page_title = gettext_lazy("Upload an H5P package")
    submit_button_label = gettext_lazy("Upload")
    submit_button_active_label = gettext_lazy("Uploading…")
    success_message = gettext_lazy("“%(object)s” was uploaded; it is being checked and unpacked.")

    def save_instance(self):
        data = self.form.cleaned_data
        package = services.package_create(
            upload=data["upload"],
            title=data.get("title") or "",
            user=self.request.user,
            course=data.get("course"),
        )
        log(package, "wagtail.create", user=self.request.user)
        return package

    def get_success_message(self, instance):
        name = instance.title or self.form.cleaned_data["upload"].name
        return self.success_message % {"object": name}


class EditView(StatusPageMixin, ObjectPermissionMixin, snippets.EditView):
    success_message = gettext_lazy("“%(object)s” was saved.")
    replaced_message = gettext_lazy(
        "The new file for “%(object)s” was uploaded; lessons keep the current content until it "
        "is ready."
    )

    def new_file(self, form):
        return form.cleaned_data.get("upload") if "upload" in form.changed_data else None

    def is_valid(self, form):
        valid = super().is_valid(form)
        if valid and self.new_file(form) is not None:
            current = H5PPackage.objects.get(pk=self.object.pk)
            problem = None
            if services.is_busy(current):
                problem = _("This package is being imported; wait until that has finished.")
            else:
                problem = services.replace_refusal(current, user=self.request.user)
            if problem:
                form.add_error("upload", problem)
                self.produced_error_message = self.get_error_message()
                return False
        return valid

    def save_instance(self):
        package = H5PPackage.objects.get(pk=self.object.pk)
        title = (self.form.cleaned_data.get("title") or "").strip()
        upload = self.new_file(self.form)
        self.replaced = upload is not None
        if "course" in self.form.cleaned_data:
            package.course = self.form.cleaned_data["course"]
            H5PPackage.objects.filter(pk=package.pk).update(course=package.course)
        if self.replaced:
            package = services.package_replace(package, upload, title=title, user=self.request.user)
        else:
            package.title = title[:255]
            package.save(update_fields=["title", "updated_at"])
        log(package, "wagtail.edit", user=self.request.user)
        return package

    def get_success_message(self):
        message = self.replaced_message if getattr(self, "replaced", False) else None
        return (message or self.success_message) % {"object": self.object}


class DeleteView(ObjectPermissionMixin, snippets.DeleteView):
    object_action = "delete"

    def delete_action(self):
        with transaction.atomic():
            log(self.object, "wagtail.delete", user=self.request.user)
            services.package_delete(self.object)


class StatusView(ObjectPermissionMixin, snippets.InspectView):
    """The package's status page: status, progress bar, problems, notices, libraries, actions."""

    page_title = gettext_lazy("Status")
    object_action = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        package = self.object
        viewset = H5PPackage.snippet_viewset
        may_change = self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", package
        )
        context.update(
            {
                "package": package,
                "status_label": status_label(package),
                "busy": services.is_busy(package),
                "replacing": services.is_replacing(package),
                "show_progress": services.is_busy(package),
                "status_url": reverse(viewset.get_url_name("status"), args=[package.pk]),
                "retry_url": (
                    reverse(viewset.get_url_name("retry"), args=[package.pk])
                    if may_change and can_retry(package)
                    else None
                ),
                "notices": package.notices,
                "course": package.course,
                "preview_url": preview_url(package),
                "libraries": package.libraries.order_by("machine_name", "major_version"),
                "poll_interval": POLL_INTERVAL_MS,
            }
        )
        return context


class ReadyOnlyChooseMixin:
    """Lessons can only use packages that are ready and that the user may use."""

    def get_object_list(self):
        return packages_for(self.request.user, read=True).filter(status=Status.READY)


class ChooseView(ReadyOnlyChooseMixin, chooser.ChooseView):
    pass


class ChooseResultsView(ReadyOnlyChooseMixin, chooser.ChooseResultsView):
    pass


class ChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return packages_for(self.request.user, read=True).get(pk=pk)


class ChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView


# --- Status (JSON) and retry -----------------------------------------------------------------


def _package_for(request, pk, actions: set[str]) -> H5PPackage:
    policy = H5PPackage.snippet_viewset.permission_policy
    if not policy.user_has_any_permission(request.user, actions):
        raise PermissionDenied
    package = get_object_or_404(H5PPackage, pk=pk)
    if not any(
        policy.user_has_permission_for_instance(request.user, action, package) for action in actions
    ):
        raise PermissionDenied
    return package


@require_safe
def package_status(request, pk):
    """The import's status and progress, for the status page's live updates."""
    package = _package_for(request, pk, VIEW_ACTIONS)
    response = JsonResponse(status_json(package))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def package_retry(request, pk):
    package = _package_for(request, pk, {"change"})
    if can_retry(package):
        try:
            services.package_retry(package)
        except SavadError as error:
            messages.error(request, error.message)
        else:
            log(package, "wagtail.edit", user=request.user)
            messages.success(
                request, _("“%(object)s” is being imported again.") % {"object": package}
            )
    return redirect(H5PPackage.snippet_viewset.get_url_name("inspect"), package.pk)


# --- The viewset -----------------------------------------------------------------------------


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "media"
    menu_label = gettext_lazy("H5P packages")
    menu_order = 260
    add_to_admin_menu = True
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    index_view_class = IndexView
    inspect_view_class = StatusView
    inspect_view_enabled = True
    inspect_view_fields = ["title"]
    inspect_template_name = "content/admin/package_status.html"
    copy_view_enabled = False
    chooser_viewset_class = ChooserViewSet
    list_display = [
        "__str__",
        StatusTagColumn(
            "status",
            accessor=status_label,
            label=gettext_lazy("Status"),
            sort_key="status",
            primary=lambda package: package.is_ready,
        ),
        "main_library",
        "course",
        DateColumn("created_at", label=gettext_lazy("Uploaded"), sort_key="created_at"),
    ]
    list_filter = ["status"]
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("course"), FieldPanel("upload")],
        base_form_class=H5PPackageForm,
    )
    search_backend_name = None  # search the scoped listing with the database
    search_fields = ["title", "main_library"]

    def get_queryset(self, request):
        return packages_for(request.user, read=True).select_related("course")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("status/<id:pk>/", package_status, name="status"),
            path("retry/<id:pk>/", package_retry, name="retry"),
            path("library-upgrades/", library_upgrades, name="library_upgrades"),
            path("library-upgrades/<id:pk>/", library_upgrade, name="library_upgrade"),
        ]


# --- Shared-library upgrades (administrators) ------------------------------------------------


def _require_administrator(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def library_upgrades(request):
    """Every upgrade of a shared library, pending ones first."""
    _require_administrator(request)
    upgrades = H5PLibraryUpgrade.objects.select_related(
        "library", "package", "requested_by", "decided_by"
    ).order_by("status", "-created_at")
    name = H5PPackage.snippet_viewset.get_url_name("library_upgrade")
    upgrades = list(upgrades)
    for upgrade in upgrades:
        upgrade.review_url = reverse(name, args=[upgrade.pk])
    pending = [u for u in upgrades if u.status == H5PLibraryUpgrade.Status.PENDING]
    decided = [u for u in upgrades if u.status != H5PLibraryUpgrade.Status.PENDING][:100]
    return TemplateResponse(
        request,
        "content/admin/library_upgrades.html",
        {"pending": pending, "decided": decided, "header_icon": "media"},
    )


def library_upgrade(request, pk):
    """One upgrade: the files it adds, removes and changes against the stored code; approve or
    reject it (POST ``decision``)."""
    _require_administrator(request)
    upgrade = get_object_or_404(H5PLibraryUpgrade.objects.select_related("library"), pk=pk)
    list_url = reverse(H5PPackage.snippet_viewset.get_url_name("library_upgrades"))
    if request.method == "POST":
        decision = request.POST.get("decision")
        action = {
            "approve": services.library_upgrade_approve,
            "reject": services.library_upgrade_reject,
        }.get(decision)
        if action is None:
            raise Http404
        try:
            action(upgrade=upgrade, user=request.user)
        except SavadError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        done = (
            _("%(upgrade)s was applied to every package that uses the library.")
            if decision == "approve"
            else _("%(upgrade)s was rejected; the stored code stays.")
        )
        messages.success(request, done % {"upgrade": upgrade})
        return redirect(list_url)
    pending = upgrade.status == H5PLibraryUpgrade.Status.PENDING
    # A pending upgrade is compared with the code stored now (it may have changed meanwhile).
    changes = (
        services.library_changes(upgrade.library.files or {}, upgrade.files)
        if pending and upgrade.library.files
        else upgrade.changes
    )
    return TemplateResponse(
        request,
        "content/admin/library_upgrade.html",
        {
            "upgrade": upgrade,
            "changes": changes,
            "pending": pending,
            "list_url": list_url,
            "header_icon": "media",
        },
    )
