import traceback
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from courses.services import enrol
from tests.builders import build_course

pytestmark = pytest.mark.django_db

def test_probe(client, user):
    built = build_course(slug="probe", lessons=10, modules=0)
    enrol(user=user, course=built.course)
    client.force_login(user)
    lesson = built.lessons[len(built.lessons) // 2]
    client.get(lesson.url)
    cache.clear()
    stacks = []
    def wrapper(execute, sql, params, many, context):
        stacks.append((sql, "".join(l for l in traceback.format_stack(limit=40) if "/work/main/" in l and ".venv" not in l and "test_query" not in l)))
        return execute(sql, params, many, context)
    with connection.execute_wrapper(wrapper):
        r1 = client.get(lesson.url)
    for sql, st in stacks:
        print("=== ", sql[:150])
        print(st)
