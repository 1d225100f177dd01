"""``manage.py h5p_validate FILE [--json]``: check an ``.h5p`` package; exit 0 if good, 1 if not."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from content.h5p.validation import LibraryRef, validate_package
from content.services import store_libraries


def available_libraries() -> tuple[LibraryRef, ...]:
    """Libraries already in the store, which packages may depend on without bundling them.

    Checking a file needs no database: if the store cannot be read (a database that is not
    migrated or not reachable, or database access not allowed here), there are none.
    """
    try:
        return tuple(store_libraries())
    except Exception:  # the reasons above; the check itself does not depend on the store
        return ()


class Command(BaseCommand):
    help = (
        "Check an H5P package (.h5p) without extracting it. Lists every problem; exits with "
        "status 0 for a good package and 1 for a bad or missing one."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .h5p file.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the report as one JSON object on stdout, and nothing else.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(_("No such file: %(path)s") % {"path": path})
            raise SystemExit(1)
        report = validate_package(path, available_libraries=available_libraries())
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            self.print_report(report)
        if not report.ok:
            raise SystemExit(1)

    def print_report(self, report) -> None:
        write = self.stdout.write
        write(_("Title: %(title)s") % {"title": report.title or "-"})
        main = str(report.main_library) if report.main_library else "-"
        write(_("Main library: %(library)s") % {"library": main})
        write(_("Libraries: %(count)d") % {"count": len(report.libraries)})
        if report.ok:
            write(_("The package is valid."))
            return
        write(_("Problems: %(count)d") % {"count": len(report.problems)})
        for problem in report.problems:
            line = f"[{problem.code}] {problem.message}"
            if problem.path:
                line += f" ({problem.path})"
            write(line)
