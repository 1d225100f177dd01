"""Client applications that report into Savad, and the xAPI statements they send.

A statement is kept exactly as accepted (with the ``stored``, ``authority`` and ``version`` the
LRS sets) in ``data``; the columns beside it exist only to filter and page through statements
with indexed queries. Identifiers of agents, verbs and activities are indexed as SHA-256 keys
of their canonical form (see ``lrs.keys``), which keeps every index entry short whatever the
length of an IRI.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xapi.validation import is_iri


class Client(models.Model):
    """An application with HTTP Basic credentials for the statements resource.

    A client is scoped: its statements feed learners' progress only for the activities
    registered on it (``activities``, and even then never for activities Savad grades
    itself; see ``lrs.progress_feed``), and it reads only the statements it sent unless an
    administrator lets it read every client's (``reads_all_statements``). The Activities and
    Agents resources describe from those same readable statements. Its State and profile
    documents (``Document``) are its own: no other client reads or changes them, whatever
    ``reads_all_statements`` says.
    """

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    secret_hash = models.CharField(_("secret (hashed)"), max_length=256, editable=False)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive clients can no longer send or read statements."),
    )
    activities = models.TextField(
        _("activities it reports on"),
        blank=True,
        help_text=_(
            "The activity IRIs (one per line) whose statements from this client may record "
            "learners' progress, such as https://…/xapi/activities/<page translation key> for a "
            "lesson. Statements about other activities are stored but change no progress; "
            "quizzes and H5P exercises are graded by Savad and never take progress from a client."
        ),
    )
    reads_all_statements = models.BooleanField(
        _("reads every client's statements"),
        default=False,
        help_text=_(
            "Off: the client reads only the statements it sent. On: it reads the statements of "
            "every client, with the learners they name."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("xAPI client")
        verbose_name_plural = _("xAPI clients")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        wrong = [iri for iri in self.activity_iris() if not is_iri(iri)]
        if wrong:
            raise ValidationError(
                {"activities": _("“%(line)s” is not an IRI.") % {"line": wrong[0][:200]}}
            )
        self.activities = "\n".join(self.activity_iris())

    def activity_iris(self) -> list[str]:
        """The registered activity IRIs, in order, without blank lines or repeats."""
        lines = (line.strip() for line in self.activities.splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def reports_on(self, iri) -> bool:
        """Whether this client is registered for the activity ``iri``."""
        return isinstance(iri, str) and iri in self.activity_iris()


class Statement(models.Model):
    """One xAPI statement as the LRS stored it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    data = models.JSONField(_("statement"))
    agent_key = models.CharField(_("actor key"), max_length=64, blank=True, db_index=True)
    verb_key = models.CharField(_("verb key"), max_length=64, db_index=True)
    activity_key = models.CharField(_("activity key"), max_length=64, blank=True, db_index=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True, db_index=True)
    timestamp = models.DateTimeField(_("timestamp"))
    stored = models.DateTimeField(_("stored"))
    voided = models.BooleanField(_("voided"), default=False)
    voids = models.UUIDField(
        _("voids"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("For a voiding statement: the id of the statement it voids."),
    )

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["stored", "id"], name="lrs_statement_stored")]

    def __str__(self) -> str:
        return str(self.id)


class StatementLink(models.Model):
    """An agent or activity a statement mentions, for the filters that look past the actor."""

    class Kind(models.IntegerChoices):
        AGENT = 1, _("actor or object agent")
        RELATED_AGENT = 2, _("related agent")
        RELATED_ACTIVITY = 3, _("related activity")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="links")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "kind", "key"], name="lrs_link_unique")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="lrs_link_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:12]}"


def attachment_path(instance, filename: str) -> str:
    return f"lrs/attachments/{instance.sha2[:2]}/{instance.sha2}"


class AttachmentContent(models.Model):
    """The data of a statement attachment, kept once per SHA-2 hash in the default storage.

    ``statements`` are those the data was sent with; a reader gets the data only through them.
    The files are private (``core.media`` does not serve ``lrs/``).
    """

    sha2 = models.CharField(_("SHA-2 hash"), max_length=128, unique=True)
    length = models.PositiveBigIntegerField(_("length (bytes)"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    statements = models.ManyToManyField(
        Statement, verbose_name=_("statements"), related_name="attachment_contents"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("xAPI attachment")
        verbose_name_plural = _("xAPI attachments")

    def __str__(self) -> str:
        return self.sha2


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document (xAPI 1.0.3, Communication 2.3-2.8).

    Documents belong to the client that wrote them: each client has its own namespace (content
    keeps its resume state private), whatever ``Client.reads_all_statements`` says. ``key`` is
    the SHA-256 of everything that names the document (see ``lrs.document_store.Address``), so
    one unique index makes each write an upsert; ``etag`` is the quoted SHA-1 of ``content``.
    """

    class Kind(models.IntegerChoices):
        STATE = 1, _("state")
        ACTIVITY_PROFILE = 2, _("activity profile")
        AGENT_PROFILE = 3, _("agent profile")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.PositiveSmallIntegerField(_("kind"), choices=Kind.choices)
    key = models.CharField(_("key"), max_length=64, unique=True)
    activity_id = models.TextField(_("activity"), blank=True)
    activity_key = models.CharField(_("activity key"), max_length=64, blank=True)
    agent = models.JSONField(_("agent"), null=True, blank=True)
    agent_key = models.CharField(_("agent key"), max_length=64, blank=True, db_index=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    document_id = models.TextField(_("document id"))
    content = models.BinaryField(_("content"))
    content_type = models.CharField(_("content type"), max_length=255)
    etag = models.CharField(_("ETag"), max_length=42)
    updated = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("xAPI document")
        verbose_name_plural = _("xAPI documents")
        indexes = [
            models.Index(
                fields=["client", "kind", "activity_key", "agent_key", "updated"],
                name="lrs_document_listing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_id[:60]}"
