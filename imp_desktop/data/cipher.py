"""SQLite files encrypted at rest: SQLCipher 4 through ``sqlcipher3``.

Every SQLite connection of the program goes through here (Peewee's through
``data.db.ImpSqliteDatabase``, a ``playhouse.sqlcipher_ext.SqlCipherDatabase``;
the backup, restore and probe connections through ``connect``). A clear file
(an older database, not converted yet) opens without a key; an encrypted one
with the key from ``keystore`` that opens it. The key is used raw
(``PRAGMA key = "x'…'"``): it is random, so no key derivation is needed and
opening costs no time.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlcipher3 import dbapi2 as dbapi

from imp_desktop.data import keystore
from imp_desktop.errors import NotAnImpDatabase
from imp_desktop.i18n import tr

Error = dbapi.Error
DatabaseError = dbapi.DatabaseError
SQLITE_HEADER = b"SQLite format 3\0"

# SQLCipher writes every failed decryption (a wrong key) to stderr otherwise.
_quiet = dbapi.connect(":memory:")
_quiet.execute("PRAGMA cipher_log_level = NONE")
_quiet.close()


class KeyNotFound(NotAnImpDatabase):
    """An encrypted file (or not a database at all) that no known key opens."""

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = path


def read_only_uri(path: Path) -> str:
    """A ``file:`` URI that opens ``path`` without writing to it. On a read-only
    medium it is opened as immutable: SQLite cannot make its -shm file there,
    and nobody can be writing to it."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    return uri + "&immutable=1" if read_only_reason(Path(path)) == "medium" else uri


def quick_check(conn) -> list[str]:
    """SQLite's quick check on an open sqlite3 connection; [] when sound."""
    rows = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
    return [row for row in rows if row != "ok"]


def read_only_reason(path: Path) -> str | None:
    """``"medium"`` when the folder or disk cannot be written, ``"file"`` when the file
    cannot, else None. Asks the operating system (``access``, read-only mounts),
    which also answers for root and for immutable files."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if hasattr(os, "statvfs") and os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1):
            return "medium"
    except OSError:
        pass
    if not os.access(folder, os.W_OK):
        return "medium"
    if path.exists() and not os.access(path, os.W_OK):
        return "file"
    return None


def key_pragma(key: bytes) -> str:
    """The text of ``PRAGMA key`` for a raw 256-bit key: ``x'…'``."""
    return f"x'{key.hex()}'"


def is_clear(path: Path) -> bool:
    """True for a plain SQLite file (header readable without a key)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def is_encrypted(path: Path) -> bool:
    """True for a non-empty file without SQLite's clear header."""
    path = Path(path)
    try:
        return path.stat().st_size > 0 and not is_clear(path)
    except OSError:
        return False


def connect(target: str | os.PathLike, key: bytes | None, *, uri: bool = False,
            timeout: float = 5.0, **params) -> dbapi.Connection:
    """A ``sqlcipher3`` connection, keyed when ``key`` is given."""
    conn = dbapi.connect(str(target), uri=uri, timeout=timeout, **params)
    if key is not None:
        try:
            conn.execute(f"PRAGMA key = \"{key_pragma(key)}\"")
        except BaseException:
            conn.close()
            raise
    return conn


def _opens(path: Path, key: bytes) -> bool:
    try:
        conn = connect(read_only_uri(path), key, uri=True)
    except Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Error:
        return False
    finally:
        conn.close()


# Keys found per file this run: (resolved path, first 16 bytes) -> key.
_found: dict[tuple[Path, bytes], bytes] = {}


def file_key(path: str | os.PathLike) -> bytes | None:
    """The key that opens ``path``: None for a clear or empty file.

    Tries this run's recovery keys and the stored ones; a recovery key that
    opens it is remembered in the store. Raises KeyNotFound (one sentence,
    the file untouched) when none does, or KeyStoreUnavailable when there is
    no credential store and the passphrase has not been given yet.
    """
    path = Path(path)
    if not is_encrypted(path):
        return None
    with open(path, "rb") as handle:
        salt = handle.read(16)
    known = _found.get((path.resolve(), salt))
    if known is not None:
        return known
    try:
        candidates = keystore.candidate_keys()
    except keystore.KeyStoreUnavailable:
        candidates = []
    for key in candidates:
        if _opens(path, key):
            _found[(path.resolve(), salt)] = key
            if key in keystore._session_keys:
                keystore.remember(key)
            return key
    if keystore.needs_passphrase():
        # No credential store and the passphrase file not opened yet: the window
        # asks the passphrase (then tries again) rather than calling the key unknown.
        raise keystore.KeyStoreUnavailable(tr("key.error.no_store"))
    raise KeyNotFound(tr("db.error.key_unknown", path=str(path)), path=path)


