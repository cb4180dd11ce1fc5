"""The checklist of one unit and period: a section per role, live score and
classification, evidence, saving, printing the sheet and gap to action."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.ui.date_field import DateField
from imp_desktop.ui.operations import document_file_name, export_document, op
from imp_desktop.ui.screens.roles.models import (
    ChecklistModel,
    WrappingDelegate,
)
from imp_desktop.ui.screens.roles.parts import ClassBadge
from imp_desktop.ui.tte_ui import SignedLabel

# --- the checklist of one unit and period ------------------------------------------

class ChecklistPanel(QWidget):
    def __init__(self, owner: QWidget):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
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
        self.signed = SignedLabel()       # the signed final version of this sheet
        layout.addWidget(self.signed)
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
        self.signed.load(None)
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
        from imp_desktop.services.audit import uuid_of

        self.signed.load(uuid_of("assessment", sheet.id) if sheet.id else None)
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
        """What is typed, with the version of the checklist as it was opened: a
        save after someone else's is refused and what is typed here stays."""
        day = self.assessed_on.date()
        sheet = self.model.sheet
        return roles.AssessmentInput(
            unit_id=self.unit_id, period=self.period, answers=self.model.answers_copy(),
            assessed_on=dt.date(day.year(), day.month(), day.day()),
            assessor=self.assessor.text(), note=self.note.text(),
            version=sheet.version if sheet is not None else None)

    def save(self) -> bool:
        sheet = self.model.sheet
        if sheet is None:
            return False
        return op(self, lambda: roles.save_assessment(self.current_input(), sheet.id)).success(
            self._saved).run_here()

    def _saved(self, assessment_id: int) -> None:
        self.open(self.unit_id, self.period)
        self.owner.after_save(assessment_id)
        self.owner.notify(tr("role.saved", unit=self.model.sheet.unit_name,
                             period=self.model.sheet.period_label))

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
        activity.triggered.connect(lambda: self.link_activity(index))
        photo = self.evidence_menu.addAction(tr("role.evidence.add_photo"))
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

    def view_photo(self, file_name: str):
        """The evidence photo in the program's own viewer (never a clear copy on disk)."""
        from imp_desktop.ui.photo_dialog import show_photo

        return show_photo(self, file_name, tr("role.evidence.view_photo"))

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
        from imp_desktop.services.photos import import_photo

        path, _ = QFileDialog.getOpenFileName(self, tr("role.evidence.add_photo"), "",
                                              tr("role.evidence.photo_filter"))
        if not path:
            return
        op(self, lambda: import_photo(path)).success(
            lambda stored: self.model.set_evidence(index, photo=stored.file_name)).run_here()

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
        from imp_desktop.services import reporting

        from imp_desktop.ui.tte_ui import sign_when_set

        assessment_id, unit_id, period = None if blank else sheet.id, self.unit_id, self.period
        signing: dict = {}   # a blank sheet is filled by hand: never signed ahead
        export_document(
            self, lambda: reporting.assessment_sheet_pdf(assessment_id, unit_id=unit_id,
                                                         blank=blank, period=period, **signing),
            document_file_name(f"penilaian-{sheet.unit_name}-{sheet.period}"),
            title=tr("role.print.title"), open_after=False,
            on_started=None if blank else sign_when_set(self, signing),
            on_saved=lambda path: self.owner.notify(tr("role.print.done", path=path)))

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


