"""One merge or import at a time on a shared PostgreSQL database.

Merges and imports write many records in one go; two at once on a district
database would collide (the second would fail on a unique key half-way, or
match against records the first has not committed). They take a
database-wide advisory lock; a second one is told who holds it, since when and
for what, in one sentence, and writes nothing. The lock belongs to the
connection: a program that dies lets go of it. On SQLite the file lock
(``data/lock.py``) already keeps a second program out, so nothing is done here.
"""
from __future__ import annotations

import getpass
import socket
from contextlib import contextmanager

from peewee import PostgresqlDatabase

from imp_desktop.data.models import database
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

LOCK_KEY = 0x494D5044          # "IMPD", as the SQLite application id
APP_PREFIX = "IMP Desktop"


class DatabaseBusy(UserError):
    """Another merge or import holds the database."""


def who_am_i() -> str:
    try:
        user = getpass.getuser()
    except Exception:            # no login name (a service account): the host is enough
        user = "?"
    return f"{user}@{socket.gethostname()}"


def _holder(db) -> tuple[str, str]:
    row = db.execute_sql(
        "SELECT a.application_name, a.usename, "
        "to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 "
        "AND l.objid = %s AND l.objsubid = 1 LIMIT 1", (LOCK_KEY,)).fetchone()
    if row is None:
        return "?", ""
    name, role, since = row
    label = name[len(APP_PREFIX) + 1:] if name and name.startswith(APP_PREFIX + " ") else ""
    return (label or role or "?"), (since or "")


@contextmanager
def exclusive(operation: str):
    """Hold the database-wide lock for ``operation`` (a short label: "merge")."""
    db = database.obj
    if not isinstance(db, PostgresqlDatabase):
        yield
        return
    label = tr(f"lock.operation.{operation}")
    got = db.execute_sql("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
    if not got:
        who, since = _holder(db)
        if " — " in who:
            who, label_theirs = who.rsplit(" — ", 1)
        else:
            label_theirs = tr("lock.operation.unknown")
        raise DatabaseBusy(tr("lock.busy", who=who, operation=label_theirs,
                              since=since or "?", mine=label))
    db.execute_sql("SELECT set_config('application_name', %s, false)",
                   (f"{APP_PREFIX} {who_am_i()} — {label}"[:63],))
    try:
        yield
    finally:
        try:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            db.execute_sql("SELECT set_config('application_name', %s, false)",
                           (f"{APP_PREFIX} {who_am_i()}"[:63],))
        except Exception:   # a broken connection has let go of the lock with it
            pass


def exclusive_operation(operation: str):
    """Decorator form of ``exclusive`` for a service function."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with exclusive(operation):
                return fn(*args, **kwargs)
        return run
    return wrap