def forget_found() -> None:
    """Forget which key opened which file (tests: another "account")."""
    _found.clear()


def connect_file(path: str | os.PathLike, *, read_only: bool = False, **params):
    """A connection to a database file with the key that opens it."""
    path = Path(path)
    key = file_key(path)
    if read_only:
        return connect(read_only_uri(path), key, uri=True, **params)
    return connect(path, key, **params)


def export_copy(source: Path, source_key: bytes | None, dest: Path,
                dest_key: bytes | None) -> None:
    """Write ``source`` into a new file ``dest`` under ``dest_key`` (None: clear).

    SQLCipher's ``sqlcipher_export``: the schema, every row, the user version
    and the application id; ``dest`` must not exist yet.
    """
    dest = Path(dest)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    conn = connect(read_only_uri(source), source_key, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        key_text = key_pragma(dest_key) if dest_key is not None else ""
        conn.execute("ATTACH DATABASE ? AS target KEY ?", (str(dest), key_text))
        conn.execute("SELECT sqlcipher_export('target')").fetchall()
        conn.execute(f"PRAGMA target.application_id = {int(app_id)}")
        conn.execute(f"PRAGMA target.user_version = {int(user_version)}")
        conn.execute("DETACH DATABASE target")
    finally:
        conn.close()


def iterdump(conn):
    """Every table's schema and rows as text lines (``sqlite3``'s ``iterdump``,
    which ``sqlcipher3`` connections lack): for comparing contents."""
    tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    for name, sql in tables:
        yield f"{sql};"
        quoted = '"' + name.replace('"', '""') + '"'
        for row in conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):
            yield f"INSERT INTO {quoted} VALUES{row!r};"
    for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type IN ('index', "
                               "'trigger', 'view') AND sql IS NOT NULL ORDER BY name"):
        yield f"{sql};"


# --- converting a clear database ---------------------------------------------

SAFETY_SUFFIX = ".sebelum-enkripsi"


def safety_copy_of(path: Path) -> Path:
    """The clear copy kept while a conversion is checked: ``<db>.sebelum-enkripsi``."""
    path = Path(path)
    return path.with_name(path.name + SAFETY_SUFFIX)


def _table_counts(conn) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for name in names}


def _check_copy(source: Path, copy: Path, key: bytes) -> None:
    before = connect(read_only_uri(source), None, uri=True)
    after = connect(copy, key)
    try:
        problems = quick_check(after)
        if problems or _table_counts(before) != _table_counts(after):
            raise DatabaseError("the encrypted copy differs: " + "; ".join(problems[:3]))
    finally:
        after.close()
        before.close()


def encrypt_in_place(path: str | os.PathLike, key: bytes) -> None:
    """Convert a clear database file, closed by every connection, to SQLCipher.

    The encrypted copy is written beside it (a ``.imp-part`` temporary file),
    checked (quick check, every table's row count), then renamed over the
    file. The clear file is kept as ``<db>.sebelum-enkripsi`` until the
    converted file has opened and passed its check, then removed. Killed at
    any step, the file is whole: clear before the rename, encrypted after;
    ``finish_conversion`` (at the next open) removes a safety copy left behind.
    """
    import secrets

    from imp_desktop import fileio

    path = Path(path)
    for suffix in ("-wal", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists() and side.stat().st_size > 0:
            raise DatabaseError(f"{side.name} still holds changes: close the database first")
    part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{fileio.TEMP_SUFFIX}")
    safety = safety_copy_of(path)
    try:
        export_copy(path, None, part, key)
        fileio.crash_point("encrypt.exported")
        _check_copy(path, part, key)
        with open(part, "rb+") as handle:
            os.fsync(handle.fileno())
        fileio.crash_point("encrypt.checked")
        safety.unlink(missing_ok=True)
        try:
            os.link(path, safety)
        except OSError:
            import shutil

            shutil.copy2(path, safety)
        fileio.crash_point("encrypt.safety_kept")
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(part, path)
        fileio._fsync_folder(path.parent)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    fileio.crash_point("encrypt.replaced")
    finish_conversion(path)


def finish_conversion(path: str | os.PathLike) -> bool:
    """Remove the clear safety copy of a converted file once that file opens with
    its key and passes the quick check. True when one was removed."""
    path = Path(path)
    safety = safety_copy_of(path)
    if not safety.exists():
        return False
    if is_clear(path):
        # Killed before the rename: the file is still the clear one it copies.
        safety.unlink()
        return True
    if not is_encrypted(path):
        return False
    try:
        conn = connect(read_only_uri(path), file_key(path), uri=True)
        try:
            if quick_check(conn):
                return False
        finally:
            conn.close()
    except (Error, NotAnImpDatabase):
        return False
    safety.unlink()
    return True
