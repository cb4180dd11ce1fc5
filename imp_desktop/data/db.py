"""Opening the database: pragmas, recognition, version check and migrations.

A file is checked read-only *before* anything is written to it, so a file
written by a newer program, a foreign SQLite file or a damaged file is
refused untouched.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from peewee import IntegrityError, SqliteDatabase
from playhouse.sqlcipher_ext import SqlCipherDatabase

from imp_desktop.data import audit as _audit  # noqa: F401  (registers the audit trail)
from imp_desktop.data import cipher, keystore, migrations, sealed
from imp_desktop.data.cipher import quick_check, read_only_reason, read_only_uri  # noqa: F401
from imp_desktop.data.models import database, utc_now
from imp_desktop import fileio
from imp_desktop.fileio import PRIVATE_FILE, cleanup_at_start, private_folder, tighten
from imp_desktop.errors import DatabaseDamaged, DatabaseTooNew, NotAnImpDatabase, UserError
from imp_desktop.i18n import tr

# "IMPD": marks a SQLite file as ours (PRAGMA application_id).
APPLICATION_ID = 0x494D5044
VERSION_TABLE = "schema_migrations"
# How long a command waits for another program's write to finish (ms).
BUSY_TIMEOUT_MS = 15000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64000,   # up to 64 MB page cache: a district merge writes ~50 MB in one go
    "temp_store": "memory",
}
READ_ONLY_PRAGMAS = {"foreign_keys": 1, "query_only": 1, "cache_size": -64000,
                     "temp_store": "memory"}


def is_url(target: str) -> bool:
    return "://" in str(target)


def _damaged(path: Path, detail: str) -> DatabaseDamaged:
    """The refusal of a damaged file, offering the latest backup if there is one."""
    from imp_desktop.data.backup_files import latest_backup

    backup = latest_backup(path)
    if backup is None:
        message = tr("db.error.damaged_no_backup", path=str(path))
    else:
        message = tr("db.error.damaged", path=str(path), when=backup.label)
    details = tr("db.damaged.details", detail=detail,
                 backup=str(backup.path) if backup else "-")
    return DatabaseDamaged(message, path=path, latest_backup=backup.path if backup else None,
                           details=details)


def inspect_sqlite_file(path: Path, *, check: bool = True) -> int:
    """The schema version of an existing file, opened read-only; 0 if empty.

    An encrypted file is opened with the key that opens it (``cipher.file_key``;
    KeyNotFound, a NotAnImpDatabase, when no known key does). Raises
    NotAnImpDatabase for a file that is not ours, DatabaseDamaged for one of
    ours that fails SQLite's quick check or cannot be read.
    """
    if path.stat().st_size == 0:
        return 0
    key = cipher.file_key(path)
    try:
        conn = cipher.connect(read_only_uri(path), key, uri=True,
                              timeout=BUSY_TIMEOUT_MS / 1000)
    except cipher.Error as exc:
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
        if check:
            problems = quick_check(conn)
            if problems:
                raise _damaged(path, "; ".join(problems[:3]))
        return int(row[0] or 0)
    except cipher.DatabaseError as exc:
        if key is not None or _has_our_header(path):
            raise _damaged(path, str(exc)) from exc
        raise NotAnImpDatabase(tr("db.error.unreadable", path=str(path), detail=str(exc))) from exc
    finally:
        conn.close()


def _has_our_header(path: Path) -> bool:
    """True for a file whose SQLite header says it is an IMP Desktop database."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    return (len(header) == 100 and header.startswith(b"SQLite format 3\0")
            and int.from_bytes(header[68:72], "big") == APPLICATION_ID)


def _check_version(found: int, where: str) -> None:
    latest = migrations.latest_version()
    if found > latest:
        raise DatabaseTooNew(tr("db.error.too_new", path=where, found=found, latest=latest))


# The lock of the database this process has open, if it took one.
_held_lock = None
# Folders cleared of what killed runs left, once per database and process.
_cleaned: set[Path] = set()


