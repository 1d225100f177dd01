from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import site as demo


class Command(BaseCommand):
    help = "Create the site tree and demo accounts (learner, teacher, admin). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo accounts have published passwords).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords and refuses to run with "
                "DEBUG off. Use --force if you really want demo data on this site."
            )
        report = demo.seed()
        for line in report.changes:
            self.stdout.write(f"  {line}")
        if not report.changes:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(self.style.SUCCESS("Demo accounts (log in at /fa/accounts/login/):"))
        for account in demo.DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.role:<8} username: {account.username:<14} password: {account.password}"
            )
