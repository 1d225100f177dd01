"""The curriculum: courses written as files in ``content/curriculum/``, loaded by ``seed_demo``.

Each file is checked first (``schema.read_course``); a malformed one raises ``CurriculumError``
naming the file, course and lesson, and nothing is created. Then every course is made through the
same models and services a teacher's work goes through: Wagtail pages created, translated (the
English page is the Persian one's translation, sharing its translation key) and published; the
quiz's questions imported from GIFT by the quiz importer; each H5P exercise built as a package in
its lesson's language and imported by the content app's import service. What exists already is
left as it is, so loading twice changes nothing.
"""

from pathlib import Path

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.models import Locale

from competences.models import Competence
from content.models import H5PLibrary
from content.services import package_create, package_import
from courses import services as course_services
from courses.models import CoursePage, EnrolmentMode, LessonPage
from demo.courses import ensure_translated
from quizzes.formats.gift import parse_gift
from quizzes.importing import import_questions
from quizzes.models import QuestionCategory, QuizPage, QuizSlot

from .h5p import build_package
from .schema import CALLOUTS, LANGUAGES, CurriculumError, read_course

__all__ = ["CurriculumError", "curriculum_dir", "load_curriculum", "read_curriculum"]


def curriculum_dir() -> Path:
    return Path(settings.BASE_DIR) / "content" / "curriculum"


def read_curriculum(directory: Path | None = None) -> list[dict]:
    """Every course file in ``directory`` (by default ``content/curriculum/``), checked; each
    course's ``file`` is its file's name."""
    directory = directory or curriculum_dir()
    codes = set(Competence.objects.values_list("code", flat=True))
    courses, seen = [], {}
    for path in sorted(directory.glob("*.json")):
        course = read_course(path, competence_codes=codes)
        if course["slug"] in seen:
            raise CurriculumError(
                f"{path.name}: course “{course['slug']}”: slug already used by {seen[course['slug']]}"
            )
        seen[course["slug"]] = path.name
        courses.append({**course, "file": path.name})
    return courses


@transaction.atomic
def load_curriculum(*, catalogues: dict, report, directory: Path | None = None) -> None:
    """Create what is missing of the curriculum's courses under the ``catalogues`` (fa, en)."""
    courses = read_curriculum(directory)
    locales = {code: Locale.objects.get(language_code=code) for code in LANGUAGES}
    teacher = get_user_model().objects.filter(username="teacher").first()
    for spec in courses:
        try:
            course = _ensure_course(spec, catalogues, locales, teacher, report)
            for lesson in spec["lessons"]:
                _ensure_lesson(lesson, course, locales, teacher, report)
            _ensure_quiz(spec["quiz"], course, locales, report)
        except CurriculumError as error:  # a refused H5P package: say which file
            raise CurriculumError(f"{spec['file']}: {error}") from error


def _ensure_course(spec, catalogues, locales, teacher, report) -> dict[str, CoursePage]:
    competences = list(Competence.objects.filter(code__in=spec["competences"]))
    fields = {
        code: {
            "title": spec[code]["title"],
            "summary": spec[code]["summary"],
            "audience": spec[code]["audience"],
            "level": spec["level"],
            "estimated_minutes": spec["minutes"],
            "enrolment_mode": EnrolmentMode.OPEN,
            "outcomes": [("outcome", text) for text in spec[code]["outcomes"]],
            "competences": competences,  # set before the first revision: one publish, not two
        }
        for code in LANGUAGES
    }
    course = ensure_translated(
        parent=catalogues["fa"],
        model=CoursePage,
        slug=spec["slug"],
        fields=fields,
        locales=locales,
        report=report,
    )
    for page in course.values():  # a file's changed mapping reaches pages made before
        if set(page.competences.all()) != set(competences):
            page.competences.set(competences)
            page.save_revision().publish()
    course_services.course_ensure_editors_group(
        course=course["fa"], owners=[teacher] if teacher else []
    )
    course_services.course_ensure_editors_group(course=course["en"])
    return course


def _ensure_lesson(spec, course, locales, teacher, report) -> None:
    def values(code: str) -> dict:
        content = spec[code]
        body = [
            _block(block, language=code, slug=spec["slug"], course=course[code], teacher=teacher)
            for block in content["body"]
        ]
        return {"title": content["title"], "body": body, "estimated_minutes": spec["minutes"]}

    lesson = LessonPage.objects.child_of(course["fa"]).filter(slug=spec["slug"]).first()
    if lesson is None:
        lesson = LessonPage(slug=spec["slug"], locale=locales["fa"], **values("fa"))
        course["fa"].add_child(instance=lesson)
        lesson.save_revision().publish()
        report.changes.append(f"created lesson “{lesson.title}”")
    if not lesson.has_translation(locales["en"]):
        english = lesson.copy_for_translation(locales["en"], copy_parents=True)
        for name, value in values("en").items():
            setattr(english, name, value)
        english.slug = spec["slug"]
        english.save_revision().publish()
        report.changes.append(f"translated lesson “{english.title}” into English")


