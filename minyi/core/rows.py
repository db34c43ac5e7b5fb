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

The INSERT text is built once per model from its concrete fields and cached; each value is what
`Model.save` would send: the field's own `pre_save` (auto_now and the like) and `get_db_prep_save`,
except that a value which already has its column's plain Python type (a str for a text column, an
int for an integer one) is sent as it is, as those methods would return it. No signals are sent (the
project has no receivers on model saves). Must run inside a transaction. `reserve_ids_with` reserves
the ids in the caller's own statement (the intake's tracking-number UPDATE … RETURNING).

`rows_by` reads rows by unique columns (category, unit, channel; an API token and its owner) with
SELECTs built once per model, several in one round trip on PostgreSQL, where the ORM would compile
and send each one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(_nextvals(wanted))}")
            return _share(wanted, list(cursor.fetchone()))
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


def _nextvals(wanted: Sequence[tuple[type[models.Model], int]]) -> list[str]:
    return [
        f"nextval('{_sequence(model._meta.db_table, model._meta.pk.column)}')"
        for model, n in wanted
        for _ in range(n)
    ]


def _share(
    wanted: Sequence[tuple[type[models.Model], int]], values: list[int]
) -> dict[type[models.Model], list[int]]:
    reserved: dict[type[models.Model], list[int]] = {}
    for model, n in wanted:
        reserved[model], values = sorted(values[:n]), values[n:]
    return reserved


def reserve_ids_with(
    sql: str, params: Sequence[Any], counts: Mapping[type[models.Model], int]
) -> tuple[tuple[Any, ...] | None, dict[type[models.Model], list[int]]]:
    """Run `sql` — one statement returning at most one row, ending with its output list (a SELECT
    list or a RETURNING clause) — and reserve ids as `reserve_ids` does: on PostgreSQL in the same
    statement and round trip (the `nextval` calls are appended to its output). Returns the row's own
    values (None if it returned none; then nothing was reserved on PostgreSQL) and the ids."""
    _check_transaction()
    wanted = [(model, n) for model, n in counts.items() if n > 0]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not wanted:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
            return (None if row is None else tuple(row)), reserve_ids(counts)
        calls = _nextvals(wanted)
        cursor.execute(f"{sql}, {', '.join(calls)}", list(params))
        row = cursor.fetchone()
    if row is None:
        return None, {}
    own = len(row) - len(calls)
    return tuple(row[:own]), _share(wanted, list(row[own:]))


# Field classes whose value goes to the database unchanged when it already has this Python type
# (their get_db_prep_save would return it as it is); anything else takes the field's own path.
_AS_IS: dict[type[models.Field], type] = {  # type: ignore[type-arg]
    models.CharField: str, models.TextField: str, models.SlugField: str, models.EmailField: str,
    models.BooleanField: bool, models.IntegerField: int, models.SmallIntegerField: int,
    models.BigIntegerField: int, models.PositiveIntegerField: int, models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int, models.AutoField: int, models.BigAutoField: int,
}  # fmt: skip


def _plain_type(field: models.Field) -> type | None:  # type: ignore[type-arg]
    """The Python type a field's value may have to be sent as it is (None: always prepare it)."""
    if isinstance(field, models.ForeignKey):  # includes OneToOneField: the target's column
        return _plain_type(field.target_field)
    return _AS_IS.get(type(field))


