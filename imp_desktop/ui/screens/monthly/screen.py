"""Laporan Bulanan: the units' monthly reports of a desa, and who has reported.

Tab "Isian": choose a desa and a month; the grid has a column per unit and a
row per line of the template. The officer types one unit's paper report
going down its column (Enter moves down, Tab to the next unit, like a
spreadsheet), saves with Ctrl+S, and marks the month final when it is
complete (a final month is locked; reopening it is recorded in the audit
trail). Tab "Cakupan": per desa, units that exist, reported and reported by
the due day, and the units still missing with their PPKBD's phone number.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import format_date, format_number
from imp_desktop.i18n import tr
from imp_desktop.services import monthly
from imp_desktop.ui.operations import op, show_error
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.screens.monthly.models import CoverageModel, MissingModel, MonthlyGridModel
from imp_desktop.ui.widgets import fill_combo, table_view

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _EnterDelegate(QStyledItemDelegate):
    """Enter in a cell's editor keeps the figure and moves down, like a spreadsheet."""

    def __init__(self, view: "GridView"):
        super().__init__(view)
        self.view = view

    def eventFilter(self, editor, event):
        if event.type() == event.Type.KeyPress and event.key() in _ENTER:
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.view.step_down()
            return True
        return super().eventFilter(editor, event)


