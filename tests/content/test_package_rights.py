"""Who may list, edit, replace and use (chooser, page save) which H5P package.

The matrix: a package of course A against the teacher of course A, the teacher of course B and
an administrator; plus shared packages (read-only for teachers), own uploads, and the rule that
a replacement never changes what another course's learners see.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from content import services
from content.models import H5PActivityPage, H5PPackage
from content.roles import can_use_package, courses_using, packages_for
from courses.models import CoursePage, LessonPage
from courses.services import TEACHERS_GROUP, course_ensure_editors_group, ensure_roles
from tests.builders import build_course, publish
from tests.content.installed import install
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "h5p"
GREETING = FIXTURES / "greetingcard-minimal.h5p"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@dataclass
class World:
    course_a: CoursePage
    course_b: CoursePage
    teacher_a: object
    teacher_b: object
    admin: object
    package_a: H5PPackage
    shared: H5PPackage


def english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def world(site_tree) -> World:
    ensure_roles()
    services.ensure_h5p_permissions()
    course_a = build_course(slug="course-a", lessons=1, title="Course A").course
    course_b = build_course(slug="course-b", lessons=1, title="Course B").course
    teacher_a, teacher_b = UserFactory(username="teacher-a"), UserFactory(username="teacher-b")
    for teacher, course in ((teacher_a, course_a), (teacher_b, course_b)):
        teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
        course_ensure_editors_group(course=course, owners=[teacher])
        english(teacher)
    admin = english(UserFactory(username="boss", is_superuser=True, is_staff=True))
    package_a = install("multichoice.h5p")
    shared = install("truefalse-hello-world.h5p")
    ready = {"progress": 100}  # install() leaves it at 0, which reads as "being replaced"
    H5PPackage.objects.filter(pk=package_a.pk).update(
        title="Alpha exercise", course=course_a, **ready
    )
    H5PPackage.objects.filter(pk=shared.pk).update(title="Shared exercise", **ready)
    return World(
        course_a=course_a,
        course_b=course_b,
        teacher_a=teacher_a,
        teacher_b=teacher_b,
        admin=admin,
        package_a=H5PPackage.objects.get(pk=package_a.pk),
        shared=H5PPackage.objects.get(pk=shared.pk),
    )


def url(name: str, *args) -> str:
    return reverse(H5PPackage.snippet_viewset.get_url_name(name), args=args)


def chooser_url(name: str, *args) -> str:
    return reverse(H5PPackage.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


def h5p_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("new.h5p", GREETING.read_bytes(), "application/zip")


def refused(response) -> bool:
    """Wagtail's refusal of a view: back to the dashboard (or a 403/404)."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code in (403, 404)


def lesson_post(package: H5PPackage, slug: str) -> dict:
    return nested_form_data(
        {
            "title": "درس تازه",
            "slug": slug,
            "estimated_minutes": 5,
            "body": streamfield([("h5p", {"package": package.pk, "title": "تمرین"})]),
            "required_for_completion": "on",
        }
    )


def exercise_post(package: H5PPackage, slug: str) -> dict:
    return {
        "title": "تمرین تازه",
        "slug": slug,
        "intro": rich_text(""),
        "package": package.pk,
        "pass_mark": "",
        "estimated_minutes": 5,
        "required_for_completion": "on",
        "completion_min_score": "",
    }


def add_lesson(client, course: CoursePage, package: H5PPackage, slug: str):
    return client.post(
        f"/admin/pages/add/courses/lessonpage/{course.pk}/", lesson_post(package, slug)
    )


def add_exercise(client, course: CoursePage, package: H5PPackage, slug: str):
    return client.post(
        f"/admin/pages/add/content/h5pactivitypage/{course.pk}/", exercise_post(package, slug)
    )


# --- The matrix ------------------------------------------------------------------------------