@cache
def _insert_sql(model: type[models.Model]) -> tuple[str, tuple[tuple[models.Field, type | None], ...]]:  # type: ignore[type-arg]
    fields = tuple(model._meta.local_concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    return sql, tuple((field, _plain_type(field)) for field in fields)


def _values(row: models.Model, fields: Sequence[tuple[models.Field, type | None]]) -> list[Any]:  # type: ignore[type-arg]
    """The row's parameters as `Model.save` prepares them (pre_save, then get_db_prep_save)."""
    values = []
    for field, plain in fields:
        if plain is not None:
            value = getattr(row, field.attname)
            if value is None or type(value) is plain:
                values.append(value)
                continue
        values.append(field.get_db_prep_save(field.pre_save(row, True), connection))
    return values


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
        params.extend(_values(row, fields))
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


@dataclass(frozen=True)
class ColumnOf:
    """A look-up's value taken from another row: `column` of the `model` row whose unique field
    `field_name` equals `value` (a scalar subquery), e.g. a token's owner by the token's key."""

    model: type[models.Model]
    field_name: str
    value: object
    column: str


@dataclass(frozen=True)
class By:
    """One row of `model` whose unique field `field_name` equals `value` (`rows_by`)."""

    model: type[models.Model]
    field_name: str
    value: object


@cache
def _select_sql(model: type[models.Model]) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    """The SELECT of a model's columns (no WHERE), the attribute names and each value's converters."""
    fields = tuple(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    converters = []
    for field in fields:
        expression = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)  # type: ignore[attr-defined]
        converters.append((expression, tuple(found)))
    return (
        f"SELECT {columns} FROM {quote(model._meta.db_table)}",
        tuple(f.attname for f in fields),
        tuple(converters),
    )


def _unique_field(model: type[models.Model], field_name: str) -> models.Field:  # type: ignore[type-arg]
    field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or not (field.unique or field.primary_key):
        raise ValueError(f"rows_by needs a unique field, not {model.__name__}.{field_name}")
    return field


def _condition(model: type[models.Model], field_name: str, value: object) -> tuple[str, list[Any]] | None:
    """`"column" = %s` (or `= (subquery)`) and its parameter; None when no row can match (a number
    out of the column's range, which the database would refuse rather than not find)."""
    field = _unique_field(model, field_name)
    quote = connection.ops.quote_name
    if isinstance(value, ColumnOf):
        inner = _condition(value.model, value.field_name, value.value)
        if inner is None:
            return None
        table = quote(value.model._meta.db_table)
        source = value.model._meta.get_field(value.column)
        if not isinstance(source, models.Field):
            raise ValueError(f"ColumnOf needs a concrete field, not {value.model.__name__}.{value.column}")
        column = quote(source.column)
        return f"{quote(field.column)} = (SELECT {column} FROM {table} WHERE {inner[0]})", inner[1]
    if isinstance(field, models.IntegerField) and isinstance(value, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            return None
    return f"{quote(field.column)} = %s", [field.get_db_prep_value(value, connection)]


def rows_by(lookups: Sequence[By]) -> list[models.Model | None]:
    """The row each look-up finds by a unique field (or None), in order: one round trip on PostgreSQL
    (the SELECTs go in one execute and come back as successive result sets), one statement each on
    SQLite. The SELECT text is built once per model, not compiled by the ORM per call."""
    statements: list[tuple[int, str, list[Any]]] = []
    for position, lookup in enumerate(lookups):
        condition = _condition(lookup.model, lookup.field_name, lookup.value)
        if condition is not None:
            select = _select_sql(lookup.model)[0]
            statements.append((position, f"{select} WHERE {condition[0]}", condition[1]))
    found: list[models.Model | None] = [None] * len(lookups)
    if not statements:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "; ".join(sql for _, sql, _ in statements), [p for *_, ps in statements for p in ps]
            )
            fetched = []
            for _ in statements:
                fetched.append(cursor.fetchone())
                cursor.nextset()
        else:
            fetched = []
            for _, sql, params in statements:
                cursor.execute(sql, params)
                fetched.append(cursor.fetchone())
    for (position, _, _), row in zip(statements, fetched, strict=True):
        if row is not None:
            found[position] = _instance(lookups[position].model, row)
    return found


def _instance(model: type[M], row: Sequence[Any]) -> M:
    _, names, converters = _select_sql(model)
    values = list(row)
    for i, (expression, found) in enumerate(converters):
        for converter in found:
            values[i] = converter(values[i], expression, connection)
    return model.from_db(connection.alias, list(names), values)
