"""The Unit IMP tab of the Kader screen: units by desa and level, and a unit's board.

Units are few (tens to a few hundred per officer), so the model holds the
rows themselves. Selecting a unit shows its board (Ketua, Sekretaris,
Bendahara) and members; "Show in cadre list" filters the cadre tab on it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.formatting import format_number, format_short_date
from imp_desktop.i18n import tr
from imp_desktop.services.cadre_search import cadre_desa_choices
from imp_desktop.services.settings import level_labels
from imp_desktop.services.units import UnitRow, set_unit_active, unit_board, unit_rows
from imp_desktop.ui.list_model import RowListModel
from imp_desktop.ui.operations import op
from imp_desktop.ui.widgets import table_view

UNIT_COLUMNS = ("name", "level", "desa", "hamlet", "rt", "parent", "sk", "members", "status")


class UnitTableModel(RowListModel):
    COLUMNS = UNIT_COLUMNS
    HEADER = "unit.column.{}"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._labels: dict[str, str] = {}

    def load(self, desa_code: str | None = None, level: str | None = None) -> None:
        self._labels = level_labels()
        self.set_rows(unit_rows(desa_code, level))

    def unit(self, row: int) -> UnitRow | None:
        return self.row_at(row)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = self.row_at(index), self.column_name(index)
        if row is None or column is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "name": row.name,
                "level": self._labels.get(row.level, row.level),
                "desa": row.desa_name or row.desa_code,
                "hamlet": row.hamlet or "",
                "rt": f"RT {row.rt}" if row.rt else "",
                "parent": row.parent_name or "",
                "sk": " · ".join(x for x in (row.sk_number, format_short_date(row.sk_date)) if x),
                "members": format_number(row.members),
                "status": tr("unit.status.active") if row.active else tr("unit.status.inactive"),
            }[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "members":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(QColor("#8a8f8c"))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class UnitPanel(QWidget):
    def __init__(self, screen):
        super().__init__(screen)
        self.screen = screen
        self.model = UnitTableModel(self)
        self.desa_box = QComboBox()
        self.level_box = QComboBox()
        self.desa_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.level_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.desa_box.currentIndexChanged.connect(self.load)
        self.level_box.currentIndexChanged.connect(self.load)
        self.add_button = QPushButton()
        self.edit_button = QPushButton()
        self.active_button = QPushButton()
        self.members_button = QPushButton()
        self.add_button.clicked.connect(self.add_unit)
        self.edit_button.clicked.connect(self.edit_unit)
        self.active_button.clicked.connect(self.toggle_active)
        self.members_button.clicked.connect(self.show_members)

        self.table = table_view(self.model, editable=True, row_height=26, stretch_last=True)
        for column, width in enumerate((160, 95, 75, 110, 55, 125, 95, 45)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _: self.edit_unit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_unit())
        self.model.modelReset.connect(self._show_unit)

        self.board_title = QLabel()
        self.board_title.setObjectName("unitBoardTitle")
        self.board_title.setStyleSheet("font-weight: 600;")
        self.board_title.setWordWrap(True)
        self.board = QTableWidget(0, 3)
        self.board.verticalHeader().setVisible(False)
        self.board.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.board.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.board.setColumnWidth(0, 80)
        self.board.setColumnWidth(2, 112)

        filters = QHBoxLayout()
        filters.addWidget(self.desa_box)
        filters.addWidget(self.level_box)
        filters.addStretch(1)
        for button in (self.add_button, self.edit_button, self.active_button):
            filters.addWidget(button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.board_title)
        side_layout.addWidget(self.board, 1)
        side_layout.addWidget(self.members_button)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([850, 290])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self.retranslate()

    def fill_filters(self) -> None:
        desa, level = self.desa_box.currentData(), self.level_box.currentData()
        for box in (self.desa_box, self.level_box):
            box.blockSignals(True)
            box.clear()
        self.desa_box.addItem(tr("cadre.filter.all_desa"), None)
        for code, name in cadre_desa_choices():
            self.desa_box.addItem(name, code)
        self.level_box.addItem(tr("cadre.filter.all_levels"), None)
        for code, label in level_labels().items():
            self.level_box.addItem(label, code)
        self.desa_box.setCurrentIndex(max(self.desa_box.findData(desa), 0))
        self.level_box.setCurrentIndex(max(self.level_box.findData(level), 0))
        for box in (self.desa_box, self.level_box):
            box.blockSignals(False)

    def load(self) -> None:
        self.model.load(self.desa_box.currentData(), self.level_box.currentData())

    def refresh(self) -> None:
        self.fill_filters()
        self.load()

    def current_unit(self) -> UnitRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.unit(rows[0].row()) if rows else None

    def select_unit(self, unit_id: int) -> None:
        row = self.model.row_of(unit_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _show_unit(self) -> None:
        unit = self.current_unit()
        for button in (self.edit_button, self.active_button, self.members_button):
            button.setEnabled(unit is not None)
        self.board.setRowCount(0)
        if unit is None:
            # Labelled even with nothing selected: a blank button means nothing to anyone.
            self.active_button.setText(tr("unit.action.deactivate"))
            self.board_title.setText(tr("unit.board.none"))
            return
        self.active_button.setText(tr("unit.action.deactivate") if unit.active
                                   else tr("unit.action.reactivate"))
        members = unit_board(unit.id)
        self.board_title.setText(tr("unit.board.title", name=unit.name,
                                    count=format_number(len(members))))
        self.board.setRowCount(len(members))
        for row, member in enumerate(members):
            position = tr(f"position.{member.position}") if member.position else ""
            for column, text in enumerate((position, member.name, member.phone or "")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, member.cadre_id)
                self.board.setItem(row, column, item)

    def add_unit(self) -> None:
        from imp_desktop.ui.screens.cadres.unit_dialog import UnitDialog

        unit_id = UnitDialog.edit(self, None, self.desa_box.currentData())
        if unit_id is not None:
            self.refresh()
            self.select_unit(unit_id)
            self.screen.notify(tr("unit.saved"))

    def edit_unit(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        from imp_desktop.ui.screens.cadres.unit_dialog import UnitDialog

        saved = op(self, lambda: UnitDialog.edit(self, unit.id)).call()
        if saved is not None:
            self.refresh()
            self.select_unit(unit.id)
            self.screen.notify(tr("unit.saved"))

    def toggle_active(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        question = tr("unit.deactivate.confirm", name=unit.name) if unit.active else \
            tr("unit.reactivate.confirm", name=unit.name)
        if QMessageBox.question(self, APP_NAME, question) != QMessageBox.StandardButton.Yes:
            return
        set_unit_active(unit.id, not unit.active)
        self.load()
        self.select_unit(unit.id)

    def show_members(self) -> None:
        unit = self.current_unit()
        if unit is not None:
            self.screen.show_unit_members(unit.id, unit.desa_code, unit.level)

    def retranslate(self) -> None:
        self.add_button.setText(tr("unit.action.add"))
        self.edit_button.setText(tr("cadre.action.edit"))
        self.members_button.setText(tr("unit.action.members"))
        self.board.setHorizontalHeaderLabels([tr("cadre.column.position"),
                                              tr("cadre.column.name"),
                                              tr("cadre.column.phone")])
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(UNIT_COLUMNS) - 1)
        if self.desa_box.count():   # filled when the tab is first shown (refresh)
            self.fill_filters()
        self._show_unit()
