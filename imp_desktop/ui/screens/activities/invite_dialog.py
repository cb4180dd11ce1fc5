"""Dialogs that add people to an attendance list: cadres in bulk or one by one, and guests.

Each dialog has a classmethod returning plain values (rows to add, or None
when cancelled) so the editor and the tests need no modal loop of their own.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.i18n import tr
from imp_desktop.services.activities import (
    ParticipantRow,
    activity_desa,
    cadres_for_invitation,
    find_cadres,
    guest_row,
)
from imp_desktop.services.settings import level_labels
from imp_desktop.services.units import units as list_units
from imp_desktop.ui.operations import in_label, op
from imp_desktop.ui.widgets import ok_cancel

GUEST_POSITIONS = ["Kepala Desa", "Sekretaris Desa", "Penyuluh KB (PKB)", "Bidan desa",
                   "Tokoh agama", "Tokoh masyarakat", "Ketua TP PKK", "Babinsa",
                   "Bhabinkamtibmas"]


class InviteDialog(QDialog):
    """Invite by desa, level or unit (a preview says how many), or search one by one."""

    def __init__(self, parent=None, desa_code: str | None = None,
                 already: set[int] | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("invite.title"))
        self.setMinimumWidth(560)
        self.already = already or set()
        self._group_rows: list[ParticipantRow] = []

        self.tabs = QTabWidget()
        group = QWidget()
        form = QFormLayout(group)
        self.desa_box = QComboBox()
        self.desa_box.addItem(tr("invite.any_desa"), None)
        for code, name in activity_desa():
            self.desa_box.addItem(name, code)
        if desa_code:
            self.desa_box.setCurrentIndex(max(0, self.desa_box.findData(desa_code)))
        self.level_box = QComboBox()
        self.level_box.addItem(tr("invite.any_level"), None)
        for level, label in level_labels().items():
            self.level_box.addItem(label, level)
        self.unit_box = QComboBox()
        self.unit_box.setMinimumContentsLength(30)
        self.sub_units = QCheckBox(tr("invite.with_sub_units"))
        self.sub_units.setChecked(True)
        self.preview = QLabel()
        self.preview.setObjectName("invitePreview")
        self.preview.setWordWrap(True)
        form.addRow(tr("activity.field.desa"), self.desa_box)
        form.addRow(tr("invite.level"), self.level_box)
        form.addRow(tr("invite.unit"), self.unit_box)
        form.addRow("", self.sub_units)
        form.addRow("", self.preview)
        self.tabs.addTab(group, tr("invite.by_group"))

        single = QWidget()
        single_layout = QVBoxLayout(single)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("invite.search_hint"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.single_note = QLabel()
        single_layout.addWidget(self.search)
        single_layout.addWidget(self.results, 1)
        single_layout.addWidget(self.single_note)
        self.tabs.addTab(single, tr("invite.one_by_one"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.results.itemDoubleClicked.connect(lambda _: self.accept())

        self.buttons = ok_cancel(self.accept, self.reject, tr("invite.add"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self.desa_box.currentIndexChanged.connect(self._fill_units)
        self.level_box.currentIndexChanged.connect(self._fill_units)
        self.unit_box.currentIndexChanged.connect(self._update_preview)
        self.sub_units.toggled.connect(self._update_preview)
        self._fill_units()

    def _fill_units(self) -> None:
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        self.unit_box.addItem(tr("invite.any_unit"), None)
        desa = self.desa_box.currentData()
        if desa:
            for unit in list_units(desa_code=desa, level=self.level_box.currentData()):
                if unit.active:
                    self.unit_box.addItem(unit.name, unit.id)
        self.unit_box.blockSignals(False)
        self._update_preview()

    def _update_preview(self) -> None:
        unit = self.unit_box.currentData()
        self.sub_units.setEnabled(unit is not None)
        self._group_rows = []
        op(self, lambda: cadres_for_invitation(
            desa_code=self.desa_box.currentData(), unit_id=unit,
            level=self.level_box.currentData(), with_sub_units=self.sub_units.isChecked())
        ).success(self._show_preview).failure(in_label(self.preview)).run_here()

    def _show_preview(self, rows) -> None:
        self._group_rows = rows
        new = sum(1 for r in rows if r.cadre_id not in self.already)
        self.preview.setText(tr("invite.preview", count=len(rows), new=new))

    def run_search(self) -> None:
        self.results.clear()
        found = find_cadres(self.search.text())
        for row in found:
            text = f"{row.name} — {row.role_text}, {row.desa_name}".strip(" ,—")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row)
            if row.cadre_id in self.already:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setText(text + " " + tr("invite.already"))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self.single_note.setText(tr("invite.found", count=len(found))
                                 if self.search.text().strip() else "")

    def chosen_rows(self) -> list[ParticipantRow]:
        if self.tabs.currentIndex() == 0:
            return [r for r in self._group_rows if r.cadre_id not in self.already]
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.results.selectedItems()]

    @classmethod
    def get_rows(cls, parent, desa_code=None, already=None) -> list[ParticipantRow] | None:
        dialog = cls(parent, desa_code, already)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen_rows()


class GuestDialog(QDialog):
    """A guest who is not a cadre: name and position or institution."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("guest.title"))
        self.setMinimumWidth(420)
        self.name = QLineEdit()
        self.position = QComboBox()
        self.position.setEditable(True)
        self.position.addItems(GUEST_POSITIONS)
        self.position.setCurrentText("")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow(tr("guest.name"), self.name)
        form.addRow(tr("guest.position"), self.position)
        buttons = ok_cancel(self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.row: ParticipantRow | None = None

    def accept(self) -> None:
        if op(self, lambda: guest_row(self.name.text(), self.position.currentText())).success(
                lambda row: setattr(self, "row", row)).failure(
                in_label(self.error, self.name)).run_here():
            super().accept()

    @classmethod
    def get_row(cls, parent) -> ParticipantRow | None:
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.row
