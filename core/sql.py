"""Small raw-SQL helpers for hot write paths, where the ORM's query building costs more than
the statement itself. They take model instances and use the fields' own conversions, so the
values stored are the ones the ORM would store (on PostgreSQL and SQLite alike)."""

from django.db import connection
from django.db.models import Model


def db_values(obj: Model, columns) -> list:
    """Values of ``obj``'s ``columns`` (attribute names) as the database takes them."""
    fields = {field.attname: field for field in obj._meta.concrete_fields}
    return [
        fields[name].get_db_prep_save(getattr(obj, name), connection=connection) for name in columns
    ]


def insert_unless_conflicting(obj: Model) -> bool:
    """INSERT ``obj`` (its primary key left to the database) unless a row conflicts with one
    of the table's unique constraints: True and ``obj.pk`` set if it was inserted.

    One statement and no savepoint, where ``save()`` would need a savepoint to survive the
    IntegrityError inside a caller's transaction.
    """
    meta = obj._meta
    columns = [field.attname for field in meta.concrete_fields if field is not meta.pk]
    quote = connection.ops.quote_name
    table, names = quote(meta.db_table), ", ".join(quote(name) for name in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    # Names come from the model's metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({names}) VALUES ({placeholders}) ON CONFLICT DO NOTHING "  # noqa: S608
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, db_values(obj, columns))
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True


def delete_rows(model: type[Model], pks: list) -> int:
    """DELETE the rows of ``model`` with these primary keys in one statement (no transaction
    of its own: in autocommit it commits alone). For models nothing references and no
    delete signal watches, where ``QuerySet.delete()`` would wrap it in BEGIN and COMMIT."""
    if not pks:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    # Names come from the model's metadata; every value is a parameter.
    sql = f"DELETE FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} IN ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(pks))
        return cursor.rowcount
