"""Tab "Penilaian": desa, period and the unit list, with the unit's checklist and
its history (classification per period, and a chart)."""
from __future__ import annotations


from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.formatting import format_number
from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.ui.screens.roles.chart import HistoryChart
from imp_desktop.ui.screens.roles.checklist_panel import ChecklistPanel
from imp_desktop.ui.screens.roles.models import (
    history_model,
    unit_status_model,
)
from imp_desktop.ui.screens.roles.parts import table
from imp_desktop.ui.widgets import fill_combo

# --- the history of one unit -----------------------------------------------------------

class HistoryPanel(QWidget):
    def __init__(self, owner: QWidget):
        super().__init__(owner)
        self.owner = owner
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.chart = HistoryChart()
        self.model = history_model(self)
        self.table = table(self.model, None)
        self.table.doubleClicked.connect(self._open_row)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table,
                  activated=lambda: self._open_row(self.table.currentIndex()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.chart)
        layout.addWidget(self.table, 1)

    def show_unit(self, unit_id: int | None, unit_name: str = "") -> None:
        points = roles.unit_history(unit_id) if unit_id else []
        self.chart.set_history(points, roles.current_rule())
        self.model.set_rows(list(reversed(points)))
        self.caption.setText(tr("role.history.caption", unit=unit_name, count=len(points))
                             if unit_id else tr("role.checklist.pick"))

    def _open_row(self, index) -> None:
        point = self.model.row_at(index.row()) if index.isValid() else None
        if point is not None:
            self.owner.go_to_period(point.period)

    def retranslate(self) -> None:
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.model.columnCount() - 1)
        self.table.setToolTip(tr("role.history.tooltip"))


# --- desa, period and unit list, with the checklist and history ---------------------------

