"""Laporan › Periksa dokumen: check a printout against the data here.

The officer (or a clerk at the district office) types the verification code
from the footer, pastes the QR code's text (a phone's scanner app shows it) or
picks the PDF file; the answer (sah / berubah / tidak dikenal) comes from
``services/verify.py``, with what changed after printing. A signed PDF also
gets a line per electronic signature (``tte.signature_lines``: who, when,
"terpercaya" or why not, against the roots kept in Pengaturan › Dokumen).
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import tte, verify

_COLOURS = {verify.VALID: "#1b7f3b", verify.CHANGED: "#b35c00", verify.UNKNOWN: "#b3261e"}


class VerifyDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verifyDialog")
        self.setWindowTitle(tr("verify.ui.title"))
        self.resize(760, 520)
        self.verdict: verify.Verdict | None = None
        self.signatures: list[str] = []    # one line per signature of the PDF checked
        intro = QLabel(tr("verify.ui.intro"))
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("verifyCode")
        self.code.setPlaceholderText(tr("verify.ui.code_hint"))
        self.code.returnPressed.connect(self.check_text)
        self.check_button = QPushButton(tr("verify.ui.check"))
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check_text)
        self.file_button = QPushButton(tr("verify.ui.file"))
        self.file_button.clicked.connect(self.choose_file)
        self.result = QTextBrowser()
        self.result.setObjectName("verifyResult")
        self.result.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("audit.close"))
        buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(QLabel(tr("verify.ui.code")))
        row.addWidget(self.code, 1)
        row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.file_button)
        layout.addWidget(self.result, 1)
        layout.addWidget(buttons)

    def check_text(self) -> None:
        self.signatures = []
        self._run(lambda: verify.verify_text(self.code.text()))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("verify.ui.file_title"), "",
                                              "PDF (*.pdf)")
        if path:
            self.check_file(path)

    def check_file(self, path: str) -> None:
        from pathlib import Path

        def check() -> verify.Verdict:
            verdict = verify.verify_file(path)
            self.signatures = tte.signature_lines(verify.read_pdf(path), Path(path).name)
            return verdict

        self.signatures = []
        self._run(check)

    def _run(self, check) -> None:
        try:
            self.verdict = check()
        except UserError as exc:
            self.verdict = None
            self.result.setHtml(f"<p>{escape(str(exc))}</p>")
            return
        self.show_verdict(self.verdict)

    def show_verdict(self, verdict: verify.Verdict) -> None:
        colour = _COLOURS[verdict.status]
        html = [f"<p style='font-size:15pt; font-weight:bold; color:{colour}'>"
                f"{escape(verdict.headline)}</p>"]
        details = verdict.details()
        if verdict.status == verify.CHANGED:
            def bullets(lines):
                return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"

            html += [f"<p>{escape(line)}</p>" for line in details[:3]]
            listed = verdict.list_lines()      # added to the list, taken off it
            if listed:
                html.append(bullets(listed))
            if verdict.changes:
                count = tr("verify.line.changes", count=len(verdict.changes))
                html.append(f"<p>{escape(count)}</p>")
                html.append(bullets(verify.change_text(line) for line in verdict.changes))
        else:
            html += [f"<p>{escape(line)}</p>" for line in details]
        html += [f"<p>{escape(line)}</p>" for line in self.signatures]
        self.result.setHtml("".join(html))

    @classmethod
    def run(cls, parent: QWidget | None = None) -> None:
        dialog = cls(parent)
        dialog.exec()