def _cleanup_once(path: Path) -> None:
    key = path.resolve()
    if key not in _cleaned:
        _cleaned.add(key)
        cleanup_at_start(key)


def verify_file(path: str | os.PathLike) -> None:
    """Run the quick check on a database file on its own read-only connection.

    Raises DatabaseDamaged (offering the latest backup) when the file fails.
    Used by the window to check a file *after* it has opened it without
    waiting for the check (see ``open_database(check=False)``).
    """
    inspect_sqlite_file(Path(path), check=True)


# How a command may use its database (``open_database(access=…)``).
CREATE = "create"   # the window, first run, demo, imports, restore: may make a new file
WRITE = "write"     # must exist; changes it
READ = "read"       # must exist; only reads: a read-only file is opened read-only
ACCESS = (CREATE, WRITE, READ)


class ImpSqliteDatabase(SqlCipherDatabase):
    """The SQLite database as this program opens it.

    - a SQLCipher connection (``playhouse.sqlcipher_ext``): ``key`` (raw, 256
      bits) encrypts the file; None opens a clear file (not converted yet);
    - ``file_path``: the file (``database`` may be a ``file:`` URI);
    - ``read_only``: opened read-only (``mode=ro``; ``query_only``);
    - write transactions begin with ``BEGIN IMMEDIATE``, so a busy file is
      waited for (``busy_timeout``) when the transaction starts, instead of
      failing at once when a read turns into a write;
    - a rollback after SQLite has already rolled the transaction back itself
      (a full disk, an I/O error) is not an error that hides the real one.
    """

    def __init__(self, path: Path, *, read_only: bool = False, pragmas=None,
                 key: bytes | None = None):
        self.file_path = Path(path)
        self.read_only = read_only
        self.encrypted = key is not None
        self._connections: dict[int, object] = {}
        self._registry_lock = threading.Lock()
        passphrase = cipher.key_pragma(key) if key is not None else ""
        if read_only:
            uri = read_only_uri(self.file_path)
            super().__init__(uri, uri=True, pragmas=pragmas or READ_ONLY_PRAGMAS,
                             check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000,
                             passphrase=passphrase)
        else:
            super().__init__(str(self.file_path), pragmas=pragmas or SQLITE_PRAGMAS,
                             lock_type="IMMEDIATE", check_same_thread=False,
                             timeout=BUSY_TIMEOUT_MS / 1000, passphrase=passphrase)

    # Every connection stays referenced here until it is closed: a sqlcipher3
    # connection freed by a worker thread's exit (peewee keeps one per thread)
    # aborts the process ("GIL is released" in its dealloc). ``close_all`` (by
    # ``close_database``) closes those the worker threads left open.
    def _connect(self):
        conn = super()._connect()
        with self._registry_lock:
            self._connections[id(conn)] = conn
        return conn

    def _close(self, conn):
        with self._registry_lock:
            self._connections.pop(id(conn), None)
        super()._close(conn)

    def close_all(self) -> None:
        with self._registry_lock:
            left, self._connections = list(self._connections.values()), {}
        for conn in left:
            try:
                conn.close()
            except cipher.Error:
                pass

    def _set_pragmas(self, conn):
        # The wait first: "journal_mode" on a busy file must wait too.
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        super()._set_pragmas(conn)

    def rollback(self):
        if not self.is_closed() and not self.connection().in_transaction:
            return          # SQLite already rolled it back (e.g. disk full)
        super().rollback()

    def execute_sql(self, sql, params=None, *args, **kwargs):
        # A nested ``atomic()`` (a savepoint) rolled back after SQLite has already
        # rolled the whole transaction back: nothing to undo, and the error
        # that caused it (e.g. "database or disk is full") must stay visible.
        if isinstance(sql, str) and sql.startswith("ROLLBACK TO SAVEPOINT") and \
                not self.is_closed() and not self.connection().in_transaction:
            return None
        return super().execute_sql(sql, params, *args, **kwargs)


def is_unique_violation(exc: BaseException) -> bool:
    """A unique value (a NIK, a code) that another program saved first."""
    return isinstance(exc, (IntegrityError, sqlite3.IntegrityError,
                            cipher.dbapi.IntegrityError)) or \
        type(exc).__name__ == "UniqueViolation"


