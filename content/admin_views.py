"""Wagtail admin of H5P packages: list, upload, status page (live progress), replace, delete.

Every change goes through ``content.services``: uploading queues the import, a new file on the
edit page replaces the package's content once it is ready, deleting removes the files too. The
status page polls a small JSON view while an import runs (and offers a plain refresh link).
Who may do what follows the model permissions (Teachers: add, change, view).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
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

from . import services
from .forms import H5PPackageForm
from .models import H5PPackage

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
    """Failed, or an import (or replacement) that stopped showing signs of life."""
    if package.status == Status.FAILED:
        return True
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


class IndexView(snippets.IndexView):
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
            upload=data["upload"], title=data.get("title") or "", user=self.request.user
        )
        log(package, "wagtail.create", user=self.request.user)
        return package

    def get_success_message(self, instance):
        name = instance.title or self.form.cleaned_data["upload"].name
        return self.success_message % {"object": name}


class EditView(StatusPageMixin, snippets.EditView):
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
            if services.is_busy(current):
                form.add_error(
                    "upload", _("This package is being imported; wait until that has finished.")
                )
                self.produced_error_message = self.get_error_message()
                return False
        return valid

    def save_instance(self):
        package = H5PPackage.objects.get(pk=self.object.pk)
        title = (self.form.cleaned_data.get("title") or "").strip()
        upload = self.new_file(self.form)
        self.replaced = upload is not None
        if self.replaced:
            package = services.package_replace(package, upload, title=title)
        else:
            package.title = title[:255]
            package.save(update_fields=["title", "updated_at"])
        log(package, "wagtail.edit", user=self.request.user)
        return package

    def get_success_message(self):
        message = self.replaced_message if getattr(self, "replaced", False) else None
        return (message or self.success_message) % {"object": self.object}


class DeleteView(snippets.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            log(self.object, "wagtail.delete", user=self.request.user)
            services.package_delete(self.object)


class StatusView(snippets.InspectView):
    """The package's status page: status, progress bar, problems, libraries, actions."""

    page_title = gettext_lazy("Status")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        package = self.object
        viewset = H5PPackage.snippet_viewset
        may_change = self.permission_policy.user_has_permission(self.request.user, "change")
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
                "preview_url": preview_url(package),
                "libraries": package.libraries.order_by("machine_name", "major_version"),
                "poll_interval": POLL_INTERVAL_MS,
            }
        )
        return context


class ReadyOnlyChooseMixin:
    """Lessons can only use packages that are ready."""

    def get_object_list(self):
        return super().get_object_list().filter(status=Status.READY)


class ChooseView(ReadyOnlyChooseMixin, chooser.ChooseView):
    pass


class ChooseResultsView(ReadyOnlyChooseMixin, chooser.ChooseResultsView):
    pass


class ChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView


# --- Status (JSON) and retry -----------------------------------------------------------------


def _package_for(request, pk, actions: set[str]) -> H5PPackage:
    policy = H5PPackage.snippet_viewset.permission_policy
    if not policy.user_has_any_permission(request.user, actions):
        raise PermissionDenied
    return get_object_or_404(H5PPackage, pk=pk)


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
        services.package_retry(package)
        log(package, "wagtail.edit", user=request.user)
        messages.success(request, _("“%(object)s” is being imported again.") % {"object": package})
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
        DateColumn("created_at", label=gettext_lazy("Uploaded"), sort_key="created_at"),
    ]
    list_filter = ["status"]
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("upload")], base_form_class=H5PPackageForm
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("status/<int:pk>/", package_status, name="status"),
            path("retry/<int:pk>/", package_retry, name="retry"),
        ]
