"""Pengaturan > Laporan bulanan: the due day, the paper, and the line template.

The template is edited as a list (in New SIGA's order: Naik/Turun move a
line); saving makes a new version that new months use. Months already
reported keep the version they were made with. A version received from
another installation is used only after "Pakai versi ini".
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import ValidationError
from imp_desktop.i18n import tr
from imp_desktop.services import monthly
from imp_desktop.ui.operations import op
from imp_desktop.ui.screens.monthly.models import COLUMNS, TemplateDraftModel


class _KindDelegate:
    """A combo box for the "kind" column."""

    @staticmethod
    def install(view: QTableView) -> None:
        from PySide6.QtWidgets import QStyledItemDelegate

        class Delegate(QStyledItemDelegate):
            def createEditor(self, parent, option, index):
                box = QComboBox(parent)
                for kind in monthly.LINE_KINDS:
                    box.addItem(tr(f"monthly.set.kind.{kind}"), kind)
                return box

            def setEditorData(self, editor, index):
                editor.setCurrentIndex(max(0, editor.findData(
                    index.data(Qt.ItemDataRole.EditRole))))

            def setModelData(self, editor, model, index):
                model.setData(index, editor.currentData())

        view.setItemDelegateForColumn(COLUMNS.index("kind"), Delegate(view))


class _SourceDelegate:
    """The "source" column: the sources a line of its kind can take, by name (what
    a computed line counts; the lines a total adds). Still editable: a total of
    several lines is typed as keys with commas."""

    @staticmethod
    def install(view: QTableView, model: TemplateDraftModel) -> None:
        from PySide6.QtWidgets import QStyledItemDelegate

        class Delegate(QStyledItemDelegate):
            def createEditor(self, parent, option, index):
                box = QComboBox(parent)
                box.setEditable(True)
                box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                draft = model.drafts[index.row()]
                for source, label in monthly.source_choices(draft.kind, model.drafts):
                    box.addItem(label, source)
                return box

            def setEditorData(self, editor, index):
                value = index.data(Qt.ItemDataRole.EditRole) or ""
                found = editor.findData(value)
                if found >= 0:
                    editor.setCurrentIndex(found)
                else:
                    editor.setEditText(value)

            def setModelData(self, editor, model_, index):
                text = editor.currentText().strip()
                found = editor.findText(text)
                model_.setData(index, editor.itemData(found) if found >= 0 else text)

        view.setItemDelegateForColumn(COLUMNS.index("source"), Delegate(view))


class MonthlySettingsPage(QWidget):
    title_key = "monthly.set.tab"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.due_label, self.paper_label = QLabel(), QLabel()
        self.due_box = QSpinBox()
        self.due_box.setObjectName("monthlyDueDay")
        self.due_box.setRange(1, 28)
        self.due_label.setBuddy(self.due_box)
        self.due_after = QLabel()
        self.paper_box = QComboBox()
        self.paper_box.setObjectName("monthlyPaper")
        from imp_desktop.services.settings import PAPER_SIZES

        for size in PAPER_SIZES:
            self.paper_box.addItem(size, size)
        self.paper_label.setBuddy(self.paper_box)
        self.due_box.valueChanged.connect(self._save_due_day)
        self.paper_box.currentIndexChanged.connect(self._save_paper)
        top = QHBoxLayout()
        for widget in (self.due_label, self.due_box, self.due_after):
            top.addWidget(widget)
        top.addSpacing(24)
        top.addWidget(self.paper_label)
        top.addWidget(self.paper_box)
        top.addStretch(1)

        self.model = TemplateDraftModel(self)
        self.model.changed.connect(self._update_buttons)
        self.view = QTableView()
        self.view.setObjectName("monthlyTemplate")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in zip(range(len(COLUMNS)), (52, 130, 240, 150, 90, 250, 70, 70)):
            header.resizeSection(column, width)
        _KindDelegate.install(self.view)
        _SourceDelegate.install(self.view, self.model)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.add_button, self.remove_button = QPushButton(), QPushButton()
        self.up_button, self.down_button = QPushButton(), QPushButton()
        self.save_button, self.undo_button = QPushButton(), QPushButton()
        self.save_button.setObjectName("monthlyTemplateSave")
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_line)
        self.up_button.clicked.connect(lambda: self.move_line(-1))
        self.down_button.clicked.connect(lambda: self.move_line(1))
        self.save_button.clicked.connect(self.save)
        self.undo_button.clicked.connect(self.refresh)
        self.version_label = QLabel()
        self.version_box = QComboBox()
        self.version_box.setObjectName("monthlyTemplateVersions")
        self.version_label.setBuddy(self.version_box)
        self.use_button = QPushButton()
        self.use_button.clicked.connect(self.use_version)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.save_button)
        versions = QHBoxLayout()
        versions.addWidget(self.version_label)
        versions.addWidget(self.version_box, 1)
        versions.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addLayout(versions)
        self.retranslate()

    def refresh(self) -> None:
        self.due_box.blockSignals(True)
        self.due_box.setValue(monthly.due_day())
        self.due_box.blockSignals(False)
        self.paper_box.blockSignals(True)
        self.paper_box.setCurrentIndex(max(0, self.paper_box.findData(monthly.paper_size())))
        self.paper_box.blockSignals(False)
        self.model.load(monthly.current_template())
        self.version_box.clear()
        for version in monthly.template_versions():
            label = tr("monthly.set.version", version=version.version,
                       lines=version.line_count, reports=version.report_count)
            if version.in_use:
                label += " · " + tr("monthly.set.in_use")
            self.version_box.addItem(label, version.id)
        self._update_buttons()

    def _save_due_day(self, value: int) -> None:
        monthly.set_due_day(int(value))

    def _save_paper(self, _index: int) -> None:
        monthly.set_paper_size(self.paper_box.currentData())

    def _row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def add_line(self) -> None:
        row = self.model.add(self._row())
        self.view.setCurrentIndex(self.model.index(row, COLUMNS.index("text_id")))
        self.view.edit(self.view.currentIndex())

    def remove_line(self) -> None:
        self.model.remove(self._row())

    def move_line(self, step: int) -> None:
        column = max(0, self.view.currentIndex().column())
        row = self.model.move(self._row(), step)
        self.view.setCurrentIndex(self.model.index(row, column))

    def save(self) -> None:
        def mark_lines(exc: BaseException) -> bool:
            """The lines at fault are marked in the table; the sentence is shown as usual."""
            if isinstance(exc, ValidationError):
                self.model.problems = {int(where) - 1: message for where, message in exc.problems
                                       if where.isdigit()}
                if self.model.drafts:
                    self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(
                        len(self.model.drafts) - 1, len(COLUMNS) - 1))
            return False

        template = op(self, lambda: monthly.save_template(self.model.drafts)).failure(
            mark_lines).call()
        if template is None:
            return
        self.refresh()
        self.info.setText(tr("monthly.set.saved", version=template.version))

    def use_version(self) -> None:
        template_id = self.version_box.currentData()
        if template_id is None:
            return
        if op(self, lambda: monthly.use_template(template_id)).run_here():
            self.refresh()

    def _update_buttons(self) -> None:
        dirty = self.model.dirty
        self.save_button.setEnabled(dirty)
        self.undo_button.setEnabled(dirty)

    def can_close(self) -> bool:
        return True

    def retranslate(self) -> None:
        self.due_label.setText(tr("monthly.set.due"))
        self.due_after.setText(tr("monthly.set.due_after"))
        self.paper_label.setText(tr("monthly.set.paper"))
        self.info.setText(tr("monthly.set.info"))
        self.add_button.setText(tr("monthly.set.add"))
        self.remove_button.setText(tr("monthly.set.remove"))
        self.up_button.setText(tr("monthly.set.up"))
        self.down_button.setText(tr("monthly.set.down"))
        self.save_button.setText(tr("monthly.set.save"))
        self.undo_button.setText(tr("monthly.set.undo"))
        self.version_label.setText(tr("monthly.set.versions"))
        self.use_button.setText(tr("monthly.set.use"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
