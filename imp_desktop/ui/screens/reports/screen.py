"""The Laporan screen: choose a document and its options, build the PDF off the
main thread, save it and open it in the system's PDF viewer.

Other screens can send the officer here with a document already chosen:
``window.show_screen("laporan").choose("activity", activity_id=12)``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import reporting
from imp_desktop.ui.operations import document_file_name, export_document, op, work_folder
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.widgets import fill_combo

KINDS = ("activity", "attendance", "cadres", "roles", "assessment", "monthly", "monthly_recap",
         "coverage", "register")
MONTHLY_KINDS = ("monthly", "monthly_recap", "coverage", "register")


def default_folder() -> Path:
    """Documents/IMP Desktop: where "Buat dan buka" keeps the PDFs it makes."""
    return work_folder()


def _file_name(text: str, suffix: str = ".pdf") -> str:
    return document_file_name(text)[:-len(".pdf")] + suffix


class _Options(QWidget):
    """The options of one document kind: a small form."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: list[tuple[QLabel, str]] = []

    def row(self, key: str, widget: QWidget) -> QWidget:
        label = QLabel()
        label.setBuddy(widget)
        self.labels.append((label, key))
        self.form.addRow(label, widget)
        return widget

    def retranslate(self) -> None:
        for label, key in self.labels:
            label.setText(tr(key))


