"""The Kader screen: the officer's registry of cadres, and the IMP units.

The list is a ``CadreTableModel`` (ids of the search, rows fetched as they
are painted) so it stays fluid with 100,000 cadres. Every action goes
through the services; dialogs live in their own modules.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.formatting import format_number
from imp_desktop.i18n import tr
from imp_desktop.services import cadre_search
from imp_desktop.services.cadre_search import CadreFilter
from imp_desktop.services.settings import level_labels
from imp_desktop.services.units import units as list_units
from imp_desktop.ui.operations import op
from imp_desktop.ui.screens.cadres.models import CadreTableModel
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.screens.cadres.unit_panel import UnitPanel
from imp_desktop.ui.widgets import table_view

SEARCH_DELAY_MS = 120
COLUMN_WIDTHS = (185, 135, 90, 175, 95, 100, 40, 85, 110, 70)


class CadreListPanel(QWidget):
    """Search, filters, the table and the actions on cadres."""

    def __init__(self, screen: "CadreScreen"):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(screen)
        self.screen = screen
        self.model = CadreTableModel(self)
        self._loaded = False
        self._counting = 0          # the count asked last (older answers are dropped)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("cadreSearch")
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.search.returnPressed.connect(self.apply_filter)

        self.desa_box = QComboBox()
        self.level_box = QComboBox()
        self.unit_box = QComboBox()
        self.unit_box.setMinimumContentsLength(18)
        self.unit_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_box = QComboBox()
        for box in (self.desa_box, self.level_box, self.status_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.desa_box.currentIndexChanged.connect(self._desa_or_level_changed)
        self.level_box.currentIndexChanged.connect(self._desa_or_level_changed)
        self.unit_box.currentIndexChanged.connect(self.apply_filter)
        self.status_box.currentIndexChanged.connect(self.apply_filter)

        self.count_label = QLabel()
        self.count_label.setObjectName("cadreCount")
        # A filter opened from Beranda (no NIK, invalid NIK, no unit): shown as a
        # button that removes it.
        self.problem: str | None = None
        self.problem_button = QPushButton()
        self.problem_button.setObjectName("cadreProblemFilter")
        self.problem_button.hide()
        self.problem_button.clicked.connect(lambda: self.set_problem(None))
        self.add_button = QPushButton()
        self.edit_button = QPushButton()
        self.leave_button = QPushButton()
        self.merge_button = QPushButton()
        self.import_button = QPushButton()
        self.export_button = QPushButton()
        self.add_button.clicked.connect(self.add_cadre)
        self.edit_button.clicked.connect(self.edit_cadre)
        self.leave_button.clicked.connect(self.toggle_active)
        self.merge_button.clicked.connect(self.merge_selected)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)

        self.table = table_view(self.model, select="multi", editable=True, word_wrap=False,
                                row_height=26, fixed_rows=True, columns="interactive",
                                stretch_last=True, object_name="cadreTable")
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.doubleClicked.connect(lambda _: self.edit_cadre())
        self.model.result_changed.connect(self._show_count)
        self.model.modelReset.connect(self._update_buttons)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for box in (self.desa_box, self.level_box, self.unit_box, self.status_box):
            filters.addWidget(box, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label)
        actions.addWidget(self.problem_button)
        actions.addStretch(1)
        for button in (self.add_button, self.edit_button, self.leave_button, self.merge_button,
                       self.import_button, self.export_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        # Ctrl+F and Ctrl+N belong to the main window (Screen.find / new_record).
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, activated=self.edit_cadre)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.retranslate()

    # --- filters -------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current_filter(self) -> CadreFilter:
        return CadreFilter(text=self.search.text(), desa_code=self.desa_box.currentData(),
                           level=self.level_box.currentData(), unit_id=self.unit_box.currentData(),
                           status=self.status_box.currentData() or cadre_search.STATUS_ACTIVE,
                           problem=self.problem)

    def set_problem(self, problem: str | None) -> None:
        self.problem = problem
        self.problem_button.setVisible(problem is not None)
        if problem is not None:
            self.problem_button.setText(tr("home.filter.problem", label=tr(f"home.incomplete.{problem}")))
        self.apply_filter()

    def show_filtered(self, *, level: str | None = None, status: str | None = None,
                      problem: str | None = None) -> None:
        """Show exactly the cadres counted on Beranda (other filters cleared)."""
        self.fill_filters()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for box, value in ((self.desa_box, None), (self.level_box, level),
                           (self.status_box, status or cadre_search.STATUS_ACTIVE)):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(value), 0))
            box.blockSignals(False)
        self._fill_units()
        self.unit_box.setCurrentIndex(0)
        self.set_problem(problem)

    def apply_filter(self) -> None:
        self.search_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter or not self._loaded:
            self._loaded = True
            self.model.set_filter(flt)

    def reload(self) -> None:
        """Show the data as it is now (the screen was shown or data changed)."""
        self.fill_filters()
        self.search_timer.stop()
        self._loaded = True
        self.model.set_filter(self.current_filter())

    def filter_unit(self, unit_id: int, desa_code: str | None, level: str | None) -> None:
        for box, value in ((self.desa_box, desa_code), (self.level_box, level)):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(value), 0))
            box.blockSignals(False)
        self._fill_units()
        self.unit_box.blockSignals(True)
        self.unit_box.setCurrentIndex(max(self.unit_box.findData(unit_id), 0))
        self.unit_box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def _desa_or_level_changed(self) -> None:
        self._fill_units()
        self.apply_filter()

    def _fill_units(self) -> None:
        current = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        self.unit_box.addItem(tr("cadre.filter.all_units"), None)
        desa = self.desa_box.currentData()
        level = self.level_box.currentData()
        if desa or level:
            for unit in list_units(desa, level):
                self.unit_box.addItem(unit.name, unit.id)
        index = self.unit_box.findData(current)
        self.unit_box.setCurrentIndex(max(index, 0))
        self.unit_box.blockSignals(False)

    def fill_filters(self) -> None:
        """(Re)load the choices of the filter boxes, keeping what is chosen."""
        desa = self.desa_box.currentData()
        level = self.level_box.currentData()
        status = self.status_box.currentData()
        for box in (self.desa_box, self.level_box, self.status_box):
            box.blockSignals(True)
            box.clear()
        self.desa_box.addItem(tr("cadre.filter.all_desa"), None)
        for code, name in cadre_search.cadre_desa_choices():
            self.desa_box.addItem(name, code)
        self.level_box.addItem(tr("cadre.filter.all_levels"), None)
        for code, label in level_labels().items():
            self.level_box.addItem(label, code)
        for key in cadre_search.STATUSES:
            self.status_box.addItem(tr(f"cadre.filter.status.{key}"), key)
        self.desa_box.setCurrentIndex(max(self.desa_box.findData(desa), 0))
        self.level_box.setCurrentIndex(max(self.level_box.findData(level), 0))
        self.status_box.setCurrentIndex(max(self.status_box.findData(status), 0))
        for box in (self.desa_box, self.level_box, self.status_box):
            box.blockSignals(False)
        self._fill_units()

    def _show_count(self, count: int) -> None:
        """The number of cadres found; when the model has read only the first of
        them, they are counted off the main thread (the list is shown already)."""
        if count >= 0:
            self.count_label.setText(tr("cadre.count", count=format_number(count)))
            return
        flt, self._counting = self.model.filter, self._counting + 1
        self.count_label.setText(tr("cadre.counting", count=format_number(self.model.rowCount())))
        op(self, lambda: cadre_search.count_cadres(flt)).success(
            lambda total, ticket=self._counting: self._count_done(ticket, total)).run()

    def _count_done(self, ticket: int, total: int) -> None:
        if ticket == self._counting and not self.model.complete:   # not an older search's
            self.count_label.setText(tr("cadre.count", count=format_number(total)))

    # --- selection -----------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [cid for cid in (self.model.id_at(row) for row in rows) if cid is not None]

    def current_id(self) -> int | None:
        ids = self.selected_ids()
        if ids:
            return ids[0]
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_cadre(self, cadre_id: int) -> bool:
        row = self.model.row_of(cadre_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        ids = self.selected_ids()
        self.edit_button.setEnabled(len(ids) == 1)
        self.leave_button.setEnabled(len(ids) == 1)
        self.merge_button.setEnabled(len(ids) == 2)
        row = self.model.cadre(self.model.row_of(ids[0])) if len(ids) == 1 else None
        self.leave_button.setText(tr("cadre.action.reactivate") if row and not row.active
                                  else tr("cadre.action.deactivate"))

    # --- actions (dialogs) ----------------------------------------------------
    def after_write(self, cadre_id: int | None = None) -> None:
        self.fill_filters()
        self.model.reload()
        if cadre_id is not None:
            self.select_cadre(cadre_id)

    def add_cadre(self) -> None:
        from imp_desktop.ui.screens.cadres.cadre_dialog import CadreDialog

        cadre_id = CadreDialog.edit(self)
        if cadre_id is not None:
            self.after_write(cadre_id)
            self.screen.notify(tr("cadre.saved"))

    def edit_cadre(self) -> None:
        cadre_id = self.current_id()
        if cadre_id is None:
            return
        from imp_desktop.ui.screens.cadres.cadre_dialog import CadreDialog

        if CadreDialog.edit(self, cadre_id) is not None:
            self.after_write(cadre_id)
            self.screen.notify(tr("cadre.saved"))

    def toggle_active(self) -> None:
        cadre_id = self.current_id()
        if cadre_id is None:
            return
        from imp_desktop.ui.screens.cadres.cadre_dialog import change_active

        if change_active(self, cadre_id):
            self.after_write(cadre_id)

    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 2:
            return
        from imp_desktop.ui.screens.cadres.cadre_dialog import confirm_merge

        kept = confirm_merge(self, ids[0], ids[1])
        if kept is not None:
            self.after_write(kept)

    def import_file(self) -> None:
        from imp_desktop.ui.screens.cadres.import_wizard import ImportWizard

        count = ImportWizard.run(self)
        if count:
            self.after_write()
            self.screen.notify(tr("cadre.imported", count=format_number(count)))

    def export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("cadre.export.title"), "kader.xlsx",
                                              tr("cadre.export.filter"))
        if not path:
            return
        from imp_desktop.services.cadre_export import export_cadres

        ids = self.model.all_ids()
        self.screen.notify(tr("cadre.export.running", count=format_number(len(ids))), 0)
        op(self, lambda: export_cadres(path, ids)).success(
            lambda count: self.screen.notify(tr("cadre.export.done", count=format_number(count),
                                                path=path))).failure(
            lambda exc: self.screen.notify("")).run(busy=self.export_button)

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("cadre.search.placeholder"))
        self.add_button.setText(tr("cadre.action.add"))
        self.edit_button.setText(tr("cadre.action.edit"))
        self.merge_button.setText(tr("cadre.action.merge"))
        self.import_button.setText(tr("cadre.action.import"))
        self.export_button.setText(tr("cadre.action.export"))
        self.add_button.setToolTip("Ctrl+N")
        self.search.setToolTip(tr("cadre.search.tooltip"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        if self._loaded:            # before that, reload() fills the filters
            self.fill_filters()
        self._show_count(self.model.rowCount() if self.model.complete else -1)
        self._update_buttons()


class CadreScreen(Screen):
    title_key = "nav.cadres"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.tabs = QTabWidget()
        self.cadres = CadreListPanel(self)
        self.tabs.addTab(self.cadres, "")
        self.units = UnitPanel(self)
        self.tabs.addTab(self.units, "")
        self._units_stale = True
        self.tabs.currentChanged.connect(lambda _: self._tab_changed())
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def refresh(self) -> None:
        self.cadres.reload()
        self._units_stale = True
        self._tab_changed()

    def _tab_changed(self) -> None:
        """The unit tab loads when first shown, so opening on the cadre list stays quick."""
        if self.tabs.currentWidget() is self.units and self._units_stale:
            self._units_stale = False
            self.units.refresh()

    def show_unit_members(self, unit_id: int, desa_code: str, level: str) -> None:
        """The cadre tab, filtered on one unit (from the unit tab)."""
        self.tabs.setCurrentWidget(self.cadres)
        self.cadres.filter_unit(unit_id, desa_code, level)

    # Standard actions of the main window (Ctrl+N, Ctrl+F).
    def new_record(self) -> None:
        self.tabs.setCurrentWidget(self.cadres)
        self.cadres.add_cadre()

    def find(self) -> None:
        self.tabs.setCurrentWidget(self.cadres)
        self.cadres.focus_search()

    def apply_filter(self, filters: dict) -> None:
        """Open the list filtered as a Beranda count asks: ``level``, ``active``
        (True/False) and ``problem`` (see services.data_quality)."""
        self.tabs.setCurrentWidget(self.cadres)
        active = filters.get("active", True)
        status = cadre_search.STATUS_ACTIVE if active else cadre_search.STATUS_INACTIVE
        self.cadres.show_filtered(level=filters.get("level"), status=status,
                                  problem=filters.get("problem"))

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        self.tabs.setTabText(0, tr("cadre.tab.cadres"))
        self.tabs.setTabText(1, tr("cadre.tab.units"))
        self.units.retranslate()
        self.cadres.retranslate()
