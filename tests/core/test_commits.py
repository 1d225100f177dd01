"""core.commits: a callback asked for several times in one transaction runs once at commit."""

from functools import partial

import pytest
from django.db import transaction

from core.commits import on_commit_once

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_equal_callbacks_are_queued_once_per_transaction(django_capture_on_commit_callbacks):
    ran = []

    def note(*args):
        ran.append(args)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(3):
            on_commit_once(partial(note, "course-a"))
            on_commit_once(note)
        on_commit_once(partial(note, "course-b"))
    assert len(callbacks) == 3
    assert sorted(ran) == [(), ("course-a",), ("course-b",)]
