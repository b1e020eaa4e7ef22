"""Bulk inserts for the hot paths (deposits and their ledger entries): PostgreSQL ``COPY`` through
psycopg 3, SQLite one ``executemany`` — both inside the caller's transaction.

Django's ``bulk_create`` spends most of its time per value (model instances, field preparation, SQL
assembly; on SQLite 999 parameters per statement). Here each column's conversion is chosen once
from the model's field, primary keys are taken up front so the caller can refer to the new rows,
and the rows go to the database in one stream."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

Convert = Callable[[Any], Any]
SMALL = 64  # fewer rows than this: Django's bulk_create is as quick and the database numbers them


def bulk_insert(objects: Sequence[models.Model]) -> None:
    """Insert new instances of one model and give each its primary key (like ``bulk_create``: no
    signals, no ``save()``; auto_now fields get the time now)."""
    if not objects:
        return
    model = type(objects[0])
    names = [f.attname for f in _fields(model)]
    ids = bulk_insert_rows(model, [{n: getattr(obj, n) for n in names} for obj in objects])
    for ident, obj in zip(ids, objects, strict=True):
        obj.pk = ident
        obj._state.adding = False


def bulk_insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, keys: bool = True
) -> list[int]:
    """Insert rows (field attname → Python value; auto_now fields may be left out) without making
    model instances, and return their new primary keys in order (with ``keys=False``, the database
    numbers them, in order, and nothing is returned). Must run inside a transaction."""
    if not rows:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_insert must run inside the transaction of the change it stores")
    if len(rows) < SMALL:  # the database numbers a few rows itself, whoever holds the write lock
        objects = [model(**row) for row in rows]
        model._default_manager.bulk_create(objects)
        return [int(obj.pk) for obj in objects]
    fields = _fields(model)
    now = timezone.now()
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    getters = [(f.attname, _converter(f), f.attname in stamped) for f in fields]
    assert model._meta.pk is not None
    table, pk = model._meta.db_table, str(model._meta.pk.column)
    values = (
        tuple(
            convert(now if stamp and row.get(name) is None else row[name]) for name, convert, stamp in getters
        )
        for row in rows
    )
    columns = [str(f.column) for f in fields]
    if not keys:
        copy_rows(table, columns, values)
        return []
    ids = _take_ids(table, pk, len(rows))
    copy_rows(table, [pk, *columns], ((ident, *value) for ident, value in zip(ids, values, strict=True)))
    return ids


def copy_rows(table: str, columns: Sequence[str], values: Iterable[Sequence[Any]]) -> None:
    """Stream rows of values (already in the driver's types) into a table: ``COPY`` on PostgreSQL,
    one ``executemany`` on SQLite."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    into = f"{connection.ops.quote_name(table)} ({quoted})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django wraps only its own calls; this turns psycopg's errors into Django's here too.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {into} FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {into} VALUES ({marks})", list(values))  # noqa: S608 (names from the model)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _take_ids(table: str, pk: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: take the write lock first (a write statement, even one that changes nothing), so
        # that no one else takes these numbers before this transaction ends; AUTOINCREMENT never
        # reuses a number, hence the sequence too.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq WHERE name = %s", [table])
        quoted_pk, quoted_table = connection.ops.quote_name(pk), connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({quoted_pk}) FROM {quoted_table}")  # noqa: S608 (names from the model)
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        first = max(top, found[0] if found else 0) + 1
        return list(range(first, first + count))


def _converter(field: models.Field[Any, Any]) -> Convert:
    """How one column's Python values become what the driver takes (chosen once per column)."""
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if connection.vendor == "postgresql":
        return _same  # psycopg dumps str, int, bool, Decimal, date and aware datetimes itself
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else _day(v)
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(Decimal(v))
    return _same


def _same(value: Any) -> Any:
    return value


def _day(value: dt.date) -> str:
    return value.isoformat()
