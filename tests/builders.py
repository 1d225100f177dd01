"""Builders for course trees used across tests and benchmarks (real pages, published)."""

from dataclasses import dataclass, field

from wagtail.models import Locale, Page

from core.models import HomePage
from courses import services
from courses.models import CatalogueIndexPage, CoursePage, EnrolmentMode, LessonPage, ModulePage
from demo import site as demo


@dataclass
class BuiltCourse:
    course: CoursePage
    lessons: list[LessonPage]
    modules: list[ModulePage] = field(default_factory=list)
    english: CoursePage | None = None
    english_lessons: list[LessonPage] = field(default_factory=list)


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def catalogue(language: str = "fa") -> CatalogueIndexPage:
    """The catalogue of ``language`` (the demo site tree is created if missing)."""
    if not HomePage.objects.exists():
        demo.seed(courses=False)
    return CatalogueIndexPage.objects.get(locale__language_code=language)


def build_course(
    *,
    slug: str = "test-course",
    lessons: int = 3,
    modules: int = 0,
    mode: str = EnrolmentMode.OPEN,
    translate: bool = False,
    title: str | None = None,
    minutes: int = 60,
    level: str = "beginner",
) -> BuiltCourse:
    """A published Persian course with ``lessons`` lessons (spread over ``modules`` modules).

    With ``translate`` the whole course is also copied into English and published.
    """
    parent = catalogue("fa")
    course = CoursePage(
        title=title or f"دورهٔ {slug}",
        slug=slug,
        summary="خلاصهٔ دوره",
        enrolment_mode=mode,
        estimated_minutes=minutes,
        level=level,
        locale=parent.locale,
    )
    parent.add_child(instance=course)
    publish(course)
    services.course_ensure_editors_group(course=course)
    containers = [course]
    built_modules = []
    for number in range(modules):
        module = ModulePage(
            title=f"بخش {number + 1}", slug=f"module-{number + 1}", locale=parent.locale
        )
        course.add_child(instance=module)
        built_modules.append(publish(module))
    if built_modules:
        containers = built_modules
    built_lessons = []
    for number in range(lessons):
        container = containers[number % len(containers)]
        lesson = LessonPage(
            title=f"درس {number + 1}",
            slug=f"lesson-{number + 1}",
            locale=parent.locale,
            body=[("text", f"<p>متن درس {number + 1}</p>")],
        )
        container.add_child(instance=lesson)
        built_lessons.append(publish(lesson))
    built = BuiltCourse(course=course, lessons=built_lessons, modules=built_modules)
    if translate:
        english = Locale.objects.get(language_code="en")
        built.english = _translate(course, english)
        services.course_ensure_editors_group(course=built.english)
        for module in built_modules:
            _translate(module, english)
        built.english_lessons = [_translate(lesson, english) for lesson in built_lessons]
    course.refresh_from_db()
    return built


def _translate(page: Page, locale: Locale) -> Page:
    copy = page.copy_for_translation(locale, copy_parents=True)
    copy.title = f"EN {page.title}"
    return publish(copy)


def refetched(built: BuiltCourse) -> BuiltCourse:
    """``built`` read again from the database, for a course built once and shared by tests.

    Each test gets objects of its own: what one test changes on them (``unpublish()``, a new
    title) does not linger in memory for the next test, whose database has it rolled back.
    """

    def again(page):
        return None if page is None else type(page).objects.get(pk=page.pk)

    return BuiltCourse(
        course=again(built.course),
        lessons=[again(page) for page in built.lessons],
        modules=[again(page) for page in built.modules],
        english=again(built.english),
        english_lessons=[again(page) for page in built.english_lessons],
    )


def h5p_activity_for_a_learner(client, package, *, slug: str):
    """A published course with an H5P activity playing ``package``; ``client`` is logged in
    as a learner enrolled in it. Returns the activity and the player frame's token."""
    from content.models import H5PActivityPage  # content sits above courses
    from tests.factories import UserFactory

    built = build_course(slug=slug, lessons=1)
    activity = H5PActivityPage(title="تمرین", slug="exercise", package=package, pass_mark=50)
    built.course.add_child(instance=activity)
    publish(activity)
    learner = UserFactory()
    services.enrol(user=learner, course=built.course)
    client.force_login(learner)
    activity = H5PActivityPage.objects.get(pk=activity.pk)
    page = client.get(activity.url).content.decode()
    token = page.split('class="h5p-frame" src="')[1].split('"')[0].split("/")[3]
    return activity, token
