"""Pengaturan › Keamanan: encryption of the database, its recovery key."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.services import encryption
from imp_desktop.ui.operations import export_document, op


class SecurityPage(QWidget):
    title_key = "security.page"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.state_box = QGroupBox()
        box = QVBoxLayout(self.state_box)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setObjectName("securityState")
        self.store_label = QLabel()
        self.store_label.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet("color: #555;")
        self.encrypt_button = QPushButton(clicked=self.encrypt_now)
        row = QHBoxLayout()
        row.addWidget(self.encrypt_button)
        row.addStretch(1)
        for widget in (self.state_label, self.store_label, self.explain):
            box.addWidget(widget)
        box.addLayout(row)
        layout.addWidget(self.state_box)

        self.recovery_box = QGroupBox()
        box = QVBoxLayout(self.recovery_box)
        self.recovery_explain = QLabel()
        self.recovery_explain.setWordWrap(True)
        self.printed_label = QLabel()
        self.sheet_button = QPushButton(clicked=self.save_sheet)
        row = QHBoxLayout()
        row.addWidget(self.sheet_button)
        row.addStretch(1)
        box.addWidget(self.recovery_explain)
        box.addWidget(self.printed_label)
        box.addLayout(row)
        layout.addWidget(self.recovery_box)
        layout.addStretch(1)
        self.state = None
        self.retranslate()

    # --- Pengaturan page protocol ------------------------------------------
    def refresh(self) -> None:
        self.state = encryption.status()
        self._show()

    def retranslate(self) -> None:
        self.state_box.setTitle(tr("security.box.state"))
        self.recovery_box.setTitle(tr("security.box.recovery"))
        self.explain.setText(tr("security.explain"))
        self.encrypt_button.setText(tr("security.button.encrypt"))
        self.recovery_explain.setText(tr("security.recovery_explain"))
        self.sheet_button.setText(tr("security.button.sheet"))
        self._show()

    def _show(self) -> None:
        state = self.state
        if state is None:
            return
        self.state_label.setText(state.summary)
        self.store_label.setText("" if state.on_server else state.store_text)
        self.store_label.setVisible(not state.on_server)
        self.encrypt_button.setVisible(not state.on_server and not state.encrypted)
        self.recovery_box.setEnabled(state.encrypted)
        if state.recovery_printed:
            import datetime as dt

            from imp_desktop.formatting import format_date

            when = format_date(dt.date.fromisoformat(state.recovery_printed))
            self.printed_label.setText(tr("security.printed_on", date=when))
        else:
            self.printed_label.setText(tr("security.never_printed") if state.encrypted else "")

    # --- actions -------------------------------------------------------------
    def encrypt_now(self) -> None:
        path = str(self.state.path) if self.state and self.state.path else ""
        answer = QMessageBox.question(self, APP_NAME, tr("security.confirm_encrypt", path=path))
        if answer != QMessageBox.StandardButton.Yes:
            return
        window = self.window()
        op(self, encryption.encrypt_database).success(
            lambda state: self._encrypted(window, state)).run(
            writes=True, progress=tr("security.encrypting"))

    def _encrypted(self, window, state) -> None:
        answer = QMessageBox.question(
            self, APP_NAME, tr("security.encrypted_done", path=str(state.path)) + "\n\n"
            + tr("security.ask_sheet"))
        if hasattr(window, "switch_database"):
            window.switch_database(str(state.path))     # every screen (this page too) anew
        else:
            self.refresh()
        if answer == QMessageBox.StandardButton.Yes:
            save_recovery_sheet(window)

    def save_sheet(self) -> None:
        save_recovery_sheet(self, self.refresh)


def save_recovery_sheet(parent: QWidget, then=None) -> None:
    """Ask where, write the recovery key sheet, open it for printing."""
    def saved(path: str) -> None:
        op(parent, encryption.mark_sheet_saved).run_here()
        if then is not None:
            then()
        QMessageBox.information(parent, APP_NAME, tr("security.sheet_written", path=path))

    export_document(parent, encryption.recovery_sheet_pdf, tr("security.sheet_file"),
                    title=tr("security.button.sheet"), on_saved=saved)
