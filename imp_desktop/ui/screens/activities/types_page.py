"""Pengaturan → Jenis kegiatan: the editable list of activity types.

A type in use cannot be deleted (its activities keep their type); it can be
hidden so new activities no longer offer it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.services import activities as service
from imp_desktop.ui.operations import op


class ActivityTypesPage(QWidget):
    title_key = "activity.types.page"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("activityTypes")
        self.list.setSpacing(3)
        self.list.setMaximumWidth(640)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(lambda _: self.rename())
        self.add_button = QPushButton()
        self.rename_button = QPushButton()
        self.hide_button = QPushButton()
        self.up_button = QPushButton()
        self.down_button = QPushButton()
        self.delete_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.hide_button.clicked.connect(self.toggle_hidden)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.delete_button.clicked.connect(self.delete)
        buttons = QVBoxLayout()
        for button in (self.add_button, self.rename_button, self.hide_button, self.up_button,
                       self.down_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.intro.setText(tr("activity.types.intro"))
        self.add_button.setText(tr("activity.types.add"))
        self.rename_button.setText(tr("activity.types.rename"))
        self.up_button.setText(tr("activity.types.up"))
        self.down_button.setText(tr("activity.types.down"))
        self.delete_button.setText(tr("activity.types.delete"))
        self._update_buttons()

    def refresh(self, select: int | None = None) -> None:
        current = select if select is not None else self.current_id()
        self.list.clear()
        self._types = service.activity_types(include_inactive=True)
        for kind in self._types:
            text = kind.name
            if kind.used:
                text += "  " + tr("activity.types.used", count=kind.used)
            if not kind.active:
                text += "  " + tr("activity.types.hidden")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, kind.id)
            if not kind.active:
                item.setForeground(QBrush(QColor("#8a8f8c")))
            self.list.addItem(item)
            if kind.id == current:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _current(self):
        ident = self.current_id()
        return next((kind for kind in getattr(self, "_types", []) if kind.id == ident), None)

    def _update_buttons(self, *_args) -> None:
        kind = self._current()
        row = self.list.currentRow()
        for button in (self.rename_button, self.hide_button):
            button.setEnabled(kind is not None)
        self.delete_button.setEnabled(kind is not None and not kind.used)
        self.up_button.setEnabled(kind is not None and row > 0)
        self.down_button.setEnabled(kind is not None and row < self.list.count() - 1)
        self.hide_button.setText(tr("activity.types.show") if kind and not kind.active
                                 else tr("activity.types.hide"))

    def _ask_name(self, title: str, current: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, tr("activity.types.name"), text=current)
        return name if ok else None

    def _run(self, action) -> bool:
        return op(self, action).run_here()

    def add(self) -> None:
        name = self._ask_name(tr("activity.types.add"))
        if name is not None:
            result = {}
            if self._run(lambda: result.setdefault("id", service.save_activity_type(name))):
                self.refresh(select=result["id"])

    def rename(self) -> None:
        kind = self._current()
        if kind is None:
            return
        name = self._ask_name(tr("activity.types.rename"), kind.name)
        if name is not None and self._run(lambda: service.save_activity_type(name, kind.id)):
            self.refresh()

    def toggle_hidden(self) -> None:
        kind = self._current()
        if kind is not None:
            service.set_activity_type_active(kind.id, not kind.active)
            self.refresh()

    def move(self, step: int) -> None:
        kind = self._current()
        if kind is not None:
            service.move_activity_type(kind.id, step)
            self.refresh()

    def delete(self) -> None:
        kind = self._current()
        if kind is None:
            return
        if QMessageBox.question(self, APP_NAME, tr("activity.types.delete_confirm",
                                                   name=kind.name)
                                ) != QMessageBox.StandardButton.Yes:
            return
        if self._run(lambda: service.delete_activity_type(kind.id)):
            self.refresh()
