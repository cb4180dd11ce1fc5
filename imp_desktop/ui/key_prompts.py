"""The two questions encryption may ask: a recovery key, a passphrase.

Shared by the start of the window (a file whose key this account does not
hold; no credential store) and the restore of a backup from another laptop.
"""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from imp_desktop import APP_NAME
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import encryption


def ask_recovery_key(parent: QWidget | None) -> bool:
    """Ask for a recovery key until one is valid; False when the officer cancels."""
    while True:
        text, ok = QInputDialog.getText(parent, APP_NAME, tr("security.ask_recovery"))
        if not ok:
            return False
        try:
            encryption.use_recovery_key(text)
            return True
        except UserError as exc:
            QMessageBox.warning(parent, APP_NAME, str(exc))


def ensure_passphrase(parent: QWidget | None) -> bool:
    """Where there is no credential store: ask the passphrase protecting the keys
    (chosen and typed twice the first time). False when the officer cancels."""
    while encryption.needs_passphrase():
        new = encryption.passphrase_is_new()
        text, ok = QInputDialog.getText(
            parent, APP_NAME, tr("security.ask_new_passphrase" if new
                                 else "security.ask_passphrase"), QLineEdit.EchoMode.Password)
        if not ok:
            return False
        try:
            if new:
                if len(text) < 8:
                    raise UserError(tr("key.error.passphrase_short"))
                again, ok = QInputDialog.getText(parent, APP_NAME,
                                                 tr("security.ask_passphrase_again"),
                                                 QLineEdit.EchoMode.Password)
                if not ok:
                    return False
                if again != text:
                    raise UserError(tr("key.error.passphrase_differs"))
            encryption.unlock(text)
        except UserError as exc:
            QMessageBox.warning(parent, APP_NAME, str(exc))
    return True
