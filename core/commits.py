"""Work at commit, queued once per transaction however often it is asked for."""

from functools import partial

from django.db import connection, transaction


def on_commit_once(callback, *, robust: bool = False) -> None:
    """``transaction.on_commit(callback)``, unless an equal callback already waits for the
    current transaction's commit (outside a transaction it runs at once, as ``on_commit``
    does). Equal: the same function, or a ``partial`` of the same function and arguments."""
    pending = connection.run_on_commit if connection.in_atomic_block else ()
    if any(_same(waiting, callback) for _savepoints, waiting, _robust in pending):
        return
    transaction.on_commit(callback, robust=robust)


def _same(waiting, callback) -> bool:
    if isinstance(waiting, partial) and isinstance(callback, partial):
        return (waiting.func, waiting.args, waiting.keywords) == (
            callback.func,
            callback.args,
            callback.keywords,
        )
    return waiting is callback
