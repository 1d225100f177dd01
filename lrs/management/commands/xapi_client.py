"""``manage.py xapi_client create NAME | list | scope KEY | deactivate KEY``: credentials for
/xapi/ and what they may do.

``create`` prints exactly two lines, ``key=<key>`` and ``secret=<secret>``, so scripts can read
them; the secret is not kept (only its hash) and cannot be shown again. ``--activity IRI`` and
``--page ID`` (a lesson's page id, turned into its activity IRI) register the activities the
client reports progress on; ``--read-all`` lets it read every client's statements.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from wagtail.models import Page

from lrs import services
from lrs.models import Client
from xapi.identity import activity_iri


class Command(BaseCommand):
    help = "Create, list, scope or deactivate the client applications that send xAPI statements."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Create a client; prints its key and secret.")
        create.add_argument("name", help="A name to recognise the application by.")
        self.add_scope_arguments(create)
        commands.add_parser("list", help="List clients (key, active, last use, reads, name).")
        scope = commands.add_parser("scope", help="Register activities or change read rights.")
        scope.add_argument("key", help="The client's key.")
        self.add_scope_arguments(scope)
        scope.add_argument(
            "--clear", action="store_true", help="Forget the activities registered so far."
        )
        scope.add_argument(
            "--own-only", action="store_true", help="Read only its own statements again."
        )
        deactivate = commands.add_parser("deactivate", help="Stop a client's credentials.")
        deactivate.add_argument("key", help="The client's key.")

    def add_scope_arguments(self, parser):
        parser.add_argument(
            "--activity",
            action="append",
            default=[],
            metavar="IRI",
            help="An activity IRI the client reports progress on (repeatable).",
        )
        parser.add_argument(
            "--page",
            action="append",
            default=[],
            type=int,
            metavar="ID",
            help="A lesson page (by id) the client reports progress on (repeatable).",
        )
        parser.add_argument(
            "--read-all", action="store_true", help="Let it read every client's statements."
        )

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "create":
                self.create(options)
            elif action == "list":
                self.list_clients()
            elif action == "scope":
                self.scope(options)
            else:
                client = services.deactivate_client(key=options["key"])
                self.stdout.write(_("Deactivated %(name)s.") % {"name": client.name})
        except Client.DoesNotExist:
            raise CommandError(
                _("No client has the key %(key)s.") % {"key": options["key"]}, returncode=1
            ) from None
        except ValidationError as invalid:
            raise CommandError(" ".join(invalid.messages), returncode=1) from None

    def create(self, options):
        name = options["name"].strip()
        if not name:
            raise CommandError(_("Give the client a name."), returncode=1)
        client, secret = services.create_client(
            name=name,
            activities="\n".join(self.activities(options)),
            reads_all_statements=options["read_all"],
        )
        self.stdout.write(f"key={client.key}")
        self.stdout.write(f"secret={secret}")

    def list_clients(self):
        for client in Client.objects.order_by("created_at", "pk"):
            state = "active" if client.is_active else "inactive"
            used = client.last_used_at.isoformat() if client.last_used_at else "-"
            reads = "reads-all" if client.reads_all_statements else "reads-own"
            count = len(client.activity_iris())
            self.stdout.write(
                f"{client.key}\t{state}\t{used}\t{reads}\t{count} activities\t{client.name}"
            )

    def scope(self, options):
        if options["read_all"] and options["own_only"]:
            raise CommandError(_("Use either --read-all or --own-only."), returncode=1)
        reads_all = True if options["read_all"] else False if options["own_only"] else None
        client = services.scope_client(
            key=options["key"],
            add=self.activities(options),
            clear=options["clear"],
            reads_all_statements=reads_all,
        )
        for iri in client.activity_iris():
            self.stdout.write(iri)

    def activities(self, options) -> list[str]:
        iris = list(options["activity"])
        for page_id in options["page"]:
            page = Page.objects.filter(pk=page_id).first()
            if page is None:
                raise CommandError(_("No page has the id %(id)s.") % {"id": page_id}, returncode=1)
            iris.append(activity_iri(page.translation_key))
        return iris