class DatabaseMissing(UserError):
    """A command that only uses a database was given a file that does not exist."""


class DatabaseReadOnly(UserError):
    """A command that writes was given a read-only file or medium."""


def read_only_error(path: Path, reason: str) -> DatabaseReadOnly:
    return DatabaseReadOnly(tr(f"db.error.read_only_{reason}", path=str(path)))


def open_database(target: str | os.PathLike, *, access: str = CREATE, migrate: bool = True,
                  lock: bool = False, check: bool = True):
    """Open the database at ``target``, bring it up to date and bind it to the models.

    The one place where databases are opened (window, commands, tests).
    ``target`` is a file path or a database URL (``postgresql://…``).

    ``access`` says what the caller may do:

    - ``CREATE`` (default): a missing file is made (0600, folder 0700);
    - ``WRITE``: a missing file is refused with DatabaseMissing;
    - ``READ``: missing is refused too; a file on a read-only medium (or
      read-only itself) is opened read-only and never migrated (an older
      schema is refused with a sentence). Writable files open as usual.

    A read-only file or medium with ``CREATE``/``WRITE`` raises
    DatabaseReadOnly, naming which. With ``lock`` (the window, restore and
    merge), a file another running program holds is refused with
    DatabaseInUse before anything is read or written. With ``check`` False
    the quick check is left to the caller (the window runs it in the
    background with ``verify_file`` so start-up does not wait for a full read
    of a large file); it still runs here before any migration would write.
    Each open of a file first clears what killed runs left beside it
    (``fileio.cleanup_at_start``).
    """
    # Long on purpose: every caller opens through here, and each access mode's checks must run in
    # this order.
    global _held_lock
    if access not in ACCESS:
        raise ValueError(access)
    target = str(target)
    new_lock = None
    if is_url(target):
        from imp_desktop.data import server

        db = server.connect(target)
        try:
            _check_version(server.inspect(db, target), server.redact(target))
        except BaseException:
            db.close()
            raise
    else:
        path = Path(target).expanduser()
        if path.exists() and path.is_dir():
            raise UserError(tr("db.error.is_folder", path=str(path)))
        if not path.exists() and access != CREATE:
            raise DatabaseMissing(tr("db.error.missing", path=str(path)))
        created = not path.exists()
        reason = read_only_reason(path) if path.parent.exists() else None
        read_only = reason is not None and access == READ
        if reason is not None and not read_only:
            raise read_only_error(path, reason)
        _cleanup_once(path)
        if not path.parent.exists():
            private_folder(path.parent)
        if lock and not read_only and not (
                _held_lock is not None and _held_lock.db_path == path.resolve()):
            from imp_desktop.data.lock import DatabaseLock

            new_lock = DatabaseLock(path.resolve()).acquire()
        key = None
        try:
            if path.exists():
                key = cipher.file_key(path)
                version = inspect_sqlite_file(path, check=check)
                _check_version(version, str(path))
                if read_only and version < migrations.latest_version():
                    raise DatabaseReadOnly(tr("db.error.read_only_old", path=str(path)))
                if not check and 0 < version < migrations.latest_version():
                    inspect_sqlite_file(path, check=True)
                if not read_only and cipher.safety_copy_of(path).exists():
                    cipher.finish_conversion(path)
                if not read_only:
                    _finish_sealing(path, key)
        except BaseException:
            if new_lock is not None:
                new_lock.release()
            raise
        if not created and not read_only:
            # A database (and its WAL) made open by an older version becomes private.
            for part in (path, path.with_name(path.name + "-wal"),
                         path.with_name(path.name + "-shm")):
                if part.exists():
                    tighten(part)
        if not read_only and (created or (key is None and path.stat().st_size == 0)):
            # A new database is encrypted with the account's key (made and put
            # in the credential store on first need).
            try:
                key = keystore.account_key()
            except BaseException:
                if new_lock is not None:
                    new_lock.release()
                raise
        if created:
            # An empty file made here first, so that it (and the -wal/-shm files
            # SQLite makes with the same mode) is private from the start.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        db = ImpSqliteDatabase(path, read_only=read_only, key=key)
    keep = _held_lock if new_lock is None and lock else None
    if keep is not None:
        _held_lock = None      # reopening the same file: keep holding its lock
    close_database()
    _held_lock = new_lock or keep
    database.initialize(db)
    db.connect(reuse_if_open=True)
    if migrate and not getattr(db, "read_only", False):
        migrate_database(db)
    return db


