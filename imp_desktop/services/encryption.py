"""Encryption at rest for the window and the command line (Pengaturan › Keamanan).

What the officer sees and does: whether the open database is encrypted,
where its key is kept, converting a clear database, the recovery key and its
printed sheet. The mechanics are in ``data/cipher.py`` (SQLCipher) and
``data/keystore.py`` (the credential store, recovery keys).

PostgreSQL (the district office server) is out of scope: it relies on the
server's own disk encryption and access control.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from imp_desktop import fileio
from imp_desktop.data import cipher, keystore, sealed
from imp_desktop.data.db import close_database, database_file, holds_lock, open_database
from imp_desktop.data.models import database
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.settings import get_setting, set_setting

PRINTED_KEY = "security.recovery_printed"     # local setting: ISO date printed last


@dataclass
class SecurityStatus:
    path: Path | None         # None: a PostgreSQL server
    encrypted: bool
    store: str                # "keyring", "passphrase" or "" (none available)
    recovery_printed: str     # ISO date the recovery sheet was last printed, "" never

    @property
    def on_server(self) -> bool:
        return self.path is None

    @property
    def summary(self) -> str:
        if self.on_server:
            return tr("security.status.server")
        return tr("security.status.encrypted" if self.encrypted else "security.status.clear",
                  path=str(self.path))

    @property
    def store_text(self) -> str:
        return tr(f"security.store.{self.store or 'none'}")

    @property
    def needs_recovery_sheet(self) -> bool:
        return self.encrypted and not self.recovery_printed


def _store_name() -> str:
    if keystore._store is not None:
        return keystore._store.name
    return "keyring" if keystore.KeyringStore.available() else ""


def status() -> SecurityStatus:
    """The state of the open database."""
    path = database_file()
    if path is None:
        return SecurityStatus(None, False, "", "")
    return SecurityStatus(path, bool(getattr(database.obj, "encrypted", False)), _store_name(),
                          str(get_setting(PRINTED_KEY, "") or ""))


def _open_file() -> Path:
    path = database_file()
    if path is None:
        raise UserError(tr("security.error.server"))
    return path


def encrypt_database(progress=None) -> SecurityStatus:
    """Convert the open clear database to an encrypted one, then reopen it; its
    photos and thumbnails are sealed under a key derived from the new key, and
    the backups in ``<db>.backups/`` made while it was clear are encrypted too.

    A safety copy of the clear file is kept until the encrypted file has
    passed its check (``cipher.encrypt_in_place``). Each photo is replaced by
    its sealed copy only after that copy was read back (``sealed.seal_folder``);
    a marker in the photo folder, left before the file is converted, makes the
    next open finish the photos if this run is killed. Refused with one
    sentence on a server, a read-only file or one already encrypted.
    """
    path = _open_file()
    if getattr(database.obj, "encrypted", False):
        raise UserError(tr("security.error.already", path=str(path)))
    if getattr(database.obj, "read_only", False):
        raise UserError(tr("db.error.read_only_file", path=str(path)))
    key = keystore.account_key()
    locked = holds_lock(path)
    if progress:
        progress(0, 4)
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    media = sealed.media_dir(path)
    try:
        if progress:
            progress(1, 4)
        try:
            sealed.begin_sealing(media)
            cipher.encrypt_in_place(path, key)
            fileio.crash_point("encrypt.photos")
            sealed.seal_folder(media, sealed.derive_key(key))
            sealed.end_sealing(media)
        except OSError as exc:
            raise fileio.write_error(path, exc) from exc
        except cipher.Error as exc:
            if fileio.disk_full(exc):
                raise fileio.disk_full_error(path.parent) from exc
            raise UserError(tr("security.error.convert", path=str(path), detail=str(exc))) \
                from exc
    finally:
        open_database(path, access="write", lock=locked)
    if progress:
        progress(3, 4)
    # The automatic backups made while the file was clear: encrypted too.
    from imp_desktop.data.backup import encrypt_old_backups

    encrypt_old_backups(path, key)
    if progress:
        progress(4, 4)
    return status()


def recovery_key() -> str:
    """The recovery key of the open database, for people (14 groups of 4)."""
    path = _open_file()
    key = cipher.file_key(path)
    if key is None:
        raise UserError(tr("security.error.not_encrypted", path=str(path)))
    return keystore.format_recovery_key(key)


def use_recovery_key(text: str) -> None:
    """A recovery key typed by the officer: tried on the files opened from now on
    and kept in this account's store once it opened one."""
    keystore.use_recovery_key(keystore.parse_recovery_key(text))


def recovery_sheet(lang: str | None = None):
    """The recovery sheet's contents (``reports.model.RecoverySheet``)."""
    from imp_desktop.reports.model import RecoverySheet
    from imp_desktop.services.settings import get_officer

    path = _open_file()
    key = cipher.file_key(path)
    if key is None:
        raise UserError(tr("security.error.not_encrypted", path=str(path)))
    officer = get_officer()
    return RecoverySheet(recovery_key=keystore.format_recovery_key(key),
                         qr_text=keystore.recovery_qr_text(key),
                         database_name=path.name, made_on=dt.date.today(),
                         officer_name=officer.name or "", officer_nip=officer.nip or "")


def recovery_sheet_pdf(lang: str | None = None) -> bytes:
    """The recovery sheet as PDF bytes (kop, key, QR code). Not in the print log:
    the sheet holds a secret and is no record to verify."""
    from imp_desktop.reports.recovery import render_recovery_sheet
    from imp_desktop.services.reporting import report_settings

    return render_recovery_sheet(recovery_sheet(lang), report_settings(lang))


def mark_sheet_saved() -> None:
    """Remember that the recovery sheet was saved (shown in Pengaturan › Keamanan)."""
    set_setting(PRINTED_KEY, dt.date.today().isoformat())


def write_recovery_sheet(out: str | Path, lang: str | None = None) -> Path:
    """Write the recovery sheet to ``out`` (0600) and remember that it was printed."""
    from imp_desktop.fileio import write_bytes_atomically

    out = Path(out)
    write_bytes_atomically(out, recovery_sheet_pdf(lang))
    mark_sheet_saved()
    return out


# What the window needs to know about a refused file or a missing store.
KeyNotFound = cipher.KeyNotFound
KeyStoreUnavailable = keystore.KeyStoreUnavailable


def needs_passphrase() -> bool:
    """No credential store and no passphrase given this run: the window asks for one."""
    return keystore.needs_passphrase()


def passphrase_is_new() -> bool:
    """True before the first passphrase has been chosen (the window asks twice)."""
    return not keystore.passphrase_file().exists()


def unlock(passphrase: str) -> None:
    """Open the passphrase-protected key file (made with this passphrase if new)."""
    keystore.unlock(passphrase)


def choose_passphrase(passphrase: str, again: str) -> None:
    """The first passphrase (typed twice): at least 8 characters, both the same."""
    if len(passphrase) < 8:
        raise UserError(tr("key.error.passphrase_short"))
    if again != passphrase:
        raise UserError(tr("key.error.passphrase_differs"))
    keystore.unlock(passphrase)