def _combo(name: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setMinimumContentsLength(40)
    box.setMaximumWidth(720)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return box


class ReportScreen(Screen):
    title_key = "nav.reports"

    def __init__(self, parent: QWidget | None = None):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(parent)
        self.busy = False
        self.last_path: Path | None = None
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.intro = QLabel()
        self.intro.setWordWrap(True)

        self.kinds = QListWidget()
        self.kinds.setObjectName("reportKinds")
        self.kinds.setMaximumWidth(280)
        self.kinds.setStyleSheet("QListWidget::item { padding: 7px 6px; }")
        for kind in KINDS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kinds.addItem(item)
        self.kinds.currentRowChanged.connect(self._kind_changed)

        self.stack = QStackedWidget()
        self.options: dict[str, _Options] = {}
        # Laporan Kegiatan
        page = self._page("activity")
        self.activity_box = page.row("report.ui.activity", _combo("reportActivity"))
        # Daftar Hadir
        page = self._page("attendance")
        self.attendance_box = page.row("report.ui.activity", _combo("reportAttendanceActivity"))
        self.blank_attendance = page.row("report.ui.empty", QCheckBox())
        # Daftar Kader
        page = self._page("cadres")
        self.cadre_desa_box = page.row("report.ui.desa", _combo("reportCadreDesa"))
        self.full_nik = page.row("report.ui.nik", QCheckBox())
        # Rekap Peran Bakti
        page = self._page("roles")
        self.recap_scope_box = page.row("report.ui.scope", _combo("reportRecapScope"))
        self.recap_period_box = page.row("report.ui.period", _combo("reportRecapPeriod"))
        # Lembar penilaian
        page = self._page("assessment")
        self.sheet_desa_box = page.row("report.ui.desa", _combo("reportSheetDesa"))
        self.sheet_unit_box = page.row("report.ui.unit", _combo("reportSheetUnit"))
        self.sheet_period_box = page.row("report.ui.period", _combo("reportSheetPeriod"))
        self.blank_sheet = page.row("report.ui.empty_sheet", QCheckBox())
        self.sheet_desa_box.currentIndexChanged.connect(self._fill_units)
        # Laporan bulanan of one unit
        page = self._page("monthly")
        self.monthly_desa_box = page.row("report.ui.desa", _combo("reportMonthlyDesa"))
        self.monthly_unit_box = page.row("report.ui.unit", _combo("reportMonthlyUnit"))
        self.monthly_month_box = page.row("report.ui.month", _combo("reportMonthlyMonth"))
        self.monthly_desa_box.currentIndexChanged.connect(self._fill_monthly_units)
        # Rekap laporan bulanan
        page = self._page("monthly_recap")
        self.mrecap_scope_box = page.row("report.ui.scope", _combo("reportMonthlyRecapScope"))
        self.mrecap_month_box = page.row("report.ui.month", _combo("reportMonthlyRecapMonth"))
        # Cakupan laporan
        page = self._page("coverage")
        self.coverage_month_box = page.row("report.ui.month", _combo("reportCoverageMonth"))
        # Register kosong per dusun/RW
        page = self._page("register")
        self.register_desa_box = page.row("report.ui.desa", _combo("reportRegisterDesa"))
        self.register_hamlet_box = page.row("report.ui.hamlet", _combo("reportRegisterHamlet"))
        self.register_year_box = page.row("report.ui.year", _combo("reportRegisterYear"))
        self.register_desa_box.currentIndexChanged.connect(self._fill_hamlets)

        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("reportDescription")
        self.make_button = QPushButton()
        self.make_button.setObjectName("reportMake")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(lambda: self.make())
        self.save_as_button = QPushButton()
        self.save_as_button.clicked.connect(self.save_as)
        self.excel_button = QPushButton()
        self.excel_button.setObjectName("reportExcel")
        self.excel_button.clicked.connect(self.save_excel)
        self.open_again_button = QPushButton()
        self.open_again_button.clicked.connect(self.open_last)
        self.open_again_button.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # Checking printouts (and, later, signed copies coming back).
        self.verify_button = QPushButton()
        self.verify_button.setObjectName("reportVerify")
        self.verify_button.clicked.connect(self.verify_document)
        self.signed_button = QPushButton()
        self.signed_button.setObjectName("reportTakeBackSigned")
        self.signed_button.clicked.connect(self.take_back_signed)
        left = QVBoxLayout()
        left.addWidget(self.kinds, 1)
        left.addWidget(self.verify_button)
        left.addWidget(self.signed_button)

        right = QVBoxLayout()
        right.addWidget(self.description)
        right.addWidget(self.stack)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.save_as_button)
        buttons.addWidget(self.excel_button)
        buttons.addWidget(self.open_again_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        right.addWidget(self.status)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(body, 1)
        self.kinds.setCurrentRow(0)
        self.retranslate()

    def _page(self, kind: str) -> _Options:
        page = _Options()
        self.options[kind] = page
        self.stack.addWidget(page)
        return page

    # --- what the screen shows --------------------------------------------------------
    def refresh(self) -> None:
        """Reload the choices (activities, desa, periods), keeping what was chosen."""
        activities = reporting.activity_choices()
        desa = reporting.desa_choices()
        periods = reporting.period_choices()
        fill_combo(self.activity_box, activities)
        fill_combo(self.attendance_box, activities)
        fill_combo(self.cadre_desa_box, [(None, tr("report.ui.all_desa"))] + desa)
        _, kecamatan = reporting.officer_kecamatan()
        scope = [(None, tr("report.kecamatan_line", name=kecamatan) if kecamatan
                  else tr("report.ui.kecamatan"))]
        fill_combo(self.recap_scope_box, scope + desa)
        fill_combo(self.recap_period_box, periods)
        fill_combo(self.sheet_desa_box, desa)
        fill_combo(self.sheet_period_box, periods)
        self._fill_units()
        from imp_desktop.services import monthly

        months = monthly.month_choices()
        last = monthly.month_of(dt.date.today()).previous().key
        for box in (self.monthly_month_box, self.mrecap_month_box, self.coverage_month_box):
            fill_combo(box, months, box.currentData() or last)
        fill_combo(self.monthly_desa_box, desa)
        fill_combo(self.mrecap_scope_box, scope + desa)
        fill_combo(self.register_desa_box, desa)
        year = dt.date.today().year
        fill_combo(self.register_year_box, [(y, str(y)) for y in (year, year + 1, year - 1)])
        self._fill_monthly_units()
        self._fill_hamlets()
        self._update_buttons()

    def _fill_units(self, *_args) -> None:
        code = self.sheet_desa_box.currentData()
        fill_combo(self.sheet_unit_box, reporting.unit_choices(code) if code else [])

    def _fill_monthly_units(self, *_args) -> None:
        code = self.monthly_desa_box.currentData()
        fill_combo(self.monthly_unit_box, reporting.unit_choices(code) if code else [])

    def _fill_hamlets(self, *_args) -> None:
        from imp_desktop.services.monthly_reports import register_choices

        code = self.register_desa_box.currentData()
        fill_combo(self.register_hamlet_box, register_choices(code) if code else [])

    def _kind_changed(self, row: int) -> None:
        # Only the shown page takes room, so the buttons sit right under its form.
        for index in range(self.stack.count()):
            policy = QSizePolicy.Policy.Preferred if index == max(row, 0) \
                else QSizePolicy.Policy.Ignored
            self.stack.widget(index).setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.stack.setCurrentIndex(max(row, 0))
        self.stack.adjustSize()
        self._describe()
        self._update_buttons()

    def _describe(self) -> None:
        kind = self.kind()
        self.description.setText(f"<b>{tr(f'report.ui.kind.{kind}')}</b><br>"
                                 f"{tr(f'report.ui.about.{kind}')}")

    def _update_buttons(self) -> None:
        ready = not self.busy and self._missing() is None
        self.make_button.setEnabled(ready)
        self.save_as_button.setEnabled(ready)
        self.excel_button.setEnabled(ready)

    def _missing(self) -> str | None:
        """Why the chosen document cannot be made yet, or None."""
        kind = self.kind()
        if kind in ("activity", "attendance"):
            box = self.activity_box if kind == "activity" else self.attendance_box
            return None if box.currentData() is not None else tr("report.ui.no_activity")
        if kind in ("assessment", "monthly"):
            box = self.sheet_unit_box if kind == "assessment" else self.monthly_unit_box
            if box.currentData() is None:
                return tr("report.ui.no_unit")
        if kind == "register" and self.register_hamlet_box.currentData() is None:
            return tr("report.ui.no_hamlet")
        return None

    def kind(self) -> str:
        item = self.kinds.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else KINDS[0]

    def choose(self, kind: str, **options) -> None:
        """Pick a document (and an activity, desa or unit) from another screen."""
        self.refresh()
        self.kinds.setCurrentRow(KINDS.index(kind))
        activity_id = options.get("activity_id")
        if activity_id is not None:
            for box in (self.activity_box, self.attendance_box):
                box.setCurrentIndex(max(0, box.findData(activity_id)))
        if "blank" in options:
            self.blank_attendance.setChecked(bool(options["blank"]))
            self.blank_sheet.setChecked(bool(options["blank"]))
        if options.get("desa_code"):
            for box in (self.cadre_desa_box, self.recap_scope_box, self.sheet_desa_box):
                index = box.findData(options["desa_code"])
                if index >= 0:
                    box.setCurrentIndex(index)
        if options.get("desa_code"):
            for box in (self.monthly_desa_box, self.mrecap_scope_box, self.register_desa_box):
                index = box.findData(options["desa_code"])
                if index >= 0:
                    box.setCurrentIndex(index)
        elif kind == "monthly_recap":
            self.mrecap_scope_box.setCurrentIndex(0)
        if options.get("unit_id") is not None:
            for box in (self.sheet_unit_box, self.monthly_unit_box):
                index = box.findData(options["unit_id"])
                if index >= 0:
                    box.setCurrentIndex(index)
        if options.get("period"):
            for box in (self.monthly_month_box, self.mrecap_month_box, self.coverage_month_box):
                index = box.findData(options["period"])
                if index >= 0:
                    box.setCurrentIndex(index)

    # --- making the document -----------------------------------------------------------
    def job(self):
        """(function building the PDF bytes, taking ``sign_with``, suggested file name)
        for the chosen options."""
        kind = self.kind()
        if kind == "activity":
            activity_id = self.activity_box.currentData()
            return (lambda sign_with=None: reporting.activity_report_pdf(
                        activity_id, sign_with=sign_with),
                    f"laporan-kegiatan-{activity_id}-{self.activity_box.currentText()}")
        if kind == "attendance":
            activity_id = self.attendance_box.currentData()
            blank = self.blank_attendance.isChecked()
            return (lambda sign_with=None: reporting.attendance_pdf(
                        activity_id, blank=blank, sign_with=sign_with),
                    f"daftar-hadir-{activity_id}{'-kosong' if blank else ''}")
        if kind == "cadres":
            desa = self.cadre_desa_box.currentData()
            full = self.full_nik.isChecked()
            return (lambda sign_with=None: reporting.cadre_list_pdf(
                        desa_code=desa, full_nik=full, sign_with=sign_with),
                    f"daftar-kader-{self.cadre_desa_box.currentText()}")
        if kind == "roles":
            desa = self.recap_scope_box.currentData()
            period = self.recap_period_box.currentData()
            return (lambda sign_with=None: reporting.role_recap_pdf(
                        desa_code=desa, period=period, sign_with=sign_with),
                    f"rekap-peran-bakti-{self.recap_scope_box.currentText()}-{period or ''}")
        if kind in MONTHLY_KINDS:
            return self._monthly_job(kind)
        unit = self.sheet_unit_box.currentData()
        period = self.sheet_period_box.currentData()
        blank = self.blank_sheet.isChecked()

        def build(sign_with=None) -> bytes:
            assessment = None if blank or not period else reporting.assessment_for(unit, period)
            if assessment is None and not blank:
                raise UserError(tr("report.ui.not_assessed"))
            return reporting.assessment_sheet_pdf(assessment, unit_id=unit, blank=blank,
                                                  period=period, sign_with=sign_with)

        return build, f"penilaian-{self.sheet_unit_box.currentText()}-{period or ''}"

    def _monthly_job(self, kind: str, document: bool = False):
        from imp_desktop.services import monthly_reports as mr

        if kind == "monthly":
            unit = self.monthly_unit_box.currentData()
            period = self.monthly_month_box.currentData()
            build = (lambda: mr.unit_report(unit, period)) if document else (
                lambda sign_with=None: mr.unit_report_pdf(unit, period))
            return build, f"laporan-bulanan-{self.monthly_unit_box.currentText()}-{period}"
        if kind == "monthly_recap":
            desa = self.mrecap_scope_box.currentData()
            period = self.mrecap_month_box.currentData()
            build = (lambda: mr.recap_report(period, desa_code=desa)) if document else (
                lambda sign_with=None: mr.recap_pdf(period, desa_code=desa))
            return build, f"rekap-laporan-bulanan-{self.mrecap_scope_box.currentText()}-{period}"
        if kind == "coverage":
            period = self.coverage_month_box.currentData()
            build = (lambda: mr.coverage_report(period)) if document else (
                lambda sign_with=None: mr.coverage_pdf(period))
            return build, f"cakupan-laporan-{period}"
        hamlet = self.register_hamlet_box.currentData()
        year = self.register_year_box.currentData()
        build = (lambda: mr.paper_register(hamlet, year)) if document else (
            lambda sign_with=None: mr.paper_register_pdf(hamlet, year))
        return build, f"register-bulanan-{self.register_hamlet_box.currentText()}-{year}"

    def document_job(self):
        """(function building the chosen document's dataclass, file name): what
        "Simpan sebagai Excel" writes, the same data as the PDF."""
        kind = self.kind()
        name = self.job()[1]
        if kind in MONTHLY_KINDS:
            return self._monthly_job(kind, document=True)
        if kind == "activity":
            activity_id = self.activity_box.currentData()
            return (lambda: reporting.activity_report(activity_id)), name
        if kind == "attendance":
            activity_id = self.attendance_box.currentData()
            blank = self.blank_attendance.isChecked()
            return (lambda: reporting.attendance_sheet(activity_id, blank=blank)), name
        if kind == "cadres":
            desa = self.cadre_desa_box.currentData()
            full = self.full_nik.isChecked()
            return (lambda: reporting.cadre_listing(desa_code=desa, full_nik=full)), name
        if kind == "roles":
            desa = self.recap_scope_box.currentData()
            period = self.recap_period_box.currentData()
            return (lambda: reporting.role_recap(desa_code=desa, period=period)), name
        unit = self.sheet_unit_box.currentData()
        period = self.sheet_period_box.currentData()
        blank = self.blank_sheet.isChecked()

        def build():
            assessment = None if blank or not period else reporting.assessment_for(unit, period)
            if assessment is None and not blank:
                raise UserError(tr("report.ui.not_assessed"))
            return reporting.assessment_sheet(assessment, unit_id=unit, blank=blank,
                                              period=period)

        return build, name

    def make(self, path: Path | None = None, open_after: bool = True,
             fmt: str = reporting.PDF) -> None:
        """Build the chosen document (PDF, or an Excel workbook) in the background,
        write it, then open it."""
        if self.busy:
            return
        problem = self._missing()
        if problem:
            self.status.setText(problem)
            return
        if fmt == reporting.XLSX:
            build, name = self.document_job()
            target = Path(path) if path else default_folder() / _file_name(name, ".xlsx")

            def work():
                target.parent.mkdir(parents=True, exist_ok=True)
                return reporting.write_document(reporting.render(build(), fmt), target, fmt)

            self.busy = True
            self._update_buttons()
            self.status.setText(tr("report.ui.building"))
            op(self, work).success(lambda written: self._done(written, open_after)).failure(
                lambda exc: self._failed(exc)).run()
            return

        from imp_desktop.ui.tte_ui import credentials_for_signing

        credentials = credentials_for_signing(self)   # Pengaturan › Dokumen: sign here?
        if credentials is False:
            return
        build, name = self.job()
        target = Path(path) if path else default_folder() / document_file_name(name)
        self.busy = True
        self._update_buttons()
        self.status.setText(tr("report.ui.building"))
        export_document(self, lambda: build(sign_with=credentials), target.name, path=target,
                        open_after=False,
                        on_saved=lambda written: self._done(written, open_after),
                        on_failed=self._failed)

    def _done(self, path: Path, open_after: bool) -> None:
        self.busy = False
        self.last_path = Path(path)
        self.open_again_button.setEnabled(True)
        self._update_buttons()
        self.status.setText(tr("report.ui.saved", path=str(path)))
        self.notify(tr("report.written", path=str(path)))
        if open_after:
            self.open_last()

    def _failed(self, exc: BaseException) -> None:
        """Before the failure is shown: the buttons back, the reason under them too."""
        self.busy = False
        self._update_buttons()
        self.status.setText(str(exc) if isinstance(exc, UserError)
                            else tr("error.unexpected.title"))

    def save_as(self) -> None:
        if self._missing():
            return
        _, name = self.job()
        suggested = str(default_folder() / document_file_name(name))
        # A window title shows no mnemonic: "&Simpan sebagai…" is the button's text.
        title = tr("report.ui.save_as").replace("&", "")
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, "PDF (*.pdf)")
        if path:
            self.make(Path(path), open_after=True)

    def save_excel(self) -> None:
        """"Simpan sebagai Excel": the same document as an XLSX workbook."""
        if self._missing():
            return
        _, name = self.job()
        suggested = str(default_folder() / _file_name(name, ".xlsx"))
        path, _ = QFileDialog.getSaveFileName(self, tr("report.ui.save_excel"), suggested,
                                              "Excel (*.xlsx)")
        if path:
            self.make(Path(path), open_after=True, fmt=reporting.XLSX)

    def open_last(self) -> None:
        if self.last_path and not QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(self.last_path))):
            self.status.setText(tr("report.ui.no_viewer", path=str(self.last_path)))

    def verify_document(self) -> None:
        """Laporan › Periksa dokumen."""
        from imp_desktop.ui.screens.reports.verify_dialog import VerifyDialog

        VerifyDialog.run(self)

    def take_back_signed(self) -> None:
        """Laporan › Terima PDF bertanda tangan."""
        from imp_desktop.ui.tte_ui import take_back_signed

        info = take_back_signed(self)
        if info is not None:
            self.notify(info.describe())

    def print_document(self) -> None:
        """Ctrl+P on this screen makes the chosen document."""
        self.make()

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        self.intro.setText(tr("report.ui.intro"))
        for row in range(self.kinds.count()):
            item = self.kinds.item(row)
            item.setText(tr(f"report.ui.kind.{item.data(Qt.ItemDataRole.UserRole)}"))
        for page in self.options.values():
            page.retranslate()
        self.blank_attendance.setText(tr("report.ui.empty.check"))
        self.full_nik.setText(tr("report.ui.nik.check"))
        self.blank_sheet.setText(tr("report.ui.empty_sheet.check"))
        self.make_button.setText(tr("report.ui.make"))
        self.make_button.setToolTip("Ctrl+P")
        self.save_as_button.setText(tr("report.ui.save_as"))
        self.excel_button.setText(tr("report.ui.save_excel"))
        self.open_again_button.setText(tr("report.ui.open_again"))
        self.verify_button.setText(tr("verify.ui.button"))
        self.verify_button.setToolTip(tr("verify.ui.button_tip"))
        self.signed_button.setText(tr("tte.ui.import_button"))
        self.signed_button.setToolTip(tr("tte.ui.import_tip"))
        self._describe()
        if self.isVisible():
            self.refresh()
