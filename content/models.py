"""H5P packages, the shared library store, and learners' results and saved state.

Files live in Django's default storage: uploads under ``h5p/uploads/``, each package's
``h5p.json`` and ``content/`` under ``h5p/content/<uuid>/``, and libraries once under
``h5p/libraries/<machineName>-<major>.<minor>/``, shared by every package that uses them.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from courses.models import ActivityPage
from progress.models import ScoreSource

from .page_forms import H5PPageForm


class H5PLibrary(models.Model):
    """One H5P library version in the shared store (``machineName-major.minor``)."""

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"), default=0)
    title = models.CharField(_("title"), max_length=255, blank=True)
    metadata = models.JSONField(_("library.json"), default=dict, blank=True)
    files = models.JSONField(
        _("files"),
        default=dict,
        blank=True,
        help_text=_("The stored code: SHA-256 of each file, by its path in the library folder."),
    )
    # Object storage cannot swap folders: each version of the code goes to a new folder, and
    # this row points players to it once it is complete. Empty: ``h5p/libraries/<folder>/``.
    code_dir = models.CharField(_("stored in"), max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="content_one_library_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major_version}.{self.minor_version}"

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def full_version(self) -> str:
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"


class H5PLibraryUpgrade(models.Model):
    """A newer patch of a shared library: applied (by an administrator's upload) or waiting for
    an administrator to review its file changes and approve it (uploaded by a teacher).

    ``changes`` lists the files ``added``, ``removed`` and ``changed`` against the stored code
    when the upgrade was uploaded; a pending upgrade's new files wait at ``staged_dir``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    library = models.ForeignKey(
        H5PLibrary, verbose_name=_("library"), on_delete=models.CASCADE, related_name="upgrades"
    )
    from_patch = models.PositiveIntegerField(_("stored patch version"))
    patch_version = models.PositiveIntegerField(_("new patch version"))
    metadata = models.JSONField(_("library.json"), default=dict, blank=True)
    files = models.JSONField(_("files"), default=dict, blank=True)
    changes = models.JSONField(_("changed files"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    staged_dir = models.CharField(_("staged files"), max_length=255, blank=True)
    package = models.ForeignKey(
        "H5PPackage",
        verbose_name=_("H5P package"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_upgrades",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("H5P library upgrade")
        verbose_name_plural = _("H5P library upgrades")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        library = self.library
        return (
            f"{library.machine_name} {library.major_version}.{library.minor_version}."
            f"{self.from_patch} → {library.major_version}.{library.minor_version}."
            f"{self.patch_version}"
        )


class H5PPackage(index.Indexed, models.Model):
    """An uploaded ``.h5p`` file and, once imported, its extracted content."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be imported")
        VALIDATING = "validating", _("Checking the package")
        EXTRACTING = "extracting", _("Unpacking")
        READY = "ready", _("Ready")
        FAILED = "failed", pgettext_lazy("H5P import status", "Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255, blank=True)
    upload = models.FileField(_("H5P file"), upload_to="h5p/uploads/", max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    errors = models.JSONField(
        _("problems"), default=list, blank=True, help_text=_("Why the import failed.")
    )
    main_library = models.CharField(_("main library"), max_length=255, blank=True)
    h5p_json = models.JSONField(_("h5p.json"), default=dict, blank=True)
    # Object storage: the content is uploaded to a new folder ``<content_root>/<version>``
    # and this field is switched to it once every file is stored. "" on local storage, where
    # the folder is swapped in place in one step (an import there resets it; the player's
    # file view then needs no query).
    content_version = models.CharField(max_length=32, blank=True, editable=False)
    libraries = models.ManyToManyField(
        H5PLibrary, verbose_name=_("libraries"), blank=True, related_name="packages"
    )
    notices = models.JSONField(
        _("notices"),
        default=list,
        blank=True,
        help_text=_("What the import noticed about the shared libraries."),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="h5p_packages",
        help_text=_(
            "The course whose teachers may use and replace this package. Empty: shared by "
            "every course (only administrators change it)."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or str(self.uuid)

    @property
    def content_root(self) -> str:
        """Storage folder of everything this package's imports placed."""
        return f"h5p/content/{self.uuid}"

    @property
    def content_dir(self) -> str:
        """Storage folder of this package's ``h5p.json`` and ``content/``."""
        if self.content_version:
            return f"{self.content_root}/{self.content_version}"
        return self.content_root

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class H5PResult(models.Model):
    """An xAPI statement the player sent for a package, stored once per statement id."""

    statement_id = models.UUIDField(_("statement id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="results")
    activity_key = models.UUIDField(_("activity"))
    verb = models.CharField(_("verb"), max_length=255)
    sub_content_id = models.CharField(_("sub-content"), max_length=64, blank=True)
    score_raw = models.FloatField(_("raw score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    success = models.BooleanField(_("success"), null=True)
    completion = models.BooleanField(_("completion"), null=True)
    graded_by = models.CharField(
        _("score graded by"),
        max_length=16,
        choices=ScoreSource.choices,
        default=ScoreSource.SELF_REPORTED,
        help_text=_(
            "Server: Savad re-graded the learner's answer from the package's own answers (the "
            "scores above are the server's). Self-reported: the scores are the browser's own."
        ),
    )
    statement = models.JSONField(_("statement"))
    stored_at = models.DateTimeField(_("stored"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P result")
        ordering = ["-stored_at"]
        indexes = [
            models.Index(fields=["user", "activity_key"], name="content_result_user"),
            models.Index(fields=["package", "verb"], name="content_result_package"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} · {self.package_id}"


class H5PUserData(models.Model):
    """The player's saved state for one learner, package and activity (H5P content user data)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="+")
    activity_key = models.UUIDField(_("activity"))
    sub_content_id = models.CharField(_("sub-content"), max_length=64, default="0")
    data_type = models.CharField(_("data type"), max_length=64, default="state")
    data = models.TextField(_("data"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("H5P saved state")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "activity_key", "sub_content_id", "data_type"],
                name="content_one_user_data",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.package_id} · {self.data_type}"


class H5PActivityPage(ActivityPage):
    """An H5P exercise as an activity of its own: its score goes to the progress core."""

    intro = RichTextField(_("introduction"), blank=True)
    package = models.ForeignKey(
        H5PPackage,
        verbose_name=_("H5P package"),
        on_delete=models.PROTECT,
        related_name="activity_pages",
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Empty: any score completes the activity."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("package"),
        FieldPanel("pass_mark"),
        FieldPanel("estimated_minutes"),
    ]
    settings_panels = [*ActivityPage.scored_completion_panels, *Page.settings_panels]
    base_form_class = H5PPageForm
    template = "content/h5p_activity_page.html"
    search_content_fields = ("intro",)

    class Meta:
        verbose_name = _("interactive exercise (H5P)")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["h5p_block"] = {"package": self.package, "title": self.title}
        return context
