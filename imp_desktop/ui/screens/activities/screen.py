"""The Kegiatan screen: the list of activities and, in the same place, the editor.

The list filters by month, desa and type and searches title, type, place and
desa. Opening an activity swaps the list for the editor; closing the editor
(after saving or discarding) brings the list back where it was.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.formatting import format_date, format_month
from imp_desktop.i18n import tr
from imp_desktop.services import activities as service
from imp_desktop.services.activities import ActivityFilter
from imp_desktop.ui.operations import op
from imp_desktop.ui.screens.activities.editor import ActivityEditor, DuplicateDialog
from imp_desktop.ui.screens.activities.models import ActivityListModel
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.widgets import table_view

LIST_WIDTHS = (95, 380, 170, 130, 120)


class ActivityListPage(QWidget):
    def __init__(self, screen: "ActivityScreen"):
        super().__init__(screen)
        self.screen = screen
        self.model = ActivityListModel(self)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.search = QLineEdit()
        self.search.setObjectName("activitySearch")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(150)
        self.search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.month_box = QComboBox()
        self.desa_box = QComboBox()
        self.type_box = QComboBox()
        for box in (self.month_box, self.desa_box, self.type_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(self.reload)

        self.table = table_view(self.model, editable=True, word_wrap=False, row_height=26,
                                stretch_last=True, object_name="activityTable")
        header = self.table.horizontalHeader()
        for column, width in enumerate(LIST_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.table.activated.connect(lambda _: self.open_selected())
        self.model.modelReset.connect(self._update_buttons)

        self.count_label = QLabel()
        self.count_label.setObjectName("activityCount")
        self.empty_label = QLabel()
        self.empty_label.setObjectName("activityEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #5b625e;")
        self.new_button = QPushButton()
        self.open_button = QPushButton()
        self.duplicate_button = QPushButton()
        self.delete_button = QPushButton()
        self.new_button.clicked.connect(self.screen.new_activity)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.screen.print_document)
        self.open_button.clicked.connect(self.open_selected)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for box in (self.month_box, self.desa_box, self.type_box):
            filters.addWidget(box, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        for button in (self.new_button, self.open_button, self.print_button,
                       self.duplicate_button, self.delete_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.heading)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(actions)
        QShortcut(QKeySequence("Ctrl+D"), self, activated=self.duplicate_selected,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(tr("nav.activities"))
        self.search.setPlaceholderText(tr("activity.search_hint"))
        self.new_button.setText(tr("activity.new"))
        self.new_button.setToolTip("Ctrl+N")
        self.open_button.setText(tr("activity.open"))
        self.print_button.setText(tr("activity.print.report"))
        self.print_button.setToolTip("Ctrl+P")
        self.duplicate_button.setText(tr("activity.duplicate"))
        self.duplicate_button.setToolTip("Ctrl+D")
        self.delete_button.setText(tr("activity.delete"))
        self.fill_filters()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.model.columnCount() - 1)

    def fill_filters(self) -> None:
        """Months, desa and types that exist, keeping the current choices."""
        chosen = (self.month_box.currentData(), self.desa_box.currentData(),
                  self.type_box.currentData())
        for box in (self.month_box, self.desa_box, self.type_box):
            box.blockSignals(True)
            box.clear()
        self.month_box.addItem(tr("activity.filter.any_month"), None)
        for year, month in service.activity_months():
            self.month_box.addItem(format_month(year, month), (year, month))
        self.desa_box.addItem(tr("activity.filter.any_desa"), None)
        for code, name in service.activity_desa():
            self.desa_box.addItem(name, code)
        self.type_box.addItem(tr("activity.filter.any_type"), None)
        for kind in service.activity_types(include_inactive=True):
            self.type_box.addItem(kind.name, kind.id)
        for box, value in zip((self.month_box, self.desa_box, self.type_box), chosen):
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)

    def current_filter(self) -> ActivityFilter:
        month = self.month_box.currentData()
        return ActivityFilter(text=self.search.text(), year=month[0] if month else None,
                              month=month[1] if month else None,
                              desa_code=self.desa_box.currentData(),
                              type_id=self.type_box.currentData())

    def reload(self, *_args, select: int | None = None) -> None:
        keep = select if select is not None else self.selected_id()
        rows = service.list_activities(self.current_filter())
        self.model.set_rows(rows)
        filtered = self.current_filter() != ActivityFilter()
        self.count_label.setText(tr("activity.count", count=len(rows)))
        self.empty_label.setVisible(not rows)
        self.empty_label.setText(tr("activity.empty_filtered") if filtered
                                 else tr("activity.empty"))
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        summary = self.model.summary(rows[0].row())
        return summary.id if summary else None

    def _update_buttons(self, *_args) -> None:
        has = self.selected_id() is not None
        for button in (self.open_button, self.print_button, self.duplicate_button,
                       self.delete_button):
            button.setEnabled(has)

    def open_selected(self) -> None:
        ident = self.selected_id()
        if ident is not None:
            self.screen.open_activity(ident)

    def duplicate_selected(self) -> None:
        ident = self.selected_id()
        if ident is None:
            return
        summary = self.model.summary(self.model.row_of(ident))
        day = DuplicateDialog.get_date(self, service.next_month(summary.date))
        if day is None:
            return
        op(self, lambda: service.duplicate_activity(ident, day)).success(
            lambda new_id: self._changed(tr("activity.duplicated", date=format_date(day)),
                                         select=new_id)).run_here()

    def _changed(self, message: str, select: int | None = None) -> None:
        self.fill_filters()
        self.reload(select=select)
        self.screen.notify(message)

    def delete_selected(self) -> None:
        ident = self.selected_id()
        if ident is None:
            return
        summary = self.model.summary(self.model.row_of(ident))
        if QMessageBox.question(
                self, APP_NAME,
                tr("activity.delete_confirm", title=summary.title, date=format_date(summary.date),
                   count=summary.invited)) != QMessageBox.StandardButton.Yes:
            return
        op(self, lambda: service.delete_activity(ident)).success(
            lambda _none: self._changed(tr("activity.deleted"))).run_here()


class ActivityScreen(Screen):
    title_key = "nav.activities"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.list_page = ActivityListPage(self)
        self.editor = ActivityEditor(self)
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.editor)
        self.editor.closed.connect(self.show_list)
        self.editor.saved.connect(lambda _: self.list_page.fill_filters())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def refresh(self) -> None:
        if self.stack.currentWidget() is self.list_page:
            self.list_page.fill_filters()
            self.list_page.reload()

    def retranslate(self) -> None:
        self.list_page.retranslate()
        self.editor.retranslate()

    def new_activity(self) -> None:
        self.editor.new_activity(self.list_page.desa_box.currentData())
        self.stack.setCurrentWidget(self.editor)

    def open_activity(self, activity_id: int) -> None:
        op(self, lambda: self.editor.open_activity(activity_id)).success(
            lambda _none: self.stack.setCurrentWidget(self.editor)).failure(
            lambda exc: self.list_page.reload()).run_here()

    def show_list(self) -> None:
        current = self.editor.activity_id
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.fill_filters()
        self.list_page.reload(select=current)
        self.list_page.table.setFocus()

    @property
    def editing(self) -> bool:
        return self.stack.currentWidget() is self.editor

    def apply_filter(self, filters: dict) -> None:
        """Opened from Beranda: ``activity_id`` opens that activity; ``year`` and
        ``month`` list that month. An activity being edited stays open."""
        if self.editing:
            return
        if filters.get("activity_id"):
            self.open_activity(filters["activity_id"])
            return
        page = self.list_page
        wanted = (filters["year"], filters["month"]) if filters.get("month") else None
        page.fill_filters()
        boxes = (page.month_box, page.desa_box, page.type_box)
        for box in boxes:
            box.blockSignals(True)
        if wanted is not None and page.month_box.findData(wanted) < 0:
            page.month_box.addItem(format_month(*wanted), wanted)   # a month without activities
        page.month_box.setCurrentIndex(max(0, page.month_box.findData(wanted)))
        page.desa_box.setCurrentIndex(0)
        page.type_box.setCurrentIndex(0)
        page.search.blockSignals(True)
        page.search.clear()
        page.search.blockSignals(False)
        for box in boxes:
            box.blockSignals(False)
        page.reload()

    def print_document(self) -> None:
        """Ctrl+P: the Laporan Kegiatan of the open (or selected) activity, prepared
        on the Laporan screen, where the Daftar Hadir is one click away."""
        activity_id = self.editor.activity_id if self.editing else self.list_page.selected_id()
        if activity_id is None:
            self.notify(tr("report.ui.pick_activity"))
            return
        if self.editing and self.editor.dirty:
            QMessageBox.information(self, APP_NAME, tr("report.ui.save_first"))
            return
        window = self.window()
        if hasattr(window, "show_screen"):
            window.show_screen("laporan").choose("activity", activity_id=activity_id)

    # --- standard actions (the main window owns Ctrl+N, Ctrl+S, Ctrl+F, Ctrl+P) ----
    def new_record(self) -> None:
        if self.editing:
            if not self.editor.confirm_leave():
                return
        self.new_activity()

    def save_record(self) -> None:
        if self.editing:
            self.editor.save()

    def find(self) -> None:
        if self.editing and not self.editor.confirm_leave():
            return
        if self.editing:
            self.show_list()
        self.list_page.search.setFocus()
        self.list_page.search.selectAll()

    def can_close(self) -> bool:
        """Asked before the window closes or another database is opened."""
        return not self.editing or self.editor.confirm_leave()
