"""The Dokumentasi tab: thumbnails of an activity's photos with their captions.

Adding a photo copies it into the program's store straight away (in the
background: big camera pictures take a moment to downscale); the photo list
itself is saved with the activity. A photo whose stored copy is missing or
damaged shows a placeholder and says so; nothing else is affected.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.activities import PhotoInfo
from imp_desktop.services.photos import THUMB_SIDE, import_photo, photo_problem, thumbnail_bytes
from imp_desktop.ui.operations import op, show_error
from imp_desktop.ui.tasks import task_runner

ICON = QSize(THUMB_SIDE, int(THUMB_SIDE * 0.75))
PHOTO_FILTER = "Foto (*.jpg *.jpeg *.png *.JPG *.JPEG *.PNG)"


def _placeholder() -> QPixmap:
    pixmap = QPixmap(ICON)
    pixmap.fill(QColor("#eceeed"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#b3261e"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, tr("photo.placeholder"))
    painter.end()
    return pixmap


def import_photos(paths: list[str]) -> tuple[list[PhotoInfo], list[str]]:
    """Store each file; returns the photos made and one message per file refused."""
    made, problems = [], []
    for path in paths:
        try:
            stored = import_photo(path)
        except UserError as exc:   # one refused file: the others are still added
            problems.append(str(exc))
            continue
        made.append(PhotoInfo(file_name=stored.file_name, original_name=stored.original_name,
                              width=stored.width, height=stored.height,
                              caption=Path(path).stem.replace("_", " ")))
    return made, problems


class PhotoPanel(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._photos: list[PhotoInfo] = []
        self._unshowable: dict[str, str] = {}   # file name -> why its thumbnail failed
        self._loaded_icons = False
        self.list = QListWidget()
        self.list.setObjectName("photoList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(ICON)
        self.list.setGridSize(QSize(ICON.width() + 24, ICON.height() + 52))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSpacing(6)
        self.list.currentRowChanged.connect(self._show_current)
        self.list.itemActivated.connect(self._view)
        self.caption = QLineEdit()
        self.caption.setObjectName("photoCaption")
        self.caption.textEdited.connect(self._caption_edited)
        self.caption_label = QLabel()
        self.problem = QLabel()
        self.problem.setObjectName("photoProblem")
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.setWordWrap(True)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.left_button = QPushButton()
        self.right_button = QPushButton()
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_current)
        self.left_button.clicked.connect(lambda: self.move_current(-1))
        self.right_button.clicked.connect(lambda: self.move_current(1))
        self.busy = QLabel()

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.left_button, self.right_button):
            buttons.addWidget(button)
        buttons.addWidget(self.busy, 1)
        caption_row = QHBoxLayout()
        caption_row.addWidget(self.caption_label)
        caption_row.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addLayout(caption_row)
        layout.addWidget(self.problem)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.add_button.setText(tr("photo.add"))
        self.remove_button.setText(tr("photo.remove"))
        self.left_button.setText(tr("photo.left"))
        self.right_button.setText(tr("photo.right"))
        self.caption_label.setText(tr("photo.caption"))
        self.caption.setPlaceholderText(tr("photo.caption_hint"))

    # --- contents --------------------------------------------------------------
    def set_photos(self, photos: list[PhotoInfo], show_now: bool = False) -> None:
        self._photos = [PhotoInfo(**vars(p)) for p in photos]
        self._unshowable = {}
        self._loaded_icons = False
        self.list.clear()
        for photo in self._photos:
            item = QListWidgetItem(photo.caption or photo.original_name)
            item.setData(Qt.ItemDataRole.UserRole, photo.file_name)
            self.list.addItem(item)
        if show_now or self.isVisible():
            self.load_icons()
        self._update_buttons()
        self._show_problems()

    def photos(self) -> list[PhotoInfo]:
        return [PhotoInfo(**vars(p)) for p in self._photos]

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._loaded_icons:
            self.load_icons()

    def load_icons(self) -> None:
        """Thumbnails are made when the tab is first shown, so opening stays quick."""
        self._loaded_icons = True
        for row, photo in enumerate(self._photos):
            self._set_icon(row, photo)
        self._show_problems()

    def _set_icon(self, row: int, photo: PhotoInfo) -> None:
        # Drawn from memory: a thumbnail is never written to disk in the clear.
        data = thumbnail_bytes(photo.file_name)
        pixmap = QPixmap()
        if data:
            pixmap.loadFromData(data)
        item = self.list.item(row)
        if pixmap.isNull():
            why = photo_problem(photo.file_name, thorough=True) or tr("photo.placeholder")
            self._unshowable[photo.file_name] = why
            item.setIcon(QIcon(_placeholder()))
            item.setToolTip(why)
        else:
            item.setIcon(QIcon(pixmap))
            item.setToolTip(photo.original_name or photo.caption)

    def _show_problems(self) -> None:
        problems = [self._unshowable.get(photo.file_name) or photo_problem(photo.file_name)
                    for photo in self._photos]
        problems = [p for p in problems if p]
        self.problem.setText(tr("photo.problems", count=len(problems), first=problems[0])
                             if problems else "")

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        has = 0 <= row < len(self._photos)
        for widget in (self.remove_button, self.caption):
            widget.setEnabled(has)
        self.left_button.setEnabled(has and row > 0)
        self.right_button.setEnabled(has and row < len(self._photos) - 1)

    def _show_current(self, row: int) -> None:
        self._update_buttons()
        self.caption.setText(self._photos[row].caption if 0 <= row < len(self._photos) else "")

    def _caption_edited(self, text: str) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._photos):
            self._photos[row].caption = text
            self.list.item(row).setText(text or self._photos[row].original_name)
            self.changed.emit()

    # --- actions ---------------------------------------------------------------
    def _view(self, item) -> None:
        """Double-click or Enter on a thumbnail: the photo in the program's viewer."""
        row = self.list.row(item)
        if 0 <= row < len(self._photos):
            from imp_desktop.ui.photo_dialog import show_photo

            photo = self._photos[row]
            show_photo(self, photo.file_name, photo.caption or photo.original_name)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("photo.add"), str(Path.home()),
                                                PHOTO_FILTER)
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[str], wait: bool = False) -> None:
        """Copy the files into the store in the background, then show them."""
        self.busy.setText(tr("photo.busy", count=len(paths)))
        op(self, lambda: import_photos(paths)).success(self._files_added).failure(
            lambda exc: self.busy.setText("")).run(busy=self.add_button)
        if wait:
            task_runner().wait()

    def _files_added(self, result) -> None:
        made, problems = result
        self.busy.setText("")
        known = {p.file_name for p in self._photos}
        new = [p for p in made if p.file_name not in known]
        for photo in new:
            self._photos.append(photo)
            item = QListWidgetItem(photo.caption)
            self.list.addItem(item)
            self._set_icon(len(self._photos) - 1, photo)
        if new:
            self.list.setCurrentRow(len(self._photos) - 1)
            self.changed.emit()
        if problems:
            show_error(self, UserError(tr("photo.refused", count=len(problems))
                                       + "\n\n" + "\n".join(problems)))
        self._show_problems()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._photos):
            del self._photos[row]
            self.list.takeItem(row)
            self._update_buttons()
            self._show_problems()
            self.changed.emit()

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if 0 <= row < len(self._photos) and 0 <= target < len(self._photos):
            self._photos.insert(target, self._photos.pop(row))
            item = self.list.takeItem(row)
            self.list.insertItem(target, item)
            self.list.setCurrentRow(target)
            self.changed.emit()
