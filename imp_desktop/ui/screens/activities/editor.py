"""The activity editor: every part of a Laporan Kegiatan, the attendance list and photos.

The editor holds the whole activity in plain values; ``save()`` hands them to
``services.activities.save_activity``, which writes them in one transaction.
A refused save shows why and keeps everything typed.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import ValidationError
from imp_desktop.formatting import TIME_ZONES, format_date, format_number, parse_number
from imp_desktop.i18n import tr
from imp_desktop.services import activities as service
from imp_desktop.services import drafting
from imp_desktop.services.activities import (
    ATTENDANCE_STATUSES,
    DEFAULT_TITLE,
    ENGAGEMENT_RATINGS,
    ActivityInput,
    engagement_label,
    status_label,
)
from imp_desktop.services.settings import get_setting
from imp_desktop.ui.date_field import DateField
from imp_desktop.ui.operations import export_document, op
from imp_desktop.ui.screens.activities.invite_dialog import GuestDialog, InviteDialog
from imp_desktop.ui.screens.activities.models import STATUS_KEYS, AttendanceModel
from imp_desktop.ui.screens.activities.photo_panel import PhotoPanel
from imp_desktop.ui.widgets import ok_cancel

# The report sections on their tabs, in the order of the Laporan Kegiatan.
SECTION_TABS = [
    ("activity.tab.introduction", ["background", "aims", "legal_basis"]),
    ("activity.tab.execution", ["agenda", "speakers", "participants_note"]),
    ("activity.tab.results", ["results", "supporting_factors", "inhibiting_factors"]),
    ("activity.tab.closing", ["conclusions", "suggestions", "follow_up", "closing"]),
]
FUNDING_SOURCES = ["Dana Desa", "APBD Kabupaten/Kota", "BOKB", "Swadaya kader",
                   "Tanpa biaya"]
# What the print menu makes: (kind, i18n key of the menu entry).
PRINT_KINDS = ("attendance_blank", "attendance", "report")
ATTENDANCE_WIDTHS = {"number": 40, "name": 210, "role": 270, "desa": 110, "status": 130,
                     "pre": 70, "post": 70, "gain": 70}


class StatusDelegate(QStyledItemDelegate):
    """A drop-down of the four statuses (and "not marked") in the status column."""

    def createEditor(self, parent, option, index):
        box = QComboBox(parent)
        box.addItem(status_label(None), "")
        for status in ATTENDANCE_STATUSES:
            box.addItem(status_label(status), status)
        return box

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")))
        editor.showPopup()

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class AttendanceView(QTableView):
    """The attendance table. H, I, S, T mark the selected people (B clears) and move down."""

    status_key = Signal(object)   # status code or None

    def keyPressEvent(self, event) -> None:
        model = self.model()
        key = Qt.Key(event.key())
        column = model.COLUMNS[self.currentIndex().column()] if self.currentIndex().isValid() \
            else "status"
        typing_column = column in ("pre", "post", "note") or (
            column in ("name", "role") and model.participant(self.currentIndex().row())
            and model.participant(self.currentIndex().row()).is_guest)
        if (key in STATUS_KEYS and not typing_column
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and self.state() != QAbstractItemView.State.EditingState):
            self.status_key.emit(STATUS_KEYS[key])
            return
        super().keyPressEvent(event)


class DuplicateDialog(QDialog):
    """Asks the date of the copy (next month by default)."""

    def __init__(self, parent, default: dt.date):
        super().__init__(parent)
        self.setWindowTitle(tr("activity.duplicate.title"))
        self.date = DateField()
        self.date.setDate(QDate(default.year, default.month, default.day))
        note = QLabel(tr("activity.duplicate.note"))
        note.setWordWrap(True)
        buttons = ok_cancel(self.accept, self.reject)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("activity.duplicate.date"), self.date)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @classmethod
    def get_date(cls, parent, default: dt.date) -> dt.date | None:
        dialog = cls(parent, default)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.date.date().toPython()


class ActivityEditor(QWidget):
    """Edits one activity; ``closed`` asks the screen to show the list again."""

    closed = Signal()
    saved = Signal(int)
    duplicated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.activity_id: int | None = None
        self._dirty = False
        self._loading = False
        self._drafted: dict[str, str] = {}     # each section as the program last drafted it
        self._version: str | None = None      # the row version read with the activity
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("activityTabs")
        self._labels: dict[str, QLabel] = {}
        self.tabs.addTab(self._build_details(), "")
        self.texts: dict[str, QPlainTextEdit] = {}
        for _, names in SECTION_TABS:
            self.tabs.addTab(self._build_sections(names), "")
        self.tabs.addTab(self._build_attendance(), "")
        self.photos = PhotoPanel()
        self.photos.changed.connect(self._mark_dirty)
        self.photos.changed.connect(self._update_tab_titles)
        self.tabs.addTab(self.photos, "")

        self.counts_label = QLabel()
        self.counts_label.setObjectName("attendanceCounts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.counts_label.setWordWrap(True)   # a long summary wraps instead of widening the window
        self.redraft_button = QPushButton()   # "Susun ulang": untouched sections only
        self.redraft_button.setObjectName("redraftButton")
        self.redraft_button.clicked.connect(self.redraft)
        self.duplicate_button = QPushButton()
        self.history_button = QPushButton()   # who changed what, from the audit trail
        self.history_button.setVisible(False)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printButton")
        self.print_menu = QMenu(self)
        for kind in PRINT_KINDS:
            action = self.print_menu.addAction("")
            action.setData(kind)
            action.triggered.connect(lambda _=False, k=kind: self.print_document(k))
        self.print_button.setMenu(self.print_menu)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.close_button = QPushButton()
        self.duplicate_button.clicked.connect(self.duplicate)
        self.history_button.clicked.connect(self.show_history)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.request_close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.counts_label, 1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.duplicate_button)
        bottom.addWidget(self.history_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)

        # Beside the tabs of the report's sections (the bottom row is full at 125%).
        self.tabs.setCornerWidget(self.redraft_button, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        from imp_desktop.ui.tte_ui import SignedLabel

        self.signed = SignedLabel()       # the signed final version of its printouts
        layout.addWidget(self.signed)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Escape"), self, activated=self.request_close,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    # --- building --------------------------------------------------------------
    def _label(self, key: str) -> QLabel:
        label = QLabel()
        self._labels[key] = label
        return label

    def _build_details(self) -> QWidget:
        # Long on purpose: the form's fields top to bottom, in the order they appear.
        page = QWidget()
        self.title = QLineEdit()
        self.title.setObjectName("activityTitle")
        self.type_box = QComboBox()
        self.date = DateField()       # "27112026" typed in takes at once
        self.date_text = QLabel()
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH.mm")
        self.end = QTimeEdit()
        self.end.setDisplayFormat("HH.mm")
        self.until_done = QCheckBox()
        self.until_done.toggled.connect(lambda on: self.end.setEnabled(not on))
        self.zone = QComboBox()
        self.zone.addItems(list(TIME_ZONES))
        self.place = QLineEdit()
        self.desa_box = QComboBox()
        self.funding_source = QComboBox()
        self.funding_source.setEditable(True)
        self.funding_source.addItems(FUNDING_SOURCES)
        self.funding_amount = QLineEdit()
        self.funding_amount.setObjectName("fundingAmount")
        self.funding_amount.setPlaceholderText("Rp0")
        self.funding_amount.editingFinished.connect(self._format_amount)
        self.rating = QComboBox()
        self.engagement_note = QPlainTextEdit()
        self.engagement_note.setTabChangesFocus(True)
        self.engagement_note.setMaximumHeight(70)
        self.error = QLabel()
        self.error.setObjectName("activityError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)

        time_row = QHBoxLayout()
        time_row.addWidget(self.start)
        self.until_label = QLabel("–")
        time_row.addWidget(self.until_label)
        time_row.addWidget(self.end)
        time_row.addWidget(self.until_done)
        time_row.addWidget(self.zone)
        time_row.addStretch(1)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date)
        date_row.addWidget(self.date_text, 1)

        left = QGroupBox()
        self.when_group = left
        form = QFormLayout(left)
        form.addRow(self._label("activity.field.title"), self.title)
        form.addRow(self._label("activity.field.type"), self.type_box)
        form.addRow(self._label("activity.field.date"), date_row)
        form.addRow(self._label("activity.field.time"), time_row)
        form.addRow(self._label("activity.field.place"), self.place)
        form.addRow(self._label("activity.field.desa"), self.desa_box)
        right = QGroupBox()
        self.other_group = right
        form2 = QFormLayout(right)
        form2.addRow(self._label("activity.field.funding_source"), self.funding_source)
        form2.addRow(self._label("activity.field.funding_amount"), self.funding_amount)
        form2.addRow(self._label("activity.field.engagement"), self.rating)
        form2.addRow(self._label("activity.field.engagement_note"), self.engagement_note)
        grid = QGridLayout(page)
        grid.addWidget(left, 0, 0)
        grid.addWidget(right, 0, 1)
        grid.addWidget(self.error, 1, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(2, 1)

        for widget in (self.title, self.place, self.funding_amount):
            widget.textEdited.connect(self._mark_dirty)
        self.title.textEdited.connect(self._update_heading)
        for box in (self.type_box, self.zone, self.desa_box, self.rating):
            box.currentIndexChanged.connect(self._mark_dirty)
        self.funding_source.currentTextChanged.connect(self._mark_dirty)
        self.engagement_note.textChanged.connect(self._mark_dirty)
        self.date.dateChanged.connect(self._mark_dirty)
        self.date.dateChanged.connect(self._show_weekday)
        self.start.timeChanged.connect(self._mark_dirty)
        self.end.timeChanged.connect(self._mark_dirty)
        self.until_done.toggled.connect(self._mark_dirty)
        return page

    def _build_sections(self, names: list[str]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        for name in names:
            if name == "agenda":
                layout.addLayout(self._build_agenda_roles())
            edit = QPlainTextEdit()
            edit.setObjectName(f"section_{name}")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(44)   # five of them still fit at 125% on 1366x768
            edit.textChanged.connect(self._mark_dirty)
            self.texts[name] = edit
            layout.addWidget(self._label(f"activity.field.{name}"))
            layout.addWidget(edit, 1)
        return page

    def _build_agenda_roles(self) -> QGridLayout:
        """The Enam Peran Bakti chosen as the session's material (drafts "Acara dan materi"),
        in two rows of three: one row of six is too wide at 125%."""
        from imp_desktop.services.roles import ROLE_CODES

        grid = QGridLayout()
        self.agenda_roles_label = QLabel()
        grid.addWidget(self.agenda_roles_label, 0, 0)
        self.agenda_roles: dict[str, QCheckBox] = {}
        for index, code in enumerate(ROLE_CODES):
            box = QCheckBox()
            box.setObjectName(f"agendaRole_{code}")
            box.toggled.connect(self._mark_dirty)
            self.agenda_roles[code] = box
            grid.addWidget(box, index // 3, 1 + index % 3)
        grid.setColumnStretch(4, 1)
        return grid

    def _build_attendance(self) -> QWidget:
        page = QWidget()
        self.model = AttendanceModel(self)
        self.model.counts_changed.connect(self._update_counts)
        self.model.edited.connect(self._mark_dirty)
        self.table = AttendanceView()
        self.table.setObjectName("attendanceTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setItemDelegateForColumn(self.model.column("status"), StatusDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for name, width in ATTENDANCE_WIDTHS.items():
            header.resizeSection(self.model.column(name), width)
        self.table.status_key.connect(self._status_key)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)

        self.invite_button = QPushButton()
        self.guest_button = QPushButton()
        self.all_present_button = QPushButton()
        self.all_present_button.setObjectName("allPresent")
        self.mark_button = QPushButton()
        self.remove_button = QPushButton()
        self.scores_box = QCheckBox()
        self.scores_box.setObjectName("scoresEnabled")
        self.invite_button.clicked.connect(self.invite)
        self.guest_button.clicked.connect(self.add_guest)
        self.all_present_button.clicked.connect(self.mark_all_present)
        self.remove_button.clicked.connect(self.remove_selected)
        self.mark_menu = QMenu(self)
        for status in (*ATTENDANCE_STATUSES, None):
            action = self.mark_menu.addAction("")
            action.setData(status)
            action.triggered.connect(lambda _=False, s=status: self.mark_selected(s))
        self.mark_button.setMenu(self.mark_menu)
        self.scores_box.toggled.connect(self._scores_toggled)
        self.keys_hint = QLabel()
        self.keys_hint.setObjectName("keysHint")
        self.keys_hint.setStyleSheet("color: #5b625e;")

        buttons = QHBoxLayout()
        for button in (self.invite_button, self.guest_button, self.all_present_button,
                       self.mark_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.scores_box)
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.keys_hint)
        for name in ("pre", "post", "gain"):
            self.table.setColumnHidden(self.model.column(name), True)
        return page

    def retranslate(self) -> None:
        for key, label in self._labels.items():
            label.setText(tr(key))
        self.when_group.setTitle(tr("activity.group.when"))
        self.other_group.setTitle(tr("activity.group.other"))
        self.until_done.setText(tr("activity.until_done_box"))
        self.rating.blockSignals(True)
        current = self.rating.currentData()
        self.rating.clear()
        self.rating.addItem(tr("activity.engagement.none"), None)
        for value in ENGAGEMENT_RATINGS:
            self.rating.addItem(f"{value} – {engagement_label(value)}", value)
        self.rating.setCurrentIndex(max(0, self.rating.findData(current)))
        self.rating.blockSignals(False)
        self.invite_button.setText(tr("attendance.invite"))
        self.guest_button.setText(tr("attendance.add_guest"))
        self.all_present_button.setText(tr("attendance.all_present"))
        self.mark_button.setText(tr("attendance.mark"))
        for action in self.mark_menu.actions():
            status = action.data()
            key = {"hadir": "H", "izin": "I", "sakit": "S", "alpa": "T", None: "B"}[status]
            action.setText(f"{status_label(status)}\t{key}")
        self.remove_button.setText(tr("attendance.remove"))
        self.scores_box.setText(tr("activity.field.scores_enabled"))
        self.keys_hint.setText(tr("attendance.keys_hint"))
        from imp_desktop.services.roles import role_name

        self.agenda_roles_label.setText(tr("activity.field.agenda_roles"))
        for code, box in self.agenda_roles.items():
            box.setText(role_name(code))
        self.redraft_button.setText(tr("activity.redraft"))
        self.redraft_button.setToolTip(tr("activity.redraft_tip"))
        self.duplicate_button.setText(tr("activity.duplicate"))
        self.history_button.setText(tr("activity.history"))   # short: the row is full
        self.history_button.setToolTip(tr("activity.history_tip"))
        self.print_button.setText(tr("activity.print"))
        for action in self.print_menu.actions():
            action.setText(tr(f"activity.print.{action.data()}"))
        self.save_button.setText(tr("activity.save"))
        self.save_button.setToolTip("Ctrl+S")
        self.close_button.setText(tr("activity.close"))
        self.close_button.setToolTip("Esc")
        if self.type_box.count():
            self.type_box.setItemText(0, tr("activity.no_type"))
        if self.desa_box.count():
            self.desa_box.setItemText(0, tr("activity.no_desa"))
        self.photos.retranslate()
        self._update_tab_titles()
        self._update_counts()
        self._update_heading()
        self._show_weekday()

    def _update_tab_titles(self) -> None:
        self.tabs.setTabText(0, tr("activity.tab.details"))
        for index, (key, _) in enumerate(SECTION_TABS, 1):
            self.tabs.setTabText(index, tr(key))
        attendance = len(SECTION_TABS) + 1
        self.tabs.setTabText(attendance, tr("activity.tab.attendance",
                                            count=self.model.rowCount()))
        self.tabs.setTabText(attendance + 1, tr("activity.tab.photos",
                                                count=len(self.photos.photos())))

    def _fill_choices(self, type_id: int | None, desa_code: str | None) -> None:
        self.type_box.clear()
        self.type_box.addItem(tr("activity.no_type"), None)
        types = service.activity_types(include_inactive=True)
        for kind in types:
            if kind.active or kind.id == type_id:
                self.type_box.addItem(kind.name, kind.id)
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(type_id)))
        self.desa_box.clear()
        self.desa_box.addItem(tr("activity.no_desa"), None)
        for code, name in service.activity_desa():
            self.desa_box.addItem(name, code)
        self.desa_box.setCurrentIndex(max(0, self.desa_box.findData(desa_code)))

    # --- loading ---------------------------------------------------------------
    def new_activity(self, desa_code: str | None = None) -> None:
        from imp_desktop.services.first_run import preferred_desa

        data = ActivityInput(date=dt.date.today(), start_time=dt.time(9, 0),
                             end_time=dt.time(12, 0),
                             time_zone=str(get_setting("timezone") or "WIB"),
                             desa_code=desa_code or preferred_desa(
                                 [code for code, _ in service.activity_desa()]))
        types = service.activity_types()
        if types:
            data.type_id = types[0].id
        # A new report starts as a draft from the template: the officer edits it.
        data = drafting.redraft(data, []).data
        self._show(None, data, [], [])

    def open_activity(self, activity_id: int) -> None:
        detail = service.get_activity(activity_id)
        self._show(activity_id, detail.input, detail.participants, detail.photos)

    def _show(self, activity_id, data: ActivityInput, participants, photos) -> None:
        self._loading = True
        try:
            self.activity_id = activity_id
            self._version = data.version     # what a save compares with (shared databases)
            self._fill_choices(data.type_id, data.desa_code)
            self.title.setText(data.title)
            day = data.date or dt.date.today()
            self.date.setDate(QDate(day.year, day.month, day.day))
            start = data.start_time or dt.time(9, 0)
            self.start.setTime(QTime(start.hour, start.minute))
            end = data.end_time or dt.time(start.hour, start.minute)
            self.end.setTime(QTime(end.hour, end.minute))
            self.until_done.setChecked(data.end_time is None)
            self.zone.setCurrentText(data.time_zone or "WIB")
            self.place.setText(data.place)
            for name, edit in self.texts.items():
                edit.setPlainText(getattr(data, name))
            self._drafted = dict(data.drafted or {})
            for code, box in self.agenda_roles.items():
                box.setChecked(code in (data.agenda_roles or []))
            self.funding_source.setCurrentText(data.funding_source)
            self.funding_amount.setText(format_number(data.funding_amount)
                                        if data.funding_amount is not None else "")
            self._format_amount()
            self.rating.setCurrentIndex(max(0, self.rating.findData(data.engagement_rating)))
            self.engagement_note.setPlainText(data.engagement_note)
            self.scores_box.setChecked(data.scores_enabled)
            self._scores_toggled(data.scores_enabled)
            self.model.set_rows(participants)
            self.photos.set_photos(photos)
            self.error.clear()
            self.duplicate_button.setEnabled(activity_id is not None)
            self.history_button.setVisible(activity_id is not None)
            self.signed.load(_activity_uuid(activity_id))
            self.tabs.setCurrentIndex(0)
        finally:
            self._loading = False
        self._dirty = False
        self._update_tab_titles()
        self._update_heading()
        self.title.setFocus()

    # --- reading the form ------------------------------------------------------
    def _amount(self) -> int | None:
        text = self.funding_amount.text().strip()
        if not text:
            return None
        value = parse_number(text)
        return int(value)

    def _format_amount(self) -> None:
        try:
            value = self._amount()
        except (ArithmeticError, ValueError):   # not a number (yet): left as typed
            return
        if value is not None:
            self.funding_amount.setText("Rp" + format_number(value))

    def form_input(self) -> ActivityInput:
        """What the form holds now; raises ValidationError for an unreadable amount."""
        try:
            amount = self._amount()
        except (ArithmeticError, ValueError) as exc:
            message = tr("activity.error.amount")
            raise ValidationError(message, [("funding_amount", message)]) from exc
        start = self.start.time().toPython()
        return ActivityInput(
            title=self.title.text(), type_id=self.type_box.currentData(),
            date=self.date.date().toPython(), start_time=start,
            end_time=None if self.until_done.isChecked() else self.end.time().toPython(),
            time_zone=self.zone.currentText(), place=self.place.text(),
            desa_code=self.desa_box.currentData(),
            **{name: edit.toPlainText() for name, edit in self.texts.items()},
            funding_source=self.funding_source.currentText(), funding_amount=amount,
            engagement_rating=self.rating.currentData(),
            engagement_note=self.engagement_note.toPlainText(),
            scores_enabled=self.scores_box.isChecked(),
            agenda_roles=[code for code, box in self.agenda_roles.items() if box.isChecked()],
            drafted=dict(self._drafted), version=self._version)

    # --- state -----------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._dirty

    def _mark_dirty(self, *_args) -> None:
        if not self._loading:
            self._dirty = True
            self._update_heading()

    def _update_heading(self, *_args) -> None:
        title = self.title.text().strip() or DEFAULT_TITLE
        prefix = tr("activity.new_heading") if self.activity_id is None else ""
        mark = " •" if self._dirty else ""
        self.heading.setText(f"{prefix}{title}{mark}")

    def _show_weekday(self, *_args) -> None:
        self.date_text.setText(format_date(self.date.date().toPython(), weekday=True))

    def _update_counts(self) -> None:
        counts = self.model.counts()
        parts = [tr("attendance.invited", count=counts.invited)]
        for status in (*ATTENDANCE_STATUSES, None):
            number = counts.by_status.get(status, 0)
            if status is None and not number:
                continue
            parts.append(f"{status_label(status)} <b>{number}</b>")
        text = " · ".join(parts)
        if self.scores_box.isChecked():
            scores = self.model.scores()
            if scores.gain_average is not None:
                gain = scores.gain_average
                text += " · " + tr("attendance.gain", gain=("+" if gain > 0 else "")
                                   + format_number(gain, 1), count=scores.paired)
            elif scores.any:
                text += " · " + tr("attendance.gain_waiting")
        self.counts_label.setText(text)
        self._update_tab_titles()

    def _scores_toggled(self, on: bool) -> None:
        for name in ("pre", "post", "gain"):
            self.table.setColumnHidden(self.model.column(name), not on)
        self._mark_dirty()
        self._update_counts()

    # --- attendance actions ----------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def _status_key(self, status) -> None:
        rows = self.selected_rows()
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        self.model.set_status(rows, status)
        if len(rows) == 1 and rows[0] + 1 < self.model.rowCount():
            # one person marked: go to the next, so a list is marked key after key
            nxt = self.model.index(rows[0] + 1, self.table.currentIndex().column())
            self.table.setCurrentIndex(nxt)

    def mark_selected(self, status) -> None:
        self.model.set_status(self.selected_rows(), status)

    def mark_all_present(self) -> None:
        self.model.set_status(None, "hadir")

    def invite(self) -> None:
        already = {row.cadre_id for row in self.model.rows() if row.cadre_id}
        rows = InviteDialog.get_rows(self, self.desa_box.currentData(), already)
        if rows:
            self.add_rows(rows)

    def add_rows(self, rows) -> int:
        """Append the people not on the list yet; returns how many were added."""
        current = self.model.rows()
        combined, added = service.add_invitations(current, rows)
        self.model.append(combined[len(current):])
        if added:
            self.table.scrollToBottom()
        self._notify(tr("attendance.added", count=added))
        return added

    def _notify(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 5000)

    def add_guest(self) -> None:
        row = GuestDialog.get_row(self)
        if row is not None:
            self.model.append([row])
            self.table.scrollToBottom()

    def remove_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        if QMessageBox.question(self, APP_NAME, tr("attendance.remove_confirm", count=len(rows))
                                ) != QMessageBox.StandardButton.Yes:
            return
        self.model.remove(rows)

    def _table_menu(self, position) -> None:
        menu = QMenu(self)
        for action in self.mark_menu.actions():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(tr("attendance.remove"), self.remove_selected)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # --- drafting -----------------------------------------------------------------
    def redraft(self) -> None:
        """Draft again from the data the sections the officer has not touched."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            self.table.setFocus()   # commits the cell being typed
        try:
            result = drafting.redraft(self.form_input(), self.model.rows())
        except ValidationError as exc:
            self._show_problems(exc)
            return
        for name in result.changed:
            self.texts[name].setPlainText(getattr(result.data, name))
        self._drafted = dict(result.data.drafted)
        self._notify(tr("activity.redrafted", count=len(result.changed),
                        kept=len(result.kept)))

    # --- saving and closing ----------------------------------------------------
    def save(self) -> bool:
        """Save everything in one transaction; on refusal show why and keep the form."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            self.table.setFocus()   # commits the cell being typed
        return op(self, lambda: service.save_activity(
            self.form_input(), self.model.rows(), self.photos.photos(), self.activity_id)
        ).success(self._saved).failure(self._show_problems).run_here()

    def _saved(self, new_id: int) -> None:
        selected_tab = self.tabs.currentIndex()
        self.open_activity(new_id)
        self.tabs.setCurrentIndex(selected_tab)
        self.saved.emit(new_id)
        self._notify(tr("activity.saved"))

    def _show_problems(self, exc: Exception) -> None:
        """A refusal with problems is also shown above the form, on the right tab."""
        if not isinstance(exc, ValidationError):
            return
        messages = [message for _, message in exc.problems] or [str(exc)]
        self.error.setText(tr("activity.error.list") + " " + " ".join(dict.fromkeys(messages)))
        fields = {name for name, _ in exc.problems}
        if fields & {"title", "date", "start_time", "end_time", "time_zone", "type_id",
                     "desa_code", "funding_amount", "engagement_rating"}:
            self.tabs.setCurrentIndex(0)
            widget = {"title": self.title, "date": self.date, "end_time": self.end,
                      "funding_amount": self.funding_amount}.get(next(iter(fields)), None)
            if widget is not None:
                widget.setFocus()
        elif "participants" in fields:
            self.tabs.setCurrentIndex(len(SECTION_TABS) + 1)

    def confirm_leave(self) -> bool:
        """True when the editor may be left (saved, discarded or nothing changed)."""
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self, APP_NAME, tr("activity.unsaved"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def request_close(self) -> None:
        if self.table.state() == QAbstractItemView.State.EditingState:
            self.table.setFocus()   # Esc while typing in a cell ends the typing only
            return
        if self.confirm_leave():
            self._dirty = False
            self.closed.emit()

    def print_document(self, kind: str = "report") -> None:
        """Make the PDF of the saved activity (saving first when something changed)."""
        if self._dirty or self.activity_id is None:
            if QMessageBox.question(self, APP_NAME, tr("activity.print.save_first"),
                                    QMessageBox.StandardButton.Save
                                    | QMessageBox.StandardButton.Cancel,
                                    QMessageBox.StandardButton.Save
                                    ) != QMessageBox.StandardButton.Save or not self.save():
                return
        if kind == "report" and not self.ask_village_head():
            return
        make_activity_pdf(self, self.activity_id, kind)

    def ask_village_head(self) -> bool:
        """The Laporan Kegiatan needs a name under "Mengetahui": asked only when neither
        the guests nor the desa's record give one; kept for the desa. False: cancelled."""
        from PySide6.QtWidgets import QInputDialog

        from imp_desktop.services import reporting
        from imp_desktop.services import settings as settings_service

        if self.activity_id is None or reporting.village_head_known(self.activity_id):
            return True
        detail = service.get_activity(self.activity_id)
        head = settings_service.get_village_head(detail.desa_code)
        title = head.title or settings_service.default_head_title(detail.desa_code)
        name, ok = QInputDialog.getText(
            self, APP_NAME, tr("activity.print.village_head", title=title,
                               desa=detail.desa_name))
        if not ok:
            return False
        if name.strip():
            head.name = name
            settings_service.save_village_head(head)
        return True

    def show_history(self) -> None:
        """The activity's history with its participants' and photos'."""
        from imp_desktop.services.audit import uuid_of
        from imp_desktop.ui.audit_dialog import AuditTrailDialog

        if self.activity_id is not None:
            AuditTrailDialog.show_for(self, uuid_of("activity", self.activity_id),
                                      self.title.text(), children=True)

    def duplicate(self) -> None:
        if self.activity_id is None or not self.confirm_leave():
            return
        source = service.get_activity(self.activity_id)
        day = DuplicateDialog.get_date(self, service.next_month(source.date))
        if day is None:
            return
        op(self, lambda: service.duplicate_activity(self.activity_id, day)).success(
            lambda new_id: self._duplicated(new_id, day)).run_here()

    def _duplicated(self, new_id: int, day) -> None:
        self.open_activity(new_id)
        self.duplicated.emit(new_id)
        self._notify(tr("activity.duplicated", date=format_date(day)))


