"""Put a real .h5p package into storage for player tests (unpacked the plain way).

The import pipeline has its own tests; player tests only need a package that is ready.
"""

import json
import re
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from content.h5p.validation import is_ignored
from content.models import H5PActivityPage, H5PPackage
from courses.services import enrol
from tests.builders import build_course, publish
from tests.factories import UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "h5p"


def install(name: str = "multichoice.h5p") -> H5PPackage:
    return install_file(FIXTURES / name)


def install_file(path: Path) -> H5PPackage:
    """Install the package at ``path`` (made by a test, say) the same plain way."""
    name = path.name
    package = H5PPackage.objects.create(title="", status=H5PPackage.Status.READY)
    package.upload.save(name, ContentFile(path.read_bytes()), save=False)
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            if entry.is_dir() or is_ignored(entry.filename):
                continue
            top = entry.filename.split("/")[0]
            if entry.filename == "h5p.json" or top == "content":
                target = f"{package.content_dir}/{entry.filename}"
            elif "/" in entry.filename:
                target = f"h5p/libraries/{entry.filename}"
            else:
                continue
            if not default_storage.exists(target):
                default_storage.save(target, ContentFile(archive.read(entry)))
        h5p_json = json.loads(archive.read("h5p.json"))
    package.h5p_json = h5p_json
    package.title = h5p_json["title"]
    package.main_library = h5p_json["mainLibrary"]
    package.save()
    return package


def open_exercise(client, *, slug: str):
    """An enrolled learner, logged in on ``client``, opens the H5P activity of a new course.

    Returns the package, the page, the learner and the player's results (xAPI) URL, which the
    page embeds beside the sandboxed player.
    """
    built = build_course(slug=slug, lessons=1)
    package = install("multichoice.h5p")
    page = H5PActivityPage(title="تمرین", slug="exercise", package=package)
    built.course.add_child(instance=page)
    publish(page)
    learner = UserFactory()
    enrol(user=learner, course=built.course)
    client.force_login(learner)
    opened = client.get(page.url)
    assert opened.status_code == 200
    xapi_url = re.search(r'data-xapi-url="([^"]+)"', opened.content.decode()).group(1)
    return package, page, learner, xapi_url
