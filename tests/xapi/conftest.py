import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F

from courses.selectors import course_syllabus
from courses.services import enrol
from progress.services import record_completion, record_visit
from tests.builders import build_course
from tests.celery_worker import require_redis
from tests.factories import UserFactory
from tests.xapi.lrs_server import KEY, SECRET, FakeLRS, free_port
from xapi.models import OutboxStatement

# Redis database 10 belongs to the xAPI worker test.
REDIS = "redis://127.0.0.1:6379/10"


@pytest.fixture
def lrs(settings):
    """A configured LRS on a free port of 127.0.0.1, not listening until ``lrs.start()``."""
    server = FakeLRS(free_port())
    settings.XAPI_LRS_URL = server.url
    settings.XAPI_LRS_KEY = KEY
    settings.XAPI_LRS_SECRET = SECRET
    yield server
    server.stop()


def ref(page):
    """The progress core's reference to an activity page."""
    return page.activity_ref(course_syllabus(page.course))


def learner_journey(user, built, *, lessons: int | None = None) -> None:
    """Enrol, then open and complete lessons (all by default): the real services' events."""
    enrol(user=user, course=built.course)
    for lesson in built.lessons[:lessons]:
        record_visit(user=user, activity=ref(lesson))
        record_completion(user=user, activity=ref(lesson))


@pytest.fixture
def built(db):
    return build_course(slug="xapi-course", lessons=3)


@pytest.fixture
def learners(db):
    return [UserFactory() for _ in range(3)]


@pytest.fixture
def redis_up():
    require_redis(REDIS)


def time_passes(seconds: float) -> None:
    """As if ``seconds`` had gone by for every waiting statement."""
    OutboxStatement.objects.update(
        next_attempt_at=F("next_attempt_at") - timedelta(seconds=seconds)
    )


def expected_order() -> dict[int, list[str]]:
    """Each learner's statement ids in the order they were recorded."""
    order: dict[int, list[str]] = {}
    for user_id, statement_id in OutboxStatement.objects.order_by("id").values_list(
        "user_id", "statement_id"
    ):
        order.setdefault(user_id, []).append(str(statement_id))
    return order


def arrival_order(lrs, order: dict[int, list[str]]) -> dict[int, list[str]]:
    owner = {statement_id: user for user, ids in order.items() for statement_id in ids}
    arrived: dict[int, list[str]] = {}
    for statement_id in lrs.stored:
        arrived.setdefault(owner[statement_id], []).append(statement_id)
    return arrived


def assert_all_delivered_once_in_order(lrs) -> None:
    order = expected_order()
    duplicates = [i for i, count in Counter(lrs.stored).items() if count > 1]
    assert duplicates == []
    assert set(lrs.stored) == {i for ids in order.values() for i in ids}
    assert arrival_order(lrs, order) == order
    assert not OutboxStatement.objects.filter(sent_at__isnull=True).exists()


def wait_for(check, *, seconds: float, what: str, log=lambda: ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"Waited {seconds} s for {what}, in vain.\n{log()}", pytrace=False)
