"""``core.jobs`` with a broker that refuses connections (its port closed): requests that queue
work save it and answer without an error, editors are told, and the jobs reach the real broker
(the machine's Redis, database 11) once it is back, each once.

The site's Celery app is switched off eager mode for these tests and pointed at the closed port,
then at Redis; a published message is taken from Redis and run as a worker would run it.
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu import Connection
from wagtail.users.models import UserProfile

from content import services as content_services
from content.models import H5PPackage
from core import jobs
from core.models import PendingJob
from courses.services import course_ensure_editors_group, ensure_roles
from tests.brokers import CLOSED, SwitchableProxy
from tests.builders import build_course
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xdist_group("celery-worker"),  # Redis db 11: no worker consumes there
]

REDIS = "redis://127.0.0.1:6379/11"
REFUSED = f"redis://{CLOSED}/0"
GREETING = Path(__file__).resolve().parents[1] / "fixtures" / "h5p" / "greetingcard-minimal.h5p"
NOTICE = "will start when the task queue is back"


@pytest.fixture
def broker(settings):
    """The Celery app with a broker (refused at first); ``broker(url)`` points it elsewhere."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url

    def point(url: str) -> None:
        conf.broker_url = url
        settings.CELERY_BROKER_URL = url

    conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    point(REFUSED)
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    client.flushdb()
    try:
        yield point
    finally:
        conf.task_always_eager, conf.broker_url = saved
        jobs._paused_until, jobs._failed_since_flush = 0.0, False
        jobs._drop_kept_connection()
        client.flushdb()
        client.close()


def queued_messages() -> list[tuple[str, list, dict]]:
    """Take every message from the default queue in Redis: (task, args, kwargs)."""
    taken = []
    with Connection(REDIS) as conn:
        queue = conn.SimpleQueue("celery")
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            args, kwargs, _embed = message.decode()
            taken.append((message.headers["task"], args, kwargs))
            message.ack()
        queue.close()
    return taken


def redis_keys() -> dict:
    """Every key of the test's Redis database, with its type (for failure messages)."""
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    try:
        return {key.decode(): client.type(key).decode() for key in client.keys("*")}
    finally:
        client.close()


def run(messages) -> list:
    """Run taken messages as the worker would."""
    return [current_app.tasks[name].apply(args, kwargs).get() for name, args, kwargs in messages]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def teacher(db):
    ensure_roles()
    content_services.ensure_h5p_permissions()
    user = UserFactory(username="jobs-teacher")
    user.groups.add(Group.objects.get(name="Teachers"))
    user.course = build_course(slug="jobs-h5p", lessons=1).course  # packages belong to a course
    course_ensure_editors_group(course=user.course, owners=[user])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.mark.django_db(transaction=True)  # real commits: the job is published during the request
def test_an_h5p_upload_with_the_broker_refused_is_saved_the_teacher_told_and_imported_later(
    client, teacher, broker, media
):
    client.force_login(teacher)
    add = reverse(H5PPackage.snippet_viewset.get_url_name("add"))
    upload = SimpleUploadedFile(GREETING.name, GREETING.read_bytes(), "application/zip")
    started = time.monotonic()
    response = client.post(
        add, {"title": "", "course": teacher.course.pk, "upload": upload}, follow=True
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    package = H5PPackage.objects.get()
    assert package.status == H5PPackage.Status.PENDING
    job = PendingJob.objects.get(task="content.tasks.import_package")
    assert (job.task, job.args) == ("content.tasks.import_package", [package.pk])
    assert job.attempts == 1 and "Error" in job.last_error

    # Still refused: a flush keeps the job.
    assert jobs.flush()["published"] == 0
    assert PendingJob.objects.count() == 1

    broker(REDIS)  # the broker is back
    assert jobs.flush() == {"published": 1, "coalesced": 0, "error": ""}
    assert not PendingJob.objects.exists()
    keys = redis_keys()  # what the broker holds, should the message be missing
    messages = queued_messages()
    assert [(name, args) for name, args, _kwargs in messages] == [
        ("content.tasks.import_package", [package.pk])
    ], keys
    assert messages[0][2]["language"] == "en"
    assert run(messages)[0]["status"] == H5PPackage.Status.READY
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY
    assert jobs.flush()["published"] == 0 and queued_messages() == []  # sent once


@pytest.mark.django_db(transaction=True)
def test_unpublishing_a_lesson_with_the_broker_refused_is_saved_and_recounted_later(client, broker):
    built = build_course(slug="jobs-unpublish", lessons=2)
    PendingJob.objects.all().delete()  # jobs of the set-up (publishing the course)
    jobs._paused_until = 0.0
    editor = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(editor)
    lesson = built.lessons[1]
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[lesson.pk]), follow=True)
    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.live
    job = PendingJob.objects.get()
    assert (job.task, job.args) == ("courses.tasks.reevaluate_completion", [built.course.pk])

    broker(REDIS)
    assert jobs.flush()["published"] == 1
    messages = queued_messages()
    assert [(name, args) for name, args, _kwargs in messages] == [
        ("courses.tasks.reevaluate_completion", [built.course.pk])
    ]
    assert run(messages) == [0]  # nobody enrolled: nobody's progress changed
    assert not PendingJob.objects.exists()


