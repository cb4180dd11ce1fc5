"""The first-run setup wizard (rules and saving live in services.first_run).

Pages: welcome (own data or demo), officer profile, work area (kecamatan and
desa), letterhead. Nothing is written until the last page is accepted; a
refused save keeps the wizard open with everything typed.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import ValidationError
from imp_desktop.formatting import format_nip
from imp_desktop.i18n import tr
from imp_desktop.services import first_run, regions
from imp_desktop.ui.operations import op
from imp_desktop.ui.kop_preview import KopPreview
from imp_desktop.ui.region_picker import RegionPicker

TITLES = ["Penyuluh KB Ahli Pertama", "Penyuluh KB Ahli Muda", "Penyuluh KB Ahli Madya",
          "Penyuluh KB Terampil", "Penyuluh KB Mahir", "Penyuluh KB Penyelia", "PLKB",
          "Koordinator PKB Kecamatan"]
CHOICE_SETUP, CHOICE_DEMO = "setup", "demo"
PAGE_INTRO, PAGE_PROFILE, PAGE_AREA, PAGE_LETTERHEAD = range(4)


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e;")
    label.hide()
    return label


def _show_error(label: QLabel, messages: list[str]) -> None:
    label.setText("\n".join(messages))
    label.setVisible(bool(messages))


class IntroPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.own = QRadioButton()
        self.demo = QRadioButton()
        self.demo_note = QLabel()
        self.demo_note.setWordWrap(True)
        self.demo_note.setIndent(24)
        self.demo_note.setStyleSheet("color: #555;")
        self.group = QButtonGroup(self)
        self.group.addButton(self.own)
        self.group.addButton(self.demo)
        self.own.setChecked(True)
        # With demo chosen this page is the last one: Finish instead of Next.
        self.group.buttonToggled.connect(lambda *_: self.setFinalPage(self.demo.isChecked()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addSpacing(12)
        layout.addWidget(self.own)
        layout.addWidget(self.demo)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.setTitle(tr("setup.intro.title", name=APP_NAME))
        self.text.setText(tr("setup.intro.text"))
        self.own.setText(tr("setup.intro.own"))
        self.demo.setText(tr("setup.intro.demo"))
        self.demo_note.setText(tr("setup.intro.demo_note"))

    def nextId(self) -> int:
        return -1 if self.demo.isChecked() else PAGE_PROFILE


class ProfilePage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.nip = QLineEdit()
        self.nip.setMaxLength(24)
        self.title_box = QComboBox()
        self.title_box.setEditable(True)
        self.title_box.addItems(TITLES)
        self.title_box.setCurrentIndex(-1)
        self.place = QLineEdit()
        self.labels = {key: QLabel() for key in ("name", "nip", "title", "place")}
        form = QFormLayout()
        for key, widget in (("name", self.name), ("nip", self.nip), ("title", self.title_box),
                            ("place", self.place)):
            self.labels[key].setBuddy(widget)
            form.addRow(self.labels[key], widget)
        self.nip_shown = QLabel()
        self.nip_shown.setStyleSheet("color: #555;")
        form.addRow("", self.nip_shown)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.name.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.nip.textChanged.connect(self._nip_typed)

    def retranslate(self) -> None:
        self.setTitle(tr("setup.profile.title"))
        self.setSubTitle(tr("setup.profile.subtitle"))
        self.labels["name"].setText(tr("setup.field.name"))
        self.labels["nip"].setText(tr("setup.field.nip"))
        self.labels["title"].setText(tr("setup.field.title"))
        self.labels["place"].setText(tr("setup.field.place"))
        self.name.setPlaceholderText(tr("setup.field.name.placeholder"))
        self.nip.setPlaceholderText(tr("setup.field.nip.placeholder"))
        self.nip.setToolTip(tr("setup.field.nip.tip"))
        self.place.setPlaceholderText(tr("setup.field.place.placeholder"))
        self.place.setToolTip(tr("setup.field.place.tip"))
        self.title_box.setToolTip(tr("setup.field.title.tip"))
        self._nip_typed(self.nip.text())

    def _nip_typed(self, text: str) -> None:
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) == first_run.NIP_LENGTH:
            self.nip_shown.setText(tr("setup.nip.printed", nip=format_nip(digits)))
        elif digits:
            self.nip_shown.setText(tr("setup.nip.count", count=len(digits),
                                      total=first_run.NIP_LENGTH))
        else:
            self.nip_shown.setText("")

    def isComplete(self) -> bool:
        return bool(self.name.text().strip())

    def validatePage(self) -> bool:
        data = first_run.SetupInput(name=self.name.text(), nip=self.nip.text())
        messages = [m for f, m in first_run.check_setup(data) if f in ("name", "nip")]
        _show_error(self.error, messages)
        if messages:
            (self.nip if "NIP" in messages[0] else self.name).setFocus()
        return not messages


class AreaPage(QWizardPage):
    """Kecamatan from the region pickers; desa ticked from the list or typed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.picker = RegionPicker()
        self.picker.kecamatan_changed.connect(self._kecamatan_chosen)
        self.desa_box = QGroupBox()
        self.desa_list = QListWidget()
        self.desa_list.setMinimumHeight(120)
        self.desa_list.itemChanged.connect(lambda _i: self.completeChanged.emit())
        self.no_list = QLabel()
        self.no_list.setWordWrap(True)
        self.no_list.setStyleSheet("color: #555;")
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_regions)
        self.new_name = QLineEdit()
        self.new_code = QLineEdit()
        self.new_code.setMaxLength(13)
        self.new_code.setMaximumWidth(140)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_typed_desa)
        # Enter in these fields adds the desa (and must not press the wizard's Next).
        self.new_name.installEventFilter(self)
        self.new_code.installEventFilter(self)
        self.new_name_label, self.new_code_label = QLabel(), QLabel()
        self.new_name_label.setBuddy(self.new_name)
        self.new_code_label.setBuddy(self.new_code)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_name_label)
        add_row.addWidget(self.new_name, 1)
        add_row.addWidget(self.new_code_label)
        add_row.addWidget(self.new_code)
        add_row.addWidget(self.add_button)
        box_layout = QVBoxLayout(self.desa_box)
        box_layout.addWidget(self.desa_list, 1)
        info_row = QHBoxLayout()
        info_row.addWidget(self.no_list, 1)
        info_row.addWidget(self.import_button)
        box_layout.addLayout(info_row)
        box_layout.addLayout(add_row)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.desa_box, 1)
        layout.addWidget(self.error)
        self.typed: list[first_run.DesaChoice] = []
        self._kecamatan_chosen("")

    def retranslate(self) -> None:
        self.setTitle(tr("setup.area.title"))
        self.setSubTitle(tr("setup.area.subtitle"))
        self.picker.retranslate()
        self.desa_box.setTitle(tr("setup.area.desa"))
        self.no_list.setText(tr("setup.area.no_list"))
        self.import_button.setText(tr("setup.area.import"))
        self.import_button.setToolTip(tr("setup.area.import.tip"))
        self.new_name_label.setText(tr("setup.area.new_name"))
        self.new_code_label.setText(tr("setup.area.new_code"))
        self.new_code.setPlaceholderText(tr("setup.area.new_code.placeholder"))
        self.new_code.setToolTip(tr("setup.area.new_code.tip"))
        self.add_button.setText(tr("setup.area.add"))

    def eventFilter(self, watched, event) -> bool:
        if (watched in (self.new_name, self.new_code) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.add_typed_desa()
            return True
        return super().eventFilter(watched, event)

    # --- desa list -----------------------------------------------------------
    def _kecamatan_chosen(self, code: str) -> None:
        ticked = {c.name.lower() for c in self.chosen_desa()}
        self.desa_list.blockSignals(True)
        self.desa_list.clear()
        official = regions.children(code) if code else []
        for info in official:
            self._add_item(info.name, info.code, info.name.lower() in ticked)
        for choice in self.typed:
            if not any(info.name.lower() == choice.name.lower() for info in official):
                self._add_item(choice.name, choice.code, True)
        self.desa_list.blockSignals(False)
        has_list = bool(official)
        self.no_list.setVisible(bool(code) and not has_list)
        self.import_button.setVisible(bool(code) and not has_list)
        for widget in (self.new_name, self.new_code, self.add_button, self.desa_list):
            widget.setEnabled(bool(code))
        self.completeChanged.emit()

    def _add_item(self, name: str, code: str | None, checked: bool) -> QListWidgetItem:
        label = f"{name} ({code})" if code else name
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, (name, code))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.desa_list.addItem(item)
        return item

    def add_typed_desa(self) -> None:
        name = " ".join(self.new_name.text().split())
        if not name:
            self.new_name.setFocus()
            return
        code = self.new_code.text().strip() or None
        for row in range(self.desa_list.count()):
            item = self.desa_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole)[0].lower() == name.lower():
                item.setCheckState(Qt.CheckState.Checked)
                break
        else:
            self.typed.append(first_run.DesaChoice(name, code))
            self._add_item(name, code, True)
        self.new_name.clear()
        self.new_code.clear()
        self.new_name.setFocus()
        self.completeChanged.emit()

    def chosen_desa(self) -> list[first_run.DesaChoice]:
        chosen = []
        for row in range(self.desa_list.count()):
            item = self.desa_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                name, code = item.data(Qt.ItemDataRole.UserRole)
                chosen.append(first_run.DesaChoice(name, code))
        return chosen

    def set_values(self, kecamatan_code: str | None, desa: list[first_run.DesaChoice]) -> None:
        self.typed = [d for d in desa]
        self.picker.set_kecamatan(kecamatan_code)
        self._kecamatan_chosen(self.picker.kecamatan_code() or "")

    # --- official region list ------------------------------------------------------
    def import_regions(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("setup.area.import"), "",
                                              tr("setup.area.import.filter"))
        if not path:
            return
        self.import_button.setText(tr("setup.area.importing"))
        op(self, lambda: regions.import_region_file(path)).success(self._imported).failure(
            lambda exc: self.retranslate()).run(writes=True, busy=self.import_button)

    def _imported(self, summary) -> None:
        self.retranslate()
        self._kecamatan_chosen(self.picker.kecamatan_code() or "")
        QMessageBox.information(self, APP_NAME, regions.import_summary_text(summary))

    def isComplete(self) -> bool:
        return bool(self.picker.kecamatan_code()) and bool(self.chosen_desa())

    def validatePage(self) -> bool:
        data = first_run.SetupInput(name="x", kecamatan_code=self.picker.kecamatan_code(),
                                    desa=self.chosen_desa())
        messages = [m for f, m in first_run.check_setup(data) if f in ("kecamatan_code", "desa")]
        _show_error(self.error, messages)
        if not messages:
            wizard = self.wizard()
            if wizard is not None:
                wizard.letterhead_page.suggest(self.picker.kecamatan_code())
        return not messages


class LetterheadPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines = [QLineEdit() for _ in range(first_run.MAX_LETTERHEAD_LINES)]
        self.line_labels = [QLabel() for _ in self.lines]
        grid = QGridLayout()
        for row, (label, edit) in enumerate(zip(self.line_labels, self.lines)):
            label.setBuddy(edit)
            grid.addWidget(label, row, 0)
            grid.addWidget(edit, row, 1)
            edit.textChanged.connect(self._update_preview)
        self.preview_title = QLabel()
        # Drawn from the same kop_lines() as the PDF: what is seen is what is printed.
        self.preview = KopPreview()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._suggested_for: str | None = None

    def retranslate(self) -> None:
        self.setTitle(tr("setup.letterhead.title"))
        self.setSubTitle(tr("setup.letterhead.subtitle"))
        for number, label in enumerate(self.line_labels, 1):
            label.setText(tr("setup.letterhead.line", number=number))
        self.preview_title.setText(tr("setup.letterhead.preview"))
        self.note.setText(tr("setup.letterhead.note"))

    def suggest(self, kecamatan_code: str | None) -> None:
        """Fill the lines from the region, unless the officer already typed some."""
        typed = any(edit.text().strip() for edit in self.lines)
        if typed and self._suggested_for is None:
            return
        if kecamatan_code == self._suggested_for:
            return
        self.set_lines(first_run.suggested_letterhead(kecamatan_code))
        self._suggested_for = kecamatan_code

    def set_lines(self, lines: list[str]) -> None:
        for index, edit in enumerate(self.lines):
            edit.setText(lines[index] if index < len(lines) else "")

    def letterhead_lines(self) -> list[str]:
        return [edit.text() for edit in self.lines if edit.text().strip()]

    def _update_preview(self) -> None:
        self.preview.set_kop(self.letterhead_lines(), empty_text=tr("setup.letterhead.none"))

    def validatePage(self) -> bool:
        wizard = self.wizard()
        return wizard.save() if wizard is not None else True


