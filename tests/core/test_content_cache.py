"""The content cache's request memo and its per-process entries (``core.caching``)."""

import pytest

from core import caching
from tests.cache_calls import counting_cache_calls


@pytest.fixture
def request_memo():
    token = caching.start_request()
    yield
    caching.end_request(token)


def build_counter():
    built = []

    def build():
        built.append(1)
        return ("value", len(built))

    return built, build


def test_within_a_request_the_version_is_read_once_and_entries_come_in_one_batch(request_memo):
    caching.cached_content("a", lambda: "A")
    caching.cached_content("b", lambda: "B")
    token = caching.start_request()  # the next request: a fresh memo
    try:
        with counting_cache_calls() as calls:
            caching.prefetch(["a", "b"])
            assert caching.cached_content("a", lambda: "not built") == "A"
            assert caching.cached_content("b", lambda: "not built") == "B"
            assert caching.cached_content("a", lambda: "not built") == "A"
        assert [name for name, _key in calls] == ["get", "get_many"]
    finally:
        caching.end_request(token)


def test_a_prefetched_miss_is_built_without_asking_the_cache_again(request_memo):
    built, build = build_counter()
    caching.prefetch(["missing"])
    with counting_cache_calls() as calls:
        assert caching.cached_content("missing", build) == ("value", 1)
    assert [name for name, _key in calls] == ["set"]


def test_local_entries_skip_the_cache_until_the_version_moves_or_they_time_out(monkeypatch):
    built, build = build_counter()
    caching.cached_content("local", build, timeout=60, local=True)
    with counting_cache_calls() as calls:
        assert caching.cached_content("local", build, timeout=60, local=True) == ("value", 1)
    assert [name for name, _key in calls] == ["get"]  # the version only

    caching.bump_content_version()
    assert caching.cached_content("local", build, timeout=60, local=True) == ("value", 2)

    now = caching.time.monotonic()
    monkeypatch.setattr(caching.time, "monotonic", lambda: now + 61)
    assert caching.local_entries.get(caching._full_key("local")) is None


def test_a_publish_during_a_request_drops_what_the_request_had_read(request_memo):
    built, build = build_counter()
    assert caching.cached_content("entry", build) == ("value", 1)
    caching.bump_content_version()
    assert caching.cached_content("entry", build) == ("value", 2)
