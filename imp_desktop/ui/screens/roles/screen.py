"""The Peran Bakti screen: assess a unit's six roles, see its history, and the recap.

Tab "Penilaian": pick desa and period, then a unit from the list; the
checklist has a section per role with live progress and classification.
Tab "Riwayat" of the same unit: its classification per period and a chart.
Tab "Rekap": a desa or the whole kecamatan by classification and level, and
the indicators most often unmet, i.e. where coaching is needed.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import format_number
from imp_desktop.i18n import language, tr
from imp_desktop.services import roles
from imp_desktop.ui.date_field import DateField
from imp_desktop.ui.screens.roles.chart import HistoryChart
from imp_desktop.ui.screens.roles.models import (
    CLASS_COLOURS,
    CLASS_TINTS,
    ChecklistModel,
    WrappingDelegate,
    history_model,
    recap_count_model,
    recap_role_model,
    recap_unit_model,
    recap_unmet_model,
    unit_status_model,
)
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.tasks import task_runner


def _table(model, stretch_column: int | None = 0) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setStyleSheet("QTableView::item { padding: 2px 4px; }")
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


def _fill_combo(box: QComboBox, items: list[tuple[str, object]], keep=None) -> None:
    box.blockSignals(True)
    box.clear()
    for label, data in items:
        box.addItem(label, data)
    index = box.findData(keep) if keep is not None else -1
    box.setCurrentIndex(index if index >= 0 else (0 if items else -1))
    box.blockSignals(False)


class ClassBadge(QLabel):
    """The classification as a coloured label."""

    def show_class(self, classification: str | None, text: str) -> None:
        colour = CLASS_COLOURS.get(classification, "#5f6b66")
        tint = CLASS_TINTS.get(classification, "#eef1ef")
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ background: {tint}; color: {colour}; font-weight: 600;"
                           f" font-size: 12pt; border: 1px solid {colour}; border-radius: 4px;"
                           " padding: 3px 10px; }")


# --- the checklist of one unit and period ------------------------------------------

class ChecklistPanel(QWidget):
    def __init__(self, owner: "AssessmentPanel"):
        super().__init__(owner)
        self.owner = owner
        self.unit_id: int | None = None
        self.period: str | None = None
        self.model = ChecklistModel(self)
        self.model.changed.connect(self._show_score)

        self.title = QLabel()
        self.title.setObjectName("checklistTitle")
        self.title.setStyleSheet("#checklistTitle { font-size: 12pt; font-weight: 600; }")
        self.title.setWordWrap(True)
        self.badge = ClassBadge()
        self.badge.setObjectName("classBadge")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #44524c;")
        self.bars: list[tuple[QLabel, QProgressBar]] = []
        bars = QGridLayout()
        bars.setHorizontalSpacing(10)
        bars.setVerticalSpacing(2)
        for number, _ in enumerate(roles.ROLE_CODES):
            # Name above its bar, three roles a row: fits a 125%-scaled laptop screen.
            label, bar = QLabel(), QProgressBar()
            label.setStyleSheet("font-size: 9pt;")
            bar.setTextVisible(True)
            bar.setFixedHeight(15)
            bar.setMinimumWidth(80)
            bars.addWidget(label, 2 * (number // 3), number % 3)
            bars.addWidget(bar, 2 * (number // 3) + 1, number % 3)
            self.bars.append((label, bar))
        for column in range(3):
            bars.setColumnStretch(column, 1)

        self.tree = QTreeView()
        self.tree.setObjectName("checklist")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        # Indicators are read in full in the field: wrap them rather than cut them.
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 150)
        header.resizeSection(2, 95)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())

        self.assessed_on = DateField()
        self.assessed_on.setMaximumDate(QDate.currentDate())
        self.assessor = QLineEdit()
        self.note = QLineEdit()
        for widget in (self.assessor, self.note):
            widget.textEdited.connect(self._form_edited)
        self.assessed_on.dateChanged.connect(self._form_edited)
        self.assessed_on_label, self.assessor_label, self.note_label = QLabel(), QLabel(), QLabel()
        form = QHBoxLayout()
        form.addWidget(self.assessed_on_label)
        form.addWidget(self.assessed_on)
        form.addWidget(self.assessor_label)
        form.addWidget(self.assessor, 1)
        form.addWidget(self.note_label)
        form.addWidget(self.note, 2)

        self.evidence_button = QPushButton()
        self.evidence_menu = QMenu(self)
        self.evidence_button.setMenu(self.evidence_menu)
        self.evidence_menu.aboutToShow.connect(self._fill_evidence_menu)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveAssessment")
        self.revert_button = QPushButton()
        self.delete_button = QPushButton()
        self.gap_button = QPushButton()
        self.print_button = QPushButton()
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copyPrevious")
        self.copy_button.clicked.connect(self.copy_previous)
        self.previous: roles.PreviousAnswers | None = None
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.delete_button.clicked.connect(self.delete)
        self.gap_button.clicked.connect(self.gap_to_action)
        self.print_button.clicked.connect(self.print_sheet)
        self.history_button = QPushButton()   # who changed what, from the audit trail
        self.history_button.clicked.connect(self.show_history)
        buttons = QHBoxLayout()
        buttons.addWidget(self.evidence_button)
        buttons.addWidget(self.gap_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        # in the copy button's place (that one is for new sheets only): the row of
        # buttons below is full at 1366x768, 125%
        top.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(bars)
        layout.addWidget(self.tree, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)

        QShortcut(QKeySequence(Qt.Key.Key_Space), self.tree, activated=self.toggle_current)
        self._form_dirty = False
        self.retranslate()
        self.clear()

    # --- loading ----------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.model.dirty or self._form_dirty

    def clear(self) -> None:
        self.unit_id = self.period = None
        self.previous = None
        self.model.load(None)
        self.title.setText(tr("role.checklist.pick"))
        self.badge.hide()
        self._set_form(None)
        self._update_buttons()

    def open(self, unit_id: int, period: str) -> None:
        """Show the unit's assessment for the period, or a new one."""
        self.unit_id, self.period = unit_id, period
        existing = roles.find_assessment(unit_id, period)
        sheet = roles.get_assessment(existing) if existing else roles.new_sheet(unit_id, period)
        catalogue = roles.get_catalogue(sheet.catalogue_id)
        rule = roles.get_rule(sheet.rule_id)
        titles = roles.evidence_titles(line.evidence_activity_id for role in sheet.roles
                                       for line in role.lines)
        self.model.load(sheet, catalogue, rule, titles)
        self.previous = (roles.previous_answers(unit_id, period, sheet.catalogue_id)
                         if sheet.id is None else None)
        self.tree.expandAll()
        self.title.setText(tr("role.checklist.title", unit=sheet.unit_name,
                              period=sheet.period_label))
        self.badge.show()
        self._set_form(sheet)
        first = self.model.index(0, 0, self.model.index(0, 0))
        if first.isValid():
            self.tree.selectionModel().setCurrentIndex(
                first, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._show_score()

    def _set_form(self, sheet: roles.AssessmentSheet | None) -> None:
        for widget in (self.assessed_on, self.assessor, self.note):
            widget.blockSignals(True)
            widget.setEnabled(sheet is not None)
        day = (sheet.assessed_on if sheet and sheet.assessed_on else None) or min(
            dt.date.today(), roles.parse_period(sheet.period).end if sheet else dt.date.today())
        self.assessed_on.setDate(QDate(day.year, day.month, day.day))
        default_assessor = ""
        if sheet is not None and sheet.id is None:
            from imp_desktop.services.settings import get_officer

            default_assessor = get_officer().name
        self.assessor.setText((sheet.assessor if sheet and sheet.id else default_assessor) or "")
        self.note.setText((sheet.note if sheet else "") or "")
        for widget in (self.assessed_on, self.assessor, self.note):
            widget.blockSignals(False)
        self._form_dirty = False

    def _form_edited(self, *_args) -> None:
        self._form_dirty = True
        self._update_buttons()

    # --- live score ---------------------------------------------------------------
    def _show_score(self) -> None:
        result = self.model.score()
        progress = self.model.role_progress()
        for number, (label, bar) in enumerate(self.bars):
            if number < len(progress):
                role, met, total, fulfilled = progress[number]
                label.setText(f"{role.number}. {role.name()}")
                bar.setMaximum(max(total, 1))
                bar.setValue(met)
                bar.setFormat(f"{met}/{total}")
                colour = "#1f7a4d" if fulfilled else "#b7c2bd"
                bar.setStyleSheet(f"QProgressBar {{ border: 1px solid #c8d0cc; border-radius: 3px;"
                                  f" text-align: center; background: #f4f6f5; }}"
                                  f" QProgressBar::chunk {{ background: {colour}; }}")
                bar.setToolTip(tr("role.fulfilled" if fulfilled else "role.not_fulfilled"))
            else:
                label.setText(roles.role_name(roles.ROLE_CODES[number]))
                bar.setValue(0)
                bar.setFormat("")
        sheet = self.model.sheet
        if result is None or sheet is None:
            self.summary.setText("")
        else:
            self.badge.show_class(result.classification,
                                  roles.classification_label(result.classification))
            state = tr("role.checklist.saved" if sheet.id and not self.dirty
                       else "role.checklist.new" if not sheet.id else "role.checklist.unsaved")
            self.summary.setText(tr("role.checklist.summary", fulfilled=result.roles_fulfilled,
                                    catalogue=sheet.catalogue_version,
                                    rule=self.model.rule.describe(), state=state))
        self._update_buttons()

    def _update_buttons(self) -> None:
        sheet = self.model.sheet
        loaded = sheet is not None
        saved = loaded and sheet.id is not None
        self.save_button.setEnabled(loaded and (self.dirty or not saved))
        self.copy_button.setVisible(bool(loaded and not saved and self.previous))
        self.copy_button.setEnabled(not self.model.dirty)
        if self.previous is not None:
            self.copy_button.setText(tr("role.action.copy", period=self.previous.period_label))
        self.revert_button.setEnabled(loaded and self.dirty)
        self.delete_button.setVisible(saved)   # nothing to delete on a new sheet
        self.history_button.setVisible(saved)
        self.evidence_button.setEnabled(self.model.line_at(self.tree.currentIndex()) is not None)
        result = self.model.score()
        self.gap_button.setEnabled(bool(saved and not self.dirty and result
                                        and roles.activities_available()
                                        and result.roles_fulfilled < len(roles.ROLE_CODES)))
        self.print_button.setEnabled(loaded)

    # --- editing --------------------------------------------------------------------
    def copy_previous(self) -> None:
        """Start this period's checklist from the unit's previous assessment."""
        if self.previous is not None and self.model.sheet is not None:
            self.model.take_answers(self.previous.answers)
            self.owner.notify(tr("role.copied", period=self.previous.period_label))

    def toggle_current(self) -> None:
        index = self.tree.currentIndex()
        if self.model.line_at(index) is not None:
            self.model.toggle(index)

    def current_input(self) -> roles.AssessmentInput:
        day = self.assessed_on.date()
        return roles.AssessmentInput(
            unit_id=self.unit_id, period=self.period, answers=self.model.answers_copy(),
            assessed_on=dt.date(day.year(), day.month(), day.day()),
            assessor=self.assessor.text(), note=self.note.text())

    def save(self) -> bool:
        sheet = self.model.sheet
        if sheet is None:
            return False
        try:
            assessment_id = roles.save_assessment(self.current_input(), sheet.id)
        except ValidationError as exc:
            details = "\n".join(f"• {message}" for _, message in exc.problems)
            QMessageBox.warning(self, APP_NAME, f"{exc}\n\n{details}" if details else str(exc))
            return False
        except UserError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return False
        self.open(self.unit_id, self.period)
        self.owner.after_save(assessment_id)
        self.owner.notify(tr("role.saved", unit=self.model.sheet.unit_name,
                             period=self.model.sheet.period_label))
        return True

    def revert(self) -> None:
        if self.unit_id is not None:
            self.open(self.unit_id, self.period)

    def delete(self) -> None:
        sheet = self.model.sheet
        if sheet is None or sheet.id is None:
            return
        answer = QMessageBox.question(self, APP_NAME, tr(
            "role.delete.confirm", unit=sheet.unit_name, period=sheet.period_label))
        if answer != QMessageBox.StandardButton.Yes:
            return
        roles.delete_assessment(sheet.id)
        self.open(self.unit_id, self.period)
        self.owner.after_save(None)

    def show_history(self) -> None:
        """The saved assessment's history with its answers'."""
        from imp_desktop.services.audit import uuid_of
        from imp_desktop.ui.audit_dialog import AuditTrailDialog

        sheet = self.model.sheet
        if sheet is not None and sheet.id is not None:
            AuditTrailDialog.show_for(self, uuid_of("assessment", sheet.id), self.title.text(),
                                      children=True)

    def confirm_leave(self) -> bool:
        """Before showing another unit or period: save, discard or stay."""
        if self.model.sheet is None or not self.dirty:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, tr(
            "role.leave.question", unit=self.model.sheet.unit_name,
            period=self.model.sheet.period_label))
        save = box.addButton(tr("role.leave.save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(tr("role.leave.discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(tr("role.leave.stay"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is save:
            return self.save()
        return box.clickedButton() is discard

    # --- evidence -----------------------------------------------------------------
    def _fill_evidence_menu(self) -> None:
        self.evidence_menu.clear()
        index = self.tree.currentIndex()
        activity = self.evidence_menu.addAction(tr("role.evidence.link_activity"))
        activity.setEnabled(roles.activities_available())
        activity.triggered.connect(lambda: self.link_activity(index))
        photo = self.evidence_menu.addAction(tr("role.evidence.add_photo"))
        photo.setEnabled(_photo_import() is not None)
        photo.triggered.connect(lambda: self.add_photo(index))
        line = self.model.line_at(index)
        answer = self.model.answers.get(line.indicator_id) if line else None
        if answer is not None and (answer.evidence_activity_id or answer.evidence_photo):
            self.evidence_menu.addSeparator()
        if answer is not None and answer.evidence_activity_id:
            go = self.evidence_menu.addAction(tr("role.evidence.open_activity"))
            go.triggered.connect(lambda: self.open_activity(answer.evidence_activity_id))
        if answer is not None and answer.evidence_photo:
            look = self.evidence_menu.addAction(tr("role.evidence.view_photo"))
            look.triggered.connect(lambda: self.view_photo(answer.evidence_photo))
        self.evidence_menu.addSeparator()
        clear = self.evidence_menu.addAction(tr("role.evidence.clear"))
        clear.triggered.connect(lambda: self.model.set_evidence(index, clear=True))

    def open_activity(self, activity_id: int) -> None:
        if not self.owner.screen.can_close():
            return
        window = self.window()
        if hasattr(window, "show_screen"):
            screen = window.show_screen("kegiatan")
            if hasattr(screen, "open_activity"):
                screen.open_activity(activity_id)

    def view_photo(self, file_name: str) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from imp_desktop.services import photos

        problem = photos.photo_problem(file_name)
        if problem:
            QMessageBox.warning(self, APP_NAME, problem)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(photos.photo_path(file_name))))

    def link_activity(self, index) -> None:
        sheet = self.model.sheet
        choices = roles.activity_choices(sheet.desa_code, sheet.period)
        if not choices:
            QMessageBox.information(self, APP_NAME, tr("role.evidence.no_activities"))
            return
        labels = [label for _, label in choices]
        label, ok = QInputDialog.getItem(self, tr("role.evidence.link_activity"),
                                         tr("role.evidence.choose_activity"), labels, 0, False)
        if ok and label in labels:
            activity_id = choices[labels.index(label)][0]
            self.model.set_evidence(index, activity_id=activity_id, activity_title=label)

    def add_photo(self, index) -> None:
        importer = _photo_import()
        path, _ = QFileDialog.getOpenFileName(self, tr("role.evidence.add_photo"), "",
                                              tr("role.evidence.photo_filter"))
        if not path or importer is None:
            return
        try:
            stored = importer(path)
        except UserError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.model.set_evidence(index, photo=stored.file_name)

    # --- gap to action and printing ----------------------------------------------------
    def gap_to_action(self) -> None:
        sheet = self.model.sheet
        if sheet is None or sheet.id is None:
            return
        from imp_desktop.ui.screens.roles.gap_dialog import GapDialog

        activity_id = GapDialog.create(self, sheet.id)
        if activity_id is None:
            return
        self.owner.notify(tr("role.gap.created"))
        window = self.window()
        if hasattr(window, "show_screen"):
            screen = window.show_screen("kegiatan")
            if hasattr(screen, "open_activity"):
                screen.open_activity(activity_id)

    def print_sheet(self) -> None:
        """The assessment sheet as PDF, made by the reports code: filled when saved,
        blank (for use in the field) when not, or when the officer asks."""
        sheet = self.model.sheet
        if sheet is None:
            return
        blank = sheet.id is None
        if not blank and self.dirty:
            answer = QMessageBox.question(self, APP_NAME, tr("role.print.unsaved_question"))
            if answer != QMessageBox.StandardButton.Yes:
                return
        elif blank:
            answer = QMessageBox.question(self, APP_NAME, tr("role.print.blank_question"))
            if answer != QMessageBox.StandardButton.Yes:
                return
        name = f"penilaian-{sheet.unit_name}-{sheet.period}"
        options = {"assessment_id": None if blank else sheet.id,
                   "unit_id": self.unit_id, "blank": blank, "period": self.period}
        path = save_pdf(self, tr("role.print.title"), name,
                        lambda reporting: _call(reporting.assessment_sheet_pdf, **options))
        if path:
            self.owner.notify(tr("role.print.done", path=path))

    def retranslate(self) -> None:
        self.assessed_on_label.setText(tr("role.form.assessed_on"))
        self.assessor_label.setText(tr("role.form.assessor"))
        self.note_label.setText(tr("role.form.note"))
        self.note.setPlaceholderText(tr("role.form.note_hint"))
        self.evidence_button.setText(tr("role.evidence.button"))
        self.evidence_button.setToolTip(tr("role.evidence.tooltip"))
        self.save_button.setText(tr("role.action.save"))
        self.save_button.setToolTip("Ctrl+S")
        self.revert_button.setText(tr("role.action.revert"))
        self.delete_button.setText(tr("role.action.delete"))
        self.gap_button.setText(tr("role.action.gap"))
        self.gap_button.setToolTip(tr("role.action.gap_tip"))
        self.print_button.setText(tr("role.action.print"))
        self.history_button.setText(tr("audit.button"))
        self.copy_button.setToolTip(tr("role.action.copy_tip"))
        self.tree.setToolTip(tr("role.checklist.tooltip"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        if self.model.sheet is None:
            self.title.setText(tr("role.checklist.pick"))
        self._show_score()


def _photo_import():
    try:
        from imp_desktop.services.photos import import_photo
    except ImportError:
        return None
    return import_photo


def _call(function, **options):
    """Call a reports function with the options it knows (older versions lack some)."""
    import inspect

    known = inspect.signature(function).parameters
    return function(**{key: value for key, value in options.items() if key in known})


def save_pdf(parent: QWidget, title: str, name: str, build) -> str | None:
    """Ask where to save, build the PDF with ``build(reporting)`` and write it in one go.

    A failure is explained and nothing is written.
    """
    from imp_desktop.services import reporting

    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")
    path, _ = QFileDialog.getSaveFileName(parent, title, f"{safe}.pdf", "PDF (*.pdf)")
    if not path:
        return None
    try:
        reporting.write_pdf(build(reporting), path)
    except UserError as exc:
        QMessageBox.warning(parent, APP_NAME, str(exc))
        return None
    return path


# --- the history of one unit -----------------------------------------------------------

class HistoryPanel(QWidget):
    def __init__(self, owner: "AssessmentPanel"):
        super().__init__(owner)
        self.owner = owner
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.chart = HistoryChart()
        self.model = history_model(self)
        self.table = _table(self.model, None)
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
    def __init__(self, screen: "RoleScreen"):
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
        self.unit_table = _table(self.units, 0)
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
        _fill_combo(self.desa_box, [(name, code) for code, name in roles.desa_choices()],
                    self.desa_code())
        self._fill_periods()
        self._fill_units()

    def _fill_periods(self) -> None:
        quarters = self.kind_box.currentData() == "quarter"
        periods = roles.period_choices(quarters, self.desa_code())
        keep = self.period()
        if keep is None and periods and not quarters:
            latest = roles.latest_period(self.desa_code()) if self.desa_code() else None
            keep = latest if latest and "Q" not in latest else periods[0].key
        _fill_combo(self.period_box, [(p.label(), p.key) for p in periods], keep)

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
        _fill_combo(self.kind_box, [(tr("role.pick.monthly"), "month"),
                                    (tr("role.pick.quarterly"), "quarter")],
                    self.kind_box.currentData() or "month")
        self.inner.setTabText(0, tr("role.tab.checklist"))
        self.inner.setTabText(1, tr("role.tab.history"))
        self.units.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.units.columnCount() - 1)
        self.checklist.retranslate()
        self.history.retranslate()


# --- the recap ------------------------------------------------------------------------------

class RecapPanel(QWidget):
    def __init__(self, screen: "RoleScreen"):
        super().__init__(screen)
        self.screen = screen
        self.stale = True
        self._ticket = 0
        self.recap: roles.Recap | None = None
        self.scope_box = QComboBox()
        self.scope_box.setObjectName("recapScope")
        self.scope_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_box = QComboBox()
        self.period_box.setMinimumContentsLength(16)
        self.scope_label, self.period_label = QLabel(), QLabel()
        self.scope_box.currentIndexChanged.connect(self.show_recap)
        self.period_box.currentIndexChanged.connect(self.show_recap)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_recap)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #44524c;")

        self.levels = recap_count_model(self)
        self.desa = recap_count_model(self)
        self.role_model = recap_role_model(self)
        self.unmet = recap_unmet_model(self)
        self.level_table = _table(self.levels)
        self.desa_table = _table(self.desa)
        self.role_table = _table(self.role_model)
        self.unmet_table = _table(self.unmet, 0)
        self.unmet_table.setWordWrap(True)
        self.unmet_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.unmet_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Interactive)
        self.unmet_table.horizontalHeader().resizeSection(1, 130)
        self.unmet_table.horizontalHeader().sectionResized.connect(
            lambda *_: self.unmet_table.resizeRowsToContents())
        self.level_title, self.desa_title, self.role_title, self.unmet_title = (
            QLabel(), QLabel(), QLabel(), QLabel())
        self.unit_model = recap_unit_model(self)
        self.unit_table = _table(self.unit_model, 1)
        self.unit_table.setObjectName("recapUnits")
        self.unit_table.doubleClicked.connect(self._open_unit)
        self.class_filter = QComboBox()
        self.level_filter = QComboBox()
        self.class_filter.currentIndexChanged.connect(self._filter_units)
        self.level_filter.currentIndexChanged.connect(self._filter_units)
        self.unit_caption = QLabel()
        self.unit_ids_filter: set[int] | None = None
        units_page = QWidget()
        units_layout = QVBoxLayout(units_page)
        units_layout.setContentsMargins(0, 4, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.class_filter)
        filters.addWidget(self.level_filter)
        filters.addWidget(self.unit_caption, 1)
        units_layout.addLayout(filters)
        units_layout.addWidget(self.unit_table, 1)
        unmet_page = QWidget()
        unmet_layout = QVBoxLayout(unmet_page)
        unmet_layout.setContentsMargins(0, 4, 0, 0)
        unmet_layout.addWidget(self.unmet_title)
        unmet_layout.addWidget(self.unmet_table, 1)
        self.right_tabs = QTabWidget()
        role_page = QWidget()
        role_layout = QVBoxLayout(role_page)
        role_layout.setContentsMargins(0, 4, 0, 0)
        role_layout.addWidget(self.role_title)
        role_layout.addWidget(self.role_table, 1)
        self.right_tabs.addTab(unmet_page, "")
        self.right_tabs.addTab(units_page, "")
        self.right_tabs.addTab(role_page, "")
        for title in (self.level_title, self.desa_title, self.role_title, self.unmet_title):
            title.setStyleSheet("font-weight: 600; margin-top: 4px;")
        self.level_table.setMaximumHeight(130)

        left = QVBoxLayout()
        left.addWidget(self.level_title)
        left.addWidget(self.level_table)
        left.addWidget(self.desa_title)
        left.addWidget(self.desa_table, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(self.right_tabs, 1)

        bar = QHBoxLayout()
        bar.addWidget(self.scope_label)
        bar.addWidget(self.scope_box)
        bar.addSpacing(12)
        bar.addWidget(self.period_label)
        bar.addWidget(self.period_box)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.caption)
        layout.addLayout(columns, 1)
        self.retranslate()

    def reload(self) -> None:
        scopes = roles.recap_scopes()
        items = [(name if scope == "desa" else tr("role.recap.kecamatan", name=name), code)
                 for code, scope, name in scopes]
        _fill_combo(self.scope_box, items, self.scope_box.currentData())
        for i, (_, scope, _) in enumerate(scopes):
            if scope == "desa":
                self.scope_box.setItemText(i, "    " + self.scope_box.itemText(i))
        periods = [roles.parse_period(key) for key in roles.assessed_periods()]
        keep = self.period_box.currentData()
        _fill_combo(self.period_box, [(p.label(), p.key) for p in periods], keep)
        self.stale = False
        self.show_recap()

    def show_recap(self) -> None:
        """Compute the recap off the main thread (a district has thousands of units)."""
        code, period = self.scope_box.currentData(), self.period_box.currentData()
        self._ticket += 1
        if not code or not period:
            self.recap = None
            for model in (self.levels, self.desa, self.role_model, self.unmet,
                          self.unit_model):
                model.set_rows([])
            self.caption.setText(tr("role.recap.empty"))
            self.print_button.setEnabled(False)
            return
        ticket, lang = self._ticket, language()
        self.caption.setText(tr("role.recap.loading"))
        self.print_button.setEnabled(False)
        task_runner().run(lambda: roles.recap(code, period, lang),
                          lambda recap: self._show(ticket, recap),
                          lambda exc: self._failed(ticket, exc))

    def _failed(self, ticket: int, exc: Exception) -> None:
        if ticket != self._ticket:
            return
        if not isinstance(exc, UserError):
            raise exc
        self.caption.setText(str(exc))

    def _show(self, ticket: int, recap: roles.Recap) -> None:
        if ticket != self._ticket:   # an older request answering late
            return
        self.recap = recap
        self.levels.set_rows(list(recap.by_level) + [recap.total])
        self.desa.set_rows(list(recap.by_desa) + ([recap.total] if recap.by_desa else []))
        self.desa_title.setVisible(bool(recap.by_desa))
        self.desa_table.setVisible(bool(recap.by_desa))
        self.role_model.set_rows(list(recap.roles))
        self.unmet.set_rows(list(recap.unmet))
        self.unmet_table.resizeRowsToContents()
        self._filter_units()
        versions = ", ".join(str(v) for v in recap.rule_versions) or "-"
        self.caption.setText(tr("role.recap.caption", assessed=format_number(recap.total.assessed),
                                total=format_number(recap.total.total),
                                period=recap.period_label, rules=versions))
        self.print_button.setEnabled(True)

    # --- the unit list and links from Beranda ---------------------------------------
    def _fill_unit_filters(self) -> None:
        from imp_desktop.services.settings import level_labels

        _fill_combo(self.class_filter, [(tr("role.recap.all_classes"), "all")]
                    + [(roles.classification_label(c), c) for c in roles.CLASSIFICATIONS]
                    + [(roles.classification_label(None), "none")],
                    self.class_filter.currentData() or "all")
        _fill_combo(self.level_filter, [(tr("role.recap.all_levels"), "all")]
                    + [(label, code) for code, label in level_labels().items()],
                    self.level_filter.currentData() or "all")

    def _filter_units(self) -> None:
        rows = list(self.recap.units) if self.recap else []
        wanted = self.class_filter.currentData() or "all"
        level = self.level_filter.currentData() or "all"
        if wanted != "all":
            rows = [u for u in rows if (u.classification or "none") == wanted]
        if level != "all":
            rows = [u for u in rows if u.level == level]
        if self.unit_ids_filter is not None:
            rows = [u for u in rows if u.unit_id in self.unit_ids_filter]
        self.unit_model.set_rows(rows)
        self.unit_caption.setText(self._unit_note + tr("role.recap.unit_count",
                                                       count=format_number(len(rows))))

    _unit_note = ""

    def show_units(self, classification: str | None = "all", level: str | None = None,
                   unit_ids: set[int] | None = None, note: str = "") -> None:
        """Show the unit list filtered (used by the links on Beranda)."""
        self.class_filter.blockSignals(True)
        self.class_filter.setCurrentIndex(max(self.class_filter.findData(
            "none" if classification is None else classification), 0))
        self.class_filter.blockSignals(False)
        self.level_filter.blockSignals(True)
        self.level_filter.setCurrentIndex(max(self.level_filter.findData(level or "all"), 0))
        self.level_filter.blockSignals(False)
        self.unit_ids_filter = unit_ids
        self._unit_note = f"{note} " if note else ""
        self.right_tabs.setCurrentIndex(1)
        self._filter_units()

    def _open_unit(self, index) -> None:
        row = self.unit_model.row_at(index.row()) if index.isValid() else None
        if row is not None and self.recap is not None:
            self.screen.open_unit(row.desa_code, row.unit_id, self.recap.period)

    def print_recap(self) -> None:
        recap = self.recap
        if recap is None:
            return
        def build(reporting) -> bytes:
            # Exactly the recap on screen (any kecamatan, month or quarter).
            return reporting.role_recap_pdf_from(recap)

        path = save_pdf(self, tr("role.print.recap_title"),
                        f"rekap-peran-bakti-{recap.region_name}-{recap.period}", build)
        if path:
            self.screen.notify(tr("role.print.done", path=path))

    def retranslate(self) -> None:
        self.scope_label.setText(tr("role.recap.scope"))
        self.period_label.setText(tr("role.pick.period"))
        self.print_button.setText(tr("role.action.print_recap"))
        self.level_title.setText(tr("role.recap.by_level"))
        self.desa_title.setText(tr("role.recap.by_desa"))
        self.role_title.setText(tr("role.recap.by_role"))
        self.unmet_title.setText(tr("role.recap.unmet"))
        self.right_tabs.setTabText(0, tr("role.recap.tab_unmet"))
        self.right_tabs.setTabText(1, tr("role.recap.tab_units"))
        self.right_tabs.setTabText(2, tr("role.recap.tab_roles"))
        self.unit_table.setToolTip(tr("role.recap.units_tip"))
        self._fill_unit_filters()
        for model in (self.levels, self.desa, self.role_model, self.unmet, self.unit_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        if self.recap is not None or not self.stale:
            self.show_recap()


class RoleScreen(Screen):
    title_key = "nav.roles"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.tabs = QTabWidget()
        self.assessment = AssessmentPanel(self)
        self.recap = RecapPanel(self)
        self.tabs.addTab(self.assessment, "")
        self.tabs.addTab(self.recap, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def refresh(self) -> None:
        self.assessment.reload()
        self.recap.stale = True
        if self.tabs.currentWidget() is self.recap:
            self.recap.reload()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.recap and self.recap.stale:
            self.recap.reload()

    def can_close(self) -> bool:
        """Asked by the window before it closes or opens another database."""
        return self.assessment.checklist.confirm_leave()

    # --- standard actions (Ctrl+S, Ctrl+P from the main window) ---------------------
    def save_record(self) -> None:
        if self.tabs.currentWidget() is self.assessment:
            self.assessment.checklist.save()

    def print_document(self) -> None:
        if self.tabs.currentWidget() is self.recap:
            self.recap.print_recap()
        else:
            self.assessment.checklist.print_sheet()

    # --- links ------------------------------------------------------------------------
    def apply_filter(self, filters: dict) -> None:
        """Links from Beranda: ``recap`` with ``classification`` and/or ``level``
        (units by their classification in the latest period), or
        ``not_assessed_since`` (ISO date: units with no assessment since then)."""
        import datetime as dt

        from imp_desktop.formatting import format_date

        self.tabs.setCurrentWidget(self.recap)
        if self.recap.stale:
            self.recap.reload()
        latest = roles.latest_period()
        if latest:
            index = self.recap.period_box.findData(latest)
            if index >= 0 and index != self.recap.period_box.currentIndex():
                self.recap.period_box.setCurrentIndex(index)
        if self.recap.scope_box.count() and self.recap.scope_box.currentIndex() != 0:
            self.recap.scope_box.setCurrentIndex(0)
        since = filters.get("not_assessed_since")
        if since:
            day = dt.date.fromisoformat(since)
            self.recap.show_units(None, None, roles.units_not_assessed_since(day),
                                  tr("role.recap.not_assessed_since", date=format_date(day)))
        elif "classification" in filters or "level" in filters:
            self.recap.show_units(filters.get("classification", "all"), filters.get("level"))

    def open_unit(self, desa_code: str, unit_id: int, period: str) -> None:
        """Open a unit's checklist for a period (from the recap's unit list)."""
        panel = self.assessment
        if not panel.checklist.confirm_leave():
            return
        self.tabs.setCurrentWidget(panel)
        panel.desa_box.blockSignals(True)
        panel.desa_box.setCurrentIndex(max(panel.desa_box.findData(desa_code), 0))
        panel.desa_box.blockSignals(False)
        panel.checklist.unit_id = unit_id
        panel.go_to_period(period)

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        self.tabs.setTabText(0, tr("role.tab.assessment"))
        self.tabs.setTabText(1, tr("role.tab.recap"))
        self.assessment.retranslate()
        self.recap.retranslate()