class FirstRunWizard(QWizard):
    """Open with ``open()`` (non-blocking); ``choice`` tells what the officer picked."""

    def __init__(self, parent: QWidget | None = None, *, reopen: bool = False):
        super().__init__(parent)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(720, 540)
        self.intro_page = IntroPage()
        self.profile_page = ProfilePage()
        self.area_page = AreaPage()
        self.letterhead_page = LetterheadPage()
        self.setPage(PAGE_INTRO, self.intro_page)
        self.setPage(PAGE_PROFILE, self.profile_page)
        self.setPage(PAGE_AREA, self.area_page)
        self.setPage(PAGE_LETTERHEAD, self.letterhead_page)
        self.choice: str | None = None
        self.result_info: first_run.SetupResult | None = None
        self.later_button = QPushButton()
        self.setButton(QWizard.WizardButton.CustomButton1, self.later_button)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, not reopen)
        self.customButtonClicked.connect(self._custom_clicked)
        self.retranslate()
        if reopen:
            self.load(first_run.current_setup())
            self.setStartId(PAGE_PROFILE)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("setup.window_title"))
        for page in (self.intro_page, self.profile_page, self.area_page, self.letterhead_page):
            page.retranslate()
        self.setButtonText(QWizard.WizardButton.NextButton, tr("setup.button.next"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("setup.button.back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("setup.button.finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("setup.button.cancel"))
        self.setButtonText(QWizard.WizardButton.CustomButton1, tr("setup.button.later"))
        self.later_button.setToolTip(tr("setup.button.later.tip"))

    def load(self, data: first_run.SetupInput) -> None:
        self.profile_page.name.setText(data.name or "")
        self.profile_page.nip.setText(data.nip or "")
        self.profile_page.title_box.setCurrentText(data.title or "")
        self.profile_page.place.setText(data.place_name or "")
        self.area_page.set_values(data.kecamatan_code, data.desa)
        self.letterhead_page.set_lines(data.letterhead_lines)
        if data.letterhead_lines:
            self.letterhead_page._suggested_for = data.kecamatan_code

    def values(self) -> first_run.SetupInput:
        """Everything typed, as plain values."""
        profile = self.profile_page
        return first_run.SetupInput(
            name=profile.name.text(), nip=profile.nip.text() or None,
            title=profile.title_box.currentText() or None,
            kecamatan_code=self.area_page.picker.kecamatan_code(),
            place_name=profile.place.text() or None,
            desa=self.area_page.chosen_desa(),
            letterhead_lines=self.letterhead_page.letterhead_lines())

    def save(self) -> bool:
        def saved(info) -> None:
            self.result_info = info
            self.choice = CHOICE_SETUP

        def shown_on_the_page(exc) -> bool:
            if not isinstance(exc, ValidationError):
                return False
            messages = [message for _field, message in exc.problems] or [str(exc)]
            _show_error(self.letterhead_page.error, [str(exc)] + messages)
            return True

        return op(self, lambda: first_run.save_setup(self.values())).success(saved).failure(
            shown_on_the_page).run_here()

    def accept(self) -> None:
        if self.currentId() == PAGE_INTRO and self.intro_page.demo.isChecked():
            self.choice = CHOICE_DEMO
        super().accept()

    def _custom_clicked(self, which: int) -> None:
        if which in (QWizard.WizardButton.CustomButton1, QWizard.WizardButton.CustomButton1.value):
            first_run.dismiss_setup()
            self.reject()
