"""Backup files on disk: where a database's backups are, what each one's manifest
says, the newest first. No database is opened here, so ``data/db.py`` can offer
the latest backup of a damaged file; making and restoring backups is
``data/backup.py``, above it.
"""
from __future__ import annotations

import datetime as dt
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

MANIFEST_ENTRY = "backup.json"
FORMAT = "imp-desktop-backup"


def backups_dir(db_path: Path) -> Path:
    """Automatic backups of a database: ``<db>.backups/`` next to the file."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".backups")


def describe_time(iso_utc: str) -> str:
    """``27 November 2026 pukul 14.05`` in the computer's own time zone."""
    from imp_desktop.formatting import format_date, format_time

    try:
        moment = dt.datetime.fromisoformat(iso_utc).astimezone()
    except ValueError:
        return iso_utc
    return f"{format_date(moment.date())} {format_time(moment.time())}"


@dataclass
class BackupInfo:
    path: Path
    created_at: str          # ISO UTC
    schema_version: int
    program_version: str
    media_files: int
    database_bytes: int

    @property
    def label(self) -> str:
        return describe_time(self.created_at)


def _info(path: Path, manifest: dict) -> BackupInfo:
    return BackupInfo(Path(path), manifest.get("created_at", ""),
                      int(manifest.get("schema_version", 0)),
                      str(manifest.get("program_version", "")),
                      int(manifest.get("media_files", 0)),
                      int(manifest.get("database_bytes", 0)))


def read_backup_info(path: Path) -> BackupInfo:
    """The manifest of a backup file; UserError for anything that is not one."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST_ENTRY))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, zlib.error) as exc:
        raise UserError(tr("backup.error.not_backup", path=str(path))) from exc
    if manifest.get("format") != FORMAT:
        raise UserError(tr("backup.error.not_backup", path=str(path)))
    return _info(path, manifest)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Readable backups in the database's backup folder, newest first."""
    found = []
    folder = backups_dir(db_path)
    if folder.is_dir():
        for path in folder.glob("*.zip"):
            try:
                found.append(read_backup_info(path))
            except UserError:
                continue
    found.sort(key=lambda info: info.created_at, reverse=True)
    return found


def latest_backup(db_path: Path) -> BackupInfo | None:
    backups = list_backups(db_path)
    return backups[0] if backups else None
