"""``manage.py xapi_client create NAME | list | deactivate KEY``: credentials for /xapi/.

``create`` prints exactly two lines, ``key=<key>`` and ``secret=<secret>``, so scripts can read
them; the secret is not kept (only its hash) and cannot be shown again.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lrs import services
from lrs.models import Client


class Command(BaseCommand):
    help = "Create, list or deactivate the client applications that send xAPI statements."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Create a client; prints its key and secret.")
        create.add_argument("name", help="A name to recognise the application by.")
        commands.add_parser("list", help="List clients (key, active, last use, name).")
        deactivate = commands.add_parser("deactivate", help="Stop a client's credentials.")
        deactivate.add_argument("key", help="The client's key.")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            name = options["name"].strip()
            if not name:
                raise CommandError(_("Give the client a name."), returncode=1)
            client, secret = services.create_client(name=name)
            self.stdout.write(f"key={client.key}")
            self.stdout.write(f"secret={secret}")
        elif action == "list":
            for client in Client.objects.order_by("created_at", "pk"):
                state = "active" if client.is_active else "inactive"
                used = client.last_used_at.isoformat() if client.last_used_at else "-"
                self.stdout.write(f"{client.key}\t{state}\t{used}\t{client.name}")
        else:
            try:
                client = services.deactivate_client(key=options["key"])
            except Client.DoesNotExist:
                raise CommandError(
                    _("No client has the key %(key)s.") % {"key": options["key"]}, returncode=1
                ) from None
            self.stdout.write(_("Deactivated %(name)s.") % {"name": client.name})
