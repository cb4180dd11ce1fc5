"""Pengaturan > Peran Bakti: edit the indicator list and the classification rule.

Saving either makes a new version; assessments already made keep the list and
rule they were made with.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.formatting import format_number
from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.ui.operations import op
from imp_desktop.ui.screens.roles.models import (
    CatalogueDraftModel,
    Column,
    PlainTableModel,
    WrappingDelegate,
)
from imp_desktop.ui.widgets import table_view


def _when(created_at: str) -> str:
    import datetime as dt

    from imp_desktop.formatting import format_short_date

    try:
        return format_short_date(dt.datetime.fromisoformat(created_at).date())
    except ValueError:
        return created_at[:10]


class RoleSettingsPage(QWidget):
    title_key = "role.settings.tab"

    def __init__(self, parent=None):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(parent)
        # --- the indicator list ---
        self.model = CatalogueDraftModel(self)
        self.model.changed.connect(self._update_buttons)
        self.tree = QTreeView()
        self.tree.setObjectName("catalogueTree")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.catalogue_info = QLabel()
        self.catalogue_info.setWordWrap(True)
        self.add_button, self.remove_button = QPushButton(), QPushButton()
        self.up_button, self.down_button = QPushButton(), QPushButton()
        self.add_button.clicked.connect(self.add_indicator)
        self.remove_button.clicked.connect(self.remove_indicator)
        self.up_button.clicked.connect(lambda: self.move_indicator(-1))
        self.down_button.clicked.connect(lambda: self.move_indicator(1))
        self.change_note = QLineEdit()
        self.change_note_label = QLabel()
        self.save_catalogue_button, self.revert_button = QPushButton(), QPushButton()
        self.save_catalogue_button.setObjectName("saveCatalogue")
        self.save_catalogue_button.clicked.connect(self.save_catalogue)
        self.revert_button.clicked.connect(self.reload_catalogue)
        edit_row = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            edit_row.addWidget(button)
        edit_row.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.change_note_label)
        save_row.addWidget(self.change_note, 1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_catalogue_button)
        self.catalogue_box = QGroupBox()
        box = QVBoxLayout(self.catalogue_box)
        box.addWidget(self.catalogue_info)
        box.addWidget(self.tree, 1)
        box.addLayout(edit_row)
        box.addLayout(save_row)

        # --- the rule table ---
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 100)
        self.threshold.setSuffix("%")
        self.berkembang = QSpinBox()
        self.berkembang.setRange(1, len(roles.ROLE_CODES))
        self.mandiri = QSpinBox()
        self.mandiri.setRange(1, len(roles.ROLE_CODES))
        for spin in (self.threshold, self.berkembang, self.mandiri):
            spin.valueChanged.connect(self._rule_edited)
        self.rule_preview = QLabel()
        self.rule_preview.setWordWrap(True)
        self.rule_note = QLineEdit()
        self.save_rule_button = QPushButton()
        self.save_rule_button.setObjectName("saveRule")
        self.save_rule_button.clicked.connect(self.save_rule)
        self.rule_form = QFormLayout()
        # Labels go above their fields when the page is narrow (125% scaling).
        self.rule_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.rule_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.threshold_label, self.berkembang_label, self.mandiri_label, self.rule_note_label = (
            QLabel(), QLabel(), QLabel(), QLabel())
        self.rule_form.addRow(self.threshold_label, self.threshold)
        self.rule_form.addRow(self.berkembang_label, self.berkembang)
        self.rule_form.addRow(self.mandiri_label, self.mandiri)
        self.rule_box = QGroupBox()
        rule_layout = QVBoxLayout(self.rule_box)
        rule_layout.addLayout(self.rule_form)
        note_row = QHBoxLayout()       # outside the form: the field gets the full width
        note_row.addWidget(self.rule_note_label)
        note_row.addWidget(self.rule_note, 1)
        rule_layout.addLayout(note_row)
        rule_layout.addWidget(self.rule_preview)
        rule_layout.addWidget(self.save_rule_button, 0, Qt.AlignmentFlag.AlignRight)

        # --- versions ---
        self.rule_in_use: int | None = None
        self.versions = PlainTableModel([
            Column("role.settings.col.list", lambda v: tr(
                "role.settings.version_in_use" if v.in_use else "role.settings.version",
                number=v.version), tooltip=lambda v: v.note or ""),
            Column("role.settings.col.date", lambda v: _when(v.created_at)),
            Column("role.settings.col.indicators", lambda v: v.indicator_count, True),
            Column("role.settings.col.used", lambda v: tr("role.settings.used",
                                                           count=format_number(v.assessment_count))),
        ], self)
        self.rules = PlainTableModel([
            Column("role.settings.col.rule", lambda r: tr(
                "role.settings.version_in_use" if r.id == self.rule_in_use
                else "role.settings.version", number=r.version), tooltip=lambda r: r.note or ""),
            Column("role.settings.col.date", lambda r: _when(r.created_at)),
            Column("role.settings.col.rule_text", lambda r: tr(
                "role.settings.rule_short", threshold=r.threshold_percent,
                berkembang=r.berkembang_min_roles, mandiri=r.mandiri_min_roles)),
        ], self)
        self.versions_box = QGroupBox()
        versions_layout = QVBoxLayout(self.versions_box)
        # A version received in a package is used for new checklists only when chosen.
        self.use_catalogue_button, self.use_rule_button = QPushButton(), QPushButton()
        self.use_catalogue_button.setObjectName("useCatalogue")
        self.use_rule_button.setObjectName("useRule")
        self.use_catalogue_button.clicked.connect(self.use_catalogue)
        self.use_rule_button.clicked.connect(self.use_rule)
        self.version_views = []
        for model, button in ((self.versions, self.use_catalogue_button),
                              (self.rules, self.use_rule_button)):
            view = table_view(model, alternating=False, word_wrap=True, columns="contents",
                              stretch_last=True)
            self.version_views.append(view)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.selectionModel().currentRowChanged.connect(
                lambda *_: self._update_version_buttons())
            # Room for the buttons below on a 125%-scaled screen; they grow when there is more.
            view.setMinimumHeight(view.horizontalHeader().sizeHint().height() * 3)
            versions_layout.addWidget(view)
        use_row = QHBoxLayout()
        use_row.addStretch(1)
        use_row.addWidget(self.use_catalogue_button)
        use_row.addWidget(self.use_rule_button)
        versions_layout.addLayout(use_row)

        right = QVBoxLayout()
        right.addWidget(self.rule_box)
        right.addWidget(self.versions_box, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.catalogue_box, 5)
        layout.addLayout(right, 3)

        QShortcut(QKeySequence(Qt.Key.Key_Insert), self.tree, activated=self.add_indicator)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tree, activated=self.remove_indicator)
        QShortcut(QKeySequence("Alt+Up"), self.tree, activated=lambda: self.move_indicator(-1))
        QShortcut(QKeySequence("Alt+Down"), self.tree, activated=lambda: self.move_indicator(1))
        self.retranslate()

    # --- loading ------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.model.dirty:
            self.reload_catalogue()
        self.reload_rule()
        self._fill_versions()

    def reload_catalogue(self) -> None:
        catalogue = roles.current_catalogue()
        self.model.load(roles.drafts_of(catalogue))
        self.tree.expandAll()
        self.change_note.clear()
        self.catalogue_info.setText(tr("role.settings.catalogue_info",
                                       version=catalogue.version,
                                       count=catalogue.indicator_count))
        self._update_buttons()

    def reload_rule(self) -> None:
        rule = roles.current_rule()
        for spin, value in ((self.threshold, rule.threshold_percent),
                            (self.berkembang, rule.berkembang_min_roles),
                            (self.mandiri, rule.mandiri_min_roles)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.rule_note.clear()
        self._rule_edited()

    def _fill_versions(self) -> None:
        self.rule_in_use = roles.current_rule().id
        self.versions.set_rows(roles.catalogue_versions())
        self.rules.set_rows(roles.rule_versions())
        self._update_version_buttons()

    def _chosen_version(self, index: int):
        view = self.version_views[index]
        row = view.currentIndex().row() if view.currentIndex().isValid() else -1
        model = (self.versions, self.rules)[index]
        return model.row_at(row) if 0 <= row < model.rowCount() else None

    def _update_version_buttons(self) -> None:
        # One after the other: disabling a focused button moves the focus, which can
        # change the current row of the other list (and call this again).
        catalogue = self._chosen_version(0)
        # Switching the list under unsaved edits would lose them: save or revert first.
        self.use_catalogue_button.setEnabled(catalogue is not None and not catalogue.in_use
                                             and not self.model.dirty)
        rule = self._chosen_version(1)
        self.use_rule_button.setEnabled(rule is not None and rule.id != self.rule_in_use)

    def use_catalogue(self) -> None:
        chosen = self._chosen_version(0)
        if chosen is None:
            return
        catalogue = roles.use_catalogue(chosen.id)
        self.reload_catalogue()
        self._fill_versions()
        QMessageBox.information(self, APP_NAME, tr("role.settings.catalogue_in_use",
                                                   version=catalogue.version))

    def use_rule(self) -> None:
        chosen = self._chosen_version(1)
        if chosen is None:
            return
        rule = roles.use_rule(chosen.id)
        self.reload_rule()
        self._fill_versions()
        QMessageBox.information(self, APP_NAME, tr("role.settings.rule_in_use",
                                                   version=rule.version))

    # --- the indicator list ----------------------------------------------------------
    def _current_role_row(self) -> int:
        index = self.tree.currentIndex()
        return self.model.role_row_of(index) if index.isValid() else 0

    def _select(self, index) -> None:
        if index.isValid():
            self.tree.expand(index.parent())
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def add_indicator(self) -> None:
        index = self.model.add_indicator(self._current_role_row())
        self._select(index)
        self.tree.edit(index)

    def remove_indicator(self) -> None:
        index = self.tree.currentIndex()
        if self.model.draft_at(index) is None:
            return
        parent, row = index.parent(), index.row()
        self.model.remove_indicator(index)
        count = self.model.rowCount(parent)
        self._select(self.model.index(min(row, count - 1), 0, parent) if count else parent)

    def move_indicator(self, step: int) -> None:
        index = self.tree.currentIndex()
        if self.model.draft_at(index) is not None:
            self._select(self.model.move_indicator(index, step))

    def save_catalogue(self) -> bool:
        before = roles.current_catalogue().version
        catalogue = op(self, lambda: roles.save_catalogue(self.model.all_drafts(),
                                                          self.change_note.text())).call()
        if catalogue is None:
            return False
        self.model.dirty = False
        self.reload_catalogue()
        self._fill_versions()
        message = (tr("role.settings.catalogue_saved", version=catalogue.version)
                   if catalogue.version != before else tr("role.settings.unchanged"))
        QMessageBox.information(self, APP_NAME, message)
        return True

    # --- the rule ------------------------------------------------------------------------
    def _rule_edited(self, *_args) -> None:
        low, high = self.berkembang.value(), self.mandiri.value()
        problems = roles.check_rule(self.threshold.value(), low, high)
        if problems:
            self.rule_preview.setText("<span style='color:#c0392b'>" + "<br>".join(
                message for _, message in problems) + "</span>")
        else:
            preview = roles.Rule(0, 0, self.threshold.value(), low, high)
            self.rule_preview.setText("<br>".join(
                tr("role.settings.range", classification=roles.classification_label(code),
                   count=str(first) if first == last else f"{first}–{last}")
                for code, first, last in preview.ranges()))
        current = roles.current_rule()
        changed = (self.threshold.value(), low, high) != (
            current.threshold_percent, current.berkembang_min_roles, current.mandiri_min_roles)
        self.save_rule_button.setEnabled(changed and not problems)

    def save_rule(self) -> bool:
        rule = op(self, lambda: roles.save_rule(self.threshold.value(), self.berkembang.value(),
                                                self.mandiri.value(), self.rule_note.text())
                  ).call()
        if rule is None:
            return False
        self.reload_rule()
        self._fill_versions()
        QMessageBox.information(self, APP_NAME, tr("role.settings.rule_saved",
                                                   version=rule.version))
        return True

    def _update_buttons(self) -> None:
        index = self.tree.currentIndex()
        on_indicator = self.model.draft_at(index) is not None
        self.remove_button.setEnabled(on_indicator)
        self.up_button.setEnabled(on_indicator and index.row() > 0)
        self.down_button.setEnabled(on_indicator
                                    and index.row() < self.model.rowCount(index.parent()) - 1)
        self.save_catalogue_button.setEnabled(self.model.dirty)
        self.revert_button.setEnabled(self.model.dirty)
        if hasattr(self, "version_views"):
            self._update_version_buttons()

    def retranslate(self) -> None:
        self.catalogue_box.setTitle(tr("role.settings.catalogue"))
        self.rule_box.setTitle(tr("role.settings.rule"))
        self.versions_box.setTitle(tr("role.settings.versions"))
        self.add_button.setText(tr("role.settings.add"))
        self.add_button.setToolTip("Insert")
        self.remove_button.setText(tr("role.settings.remove"))
        self.remove_button.setToolTip(tr("role.settings.remove_tip"))
        self.up_button.setText(tr("role.settings.up"))
        self.up_button.setToolTip("Alt+↑")
        self.down_button.setText(tr("role.settings.down"))
        self.down_button.setToolTip("Alt+↓")
        self.change_note_label.setText(tr("role.settings.change_note"))
        self.change_note.setPlaceholderText(tr("role.settings.change_note_hint"))
        self.save_catalogue_button.setText(tr("role.settings.save_catalogue"))
        self.revert_button.setText(tr("role.action.revert"))
        self.threshold_label.setText(tr("role.settings.threshold"))
        self.berkembang_label.setText(tr("role.settings.berkembang"))
        self.mandiri_label.setText(tr("role.settings.mandiri"))
        self.rule_note_label.setText(tr("role.settings.change_note"))
        self.save_rule_button.setText(tr("role.settings.save_rule"))
        self.use_catalogue_button.setText(tr("role.settings.use_catalogue"))
        self.use_catalogue_button.setToolTip(tr("role.settings.use_tip"))
        self.use_rule_button.setText(tr("role.settings.use_rule"))
        self.use_rule_button.setToolTip(tr("role.settings.use_tip"))
        self.tree.setToolTip(tr("role.settings.tree_tip"))
        for model in (self.model, self.versions, self.rules):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
