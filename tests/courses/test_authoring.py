"""Teachers author their own courses in the Wagtail admin; reviewers approve publication."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import GroupApprovalTask
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses import services
from courses.models import CoursePage, EnrolmentMode, LessonPage
from tests.builders import build_course, catalogue, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(site_tree):
    user = UserFactory(username="teacher-a")
    user.groups.add(Group.objects.get(name=services.TEACHERS_GROUP))
    return user


def test_teacher_creates_a_course_and_becomes_its_only_editor(client, teacher):
    parent = catalogue("fa")
    client.force_login(teacher)
    data = nested_form_data(
        {
            "title": "دورهٔ تازه",
            "slug": "new-course",
            "summary": "خلاصه",
            "audience": "",
            "outcomes": streamfield([("outcome", "یک هدف")]),
            "level": "beginner",
            "estimated_minutes": 20,
            "enrolment_mode": "open",
            "cover_image_alt": "",
        }
    )
    response = client.post(f"/admin/pages/add/courses/coursepage/{parent.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="new-course")
    assert not course.live, "teachers cannot publish directly"
    group = course.editors_group
    assert group is not None and teacher.groups.filter(pk=group.pk).exists()
    permissions = course.permissions_for_user(teacher)
    assert permissions.can_edit() and not permissions.can_publish()
    other_teacher = UserFactory(username="teacher-b")
    other_teacher.groups.add(Group.objects.get(name=services.TEACHERS_GROUP))
    assert not course.permissions_for_user(other_teacher).can_edit()


def test_course_editors_can_add_lessons_but_not_publish(client, teacher):
    built = build_course(lessons=1)
    services.course_ensure_editors_group(course=built.course, owners=[teacher])
    client.force_login(teacher)
    add_url = f"/admin/pages/add/courses/lessonpage/{built.course.pk}/"
    assert client.get(add_url).status_code == 200
    lesson_permissions = built.lessons[0].permissions_for_user(teacher)
    assert lesson_permissions.can_edit() and not lesson_permissions.can_publish()
    assert client.get(f"/admin/pages/{built.lessons[0].pk}/edit/").status_code == 200


def test_courses_go_through_the_course_review_workflow(teacher):
    built = build_course(lessons=1)
    workflow = built.course.get_workflow()
    assert workflow is not None and workflow.name == services.REVIEW_WORKFLOW
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow)
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get(name=services.REVIEWERS_GROUP))
    services.course_ensure_editors_group(course=built.course, owners=[teacher])
    state = workflow.start(built.course, teacher)
    assert state.current_task_state.task.specific == task
    page = built.course
    assert [a[0] for a in task.get_actions(page, reviewer)][:1] == ["reject"] or any(
        a[0] == "approve" for a in task.get_actions(page, reviewer)
    )
    assert task.get_actions(page, teacher) == []


def test_preview_shows_the_learner_view_to_an_editor_who_is_not_enrolled(teacher):
    built = build_course(lessons=2)
    lesson = built.lessons[0]
    lesson.body = [("text", "<p>پیش‌نمایش درس</p>")]
    response = lesson.make_preview_request()
    assert response.status_code == 200
    body = response.content.decode()
    assert "پیش‌نمایش درس" in body
    assert "syllabus" in body


def test_cover_image_needs_alternative_text(site_tree):
    from django.core.exceptions import ValidationError
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="cover", file=get_test_image_file())
    course = CoursePage(title="x", slug="x", summary="s", cover_image=image, cover_image_alt=" ")
    with pytest.raises(ValidationError) as error:
        course.clean()
    assert "cover_image_alt" in error.value.message_dict


def _lesson_with_document(mode):
    built = build_course(slug=f"docs-{mode}", lessons=1, mode=mode)
    document = get_document_model().objects.create(title="راهنما")
    document.file.save("guide.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    lesson = LessonPage.objects.get(pk=built.lessons[0].pk)
    lesson.body = [("document", {"document": document, "title": ""})]
    publish(lesson)
    return built, document


def test_documents_of_invitation_only_courses_are_served_only_to_those_let_in(client, site_tree):
    built, document = _lesson_with_document(EnrolmentMode.INVITATION)
    url = document.url
    assert client.get(url).status_code == 403
    learner = UserFactory()
    client.force_login(learner)
    assert client.get(url).status_code == 403
    services.enrol(user=learner, course=built.course, source="teacher")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"


def test_documents_of_open_courses_are_public(client, site_tree):
    _built, document = _lesson_with_document(EnrolmentMode.OPEN)
    assert client.get(document.url).status_code == 200
