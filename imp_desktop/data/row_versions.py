"""Row versions: noticing that someone else saved a record since it was read.

On PostgreSQL, where several staff work on one database, a row's version is
its ``xmin`` (the transaction that last wrote it: every save gives a new one,
nothing has to be stored or sent in packages). On SQLite, which one program
holds at a time, it is a digest of the whole row (so two saves within one
millisecond still differ). A screen keeps the version it read;
the save locks the row (``FOR UPDATE``), compares, and refuses when they
differ, so the later save never silently overwrites the earlier one.
"""
from __future__ import annotations

from peewee import PostgresqlDatabase

from imp_desktop.data.models import database


def _is_pg() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def row_version(model, record_id: int, *, lock: bool = False, children=()) -> str | None:
    """The version of one row (None when the row is gone); ``lock`` holds the
    row until the transaction ends (PostgreSQL). ``children``, (model, foreign key
    column) pairs, adds the rows that belong to it (a checklist's answers): a
    change to any of them, or one added or removed, is a new version too."""
    own = _own_version(model, record_id, lock)
    if own is None or not children:
        return own
    import hashlib

    digest = hashlib.sha1(own.encode())
    for child, column in children:
        digest.update(_rows_version(child, column, record_id).encode())
    return digest.hexdigest()


def _rows_version(model, column: str, record_id: int) -> str:
    """One text for the rows of ``model`` whose ``column`` is ``record_id``."""
    import hashlib

    table = model._meta.table_name
    if _is_pg():
        sql = f'SELECT id, xmin::text FROM "{table}" WHERE "{column}" = %s ORDER BY id'
    else:
        sql = f'SELECT * FROM "{table}" WHERE "{column}" = ? ORDER BY id'
    rows = database.execute_sql(sql, (record_id,)).fetchall()
    return hashlib.sha1(repr([tuple(row) for row in rows]).encode()).hexdigest()


def _own_version(model, record_id: int, lock: bool) -> str | None:
    table = model._meta.table_name
    if _is_pg():
        sql = f'SELECT xmin::text FROM "{table}" WHERE id = %s' + (" FOR UPDATE" if lock else "")
        row = database.execute_sql(sql, (record_id,)).fetchone()
        return None if row is None else str(row[0])
    import hashlib

    row = database.execute_sql(f'SELECT * FROM "{table}" WHERE id = ?', (record_id,)).fetchone()
    return None if row is None else hashlib.sha1(repr(tuple(row)).encode()).hexdigest()
