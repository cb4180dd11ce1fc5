"""Pengaturan → Dokumen: the kop surat, the paper size, who signs.

The officer's own profile (name, NIP, title, kecamatan, place of the date line)
is edited in the setup wizard; this page shows it and opens the wizard. The
village heads are a small editable table, one row per desa the officer covers.
Nothing is written until "Simpan" is pressed; a refused save keeps what was typed.
The trusted root certificates (``trust_panel.TrustPanel``) are the exception: a
list of this installation, saved as each file is added or removed.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import UserError
from imp_desktop.formatting import format_nip
from imp_desktop.i18n import tr
from imp_desktop.services import regions, reporting, tte
from imp_desktop.services import settings as settings_service
from imp_desktop.services.settings import (
    MAX_LETTERHEAD_LINES,
    PAPER_SIZES,
    LetterheadSettings,
    VillageHead,
)
from imp_desktop.ui.kop_preview import KopPreview
from imp_desktop.ui.list_model import RowListModel
from imp_desktop.ui.operations import op, show_error
from imp_desktop.ui.screens.settings.trust_panel import TrustPanel


class VillageHeadModel(RowListModel):
    """Desa, title, name and NIP of each village head; the last three editable."""

    COLUMNS = ("report.settings.col.desa", "report.settings.col.title",
               "report.settings.col.name", "report.settings.col.nip")

    def __init__(self, parent=None):
        super().__init__(parent)   # rows: (desa name, head)
        self.saved: dict[str, VillageHead] = {}

    def load(self) -> None:
        heads = settings_service.get_village_heads()
        rows = []
        for code, name in reporting.desa_choices():
            head = heads.get(code) or VillageHead(code)
            if not head.title:
                head = replace(head, title=regions.default_head_title(code))
            rows.append((name, head))
        self.saved = {head.desa_code: head for _, head in rows}
        self.set_rows(rows)

    def changed(self) -> list[VillageHead]:
        return [head for _, head in self.rows if head != self.saved.get(head.desa_code)]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        item = self.row_at(index)
        if item is None:
            return None
        name, head = item
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return name
            if column == 1:
                return head.title
            if column == 2:
                if role == Qt.ItemDataRole.DisplayRole and not head.name:
                    return tr("report.settings.no_name")
                return head.name
            if column == 3:
                if role == Qt.ItemDataRole.DisplayRole:
                    return format_nip(head.nip)
                return head.nip or ""
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and not head.name:
            from PySide6.QtGui import QColor

            return QColor("#8a6d00")
        if role == Qt.ItemDataRole.ToolTipRole and column > 0:
            return tr("report.settings.edit_tip")
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() > 0:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        name, head = self.rows[index.row()]
        text = " ".join(str(value or "").split())
        field = {1: "title", 2: "name", 3: "nip"}[index.column()]
        if field == "nip":
            text = "".join(ch for ch in text if ch.isdigit()) or None
        self.rows[index.row()] = (name, replace(head, **{field: text}))
        self.dataChanged.emit(index, index)
        return True


class DocumentSettingsPage(QWidget):
    title_key = "report.settings.tab"

    def __init__(self, parent: QWidget | None = None):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(parent)
        self.logo: bytes | None = None

        # Kop surat
        self.kop_box = QGroupBox()
        self.kop_enabled = QCheckBox()
        self.kop_lines = [QLineEdit() for _ in range(MAX_LETTERHEAD_LINES)]
        for number, line in enumerate(self.kop_lines, 1):
            line.setObjectName(f"kopLine{number}")
        self.kop_address = QLineEdit()
        self.kop_rule = QCheckBox()
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(72, 72)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid #bbb; background: white;")
        self.logo_button = QPushButton()
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_remove = QPushButton()
        self.logo_remove.clicked.connect(self.remove_logo)
        self.kop_form = QFormLayout(self.kop_box)
        self.kop_form.addRow(self.kop_enabled)
        self.line_labels = []
        for line in self.kop_lines:
            label = QLabel()
            label.setBuddy(line)
            self.line_labels.append(label)
            self.kop_form.addRow(label, line)
        self.address_label = QLabel()
        self.address_label.setBuddy(self.kop_address)
        self.kop_form.addRow(self.address_label, self.kop_address)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.logo_button)
        logo_buttons.addWidget(self.logo_remove)
        logo_buttons.addStretch(1)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        self.logo_label = QLabel()
        self.kop_form.addRow(self.logo_label, logo_row)
        self.kop_form.addRow(self.kop_rule)
        # The kop as it will print (the same lines, case and sizes as the PDF).
        self.kop_preview = KopPreview()
        self.kop_form.addRow(self.kop_preview)
        for line in (*self.kop_lines, self.kop_address):
            line.textChanged.connect(self._show_kop)
        self.kop_rule.toggled.connect(self._show_kop)
        self.kop_enabled.toggled.connect(self._kop_toggled)

        # Kertas
        self.paper_box = QGroupBox()
        self.paper = QComboBox()
        self.paper.setObjectName("paperSize")
        for size in PAPER_SIZES:
            self.paper.addItem("", size)
        self.paper_label = QLabel()
        self.paper_label.setBuddy(self.paper)
        paper_form = QFormLayout(self.paper_box)
        paper_form.addRow(self.paper_label, self.paper)

        # Tanda tangan elektronik (TTE)
        self.tte_box = QGroupBox()
        self.tte_note = QLabel()
        self.tte_note.setWordWrap(True)
        self.tte_note.setStyleSheet("color: #555;")
        self.tte_enabled = QCheckBox()
        self.tte_enabled.setObjectName("tteEnabled")
        self.tte_path = ""
        self.tte_file = QLabel()
        self.tte_file.setWordWrap(True)
        self.tte_choose = QPushButton()
        self.tte_choose.clicked.connect(self.choose_certificate)
        self.tte_check = QPushButton()
        self.tte_check.clicked.connect(self.check_certificate)
        self.tte_file_label = QLabel()
        tte_form = QFormLayout(self.tte_box)
        tte_form.addRow(self.tte_note)
        tte_form.addRow(self.tte_file_label, self.tte_file)
        tte_buttons = QHBoxLayout()
        tte_buttons.addWidget(self.tte_choose)
        tte_buttons.addWidget(self.tte_check)
        tte_buttons.addStretch(1)
        tte_form.addRow(tte_buttons)
        tte_form.addRow(self.tte_enabled)

        # Petugas
        self.officer_box = QGroupBox()
        self.officer_text = QLabel()
        self.officer_text.setWordWrap(True)
        self.officer_button = QPushButton()
        self.officer_button.clicked.connect(self.edit_officer)
        officer_layout = QVBoxLayout(self.officer_box)
        officer_layout.addWidget(self.officer_text)
        row = QHBoxLayout()
        row.addWidget(self.officer_button)
        row.addStretch(1)
        officer_layout.addLayout(row)

        # Kepala desa
        self.heads_box = QGroupBox()
        self.heads = VillageHeadModel(self)
        self.heads_table = QTableView()
        self.heads_table.setObjectName("villageHeads")
        self.heads_table.setModel(self.heads)
        self.heads_table.verticalHeader().setVisible(False)
        self.heads_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.heads_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.heads_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 130), (1, 110), (3, 170)):
            header.resizeSection(column, width)
        self.heads_note = QLabel()
        self.heads_note.setWordWrap(True)
        self.heads_note.setStyleSheet("color: #555;")
        heads_layout = QVBoxLayout(self.heads_box)
        heads_layout.addWidget(self.heads_note)
        heads_layout.addWidget(self.heads_table)

        self.save_button = QPushButton()
        self.save_button.setObjectName("documentSettingsSave")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton()
        self.revert_button.clicked.connect(self.refresh)
        self.message = QLabel()
        self.message.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.kop_box)
        left.addWidget(self.paper_box)
        left.addWidget(self.tte_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.officer_box)
        right.addWidget(self.heads_box, 1)
        self.trust = TrustPanel()
        right.addWidget(self.trust, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.retranslate()

    # --- loading and saving -------------------------------------------------------------
    def refresh(self) -> None:
        kop = settings_service.get_letterhead()
        self.kop_enabled.setChecked(kop.enabled)
        for index, line in enumerate(self.kop_lines):
            line.setText(kop.lines[index] if index < len(kop.lines) else "")
        self.kop_address.setText(kop.address)
        self.kop_rule.setChecked(kop.rule)
        self._show_logo(kop.logo)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings_service.get_paper_size())))
        self.heads.load()
        self._show_officer()
        self._kop_toggled(kop.enabled)
        self._show_kop()
        signing = tte.get_signing()
        self._show_certificate(signing.certificate)
        self.tte_enabled.setChecked(signing.enabled)
        self.trust.refresh()
        self.message.setText("")

    def _show_kop(self, *_args) -> None:
        self.kop_preview.set_kop([line.text() for line in self.kop_lines],
                                 self.kop_address.text(), self.kop_rule.isChecked(),
                                 empty_text=tr("setup.letterhead.none"))
        self.kop_preview.setVisible(self.kop_enabled.isChecked())

    def _show_certificate(self, path: str) -> None:
        self.tte_path = path
        self.tte_file.setText(path or tr("tte.settings.none"))
        self.tte_file.setToolTip(path)
        self.tte_check.setEnabled(bool(path))

    def choose_certificate(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("tte.settings.choose_title"), "",
                                              tr("tte.settings.filter"))
        if path:
            self._show_certificate(path)
            self.tte_enabled.setChecked(True)
            self.message.setText(tr("report.settings.unsaved"))

    def check_certificate(self, ask=None) -> None:
        """Open the chosen certificate with its passphrase and say whose it is."""
        from imp_desktop.formatting import format_date
        from imp_desktop.ui.tte_ui import ask_passphrase

        passphrase = (ask or ask_passphrase)(self, self.tte_path)
        if passphrase is None:
            return
        try:
            credentials = tte.load_credentials(self.tte_path, passphrase)
        except UserError as exc:   # shown beside the field and in a message
            self.message.setText(str(exc))
            show_error(self, exc)
            return
        self.message.setText(tr("tte.settings.valid", subject=credentials.subject,
                                until=format_date(credentials.not_after.date())))

    def _show_officer(self) -> None:
        officer = settings_service.get_officer()
        if not officer.name:
            self.officer_text.setText(tr("report.settings.officer_missing"))
            return
        signatory = reporting.officer_signatory()
        lines = [f"<b>{officer.name}</b>"]
        if officer.nip:
            lines.append(tr("report.nip", nip=format_nip(officer.nip)))
        if officer.title:
            lines.append(officer.title)
        lines.append(tr("report.settings.signs_as", title=signatory.title))
        lines.append(tr("report.settings.place", place=reporting.place_name() or "–"))
        self.officer_text.setText("<br>".join(lines))

    def _show_logo(self, data: bytes | None) -> None:
        self.logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(pixmap.scaled(
                68, 68, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(tr("report.settings.no_logo"))
        self.logo_remove.setEnabled(bool(data))

    def _kop_toggled(self, enabled: bool) -> None:
        for widget in self.kop_lines + [self.kop_address, self.kop_rule, self.logo_button,
                                        self.logo_remove]:
            widget.setEnabled(enabled)
        self.logo_remove.setEnabled(enabled and bool(self.logo))
        self.kop_preview.setVisible(enabled)

    def letterhead(self) -> LetterheadSettings:
        return LetterheadSettings(enabled=self.kop_enabled.isChecked(),
                                  lines=[line.text() for line in self.kop_lines],
                                  address=self.kop_address.text(), rule=self.kop_rule.isChecked(),
                                  logo=self.logo)

    def save(self) -> bool:
        def write() -> None:
            settings_service.save_letterhead(self.letterhead())
            settings_service.set_paper_size(self.paper.currentData())
            for head in self.heads.changed():
                settings_service.save_village_head(head)
            tte.save_signing(tte.SigningSettings(enabled=self.tte_enabled.isChecked(),
                                                 certificate=self.tte_path))

        def keep_the_reason(exc) -> None:
            if isinstance(exc, UserError):
                self.message.setText(str(exc))

        if not op(self, write).failure(keep_the_reason).run_here():
            return False
        self.heads.load()
        self.message.setText(tr("report.settings.saved"))
        return True

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("report.settings.logo_choose"), "",
                                              tr("report.settings.logo_filter"))
        if not path:
            return
        if op(self, lambda: self._show_logo(settings_service.read_logo(path))).run_here():
            self.message.setText(tr("report.settings.unsaved"))

    def remove_logo(self) -> None:
        self._show_logo(None)
        self.message.setText(tr("report.settings.unsaved"))

    def edit_officer(self) -> None:
        window = self.window()
        if hasattr(window, "open_first_run"):
            window.open_first_run(reopen=True)

    def retranslate(self) -> None:
        self.kop_box.setTitle(tr("report.settings.kop"))
        self.kop_enabled.setText(tr("report.settings.kop_enabled"))
        for number, label in enumerate(self.line_labels, 1):
            label.setText(tr("report.settings.kop_line", number=number))
        self.kop_lines[0].setPlaceholderText("PEMERINTAH KABUPATEN SEMARANG")
        self.kop_lines[1].setPlaceholderText("DINAS PENGENDALIAN PENDUDUK DAN KB")
        self.address_label.setText(tr("report.settings.address"))
        self.kop_address.setPlaceholderText(tr("report.settings.address_hint"))
        self.logo_label.setText(tr("report.settings.logo"))
        self.logo_button.setText(tr("report.settings.logo_choose"))
        self.logo_remove.setText(tr("report.settings.logo_remove"))
        self.kop_rule.setText(tr("report.settings.rule"))
        self.paper_box.setTitle(tr("report.settings.paper"))
        self.paper_label.setText(tr("report.settings.paper_size"))
        for index in range(self.paper.count()):
            self.paper.setItemText(index, tr(f"report.settings.paper.{self.paper.itemData(index)}"))
        self.tte_box.setTitle(tr("tte.settings.box"))
        self.tte_note.setText(tr("tte.settings.note"))
        self.tte_file_label.setText(tr("tte.settings.certificate"))
        self.tte_choose.setText(tr("tte.settings.choose"))
        self.tte_check.setText(tr("tte.settings.test"))
        self.tte_enabled.setText(tr("tte.settings.enabled"))
        if not self.tte_path:
            self.tte_file.setText(tr("tte.settings.none"))
        self.officer_box.setTitle(tr("report.settings.officer"))
        self.officer_button.setText(tr("report.settings.officer_edit"))
        self.trust.retranslate()
        self.heads_box.setTitle(tr("report.settings.heads"))
        self.heads_note.setText(tr("report.settings.heads_note"))
        self.save_button.setText(tr("report.settings.save"))
        self.revert_button.setText(tr("report.settings.revert"))
        self.heads.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)
        if self.logo is None:
            self.logo_preview.setText(tr("report.settings.no_logo"))
        if self.isVisible():
            self._show_officer()
