"""The benchmarks' throwaway database (imported after ``django.setup()``).

An in-memory database on SQLite; on PostgreSQL a ``test_<name>_bench_<pid>`` database next to
the one DATABASE_URL names (never the test database of a test run on the same server), migrated
from scratch, or, when ``SAVAD_BENCH_TEMPLATE`` names an already migrated database on that
server, copied from it (``CREATE DATABASE … TEMPLATE``: a second instead of a migration; the
smoke tests in tests/test_bench_smoke.py migrate one template for all the benchmarks).
"""

import os

from django.conf import settings
from django.db import connection

TEMPLATE_VARIABLE = "SAVAD_BENCH_TEMPLATE"


def create_database() -> str:
    """Create the throwaway database and point the connection at it; return the old name.

    Drop it with ``connection.creation.destroy_test_db(old_name, keepdb=False)``.
    """
    if connection.vendor == "sqlite":
        return connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    old_name = connection.settings_dict["NAME"]
    name = f"test_{old_name}_bench_{os.getpid()}"
    connection.settings_dict["TEST"]["NAME"] = name
    template = os.environ.get(TEMPLATE_VARIABLE)
    if not template:
        return connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    return old_name
