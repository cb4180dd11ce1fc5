"""Berkas › Buka basis data server…: a district office's PostgreSQL database.

The connection (server, port, database, user) is remembered in the user's
preferences; the password never is. It comes from ``~/.pgpass`` /
``PGPASSFILE`` (libpq reads it) or is typed here and kept in memory for this
session only.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import server as server_service
from imp_desktop.ui.tasks import task_runner


class ServerDialog(QDialog):
    def __init__(self, parent=None, saved_url: str = ""):
        super().__init__(parent)
        self.setWindowTitle(tr("server.dialog.title"))
        self.url: str | None = None
        saved = server_service.describe(saved_url) if saved_url else {
            "host": "localhost", "port": "5432", "database": "imp_kabupaten", "user": ""}
        self.host = QLineEdit(saved["host"])
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(saved["port"]))
        self.database = QLineEdit(saved["database"])
        self.user = QLineEdit(saved["user"])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("server.dialog.password_hint"))
        form = QFormLayout()
        form.addRow(tr("server.dialog.host"), self.host)
        form.addRow(tr("server.dialog.port"), self.port)
        form.addRow(tr("server.dialog.database"), self.database)
        form.addRow(tr("server.dialog.user"), self.user)
        form.addRow(tr("server.dialog.password"), self.password)
        note = QLabel(tr("server.dialog.note"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.error = QLabel()
        self.error.setObjectName("serverError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton(tr("server.dialog.connect"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        (self.user if not saved["user"] else self.password).setFocus()

    def current_url(self) -> str:
        return server_service.build_url(self.host.text(), self.port.value(),
                                        self.database.text(), self.user.text())

    def try_connect(self) -> None:
        """Check the connection off the main thread; accept when it works."""
        if not self.database.text().strip() or not self.user.text().strip():
            self._show_error(tr("server.dialog.incomplete"))
            return
        url = self.current_url()
        if self.password.text():
            server_service.remember_password(url, self.password.text())
        self.connect_button.setEnabled(False)
        self.error.setText(tr("server.dialog.connecting"))
        self.error.setStyleSheet("color: #555;")
        self.error.show()
        task_runner().run(lambda: server_service.check_connection(url),
                          lambda _version: self._connected(url), self._failed)

    def _connected(self, url: str) -> None:
        self.url = url
        self.connect_button.setEnabled(True)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.connect_button.setEnabled(True)
        if not isinstance(exc, UserError):
            raise exc
        if isinstance(exc, server_service.PasswordRequired):
            server_service.forget_password(self.current_url())
            self.password.clear()
            self.password.setFocus()
        self._show_error(str(exc))

    def _show_error(self, text: str) -> None:
        self.error.setStyleSheet("color: #b00020;")
        self.error.setText(text)
        self.error.show()


def open_server_database(window) -> bool:
    """Ask for a server connection and switch the window to it."""
    dialog = ServerDialog(window, window.settings.server_connection)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.url:
        return False
    window.settings.server_connection = dialog.url
    return window.switch_database(dialog.url)