WHO = ["teacher_a", "teacher_b", "admin"]
# Package of course A: (list, edit, replace, choose, page in course A uses it)
EXPECTED = {
    "teacher_a": (True, True, True, True, True),
    "teacher_b": (False, False, False, False, False),
    "admin": (True, True, True, True, True),
}


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_for_a_course_package(
    client, world, who, django_capture_on_commit_callbacks
):
    may_list, may_edit, may_replace, may_choose, may_use = EXPECTED[who]
    user = getattr(world, who)
    package = world.package_a
    client.force_login(user)

    # list
    listing = client.get(url("list"))
    assert listing.status_code == 200
    assert ("Alpha exercise" in listing.content.decode()) is may_list
    assert "Shared exercise" in listing.content.decode()  # shared: everybody sees it
    assert (package in packages_for(user, read=True)) is may_list

    # edit (the form) and the status page
    assert (client.get(url("edit", package.pk)).status_code == 200) is may_edit
    assert refused(client.get(url("edit", package.pk))) is not may_edit
    assert refused(client.get(url("inspect", package.pk))) is not may_list
    status = client.get(url("status", package.pk), headers={"x-requested-with": "XMLHttpRequest"})
    assert (status.status_code == 200) is may_list

    # replace: a new file on the edit page
    before = H5PPackage.objects.get(pk=package.pk)
    uploads = default_storage.listdir("h5p/uploads")[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("edit", package.pk),
            {"title": "Alpha exercise", "course": world.course_a.pk, "upload": h5p_file()},
        )
    after = H5PPackage.objects.get(pk=package.pk)
    if may_replace:
        assert response.status_code == 302, response.context["form"].errors
        assert (after.main_library, after.upload.name) != (before.main_library, before.upload.name)
        assert after.main_library == "H5P.GreetingCard 1.0"
    else:
        assert refused(response)
        assert (after.main_library, after.upload.name, after.progress) == (
            before.main_library,
            before.upload.name,
            before.progress,
        )
        assert default_storage.listdir("h5p/uploads")[1] == uploads  # nothing left behind

    # choose: the chooser lists it, and "chosen" returns it
    chooser = client.get(chooser_url("choose"))
    assert chooser.status_code == 200
    assert ("Alpha exercise" in chooser.json()["html"]) is may_choose
    assert "Shared exercise" in chooser.json()["html"]
    chosen = client.get(chooser_url("chosen", package.pk))
    assert (chosen.status_code == 200) is may_choose

    # use in a page of course A (lesson block and exercise page) — the page save validates
    if may_use:
        response = add_lesson(client, world.course_a, package, f"lesson-{who}")
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert LessonPage.objects.filter(slug=f"lesson-{who}").exists()
        response = add_exercise(client, world.course_a, package, f"exercise-{who}")
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert H5PActivityPage.objects.get(slug=f"exercise-{who}").package_id == package.pk


def test_teacher_b_cannot_put_course_as_package_in_course_b(client, world):
    """The page save refuses another course's package even when its id is posted directly."""
    client.force_login(world.teacher_b)
    response = add_lesson(client, world.course_b, world.package_a, "stolen-lesson")
    assert response.status_code == 200
    assert "belongs to another course" in response.content.decode()
    assert not LessonPage.objects.filter(slug="stolen-lesson").exists()
    response = add_exercise(client, world.course_b, world.package_a, "stolen-exercise")
    assert response.status_code == 200
    assert not H5PActivityPage.objects.filter(slug="stolen-exercise").exists()
    # Shared packages may be used in any course.
    response = add_lesson(client, world.course_b, world.shared, "shared-lesson")
    assert response.status_code == 302, response.content.decode()[-3000:]


def test_editing_a_lesson_checks_its_packages_too(client, world):
    lesson = LessonPage.objects.child_of(world.course_a).first()
    client.force_login(world.teacher_a)
    data = lesson_post(world.package_a, lesson.slug)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    client.force_login(world.teacher_b)
    other = LessonPage.objects.child_of(world.course_b).first()
    data = lesson_post(world.package_a, other.slug)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[other.pk]), data)
    assert response.status_code == 200
    assert "belongs to another course" in response.content.decode()


def test_shared_packages_are_read_only_for_teachers(client, world):
    client.force_login(world.teacher_a)
    assert refused(client.get(url("edit", world.shared.pk)))
    response = client.post(
        url("edit", world.shared.pk),
        {"title": "x", "course": world.course_a.pk, "upload": h5p_file()},
    )
    assert refused(response)
    assert H5PPackage.objects.get(pk=world.shared.pk).title == "Shared exercise"
    inspect = client.get(url("inspect", world.shared.pk))
    assert inspect.status_code == 200
    assert url("edit", world.shared.pk) not in client.get(url("list")).content.decode()
    assert not can_use_package(world.teacher_a, world.shared)
    assert can_use_package(world.teacher_a, world.shared, read=True)
    client.force_login(world.admin)
    assert client.get(url("edit", world.shared.pk)).status_code == 200


