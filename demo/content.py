"""Two real H5P packages, imported through the normal pipeline, in a demo practice lesson.

The packages are the openly licensed fixtures in ``tests/fixtures/h5p/`` (see SOURCES.md there).
Idempotent: packages are imported once (found again by title) and the lesson is created once.
The packages belong to the lesson's course and were uploaded by the demo teacher (who edits
that course), so the teacher may replace them and other courses' teachers may not.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from wagtail.models import Locale

from content.models import H5PPackage
from content.services import package_create, package_import
from courses.models import CoursePage, LessonPage

PACKAGES = [
    ("multichoice.h5p", "Blackcurrant colour (H5P multiple choice)"),
    ("truefalse-hello-world.h5p", "Hello World (H5P true/false)"),
]
COURSE_SLUG = "your-phone"
LESSON_SLUG = "interactive-practice"
LESSON = {
    "fa": (
        "تمرین تعاملی",
        "<p>دو تمرین کوتاه: روی پاسخ بزنید و «Check» را لمس کنید. پاسخ‌هایتان ذخیره می‌شود و "
        "اگر صفحه را دوباره باز کنید، از همان‌جا ادامه می‌دهید.</p>",
    ),
    "en": (
        "Interactive practice",
        "<p>Two short exercises: tap an answer, then “Check”. Your answers are saved, so "
        "you can come back and continue.</p>",
    ),
}


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "tests" / "fixtures" / "h5p"


def seed_h5p(report) -> None:
    locales = {code: Locale.objects.get(language_code=code) for code in LESSON}
    course = CoursePage.objects.filter(slug=COURSE_SLUG, locale=locales["fa"]).first()
    teacher = get_user_model().objects.filter(username="teacher").first()
    packages = [
        _ensure_package(name, title, report, course=course, teacher=teacher)
        for name, title in PACKAGES
    ]
    packages = [package for package in packages if package is not None and package.is_ready]
    if len(packages) < len(PACKAGES):
        return
    if course is None or LessonPage.objects.child_of(course).filter(slug=LESSON_SLUG).exists():
        return
    lesson = LessonPage(slug=LESSON_SLUG, locale=locales["fa"], **_fields("fa", packages))
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    english = lesson.copy_for_translation(locales["en"], copy_parents=True)
    for name, value in _fields("en", packages).items():
        setattr(english, name, value)
    english.slug = LESSON_SLUG
    english.save_revision().publish()
    report.changes.append("created the interactive practice lesson with two H5P exercises")


def _fields(language: str, packages: list[H5PPackage]) -> dict:
    title, text = LESSON[language]
    body = [("text", text)] + [
        ("h5p", {"package": package, "title": package.title}) for package in packages
    ]
    return {"title": title, "body": body, "estimated_minutes": 5}


def _ensure_package(name: str, title: str, report, *, course, teacher) -> H5PPackage | None:
    existing = H5PPackage.objects.filter(title=title).first()
    if existing is not None:
        if existing.course_id is None and course is not None:  # seeded before packages had one
            H5PPackage.objects.filter(pk=existing.pk).update(course=course)
            existing.course = course
        return existing
    path = fixtures_dir() / name
    if not path.exists():
        report.changes.append(f"skipped H5P demo package {name}: file missing")
        return None
    with path.open("rb") as handle:
        package = package_create(
            upload=File(handle, name=name),
            title=title,
            user=teacher,
            course=course,
            enqueue=False,
        )
    package = package_import(package.pk)
    report.changes.append(f"imported H5P package “{package.title}”: {package.status}")
    return package
