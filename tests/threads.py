"""Parallel work for the race tests: threads released together, each with its own connection."""

import threading

from django.db import connections


def run_in_threads(count: int, work) -> list[BaseException]:
    """Run ``work(index)`` in ``count`` threads started at once; return what they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def target(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - collected and asserted by the tests
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