def test_teachers_upload_only_into_their_courses(client, world):
    client.force_login(world.teacher_a)
    form = client.get(url("add")).content.decode()
    assert "Course A" in form and "Course B" not in form
    for course in ("", world.course_b.pk):
        response = client.post(url("add"), {"title": "", "course": course, "upload": h5p_file()})
        assert response.status_code == 200
        assert "course" in response.context["form"].errors
    assert H5PPackage.objects.count() == 2
    assert len(default_storage.listdir("h5p/uploads")[1]) == 2  # the two installed ones
    # An administrator may share a package with every course.
    client.force_login(world.admin)
    response = client.post(url("add"), {"title": "Admin's", "course": "", "upload": h5p_file()})
    assert response.status_code == 302
    assert H5PPackage.objects.get(title="Admin's").course is None


def test_own_uploads_stay_editable(client, world):
    """A teacher's own upload is theirs even without a course they edit (an older package)."""
    mine = install("greetingcard-minimal.h5p")
    H5PPackage.objects.filter(pk=mine.pk).update(
        title="Mine", uploaded_by=world.teacher_b, progress=100
    )
    client.force_login(world.teacher_b)
    assert client.get(url("edit", mine.pk)).status_code == 200
    assert "Mine" in client.get(url("list")).content.decode()
    client.force_login(world.teacher_a)
    assert refused(client.get(url("edit", mine.pk)))


def test_a_replacement_never_changes_another_courses_lessons(
    client, world, django_capture_on_commit_callbacks
):
    """Teacher B uploaded the package, but course A's lesson uses it (an administrator put it
    there): B may not replace it, and is told why."""
    H5PPackage.objects.filter(pk=world.package_a.pk).update(
        course=world.course_b, uploaded_by=world.teacher_b
    )
    lesson = LessonPage.objects.child_of(world.course_a).first()
    lesson.body = [("h5p", {"package": world.package_a, "title": "تمرین"})]
    publish(lesson)
    assert courses_using(world.package_a) == [world.course_a]
    before = H5PPackage.objects.get(pk=world.package_a.pk)
    uploads = default_storage.listdir("h5p/uploads")[1]

    client.force_login(world.teacher_b)
    assert client.get(url("edit", before.pk)).status_code == 200  # title etc. stay editable
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("edit", before.pk),
            {"title": "B's", "course": world.course_b.pk, "upload": h5p_file()},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "also used by courses you do not edit (Course A)" in html
    after = H5PPackage.objects.get(pk=before.pk)
    assert (after.upload.name, after.main_library) == (before.upload.name, before.main_library)
    assert default_storage.listdir("h5p/uploads")[1] == uploads
    with pytest.raises(services.PackageInUse):
        services.package_replace(after, h5p_file(), user=world.teacher_b)

    # The administrator may (they edit every course).
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("edit", before.pk),
            {"title": "B's", "course": world.course_b.pk, "upload": h5p_file()},
        )
    assert response.status_code == 302
    assert H5PPackage.objects.get(pk=before.pk).main_library == "H5P.GreetingCard 1.0"


def test_retry_and_status_refuse_other_courses_packages(client, world):
    H5PPackage.objects.filter(pk=world.package_a.pk).update(status=H5PPackage.Status.FAILED)
    client.force_login(world.teacher_b)
    assert refused(client.post(url("retry", world.package_a.pk)))
    assert H5PPackage.objects.get(pk=world.package_a.pk).status == H5PPackage.Status.FAILED
    assert refused(client.get(url("history", world.package_a.pk)))
    assert refused(client.get(url("usage", world.package_a.pk)))


def test_page_used_by_a_course_is_found(world):
    assert courses_using(world.package_a) == []
    page = H5PActivityPage(title="x", slug="x-exercise", package=world.package_a)
    world.course_a.add_child(instance=page)
    assert courses_using(world.package_a) == [world.course_a]
    assert Page.objects.filter(pk=page.pk).exists()
