"""Reading and inserting rows on the hot write path with as little work as the database allows.

For the one hot write path that creates several related rows per request (the intake: an item, its
process instance, the first two events of its chain, the chain head, its milestones). The ORM
compiles every INSERT anew and, on PostgreSQL, waits for each one; here the primary keys are
reserved first (`reserve_ids`), so the rows can point at each other before any is written, and
`insert_rows` sends them together:

- PostgreSQL: one `execute` holding every INSERT (client-side binding, Django's default for psycopg 3,
  accepts several statements), so one round trip for all of them; ids come from the tables' own
  sequences (`nextval`), so they are the ids the ORM would have given.
- SQLite: one statement per row (there is no round trip to save); ids are read from `sqlite_sequence`
  under the write lock the transaction took at BEGIN IMMEDIATE, so nobody else can take them.

The INSERT text is built once per model from its concrete fields and cached; values go through each
field's own `pre_save` (auto_now and the like) and `get_db_prep_save`, as `Model.save` does. No
signals are sent (the project has no receivers on model saves). Must run inside a transaction.

`row_by` reads one row by a unique column with a SELECT built once per model and column, for the
look-ups every intake repeats (category, channel, unit), which the ORM would compile every time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models, transaction

M = TypeVar("M", bound=models.Model)


def _check_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve_ids and insert_rows must run inside a transaction.atomic block")


@cache
def _sequence(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column])
        (name,) = cursor.fetchone()
    if name is None:
        raise LookupError(f"{table}.{column} has no sequence")
    return str(name)


def reserve_ids(counts: Mapping[type[models.Model], int]) -> dict[type[models.Model], list[int]]:
    """`counts[model]` new primary keys per model, ascending, in one query; use them in this transaction."""
    _check_transaction()
    wanted = [(model, n) for model, n in counts.items() if n > 0]
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        calls = [
            f"nextval('{_sequence(model._meta.db_table, model._meta.pk.column)}')"
            for model, n in wanted
            for _ in range(n)
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(calls)}")
            values = list(cursor.fetchone())
        reserved: dict[type[models.Model], list[int]] = {}
        for model, n in wanted:
            reserved[model], values = sorted(values[:n]), values[n:]
        return reserved
    if connection.vendor == "sqlite":
        # AUTOINCREMENT never reuses an id, so the next one is past both the recorded sequence and
        # the highest row (a table whose sequence row is missing has never had a row deleted).
        parts = []
        for model, _n in wanted:
            table, column = model._meta.db_table, model._meta.pk.column
            parts.append(
                f"max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), "
                f"coalesce((SELECT max({connection.ops.quote_name(column)}) FROM "
                f"{connection.ops.quote_name(table)}), 0))"
            )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}")
            tops = cursor.fetchone()
        return {
            model: list(range(top + 1, top + 1 + n)) for (model, n), top in zip(wanted, tops, strict=True)
        }
    raise NotImplementedError(f"reserve_ids: {connection.vendor}")


@cache
def _insert_sql(model: type[models.Model]) -> tuple[str, tuple[models.Field, ...]]:  # type: ignore[type-arg]
    fields = tuple(model._meta.local_concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", fields


def insert_rows(rows: Sequence[models.Model]) -> None:
    """Insert `rows` (new, primary keys set) in this order; foreign keys are checked at commit."""
    _check_transaction()
    statements: list[str] = []
    params: list[Any] = []
    for row in rows:
        if row.pk is None:
            raise ValueError(f"insert_rows needs a reserved primary key on {row!r}")
        sql, fields = _insert_sql(type(row))
        statements.append(sql)
        params.extend(field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(";\n".join(statements), params)
        else:
            at = 0
            for sql, row in zip(statements, rows, strict=True):
                width = len(_insert_sql(type(row))[1])
                cursor.execute(sql, params[at : at + width])
                at += width
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


@cache
def _select_sql(model: type[models.Model], column: str) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    """The SELECT of one row by `column`, the attribute names and each value's converters."""
    fields = tuple(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s"
    converters = []
    for field in fields:
        expression = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)  # type: ignore[attr-defined]
        converters.append((expression, tuple(found)))
    return sql, tuple(field.attname for field in fields), tuple(converters)


def row_by(model: type[M], field_name: str, value: object) -> M | None:
    """The row of `model` whose unique field `field_name` equals `value`, or None."""
    field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or not (field.unique or field.primary_key):
        raise ValueError(f"row_by needs a unique field, not {model.__name__}.{field_name}")
    if isinstance(field, models.IntegerField) and isinstance(value, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            return None  # no such row, as the ORM answers (and no database error)
    sql, names, converters = _select_sql(model, field.column)
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(value, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, (expression, found) in enumerate(converters):
        for converter in found:
            values[i] = converter(values[i], expression, connection)
    return model.from_db(connection.alias, list(names), values)
