"""Counting the round trips to the default cache (tests and bench/pages.py)."""

from contextlib import contextmanager

from django.core.cache import caches

#: The cache backend methods that talk to the server (each call one round trip).
METHODS = (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "delete",
    "delete_many",
    "incr",
    "decr",
    "has_key",
    "touch",
    "get_or_set",
    "clear",
)


@contextmanager
def counting_cache_calls():
    """Yield a list that collects (method, first argument) for every call to the default
    cache backend in the block; a method calling another counts once."""
    backend = caches["default"]
    calls: list[tuple[str, object]] = []
    depth = 0
    originals = {name: getattr(backend, name) for name in METHODS}

    def counted(name, original):
        def call(*args, **kwargs):
            nonlocal depth
            if depth == 0:
                calls.append((name, args[0] if args else None))
            depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth -= 1

        return call

    for name, original in originals.items():
        setattr(backend, name, counted(name, original))
    try:
        yield calls
    finally:
        for name in originals:
            delattr(backend, name)  # back to the class's methods