def _finish_sealing(path: Path, key: bytes | None) -> None:
    """Seal the photos a killed conversion left clear (``sealed.finish_sealing``).
    A failure is logged and tried again at the next open: the photos stay
    readable meanwhile, and the database opens."""
    try:
        sealed.finish_sealing(path, key)
    except (OSError, UserError):
        import logging

        logging.getLogger(__name__).warning("sealing the photos of %s is not finished",
                                            path, exc_info=True)


def busy_error(path: Path | None) -> UserError:
    """The sentence for a file another program is writing, naming that program."""
    from imp_desktop.data.lock import live_owner

    owner = live_owner(path) if path is not None else None
    if owner is not None:
        who = tr("db.busy.owner", host=owner.host, pid=owner.pid, since=owner.since or "?")
    else:
        who = tr("db.busy.other")
    return UserError(tr("db.error.busy", path=str(path or "?"), who=who,
                        seconds=int(BUSY_TIMEOUT_MS / 1000)))


def explain_failure(exc: BaseException) -> UserError | None:
    """The sentence for a database failure the user can act on, or None for a bug.

    Busy (another program writing), a full disk, a read-only file or medium.
    Used by the command line and the window.
    """
    from imp_desktop.fileio import disk_full, disk_full_error

    if isinstance(exc, UserError):
        return exc
    text = str(exc).lower()
    path = database_file()
    if disk_full(exc):
        return disk_full_error(path.parent if path else None)
    if "database is locked" in text or "database is busy" in text \
            or "database table is locked" in text:
        return busy_error(path)
    if "readonly database" in text or "read-only" in text and "database" in text:
        return UserError(tr("db.error.read_only_write", path=str(path or "?")))
    return None


def is_read_only() -> bool:
    """True when the bound database was opened read-only."""
    return bool(getattr(database.obj, "read_only", False))


def close_database() -> None:
    """Close the bound database and let go of its lock."""
    global _held_lock
    current = database.obj
    if current is not None and not current.is_closed():
        current.close()
    if isinstance(current, ImpSqliteDatabase):
        current.close_all()
    if _held_lock is not None:
        _held_lock.release()
        _held_lock = None


def holds_lock(path: Path) -> bool:
    """True when this process opened ``path`` with its lock."""
    return _held_lock is not None and _held_lock.db_path == Path(path).resolve()


def database_file() -> Path | None:
    """The file of the bound SQLite database (None for PostgreSQL or none open)."""
    current = database.obj
    if isinstance(current, ImpSqliteDatabase):
        return current.file_path
    if isinstance(current, SqliteDatabase) and current.database not in ("", ":memory:"):
        return Path(current.database)
    return None


fileio.watch_database_file(database_file)   # files are never written over the open database


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
    found = current
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
    if current > found and database.obj is db and "record_version" in db.get_tables():
        # Records a migration seeded (catalogues, templates) get their first
        # version now, with the upgrade, not later inside a merge's plan.
        from imp_desktop.data.versions import stamp_unversioned

        stamp_unversioned()
    return current


def integrity_check(db) -> list[str]:
    """SQLite's own integrity check; an empty list means the file is sound."""
    if not isinstance(db, SqliteDatabase):
        return []
    rows = [row[0] for row in db.execute_sql("PRAGMA integrity_check").fetchall()]
    problems = [row for row in rows if row != "ok"]
    problems += [f"foreign key: {row}" for row in db.execute_sql("PRAGMA foreign_key_check").fetchall()]
    return problems
