"""``manage.py h5p_import FILE [--title T]``: import an ``.h5p`` package now, without the queue."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from content import services
from content.models import H5PPackage
from courses.models import CoursePage


class Command(BaseCommand):
    help = (
        "Import an H5P package (.h5p): check it, unpack it and add it to the H5P packages, in "
        "this process. Exits with status 0 when the package is ready and 1 when it is refused; "
        "a refused package is not kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .h5p file.")
        parser.add_argument("--title", default="", help="Title (default: the package's own).")
        parser.add_argument(
            "--course",
            type=int,
            default=None,
            help="Id of the course page the package belongs to (default: shared by every course).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(_("No such file: %(path)s") % {"path": path})
            raise SystemExit(1)
        course = None
        if options["course"] is not None:
            course = CoursePage.objects.filter(pk=options["course"]).first()
            if course is None:
                self.stderr.write(_("No such course: %(id)s") % {"id": options["course"]})
                raise SystemExit(1)
        with path.open("rb") as handle:
            package = services.package_create(
                upload=File(handle, name=path.name),
                title=options["title"],
                course=course,
                enqueue=False,
            )
        package = services.package_import(package.pk)
        if package.status == H5PPackage.Status.READY:
            self.stdout.write(
                _("Imported “%(title)s” (%(library)s) as package %(id)d")
                % {"title": package.title, "library": package.main_library, "id": package.pk}
            )
            return
        self.stderr.write(
            _("%(path)s was refused; nothing was imported. Problems: %(count)d")
            % {"path": path, "count": len(package.errors)}
        )
        for problem in package.errors:
            line = f"[{problem.get('code')}] {problem.get('message')}"
            if problem.get("path"):
                line += f" ({problem['path']})"
            self.stderr.write(line)
        services.package_delete(package)
        raise SystemExit(1)
