"""Parallel work for the race tests: threads released together, each with its own connection."""

import threading

from django.db import connections
from django.utils import translation


def run_in_threads_with_results(
    count: int, work, *, language: str | None = None
) -> tuple[list, list[BaseException]]:
    """Run ``work(index)`` in ``count`` threads started at once; return (results, errors).

    With ``language`` each thread runs with that language active (a new thread has none).
    """
    results: list = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def target(index):
        try:
            with translation.override(language):
                barrier.wait()
                results.append(work(index))
        except BaseException as error:  # noqa: BLE001 - collected and asserted by the tests
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return results, errors


def run_in_threads(count: int, work) -> list[BaseException]:
    """Run ``work(index)`` in ``count`` threads started at once; return what they raised."""
    return run_in_threads_with_results(count, work)[1]