class GridView(QTableView):
    """A table that moves like a spreadsheet: Tab to the next editable cell to the
    right (then the next row), Enter to the next editable cell below (then the
    next unit's column), typing replaces a cell's figure."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemDelegate(_EnterDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setDefaultSectionSize(96)
        header.setMinimumSectionSize(60)
        # Unit names wrap over two lines instead of being cut.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter
                                   | Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value))
        header.setFixedHeight(3 * self.fontMetrics().height() + 8)

    def _editable(self, row: int, column: int) -> bool:
        model = self.model()
        return model.is_editable(model.index(row, column))

    def _scan(self, row: int, column: int, down: bool, forward: bool = True):
        """The next editable cell after (row, column), by row or by column."""
        model = self.model()
        rows, columns = model.rowCount(), model.columnCount()
        total = rows * columns
        if not total:
            return None
        position = (column * rows + row) if down else (row * columns + column)
        for _ in range(total):
            position = (position + (1 if forward else -1)) % total
            r, c = (position % rows, position // rows) if down else divmod(position, columns)
            if self._editable(r, c):
                return model.index(r, c)
        return None

    def moveCursor(self, action, modifiers):
        current = self.currentIndex()
        Action = QAbstractItemView.CursorAction
        if action in (Action.MoveNext, Action.MovePrevious) and current.isValid():
            found = self._scan(current.row(), current.column(), down=False,
                               forward=action == Action.MoveNext)
            return found or current
        return super().moveCursor(action, modifiers)

    def step_down(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        found = self._scan(current.row(), current.column(), down=True)
        if found is not None:
            self.setCurrentIndex(found)
            self.selectionModel().select(found, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def first_cell(self) -> None:
        found = self._scan(self.model().rowCount() - 1, self.model().columnCount() - 1,
                           down=True)
        if found is not None:
            self.setCurrentIndex(found)

    def keyPressEvent(self, event):
        if event.key() in _ENTER and self.state() != QAbstractItemView.State.EditingState:
            self.step_down()
            return
        if event.key() == Qt.Key.Key_Delete and self.state() != \
                QAbstractItemView.State.EditingState:
            index = self.currentIndex()
            if index.isValid() and self.model().is_editable(index):
                self.model().setData(index, "")
            return
        super().keyPressEvent(event)


def _combo(name: str, width: int = 260) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setMinimumWidth(width)
    return box


class MonthlyScreen(Screen):
    title_key = "nav.monthly"

    def __init__(self, parent: QWidget | None = None):
        # Long on purpose: builds the whole form in the order it is seen on screen; split up, the
        # layout would be scattered over helpers that each run once.
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.desa_label, self.month_label = QLabel(), QLabel()
        self.desa_box = _combo("monthlyDesa")
        self.month_box = _combo("monthlyMonth", 170)
        self.desa_label.setBuddy(self.desa_box)
        self.month_label.setBuddy(self.month_box)
        self.state = QLabel()
        self.state.setObjectName("monthlyState")
        top = QHBoxLayout()
        for widget in (self.desa_label, self.desa_box, self.month_label, self.month_box):
            top.addWidget(widget)
        top.addSpacing(12)
        top.addWidget(self.state, 1)

        # Isian: the grid
        self.model = MonthlyGridModel(self)
        self.grid = GridView()
        self.grid.setObjectName("monthlyGrid")
        self.grid.setModel(self.model)
        self.grid.selectionModel().currentChanged.connect(self._cell_changed)
        self.model.dataChanged.connect(lambda *_: self._show_cell(self.grid.currentIndex()))
        self.cell_help = QLabel()
        self.cell_help.setObjectName("monthlyCellHelp")
        self.cell_help.setWordWrap(True)
        self.cell_help.setMinimumHeight(34)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("monthlySave")
        self.save_button.clicked.connect(self.save_record)
        self.final_button = QPushButton()
        self.final_button.setObjectName("monthlyFinal")
        self.final_button.clicked.connect(self.mark_final)
        self.reopen_button = QPushButton()
        self.reopen_button.setObjectName("monthlyReopen")
        self.reopen_button.clicked.connect(self.reopen)
        self.print_button = QPushButton()
        self.print_button.setObjectName("monthlyPrint")
        self.print_button.clicked.connect(self.print_document)
        self.recap_button = QPushButton()
        self.recap_button.clicked.connect(self.print_recap)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.final_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.recap_button)
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.setContentsMargins(0, 4, 0, 0)
        entry_layout.addWidget(self.grid, 1)
        entry_layout.addWidget(self.cell_help)
        entry_layout.addWidget(self.legend)
        entry_layout.addLayout(buttons)

        # Cakupan: coverage of the month, every desa
        self.coverage_model = CoverageModel(self)
        self.missing_model = MissingModel(self)
        self.coverage_view, self.missing_view = (
            table_view(model, row_height=24, columns="contents", stretch_column=0,
                       object_name=name)
            for model, name in ((self.coverage_model, "monthlyCoverage"),
                                (self.missing_model, "monthlyMissing")))
        self.coverage_summary = QLabel()
        self.coverage_summary.setWordWrap(True)
        self.missing_title = QLabel()
        self.coverage_print = QPushButton()
        self.coverage_print.clicked.connect(self.print_coverage)
        coverage = QWidget()
        coverage_layout = QVBoxLayout(coverage)
        coverage_layout.setContentsMargins(0, 4, 0, 0)
        coverage_layout.addWidget(self.coverage_summary)
        coverage_layout.addWidget(self.coverage_view, 2)
        coverage_layout.addWidget(self.missing_title)
        coverage_layout.addWidget(self.missing_view, 3)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.coverage_print)
        coverage_layout.addLayout(row)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("monthlyTabs")
        self.entry_tab, self.coverage_tab = entry, coverage
        self.tabs.addTab(entry, "")
        self.tabs.addTab(coverage, "")
        self.tabs.currentChanged.connect(lambda _: self._load_coverage())

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.desa_box.currentIndexChanged.connect(lambda _: self._choice_changed("desa"))
        self.month_box.currentIndexChanged.connect(lambda _: self._choice_changed("month"))
        self._shown = (None, None)
        self.retranslate()

    # --- choosing -----------------------------------------------------------------------
    def refresh(self) -> None:
        fill_combo(self.desa_box, monthly.desa_choices())
        keep = self.month_box.currentData() or monthly.month_of(
            dt.date.today()).previous().key
        fill_combo(self.month_box, monthly.month_choices(), keep)
        self._load(force=not self.model.dirty)

    def period(self) -> str | None:
        return self.month_box.currentData()

    def desa(self) -> str | None:
        return self.desa_box.currentData()

    def _choice_changed(self, which: str) -> None:
        if self.model.dirty and not self.confirm_leave():
            previous_desa, previous_month = self._shown
            box, value = ((self.desa_box, previous_desa) if which == "desa"
                          else (self.month_box, previous_month))
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
            return
        self._load(force=True)

    def _load(self, force: bool = False) -> None:
        wanted = (self.desa(), self.period())
        if not force and wanted == self._shown:
            return
        try:
            self.model.load(*wanted)
        except UserError as exc:
            self.model.load(None, None)
            self.state.setText(str(exc))
            return
        self._shown = wanted
        header = self.grid.horizontalHeader()
        metrics = self.grid.fontMetrics()
        for column, unit in enumerate(self.model.units):
            # The name over two or three lines of the header.
            half = metrics.horizontalAdvance(unit.unit.name) // 2 + 16
            header.resizeSection(column, min(max(half, 84), 150))
        self._update_state()
        self.grid.first_cell()
        if self.tabs.currentWidget() is self.coverage_tab:
            self._load_coverage()

    def _update_state(self) -> None:
        data = self.model.data_month
        if data is None:
            self.state.setText(tr("monthly.ui.no_desa") if not self.desa_box.count() else "")
            for button in (self.save_button, self.final_button, self.reopen_button,
                           self.print_button, self.recap_button):
                button.setEnabled(False)
            return
        stored = sum(1 for u in data.units if u.reported)
        key = "monthly.ui.state_final" if data.final else (
            "monthly.ui.state_locked" if data.has_final else "monthly.ui.state_draft")
        self.state.setText(tr(key, reported=format_number(stored),
                              units=format_number(len(data.units)),
                              due=format_date(data.due)))
        locked = data.has_final
        self.save_button.setEnabled(not locked and bool(data.units))
        self.final_button.setEnabled(not locked and stored > 0)
        self.reopen_button.setEnabled(data.has_final)
        self.print_button.setEnabled(bool(data.units))
        self.recap_button.setEnabled(True)

    def _cell_changed(self, current: QModelIndex, _previous=None) -> None:
        self._show_cell(current)

    def _show_cell(self, index: QModelIndex) -> None:
        if not index.isValid() or not self.model.units:
            self.cell_help.setText("")
            return
        unit = self.model.units[index.column()].unit
        message = self.model.message(index)
        name = self.model.cell_name(index)
        text = f"<b>{unit.name}</b>"
        if message:
            colour = "#B00020" if name in self.model.errors else "#333333"
            text += f": <span style='color:{colour}'>{message}</span>"
        self.cell_help.setText(text)

    # --- actions ------------------------------------------------------------------------
    def save_record(self) -> None:
        """Ctrl+S: save the desa's month (refused whole, messages on the cells)."""
        if self.model.data_month is None or self.model.locked:
            return
        if self.grid.state() == QAbstractItemView.State.EditingState:
            editor = QApplication.focusWidget()   # Ctrl+S while typing keeps the figure
            if editor is not None:
                self.grid.commitData(editor)
                self.grid.closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
        try:
            saved = self.model.save()
        except ValidationError as exc:
            first = exc.problems[0][0] if exc.problems else None
            target = self.model.index_of_cell(first) if first else QModelIndex()
            if target.isValid():
                self.grid.setCurrentIndex(target)
            self.notify(str(exc))
            self._show_cell(self.grid.currentIndex())
            return
        except Exception as exc:  # shown the one way: a sentence, or logged with details
            show_error(self, exc)
            return
        self._update_state()
        self.notify(tr("monthly.ui.saved", count=format_number(len(saved))))
        self.grid.first_cell()

    def mark_final(self) -> None:
        if self.model.dirty:
            QMessageBox.information(self, APP_NAME, tr("monthly.ui.save_first"))
            return
        data = self.model.data_month
        missing = sum(1 for u in data.units if not u.reported)
        question = tr("monthly.ui.final_question", desa=data.desa_name,
                      month=data.month.label(), missing=format_number(missing))
        if QMessageBox.question(self, APP_NAME, question) != QMessageBox.StandardButton.Yes:
            return
        if not op(self, lambda: monthly.finalize_month(data.desa_code, data.month.key)).run_here():
            return
        self._load(force=True)
        self.notify(tr("monthly.ui.finalized", desa=data.desa_name, month=data.month.label()))

    def reopen(self) -> None:
        data = self.model.data_month
        question = tr("monthly.ui.reopen_question", desa=data.desa_name,
                      month=data.month.label())
        if QMessageBox.question(self, APP_NAME, question) != QMessageBox.StandardButton.Yes:
            return
        if not op(self, lambda: monthly.reopen_month(data.desa_code, data.month.key)).run_here():
            return
        self._load(force=True)

    def print_document(self) -> None:
        """Ctrl+P: the report of the unit whose column holds the cursor."""
        if self.tabs.currentWidget() is self.coverage_tab:
            self.print_coverage()
            return
        index = self.grid.currentIndex()
        if not self.model.units:
            return
        unit = self.model.units[index.column() if index.isValid() else 0].unit
        self._to_reports("monthly", unit_id=unit.id, desa_code=unit.desa_code,
                         period=self.period())

    def print_recap(self) -> None:
        self._to_reports("monthly_recap", desa_code=None, period=self.period())

    def print_coverage(self) -> None:
        self._to_reports("coverage", period=self.period())

    def _to_reports(self, kind: str, **options) -> None:
        window = self.window()
        if hasattr(window, "show_screen"):
            window.show_screen("laporan").choose(kind, **options)

    def can_close(self) -> bool:
        return not self.model.dirty or self.confirm_leave()

    def confirm_leave(self) -> bool:
        """Unsaved figures: save them, drop them, or stay."""
        if not self.model.dirty:
            return True
        Button = QMessageBox.StandardButton
        answer = QMessageBox.question(self, APP_NAME, tr("monthly.ui.unsaved"),
                                      Button.Save | Button.Discard | Button.Cancel)
        if answer == Button.Save:
            return op(self, self.model.save).run_here()
        if answer == Button.Discard:
            self.model.dirty = False
            return True
        return False

    # --- coverage ---------------------------------------------------------------------
    def _load_coverage(self) -> None:
        if self.tabs.currentWidget() is not self.coverage_tab:
            return
        period = self.period()
        cover = None
        if period:
            try:
                cover = monthly.coverage(period)
            except UserError as exc:
                self.coverage_summary.setText(str(exc))
        self.coverage_model.set_coverage(cover)
        self.missing_model.set_coverage(cover)
        if cover is not None:
            total = cover.total
            self.coverage_summary.setText(tr(
                "monthly.ui.coverage_summary", month=cover.month.label(),
                reported=format_number(total.reported), units=format_number(total.existing),
                on_time=format_number(total.on_time), due=format_date(cover.due)))
            self.missing_title.setText(tr("monthly.ui.missing_title",
                                          missing=format_number(len(cover.missing)),
                                          late=format_number(len(cover.late))))

    def apply_filter(self, filters: dict) -> None:
        """From Beranda: ``period`` (YYYY-MM) and ``view`` = "coverage" (the units
        still missing that month)."""
        self.refresh()
        period = filters.get("period")
        if period:
            index = self.month_box.findData(period)
            if index >= 0:
                self.month_box.setCurrentIndex(index)
        if filters.get("view") == "coverage":
            self.tabs.setCurrentWidget(self.coverage_tab)
            self._load_coverage()

    def retranslate(self) -> None:
        self.heading.setText(tr("monthly.ui.heading"))
        self.desa_label.setText(tr("monthly.ui.desa"))
        self.month_label.setText(tr("monthly.ui.month"))
        self.tabs.setTabText(0, tr("monthly.ui.tab.entry"))
        self.tabs.setTabText(1, tr("monthly.ui.tab.coverage"))
        self.legend.setText(tr("monthly.ui.legend_short"))
        self.legend.setToolTip(tr("monthly.ui.legend"))
        self.save_button.setText(tr("monthly.ui.save"))
        self.save_button.setToolTip("Ctrl+S")
        self.final_button.setText(tr("monthly.ui.final"))
        self.reopen_button.setText(tr("monthly.ui.reopen"))
        self.print_button.setText(tr("monthly.ui.print_unit"))
        self.print_button.setToolTip("Ctrl+P")
        self.recap_button.setText(tr("monthly.ui.print_recap"))
        self.coverage_print.setText(tr("monthly.ui.print_coverage"))
        self._update_state()
        if self.isVisible():
            self.refresh()
