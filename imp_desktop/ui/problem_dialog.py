"""Bantuan › Laporkan masalah: save the zip an officer sends to the district."""
from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.ui.operations import op, work_folder


class ProblemReportDialog(QDialog):
    """What goes in the zip, a box for what happened, and "Simpan berkas…"."""

    def __init__(self, parent: QWidget | None = None, choose_path=None):
        super().__init__(parent)
        self.choose_path = choose_path      # stands in for the file dialog in tests
        self.saved_path = None
        self.setWindowTitle(tr("problem.title"))
        self.intro = QLabel(tr("problem.intro"))
        self.intro.setWordWrap(True)
        self.what_label = QLabel(tr("problem.what"))
        self.what = QPlainTextEdit()
        self.what.setTabChangesFocus(True)
        self.what_label.setBuddy(self.what)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(tr("problem.save"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.what_label)
        layout.addWidget(self.what, 1)
        layout.addWidget(self.buttons)
        self.resize(520, 340)

    def save(self) -> None:
        from imp_desktop.services.problem_report import report_file_name, write_problem_report

        suggested = str(work_folder() / report_file_name())
        if self.choose_path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("problem.title"), suggested,
                                                  "Zip (*.zip)")
        else:
            path = self.choose_path(suggested)
        if not path:
            return
        note = self.what.toPlainText()
        versions = {"Qt": qVersion(), "PySide6": pyside_version}
        op(self, lambda: write_problem_report(path, note, versions)).success(
            self._saved).run(busy=self.save_button)

    def _saved(self, path) -> None:
        self.saved_path = path
        QMessageBox.information(self, APP_NAME, tr("problem.saved", path=str(path)))
        self.accept()