class AssessmentPanel(QWidget):
    def __init__(self, screen: QWidget):
        super().__init__(screen)
        self.screen = screen
        self.desa_box = QComboBox()
        self.desa_box.setObjectName("desaBox")
        self.kind_box = QComboBox()
        self.period_box = QComboBox()
        self.period_box.setObjectName("periodBox")
        self.period_box.setMinimumContentsLength(16)
        for box in (self.desa_box, self.kind_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.desa_label, self.period_label = QLabel(), QLabel()
        self.desa_box.currentIndexChanged.connect(self._desa_changed)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.period_box.currentIndexChanged.connect(self._period_changed)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("assessedCount")

        self.units = unit_status_model(self)
        self.unit_table = table(self.units, 0)
        self.unit_table.setObjectName("unitTable")
        self.unit_table.setMinimumWidth(240)
        self.unit_table.selectionModel().currentRowChanged.connect(self._unit_changed)
        self._current_row = -1

        self.checklist = ChecklistPanel(self)
        self.history = HistoryPanel(self)
        self.inner = QTabWidget()
        self.inner.addTab(self.checklist, "")
        self.inner.addTab(self.history, "")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.unit_table, 1)
        left_layout.addWidget(self.progress_label)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.inner)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([310, 850])
        self.splitter = splitter

        bar = QHBoxLayout()
        bar.addWidget(self.desa_label)
        bar.addWidget(self.desa_box)
        bar.addSpacing(12)
        bar.addWidget(self.period_label)
        bar.addWidget(self.kind_box)
        bar.addWidget(self.period_box)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.retranslate()

    # --- choices ----------------------------------------------------------------
    def desa_code(self) -> str | None:
        return self.desa_box.currentData()

    def period(self) -> str | None:
        return self.period_box.currentData()

    def reload(self) -> None:
        if self.checklist.dirty:
            # Shown again with a checklist being filled: keep it, refresh the list only.
            self.after_save(None)
            return
        fill_combo(self.desa_box, roles.desa_choices(), self.desa_code())
        self._fill_periods()
        self._fill_units()

    def _fill_periods(self) -> None:
        quarters = self.kind_box.currentData() == "quarter"
        periods = roles.period_choices(quarters, self.desa_code())
        keep = self.period()
        if keep is None and periods and not quarters:
            latest = roles.latest_period(self.desa_code()) if self.desa_code() else None
            keep = latest if latest and "Q" not in latest else periods[0].key
        fill_combo(self.period_box, [(p.key, p.label()) for p in periods], keep)

    def _fill_units(self, keep_unit: int | None = None) -> None:
        if keep_unit is None and self.checklist.unit_id is not None:
            keep_unit = self.checklist.unit_id
        desa, period = self.desa_code(), self.period()
        rows = roles.unit_statuses(desa, period) if desa and period else []
        self.units.set_rows(rows)
        assessed = sum(1 for row in rows if row.assessment_id)
        self.progress_label.setText(tr("role.units.assessed", assessed=format_number(assessed),
                                       total=format_number(len(rows))))
        self._current_row = -1
        target = next((i for i, row in enumerate(rows) if row.unit_id == keep_unit), None)
        if target is None and rows:
            target = 0
        if target is None:
            self.checklist.clear()
            self.history.show_unit(None)
            return
        self.unit_table.selectionModel().setCurrentIndex(
            self.units.index(target, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self._current_row = target
        self._show_unit(rows[target])

    def _show_unit(self, row: roles.UnitStatus) -> None:
        self.checklist.open(row.unit_id, self.period())
        self.history.show_unit(row.unit_id, row.name)

    # --- changes, guarded against losing an unsaved checklist ---------------------------
    def _guard(self) -> bool:
        return self.checklist.confirm_leave()

    def _desa_changed(self) -> None:
        if not self._guard():
            return
        self.checklist.unit_id = None
        self._fill_periods()
        self._fill_units()

    def _kind_changed(self) -> None:
        if not self._guard():
            return
        self.period_box.blockSignals(True)
        self.period_box.clear()
        self.period_box.blockSignals(False)
        self._fill_periods()
        self._fill_units()

    def _period_changed(self) -> None:
        if not self._guard():
            return
        self._fill_units()

    def _unit_changed(self, current, _previous) -> None:
        if not current.isValid() or current.row() == self._current_row:
            return
        if not self._guard():
            self.unit_table.selectionModel().blockSignals(True)
            self.unit_table.selectionModel().setCurrentIndex(
                self.units.index(self._current_row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.unit_table.selectionModel().blockSignals(False)
            return
        self._current_row = current.row()
        row = self.units.row_at(current.row())
        if row is not None:
            self._show_unit(row)

    def select_unit(self, unit_id: int) -> bool:
        for i, row in enumerate(self.units.rows):
            if row.unit_id == unit_id:
                self.unit_table.selectionModel().setCurrentIndex(
                    self.units.index(i, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                return True
        return False

    def go_to_period(self, period: str) -> None:
        """Open the current unit's checklist for another period (from the history)."""
        if not self._guard():
            return
        unit_id = self.checklist.unit_id
        quarters = "Q" in period
        self.kind_box.blockSignals(True)
        self.kind_box.setCurrentIndex(self.kind_box.findData("quarter" if quarters else "month"))
        self.kind_box.blockSignals(False)
        self.period_box.blockSignals(True)
        self.period_box.clear()
        self.period_box.blockSignals(False)
        self._fill_periods()
        self.period_box.blockSignals(True)
        self.period_box.setCurrentIndex(max(self.period_box.findData(period), 0))
        self.period_box.blockSignals(False)
        self._fill_units(unit_id)
        self.inner.setCurrentWidget(self.checklist)

    def after_save(self, _assessment_id) -> None:
        unit_id = self.checklist.unit_id
        rows = roles.unit_statuses(self.desa_code(), self.period())
        self.units.set_rows(rows)
        assessed = sum(1 for row in rows if row.assessment_id)
        self.progress_label.setText(tr("role.units.assessed", assessed=format_number(assessed),
                                       total=format_number(len(rows))))
        for i, row in enumerate(rows):
            if row.unit_id == unit_id:
                self.unit_table.selectionModel().blockSignals(True)
                self.unit_table.selectionModel().setCurrentIndex(
                    self.units.index(i, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.unit_table.selectionModel().blockSignals(False)
                self._current_row = i
                self.history.show_unit(unit_id, row.name)
        self.screen.recap.stale = True

    def notify(self, text: str) -> None:
        self.screen.notify(text)

    def retranslate(self) -> None:
        self.desa_label.setText(tr("role.pick.desa"))
        self.period_label.setText(tr("role.pick.period"))
        fill_combo(self.kind_box, [("month", tr("role.pick.monthly")),
                                   ("quarter", tr("role.pick.quarterly"))],
                   self.kind_box.currentData() or "month")
        self.inner.setTabText(0, tr("role.tab.checklist"))
        self.inner.setTabText(1, tr("role.tab.history"))
        self.units.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.units.columnCount() - 1)
        self.checklist.retranslate()
        self.history.retranslate()


