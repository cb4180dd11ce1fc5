"""The two questions encryption may ask: a recovery key, a passphrase.

Shared by the start of the window (a file whose key this account does not
hold; no credential store) and the restore of a backup from another laptop.
"""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.services import encryption
from imp_desktop.ui.operations import op
from imp_desktop.ui.passphrase_dialog import ensure_passphrase  # noqa: F401  (asked here too)


def ask_recovery_key(parent: QWidget | None) -> bool:
    """Ask for a recovery key until one is valid; False when the officer cancels."""
    while True:
        text, ok = QInputDialog.getText(parent, APP_NAME, tr("security.ask_recovery"))
        if not ok:
            return False
        if op(parent, lambda: encryption.use_recovery_key(text)).run_here():
            return True
