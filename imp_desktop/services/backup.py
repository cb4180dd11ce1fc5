"""Backups as the officer sees them: automatic, on demand, and restoring.

- ``auto_backup_if_due()``: at start, a rolling backup into ``<db>.backups/``
  when the newest is more than a day old; keeps the last N (setting
  ``backup_keep``).
- ``backup_to_folder(folder)``: on demand, e.g. to a USB stick.
- ``restore(file, db_path)``: replaces the database and its photos with a
  backup after a safety copy, then reopens it.
PostgreSQL databases are backed up by the server's own tools (pg_dump).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.data import backup as store
from imp_desktop.data.db import database_file
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.settings import get_setting, set_setting

DEFAULT_KEEP = 7
AUTO_INTERVAL = dt.timedelta(days=1)


def current_file() -> Path:
    path = database_file()
    if path is None:
        raise UserError(tr("backup.error.not_sqlite"))
    return path


def keep_count() -> int:
    try:
        return max(1, int(get_setting("backup_keep", DEFAULT_KEEP)))
    except (TypeError, ValueError):
        return DEFAULT_KEEP


def set_keep_count(count: int) -> None:
    if not 1 <= int(count) <= 100:
        raise UserError(tr("backup.error.keep"))
    set_setting("backup_keep", int(count))


def backup_file_name(moment: dt.datetime | None = None) -> str:
    """``IMP-Desktop-cadangan-2026-11-27-1405.zip``: sorts by time, tells what it is."""
    return f"IMP-Desktop-{tr('backup.file_word')}-{(moment or dt.datetime.now()):%Y-%m-%d-%H%M}.zip"


def backup_to_folder(folder: str | Path, progress=None) -> store.BackupInfo:
    """An on-demand backup of the open database into ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(tr("backup.error.folder", path=str(folder)))
    out = folder / backup_file_name()
    counter = 2
    while out.exists():
        out = folder / f"{out.stem.rsplit('(', 1)[0]}({counter}).zip"
        counter += 1
    return store.create_backup(current_file(), out, progress)


def backup_to_file(out: str | Path, progress=None) -> store.BackupInfo:
    return store.create_backup(current_file(), Path(out), progress)


@dataclass
class AutoBackupResult:
    made: store.BackupInfo | None
    removed: int
    latest: store.BackupInfo | None


def auto_backup_if_due(now: dt.datetime | None = None, progress=None) -> AutoBackupResult:
    """Make the rolling backup when the newest one is more than a day old."""
    path = database_file()
    if path is None:
        return AutoBackupResult(None, 0, None)
    now = now or dt.datetime.now(dt.timezone.utc)
    latest = store.latest_backup(path)
    if latest is not None:
        try:
            age = now - dt.datetime.fromisoformat(latest.created_at)
        except ValueError:
            age = AUTO_INTERVAL
        if age < AUTO_INTERVAL:
            return AutoBackupResult(None, 0, latest)
    made = store.create_backup(path, store.backups_dir(path) / store.auto_backup_name(now.astimezone()),
                               progress)
    removed = store.prune_auto_backups(path, keep_count())
    return AutoBackupResult(made, len(removed), made)


def is_automatic(info: store.BackupInfo) -> bool:
    """Made by the program at start (not a safety copy before a restore)."""
    return info.path.name.startswith(store.AUTO_PREFIX)


def read_backup_info(path: str | Path) -> store.BackupInfo:
    """What a backup file holds (UserError when it is not a backup)."""
    return store.read_backup_info(Path(path))


def list_backups() -> list[store.BackupInfo]:
    path = database_file()
    return store.list_backups(path) if path else []


def restored_text(result: store.RestoreResult) -> str:
    """What the officer is told after a restore (window and command line)."""
    if result.safety_copy:
        text = tr("backup.restored", when=result.restored.label, safety=str(result.safety_copy))
    else:
        text = tr("backup.restored_new", when=result.restored.label)
    if result.new_signing_key:
        text += " " + tr("backup.new_signing_key")
    return text


def restore(backup: str | Path, db_path: str | Path, progress=None) -> store.RestoreResult:
    """Restore ``backup`` over ``db_path`` (after a safety copy).

    Refused (DatabaseInUse) when another program has the file open. When this
    program has it open, the restored content is written through SQLite so
    open connections simply see it; the caller refreshes its screens.
    """
    from imp_desktop.data.db import holds_lock
    from imp_desktop.data.lock import DatabaseLock

    db_path = Path(db_path).expanduser().resolve()
    store.read_backup_info(Path(backup))   # not a backup at all: refuse at once
    from imp_desktop.data.versions import forget_replica_sqlite

    if holds_lock(db_path):
        result = store.restore_backup(Path(backup), db_path, progress)
    else:
        with DatabaseLock(db_path):
            result = store.restore_backup(Path(backup), db_path, progress)
    # The restored copy has forgotten what it sent since the backup: it writes as a
    # new replica, so its new edits never reuse the numbers of the forgotten ones.
    forget_replica_sqlite(db_path)
    return result
