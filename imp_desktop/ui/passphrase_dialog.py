"""The passphrase that protects the database keys where the operating system has
no credential store (``keystore.PassphraseStore``): asked at the start of the
window, chosen and typed twice the first time. A wrong or short passphrase,
or two that differ, is said inside the dialog, which stays open with what
was typed."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, \
    QVBoxLayout, QWidget

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.services import encryption
from imp_desktop.ui.operations import in_label, op
from imp_desktop.ui.widgets import ok_cancel


class PassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.new = encryption.passphrase_is_new()
        self.setWindowTitle(APP_NAME)
        self.setMinimumWidth(480)
        self.intro = QLabel(tr("security.ask_new_passphrase" if self.new
                               else "security.ask_passphrase"))
        self.intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("passphraseAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("passphraseError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("security.passphrase.label"), self.passphrase)
        if self.new:
            form.addRow(tr("security.passphrase.again"), self.again)
        else:
            self.again.hide()
        self.buttons = ok_cancel(self.try_passphrase, self.reject,
                                 ok_text=tr("security.passphrase.choose" if self.new
                                            else "security.passphrase.open"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    def try_passphrase(self) -> bool:
        """OK: the keys open (or the new passphrase is set) and the dialog closes;
        else the sentence is shown here and the passphrase is selected to retype."""
        text, again = self.passphrase.text(), self.again.text()
        self.error.clear()
        if self.new:
            call = lambda: encryption.choose_passphrase(text, again)  # noqa: E731
        else:
            call = lambda: encryption.unlock(text)  # noqa: E731
        ok = op(self, call).failure(in_label(self.error, self.passphrase)).run_here(
            busy=self.ok_button, wait_cursor=True)
        if ok:
            self.accept()
        else:
            self.passphrase.selectAll()
        return ok


def ensure_passphrase(parent: QWidget | None) -> bool:
    """Where there is no credential store: ask the passphrase protecting the keys
    (chosen and typed twice the first time). False when the officer cancels."""
    while encryption.needs_passphrase():
        if PassphraseDialog(parent).exec() != QDialog.DialogCode.Accepted:
            return False
    return True