def _activity_uuid(activity_id: int | None) -> str | None:
    from imp_desktop.services.audit import uuid_of

    return uuid_of("activity", activity_id) if activity_id is not None else None


def pdf_file_name(activity_id: int, kind: str) -> str:
    detail = service.get_activity(activity_id)
    stem = tr(f"activity.print.file.{kind}")
    place = "-".join((detail.desa_name or "").split())
    return "-".join(part for part in (stem, place, detail.date.isoformat()) if part) + ".pdf"


def make_activity_pdf(parent: QWidget, activity_id: int, kind: str,
                      choose_path=None, open_file=None) -> None:
    """Ask where to save, build the PDF in the background, write it and open it.

    The documents themselves are made by ``services.reporting`` (ReportLab).
    ``choose_path``/``open_file`` stand in for the file dialog and the viewer in tests.
    """
    from imp_desktop.services import reporting

    from imp_desktop.ui.tte_ui import sign_when_set

    signing: dict = {}

    def build() -> bytes:
        if kind == "report":
            return reporting.activity_report_pdf(activity_id, **signing)
        return reporting.attendance_pdf(activity_id, blank=kind == "attendance_blank",
                                        **signing)

    window = parent.window()
    status = window.statusBar() if hasattr(window, "statusBar") else None

    def saved(written: str) -> None:
        if status is not None:
            status.showMessage(tr("activity.print.done", path=written), 8000)

    def failed(_exc) -> None:
        if status is not None:
            status.clearMessage()

    def busy(_path: str) -> None:
        if status is not None:
            status.showMessage(tr("activity.print.busy"))

    export_document(parent, build, pdf_file_name(activity_id, kind),
                    title=tr(f"activity.print.{kind}"), choose_path=choose_path,
                    open_file=open_file, on_started=sign_when_set(parent, signing, busy),
                    on_saved=saved, on_failed=failed)