def test_jobs_roll_back_with_their_transaction(broker):
    from courses.tasks import reevaluate_completion

    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(reevaluate_completion, 1)
        raise RuntimeError("the work failed")
    assert not PendingJob.objects.exists()


def test_identical_pending_jobs_are_published_once_and_a_failure_pauses_publishing(
    broker, django_capture_on_commit_callbacks, settings
):
    from courses.tasks import reevaluate_completion

    settings.JOBS_BROKER_PAUSE = 60
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(reevaluate_completion, 7)
    assert jobs.broker_paused()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(reevaluate_completion, 7)
        jobs.enqueue_on_commit(reevaluate_completion, 8)
    assert time.monotonic() - started < 0.5, "a paused process must not try the broker"
    assert PendingJob.objects.count() == 3
    assert PendingJob.objects.filter(attempts=0).count() == 2  # not tried while paused

    broker(REDIS)
    assert jobs.flush() == {"published": 2, "coalesced": 1, "error": ""}
    assert sorted(args for _name, args, _kwargs in queued_messages()) == [[7], [8]]


def test_a_claimed_job_is_not_published_by_a_second_flush(broker):
    from courses.tasks import reevaluate_completion

    with transaction.atomic():
        jobs.enqueue_on_commit(reevaluate_completion, 3)
    # Its writer did not publish it (the on-commit publish never ran here) and its lease is over.
    PendingJob.objects.update(next_attempt_at=timezone.now())
    broker(REDIS)
    claimed = jobs.claim_batch()  # another flush holds it (published, not yet deleted)
    assert [job.args for job in claimed] == [[3]]
    assert jobs.flush()["published"] == 0
    assert queued_messages() == []


def test_a_job_is_leased_to_its_writer_and_flushed_only_after_the_lease(broker):
    from courses.tasks import reevaluate_completion

    broker(REDIS)
    with transaction.atomic():
        jobs.enqueue_on_commit(reevaluate_completion, 4)
    # The writer publishes it right after its commit (not run here): a flush meanwhile must
    # not publish it a second time.
    assert jobs.flush()["published"] == 0
    job = PendingJob.objects.get()
    assert job.next_attempt_at > timezone.now() + jobs.LEASE - timedelta(seconds=30)
    # A writer that died before publishing: the flush after the lease publishes it once.
    PendingJob.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert jobs.flush() == {"published": 1, "coalesced": 0, "error": ""}
    assert queued_messages() == [("courses.tasks.reevaluate_completion", [4], {})]
    assert not PendingJob.objects.exists()


def test_publishes_share_a_kept_connection_and_one_the_broker_closed_is_replaced(
    broker, django_capture_on_commit_callbacks
):
    from courses.tasks import reevaluate_completion

    proxy = SwitchableProxy(hung=False)  # a pipe to Redis that counts the connections
    try:
        broker(proxy.url(11))
        opened = []
        for course in (1, 2, 3):
            with django_capture_on_commit_callbacks(execute=True):
                jobs.enqueue_on_commit(reevaluate_completion, course)
            opened.append(proxy.accepted)
        assert opened[0] >= 1
        assert opened == [opened[0]] * 3, "the later publishes open no connection"
        proxy.forward()  # the open connections are cut, as when the broker restarts
        with django_capture_on_commit_callbacks(execute=True):
            jobs.enqueue_on_commit(reevaluate_completion, 4)
        assert opened[0] < proxy.accepted <= 2 * opened[0]
        assert not jobs.broker_paused(), "a replaced connection is not a failed publish"
        assert not PendingJob.objects.exists()
        messages = queued_messages()
        assert sorted(args for _name, args, _kwargs in messages) == [[1], [2], [3], [4]]
    finally:
        jobs._drop_kept_connection()
        proxy.close()


def test_eager_mode_runs_the_task_at_commit_as_before(django_capture_on_commit_callbacks):
    from core.tasks import ping

    assert jobs.eager()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.enqueue_on_commit(ping, "hello")
    assert not PendingJob.objects.exists()
    assert [callback.task_name for callback in callbacks] == ["core.tasks.ping"]


def test_a_nudge_the_broker_did_not_take_is_kept_once_and_published_when_it_is_back(broker):
    from xapi.tasks import deliver_outbox

    jobs.kick(deliver_outbox)  # refused: kept
    assert jobs.broker_paused()
    jobs.kick(deliver_outbox)  # paused: an identical row waits already
    assert list(PendingJob.objects.values_list("task", "args", "kwargs")) == [
        ("xapi.tasks.deliver_outbox", [], {})
    ]

    broker(REDIS)
    assert jobs.flush() == {"published": 1, "coalesced": 0, "error": ""}
    assert queued_messages() == [("xapi.tasks.deliver_outbox", [], {})]
    assert not PendingJob.objects.exists()
