"""The window's side of electronic signatures (TTE): asking for the
certificate's passphrase when documents are signed on the laptop, taking back
a signed PDF, and showing a record's signed final version.

The passphrase is asked once per session and kept in memory only.
"""
from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.fileio import private_folder, write_bytes_atomically
from imp_desktop.services import tte
from imp_desktop.ui.operations import op

_session: dict[str, tte.Credentials] = {}   # certificate path -> opened credentials
NOT_SIGNING = None
CANCELLED = False


def ask_passphrase(parent: QWidget | None, path: str) -> str | None:
    text, ok = QInputDialog.getText(parent, tr("tte.ask.title"),
                                    tr("tte.ask.label", name=Path(path).name),
                                    QLineEdit.EchoMode.Password)
    return text if ok else None


def credentials_for_signing(parent: QWidget | None, ask=None):
    """The officer's credentials when Pengaturan › Dokumen says to sign (asking
    for the passphrase the first time), ``None`` when documents are not signed
    here, ``False`` when the officer cancelled or the certificate cannot be
    opened (then nothing is made)."""
    settings = tte.get_signing()
    if not settings.enabled:
        return NOT_SIGNING
    if settings.certificate in _session:
        return _session[settings.certificate]
    passphrase = (ask or ask_passphrase)(parent, settings.certificate)
    if passphrase is None:
        return CANCELLED
    credentials = op(parent, lambda: tte.load_credentials(settings.certificate, passphrase)).call()
    if credentials is None:
        return CANCELLED
    _session[settings.certificate] = credentials
    return credentials


def sign_when_set(parent: QWidget | None, signing: dict, then=None):
    """An ``export_document(on_started=…)`` step: asks for the passphrase (once a
    session) when Pengaturan › Dokumen says to sign, and puts the credentials in
    ``signing["sign_with"]`` for the build; cancelling makes nothing. ``then(path)``
    runs after, e.g. to show "membuat PDF…"."""
    def started(path: str) -> bool:
        credentials = credentials_for_signing(parent)
        if credentials is CANCELLED:
            return False
        if credentials:
            signing["sign_with"] = credentials
        if then is not None:
            then(path)
        return True
    return started


def forget_credentials() -> None:
    _session.clear()


def take_back_signed(parent: QWidget | None, path: str | None = None) -> tte.SignedInfo | None:
    """"Terima PDF bertanda tangan": choose the file, check it, keep it; the
    answer (or the reason it is refused) in a message."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, tr("tte.ui.import_title"), "",
                                              "PDF (*.pdf)")
        if not path:
            return None
    from imp_desktop.services.verify import kind_label

    info = op(parent, lambda: tte.import_signed(path)).call()
    if info is None:
        return None
    lines = [tr("tte.imported", kind=kind_label(info.kind), title=info.title), info.describe(),
             tr("tte.trust.status", note=info.trust_note())]
    QMessageBox.information(parent, APP_NAME, "\n\n".join(lines))
    return info


def open_signed(signed_id: int, parent: QWidget | None = None, open_file=None) -> Path | None:
    """Write the signed PDF to a temporary file and open it in the PDF viewer."""
    data = op(parent, lambda: tte.signed_file(signed_id)).call()
    if data is None:
        return None
    folder = private_folder(Path(tempfile.gettempdir()) / "imp-desktop-signed")
    path = write_bytes_atomically(folder / f"ditandatangani-{signed_id}.pdf", data)
    (open_file or (lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p)))))(path)
    return path


class SignedLabel(QLabel):
    """"Versi akhir bertanda tangan: Ditandatangani secara elektronik oleh … pada …
    (Buka PDF bertanda tangan)" for a record; hidden when it has none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signedVersion")
        self.setWordWrap(True)
        self.setVisible(False)
        self.linkActivated.connect(lambda link: open_signed(int(link), self))
        self.signed: list[tte.SignedInfo] = []

    def load(self, record: str | None) -> None:
        self.signed = tte.signed_for(record) if record else []
        if not self.signed:
            self.setVisible(False)
            return
        from imp_desktop.services.verify import kind_label

        parts = [f"{escape(kind_label(info.kind))}: {escape(info.describe())}, "
                 f"{escape(info.trust_note())} "
                 f"(<a href='{info.id}'>{escape(tr('tte.ui.open'))}</a>)"
                 for info in self.signed]
        self.setText(f"<b>{escape(tr('tte.ui.record_signed'))}</b> " + " · ".join(parts))
        self.setVisible(True)
