"""A stored photo shown inside the program (Kegiatan › Dokumentasi, Peran Bakti evidence).

The picture comes from ``services.photos.read_bytes`` and is drawn from
memory: no copy of it is written anywhere (a photo of an encrypted database
never lands in the clear in a temporary folder for an outside viewer).
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import photos
from imp_desktop.ui.operations import op, show_error


class PhotoDialog(QDialog):
    def __init__(self, data: bytes, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.original = QPixmap()
        self.original.loadFromData(data)
        self.picture = QLabel()
        self.picture.setObjectName("photoPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(QSize(320, 240))
        self.caption = QLabel(title)
        self.caption.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        layout.addWidget(buttons)
        screen = (parent.screen() if parent is not None else None) \
            or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() * 0.85 if screen else QSize(1100, 650)
        room = QSize(room.width() - 24, room.height() - 90)   # margins, caption, button
        fitted = self.original.size()
        if fitted.width() > room.width() or fitted.height() > room.height():
            fitted = fitted.scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
        self.resize(max(fitted.width() + 24, 360), fitted.height() + 90)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self.original.isNull():
            self.picture.setPixmap(self.original.scaled(
                self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))


def show_photo(parent, file_name: str, title: str = "") -> PhotoDialog | None:
    """Show a stored photo in a dialog; a missing, damaged or foreign-key photo is
    its sentence. Returns the dialog (shown, not modal) or None."""
    data = op(parent, lambda: photos.read_bytes(file_name)).call()
    if data is None:
        return None
    dialog = PhotoDialog(data, title or file_name, parent)
    if dialog.original.isNull():
        dialog.deleteLater()
        show_error(parent, UserError(tr("photo.error.damaged", name=file_name)))
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
