"""Opening the database: pragmas, recognition, version check and migrations.

A file is checked read-only *before* anything is written to it, so a file
written by a newer program, a foreign SQLite file or a damaged file is
refused untouched.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from imp_desktop.data import migrations
from imp_desktop.data.models import database, utc_now
from imp_desktop.errors import DatabaseTooNew, NotAnImpDatabase, UserError
from imp_desktop.i18n import tr

# "IMPD": marks a SQLite file as ours (PRAGMA application_id).
APPLICATION_ID = 0x494D5044
VERSION_TABLE = "schema_migrations"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -32000,   # 32 MB page cache
    "temp_store": "memory",
}


def is_url(target: str) -> bool:
    return "://" in str(target)


def inspect_sqlite_file(path: Path) -> int:
    """The schema version of an existing file, opened read-only; 0 if empty.

    Raises NotAnImpDatabase for a file that is not ours or cannot be read.
    """
    if path.stat().st_size == 0:
        return 0
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise NotAnImpDatabase(tr("db.error.unreadable", path=str(path), detail=str(exc))) from exc
    try:
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return 0
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if VERSION_TABLE not in tables or app_id != APPLICATION_ID:
            raise NotAnImpDatabase(tr("db.error.foreign", path=str(path)))
        row = conn.execute(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()
        return int(row[0] or 0)
    except sqlite3.DatabaseError as exc:
        raise NotAnImpDatabase(tr("db.error.unreadable", path=str(path), detail=str(exc))) from exc
    finally:
        conn.close()


def _check_version(found: int, where: str) -> None:
    latest = migrations.latest_version()
    if found > latest:
        raise DatabaseTooNew(tr("db.error.too_new", path=where, found=found, latest=latest))


def open_database(target: str | os.PathLike, *, migrate: bool = True):
    """Open (creating if needed) the database at ``target`` and bring it up to date.

    ``target`` is a file path or a database URL (``postgresql://…``). The
    opened database is bound to the models' proxy and returned.
    """
    target = str(target)
    if is_url(target):
        from playhouse.db_url import connect

        db = connect(target)
    else:
        path = Path(target).expanduser()
        if path.exists():
            if path.is_dir():
                raise UserError(tr("db.error.is_folder", path=str(path)))
            _check_version(inspect_sqlite_file(path), str(path))
        else:
            if not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    close_database()
    database.initialize(db)
    db.connect(reuse_if_open=True)
    if migrate:
        migrate_database(db)
    return db


def close_database() -> None:
    current = database.obj
    if current is not None and not current.is_closed():
        current.close()


def schema_version(db) -> int:
    if VERSION_TABLE not in db.get_tables():
        return 0
    return int(db.execute_sql(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()[0] or 0)


def migrate_database(db) -> int:
    """Apply every migration the database lacks, each in its own transaction."""
    with db.atomic():
        db.execute_sql(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
            "version INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
            "applied_at VARCHAR(40) NOT NULL)")
        if isinstance(db, SqliteDatabase):
            db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    current = schema_version(db)
    _check_version(current, str(db.database))
    for migration in migrations.all_migrations():
        if migration.version <= current:
            continue
        with db.atomic():
            migration.apply(db)
            db.execute_sql(
                f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES (?, ?, ?)"
                .replace("?", db.param),
                (migration.version, migration.name, utc_now()))
        current = migration.version
    return current


def integrity_check(db) -> list[str]:
    """SQLite's own integrity check; an empty list means the file is sound."""
    if not isinstance(db, SqliteDatabase):
        return []
    rows = [row[0] for row in db.execute_sql("PRAGMA integrity_check").fetchall()]
    problems = [row for row in rows if row != "ok"]
    problems += [f"foreign key: {row}" for row in db.execute_sql("PRAGMA foreign_key_check").fetchall()]
    return problems
