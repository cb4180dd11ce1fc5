"""Backups of a database file and its photos, and restoring them.

A backup is one zip file:

- ``database.sqlite``: a snapshot taken with SQLite's online backup API (a
  consistent copy even while the program writes; never a file copy of a live
  database);
- ``media/<name>``: every photo of the ``<db>.media/`` folder, as stored:
  sealed under the database's key when it is encrypted (``data/sealed.py``),
  so a backup of an encrypted database holds no clear photo either;
- ``backup.json``: program and schema version, time, and the SHA-256 of
  every other entry, so a damaged backup is refused before it replaces anything.

Automatic backups live in ``<db>.backups/`` next to the database; the newest
is what a damaged file's message offers. Restoring first keeps a safety copy
of the current file (or, if it is too damaged to read, the file itself).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from imp_desktop import __version__
from imp_desktop.data import cipher, sealed
from imp_desktop.data.backup_files import (  # noqa: F401  (part of this module's API)
    FORMAT,
    MANIFEST_ENTRY,
    BackupInfo,
    _info,
    backups_dir,
    describe_time,
    latest_backup,
    list_backups,
    read_backup_info,
)
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

DB_ENTRY = "database.sqlite"
MEDIA_PREFIX = "media/"
AUTO_PREFIX = "auto-"
SAFETY_PREFIX = "sebelum-pulih-"
PAGES_PER_STEP = 2048

Progress = Callable[[int, int], None]


def media_dir(db_path: Path) -> Path:
    """Photos of a database: ``<db>.media/`` next to the file (sealed under the
    database's key when it is encrypted: ``data/sealed.py``)."""
    return sealed.media_dir(db_path)


def _stamp(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot(db_path: Path, dest: Path, progress: Progress | None = None) -> None:
    """Copy a database file consistently with the online backup API.

    The copy is encrypted with the same key as the file (clear if it is)."""
    from imp_desktop.data.db import read_only_uri

    key = cipher.file_key(db_path)
    source = cipher.connect(read_only_uri(db_path), key, uri=True)
    target = cipher.connect(dest, key)
    try:
        def step(_status, remaining, total):
            if progress:
                progress(total - remaining, total)

        source.backup(target, pages=PAGES_PER_STEP, progress=step)
        # A snapshot is a plain file: no WAL beside it, ready to copy or zip.
        target.execute("PRAGMA journal_mode=delete")
    finally:
        target.close()
        source.close()


# Settings that never leave the computer in a backup: the private signing key
# (a backup is not encrypted; see ``restore_backup`` for what restoring means).
PRIVATE_SETTINGS = ("package.signing_key",)


def _strip_private(copy: Path) -> None:
    """Remove the private settings from a snapshot, their bytes overwritten."""
    conn = cipher.connect_file(copy)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "setting" in tables:
            conn.execute("PRAGMA secure_delete = ON")
            marks = ", ".join("?" * len(PRIVATE_SETTINGS))
            with conn:
                conn.execute(f"DELETE FROM setting WHERE key IN ({marks})", PRIVATE_SETTINGS)
            conn.execute("VACUUM")
    finally:
        conn.close()


def create_backup(db_path: Path, out: Path, progress: Progress | None = None) -> BackupInfo:
    """Write a backup zip of ``db_path`` and its photos to ``out`` (a file path).

    The snapshot is staged in the local temporary folder (never a plain copy
    of the database beside ``out``, often a USB stick), and the zip is
    written through ``fileio.atomic_write``: a temporary file beside ``out``
    renamed when complete, so a power cut never leaves a half-written
    backup that looks whole. The private signing key is left out.
    """
    from imp_desktop import fileio
    from imp_desktop.data.db import inspect_sqlite_file
    from imp_desktop.data.models import utc_now

    db_path, out = Path(db_path), Path(out)
    if not db_path.is_file():
        raise UserError(tr("backup.error.no_database", path=str(db_path)))
    fileio.refuse_database_target(out, db_path)
    version = inspect_sqlite_file(db_path, check=False)
    fileio.private_folder(out.parent)
    photos = sorted(p for p in media_dir(db_path).glob("*") if p.is_file()
                    and not p.name.endswith(fileio.TEMP_SUFFIX) and not p.name.startswith("."))
    tmp = fileio.staging_folder("backup")
    try:
        copy = tmp / DB_ENTRY
        total_steps = 100 + len(photos)
        try:
            snapshot(db_path, copy, progress and (
                lambda done, total: progress(int(80 * done / max(total, 1)), total_steps)))
            _strip_private(copy)
        except cipher.Error as exc:
            if fileio.disk_full(exc):
                raise fileio.disk_full_error(tmp) from exc
            raise
        except OSError as exc:
            raise fileio.write_error(copy, exc) from exc
        fileio.crash_point("backup.staged")
        entries = {DB_ENTRY: _sha256_file(copy)}
        with fileio.atomic_write(out) as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                zf.write(copy, DB_ENTRY)
                for index, photo in enumerate(photos):
                    name = MEDIA_PREFIX + photo.name
                    zf.write(photo, name, compress_type=zipfile.ZIP_STORED)
                    entries[name] = _sha256_file(photo)
                    if progress:
                        progress(80 + index, total_steps)
                manifest = {"format": FORMAT, "program_version": __version__,
                            "schema_version": version, "created_at": utc_now(),
                            "database_name": db_path.name,
                            "database_bytes": copy.stat().st_size,
                            "media_files": len(photos), "entries": entries,
                            "signing_key": False}
                zf.writestr(MANIFEST_ENTRY, json.dumps(manifest, indent=1))
            fileio.crash_point("backup.zip_written")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if progress:
        progress(total_steps, total_steps)
    return _info(out, manifest)


def auto_backup_name(moment: dt.datetime | None = None) -> str:
    return f"{AUTO_PREFIX}{_stamp(moment)}.zip"


def prune_auto_backups(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups; returns the deleted."""
    autos = [info for info in list_backups(db_path) if info.path.name.startswith(AUTO_PREFIX)]
    removed = []
    for info in autos[max(keep, 1):]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def verify_and_extract(backup: Path, folder: Path) -> tuple[BackupInfo, Path, Path]:
    """Check every entry of a backup against its manifest and extract it.

    Returns (info, database file, media folder) inside ``folder``. Refuses a
    damaged, truncated or altered backup, or one from a newer program, with a
    UserError before anything outside ``folder`` is touched.
    """
    from imp_desktop.data.db import _check_version, inspect_sqlite_file

    info = read_backup_info(backup)
    db_file, media = folder / DB_ENTRY, folder / "media"
    media.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(backup) as zf:
            manifest = json.loads(zf.read(MANIFEST_ENTRY))
            entries = manifest.get("entries") or {}
            if DB_ENTRY not in entries:
                raise UserError(tr("backup.error.damaged", path=str(backup)))
            for name, expected in entries.items():
                if name == DB_ENTRY:
                    target = db_file
                elif name.startswith(MEDIA_PREFIX) and "/" not in name[len(MEDIA_PREFIX):] \
                        and name[len(MEDIA_PREFIX):] not in ("", ".", ".."):
                    target = media / name[len(MEDIA_PREFIX):]
                else:
                    raise UserError(tr("backup.error.damaged", path=str(backup)))
                digest = hashlib.sha256()
                with zf.open(name) as source, open(target, "wb") as sink:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        digest.update(block)
                        sink.write(block)
                if digest.hexdigest() != expected:
                    raise UserError(tr("backup.error.damaged", path=str(backup)))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise UserError(tr("backup.error.damaged", path=str(backup))) from exc
    try:
        version = inspect_sqlite_file(db_file)
    except cipher.KeyNotFound as exc:
        raise cipher.KeyNotFound(tr("backup.error.key_unknown", path=str(backup)),
                                 path=backup) from exc
    _check_version(version, str(backup))
    return info, db_file, media


def _remove_sidecars(db_path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def _copy_into(source: Path, db_path: Path) -> bool:
    """Write ``source`` over a sound database through SQLite's backup API.

    Connections that are still open on the file (other threads of this
    program) then see the restored content instead of holding on to a file
    that was swapped under them. False when the current file cannot be
    opened that way (damaged or missing): the caller replaces the file.
    """
    from imp_desktop.data.db import inspect_sqlite_file

    if not db_path.exists():
        return False
    try:
        inspect_sqlite_file(db_path)
    except UserError:
        return False
    source_key, target_key = cipher.file_key(source), cipher.file_key(db_path)
    if source_key != target_key:
        # Restored under the key of the file it replaces (the backup may come
        # from another laptop, or from before the file was encrypted).
        rekeyed = source.with_name(source.name + ".kunci")
        rekeyed.unlink(missing_ok=True)
        cipher.export_copy(source, source_key, rekeyed, target_key)
        os.replace(rekeyed, source)
    src = cipher.connect(source, target_key)
    dst = cipher.connect(db_path, target_key, timeout=30)
    try:
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=wal")
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        dst.close()
        src.close()
    return True


@dataclass
class RestoreResult:
    restored: BackupInfo
    safety_copy: Path | None
    # The restored database has no signing key (the backup holds none and the
    # file it replaced had none to keep): a new key is made on the next package,
    # and the office is asked to accept it.
    new_signing_key: bool = False


def _read_private(db_path: Path) -> list[tuple]:
    """The private settings rows of a database file, read-only; [] if unreadable."""
    if not Path(db_path).is_file():
        return []
    try:
        from imp_desktop.data.db import read_only_uri

        conn = cipher.connect(read_only_uri(db_path), cipher.file_key(db_path), uri=True)
    except (cipher.Error, UserError):
        return []
    try:
        marks = ", ".join("?" * len(PRIVATE_SETTINGS))
        return conn.execute(f"SELECT uuid, created_at, updated_at, key, value FROM setting "
                            f"WHERE key IN ({marks})", PRIVATE_SETTINGS).fetchall()
    except cipher.Error:
        return []
    finally:
        conn.close()


def _put_private(db_file: Path, rows: list[tuple]) -> bool:
    """Put the private settings into a (restored) file; True if it then holds a key."""
    conn = cipher.connect_file(db_file)
    try:
        with conn:
            for row in rows:
                conn.execute("DELETE FROM setting WHERE key = ?", (row[3],))
                conn.execute("INSERT INTO setting (uuid, created_at, updated_at, key, value) "
                             "VALUES (?, ?, ?, ?, ?)", row)
        return conn.execute("SELECT COUNT(*) FROM setting WHERE key = ?",
                            (PRIVATE_SETTINGS[0],)).fetchone()[0] > 0
    except cipher.Error:
        return False
    finally:
        conn.close()


def restore_backup(backup: Path, db_path: Path, progress: Progress | None = None) -> RestoreResult:
    """Replace ``db_path`` and its photos with a backup, after a safety copy.

    The caller must make sure no other program has the file open (its lock).
    The backup is verified completely before the current file is touched;
    the current file is then saved into the backup folder (a normal backup,
    or the raw file if it is too damaged to read). The backup is extracted
    into a staging folder beside the database (``imp-restore-<pid>-…``,
    removed at the next start if this run is killed). The signing key of the
    file being replaced is kept (backups do not hold it).
    """
    from imp_desktop import fileio

    db_path = Path(db_path)
    backup = Path(backup)
    folder = backups_dir(db_path)
    try:
        fileio.private_folder(folder)
        tmp = fileio.staging_folder("restore", db_path.parent)
    except OSError as exc:
        raise fileio.write_error(db_path, exc) from exc
    try:
        return _restore_staged(backup, db_path, folder, tmp, progress)
    except OSError as exc:
        raise fileio.write_error(db_path, exc) from exc
    except cipher.Error as exc:
        if fileio.disk_full(exc):
            raise fileio.disk_full_error(db_path.parent) from exc
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _restore_staged(backup: Path, db_path: Path, folder: Path, tmp: Path,
                    progress: Progress | None) -> RestoreResult:
    from imp_desktop import fileio

    own_key = _read_private(db_path)
    if progress:
        progress(0, 3)
    info, new_db, new_media = verify_and_extract(backup, tmp)
    has_key = _put_private(new_db, own_key)
    fileio.crash_point("restore.extracted")
    if progress:
        progress(1, 3)
    safety = None
    if db_path.exists():
        safety = folder / f"{SAFETY_PREFIX}{_stamp()}.zip"
        try:
            create_backup(db_path, safety)
        except (UserError, cipher.Error, OSError) as exc:
            if isinstance(exc, fileio.DiskFull):
                raise
            # Too damaged for the backup API: keep the file exactly as it is.
            safety = folder / f"{SAFETY_PREFIX}{_stamp()}-rusak.sqlite"
            shutil.copy2(db_path, safety)
            for suffix in ("-wal", "-shm"):
                sidecar = db_path.with_name(db_path.name + suffix)
                if sidecar.exists():
                    shutil.copy2(sidecar, safety.with_name(safety.name + suffix))
    if progress:
        progress(2, 3)
    backup_key = cipher.file_key(new_db)
    if not _copy_into(new_db, db_path):
        # Unreadable file, so no program has it open: swap the files. The
        # old WAL must go first, or SQLite would replay it into the new file.
        _remove_sidecars(db_path)
        os.replace(new_db, db_path)
        fileio.make_private(db_path)
    # The photos follow the database's key: re-sealed when the backup was made
    # under another key (another laptop, or before the file was encrypted).
    target_key = cipher.file_key(db_path)
    if target_key != backup_key:
        sealed.reseal_folder(new_media, sealed.derive_key(backup_key),
                             sealed.derive_key(target_key))
    media = media_dir(db_path)
    old_media = media.with_name(media.name + ".lama")
    if old_media.exists():
        shutil.rmtree(old_media)
    if media.exists():
        media.rename(old_media)
    if any(new_media.iterdir()):
        shutil.move(str(new_media), str(media))
    if old_media.exists():
        shutil.rmtree(old_media)   # its photos are in the safety copy
    if progress:
        progress(3, 3)
    return RestoreResult(info, safety, new_signing_key=not has_key)


def encrypt_old_backups(db_path: Path, key: bytes) -> int:
    """After a conversion: rewrite the backups in ``<db>.backups/`` made while the
    file was clear, their database encrypted under ``key`` and their photos
    sealed (``data/sealed.py``). Each zip is replaced whole (``atomic_write``)
    or not at all; its manifest hashes the new entries. Returns how many were
    rewritten."""
    from imp_desktop import fileio

    folder = backups_dir(db_path)
    if not folder.is_dir():
        return 0
    rewritten = 0
    for path in sorted(folder.glob("*.zip")):
        try:
            with zipfile.ZipFile(path) as zf:
                manifest = json.loads(zf.read(MANIFEST_ENTRY))
                with zf.open(DB_ENTRY) as handle:
                    clear = handle.read(16) == cipher.SQLITE_HEADER
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, zlib.error):
            continue
        if manifest.get("format") != FORMAT or not clear:
            continue
        # Worked on beside the backups (the same disk as the clear file), never
        # in a shared temporary folder.
        tmp = fileio.staging_folder("backup", folder)
        try:
            plain, encrypted = tmp / "clear.sqlite", tmp / DB_ENTRY
            with zipfile.ZipFile(path) as zf, zf.open(DB_ENTRY) as source, \
                    open(plain, "wb") as sink:
                shutil.copyfileobj(source, sink)
            cipher.export_copy(plain, None, encrypted, key)
            plain.unlink()
            files_key = sealed.derive_key(key)
            entries = dict(manifest.get("entries") or {}, **{DB_ENTRY: _sha256_file(encrypted)})
            photos = {}       # entry -> its sealed copy in ``tmp`` (one photo in memory at a time)
            with zipfile.ZipFile(path) as zf:
                for index, info in enumerate(zf.infolist()):
                    if info.filename.startswith(MEDIA_PREFIX):
                        blob = zf.read(info.filename)
                        if sealed.is_sealed(blob):
                            continue
                        blob = sealed.seal(blob, files_key)
                        photos[info.filename] = tmp / f"{index}.foto"
                        photos[info.filename].write_bytes(blob)
                        entries[info.filename] = hashlib.sha256(blob).hexdigest()
            manifest["entries"] = entries
            manifest["database_bytes"] = encrypted.stat().st_size
            with fileio.atomic_write(path, guard=False) as handle:
                with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as new, \
                        zipfile.ZipFile(path) as old:
                    for info in old.infolist():
                        if info.filename == DB_ENTRY:
                            new.write(encrypted, DB_ENTRY)
                        elif info.filename == MANIFEST_ENTRY:
                            new.writestr(MANIFEST_ENTRY, json.dumps(manifest, indent=1))
                        elif info.filename in photos:
                            new.writestr(info, photos[info.filename].read_bytes())
                        else:
                            new.writestr(info, old.read(info.filename))
            rewritten += 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rewritten