# The markup a curriculum text may carry (content/curriculum/README.md); the rest is escaped.
TEXT_TAGS = {"p", "b", "i", "ul", "ol", "li", "a", "br"}


def _paragraph(text: str) -> str:
    """``text`` as rich text: its allowed markup kept, wrapped in a paragraph unless it is one
    or more blocks already (``<p>``, lists)."""
    clean = nh3.clean(text, tags=TEXT_TAGS, attributes={"a": {"href"}}, link_rel=None)
    return clean if clean.lstrip().startswith(("<p", "<ul", "<ol")) else f"<p>{clean}</p>"


def _block(block: dict, *, language, slug, course, teacher) -> tuple[str, object]:
    kind, value = next(iter(block.items()))
    if kind in ("heading", "subheading"):
        return ("heading", {"text": value, "level": "h2" if kind == "heading" else "h3"})
    if kind == "text":
        return ("text", _paragraph(value))
    if kind in CALLOUTS:
        value = value if isinstance(value, dict) else {"text": value}
        return (
            "callout",
            {"kind": kind, "title": value.get("title", ""), "text": _paragraph(value["text"])},
        )
    if kind == "steps":
        steps = [
            {"text": _paragraph(step), "screenshot": None, "screenshot_alt": ""}
            for step in value["steps"]
        ]
        return ("steps", {"title": value.get("title", ""), "steps": steps})
    if kind == "key_points":
        return ("key_points", {"title": value.get("title", ""), "points": value["points"]})
    package = import_exercise(value, language=language, slug=slug, course=course, teacher=teacher)
    return ("h5p", {"package": package, "title": value["title"]})


def import_exercise(exercise: dict, *, language, slug, course, teacher):
    """The exercise as an H5P package of ``course``, uploaded by the demo teacher and imported
    like any upload; a refused package stops the load (its transaction is undone)."""
    installed = {library.folder for library in H5PLibrary.objects.all()}
    data = build_package(exercise, language, installed=installed)
    package = package_create(
        upload=ContentFile(data, name=f"{slug}-{language}.h5p"),
        title=exercise["title"],
        user=teacher,
        course=course,
        enqueue=False,
    )
    package = package_import(package.pk, language=language)
    if not package.is_ready:
        problems = "; ".join(error.get("message", "") for error in package.errors)
        raise CurriculumError(f"course “{course.slug}”, lesson “{slug}” ({language}): {problems}")
    return package


def _ensure_quiz(spec, course, locales, report) -> None:
    quiz = QuizPage.objects.child_of(course["fa"]).filter(slug=spec["slug"]).first()
    if quiz is None:
        quiz = QuizPage(slug=spec["slug"], locale=locales["fa"], **_quiz_fields(spec, "fa"))
        course["fa"].add_child(instance=quiz)
        _fill(quiz, course["fa"], spec["fa"])
        quiz.save_revision().publish()
        report.changes.append(f"created quiz “{quiz.title}”")
    if not quiz.has_translation(locales["en"]):
        english = quiz.copy_for_translation(locales["en"], copy_parents=True)
        for name, value in _quiz_fields(spec, "en").items():
            setattr(english, name, value)
        english.slug = spec["slug"]
        english.slots.all().delete()
        _fill(english, course["en"], spec["en"])
        english.save_revision().publish()
        report.changes.append(f"translated quiz “{english.title}” into English")


def _quiz_fields(spec: dict, code: str) -> dict:
    return {
        "title": spec[code]["title"],
        "intro": _paragraph(spec[code]["intro"]),
        "attempts_allowed": spec["attempts"],
        "pass_mark": spec["pass_mark"],
        "estimated_minutes": spec["minutes"],
    }


def _fill(quiz: QuizPage, course: CoursePage, content: dict) -> None:
    """The quiz's questions, imported from its GIFT into a question bank of the course."""
    category, _created = QuestionCategory.objects.get_or_create(
        course=course, name=content["title"]
    )
    questions = list(category.questions.order_by("pk"))
    if not questions:
        parsed = parse_gift("\n\n".join(content["gift"]))
        questions = import_questions(
            parsed=parsed.questions, category=category, source_format="gift"
        )
    for order, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=order)
