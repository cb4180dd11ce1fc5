"""Adding and editing a cadre; deactivating, reactivating and merging.

``CadreDialog`` holds every field of a cadre. The NIK is checked as it is
typed (errors block saving, warnings do not) and proposes sex and birth date.
Region and unit pickers cascade: desa, then dusun/RW, then RT, then unit.
A refused save keeps the dialog open with everything typed. Tests drive the
dialog without a modal loop: fill the widgets, call ``save()``, read
``saved_id``.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import UserError
from imp_desktop.formatting import format_date
from imp_desktop.i18n import tr
from imp_desktop.nik import check_nik
from imp_desktop.services import regions
from imp_desktop.services.cadre_duplicates import merge_cadres, similar_cadres
from imp_desktop.services.cadre_search import cadre_rows
from imp_desktop.services.cadres import (
    POSITIONS,
    CadreInput,
    NewPlace,
    cadre_state,
    check_cadre,
    clean_input,
    desa_choices,
    load_cadre,
    save_cadre,
    save_cadre_with_place,
    set_active,
)
from imp_desktop.services.settings import level_label
from imp_desktop.services.units import unit_proposals
from imp_desktop.services.units import units as list_units
from imp_desktop.ui.date_field import DateField
from imp_desktop.ui.keyboard import chain_tab_order
from imp_desktop.ui.operations import op
from imp_desktop.ui.widgets import ok_cancel

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"
HINT_STYLE = "color: #5f6b65;"
INVALID_FIELD = "border: 1px solid #b3261e;"
EMPTY_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(DateField):
    """A date field that may be left empty (shown blank at its minimum)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(" ")
        self.setDate(EMPTY_DATE)

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == EMPTY_DATE else dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else EMPTY_DATE)


def _text(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


class CadreDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, cadre_id: int | None = None):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(parent)
        self.cadre_id = cadre_id
        self.saved_id: int | None = None
        self._confirmed_similar: tuple | None = None
        self.setWindowTitle(tr("cadre.dialog.edit_title") if cadre_id else
                            tr("cadre.dialog.add_title"))

        self.name = QLineEdit()
        self.nik = QLineEdit()
        self.nik.setMaxLength(24)
        self.nik_message = QLabel()
        self.nik_message.setWordWrap(True)
        # Room for two lines at all times: the fields below do not jump as the hint
        # changes length while the NIK is typed.
        self.nik_message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.nik_message.setFixedHeight(self.nik_message.fontMetrics().lineSpacing() * 2 + 4)
        self.sex = QComboBox()
        self.sex.addItem("", None)
        for code in ("L", "P"):
            self.sex.addItem(tr(f"sex.{code}"), code)
        self.birth_place = QLineEdit()
        self.birth_date = OptionalDateEdit()
        self.address = QLineEdit()
        self.desa = QComboBox()
        self.hamlet = QComboBox()
        # A dusun/RW not in the list yet is typed here and made with the cadre.
        self.hamlet.setEditable(True)
        self.hamlet.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.hamlet.lineEdit().setPlaceholderText(tr("cadre.dialog.hamlet_type"))
        self.neighbourhood = QComboBox()
        self.rw = QLineEdit()
        self.rt = QLineEdit()
        self.rw.setMaximumWidth(70)
        self.rt.setMaximumWidth(70)
        self.unit = QComboBox()
        self._unit_chosen = False       # the officer picked a unit: no more guessing
        self.unit.activated.connect(self._unit_picked)
        self.unit_hint = QLabel()
        self.unit_hint.setWordWrap(True)
        self.unit_hint.setStyleSheet(HINT_STYLE)
        self.unit_hint.setMinimumHeight(self.unit_hint.fontMetrics().lineSpacing() * 2 + 4)
        self.position = QComboBox()
        self.position.addItem("", None)
        for code in POSITIONS:
            self.position.addItem(tr(f"position.{code}"), code)
        self.phone = QLineEdit()
        self.education = QComboBox()
        self.education.setEditable(True)
        self.education.addItems(["", "SD", "SMP", "SMA", "SMK", "D3", "S1", "S2"])
        self.occupation = QLineEdit()
        self.sk_number = QLineEdit()
        self.sk_date = OptionalDateEdit()
        self.start_date = OptionalDateEdit()
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR_STYLE)
        self.similar = QLabel()
        self.similar.setWordWrap(True)
        self.similar.setStyleSheet(WARNING_STYLE)
        self.similar.setTextFormat(Qt.TextFormat.RichText)
        self.similar.hide()

        self.desa.addItem("", None)
        choices = desa_choices()
        for code, name in choices:
            self.desa.addItem(name, code)
        if cadre_id is None:     # the last desa used, or the officer's only one
            from imp_desktop.services.first_run import preferred_desa

            self.desa.setCurrentIndex(max(0, self.desa.findData(
                preferred_desa([code for code, _ in choices]))))
        self.desa.currentIndexChanged.connect(self._desa_changed)
        self.hamlet.currentIndexChanged.connect(self._hamlet_changed)
        self.hamlet.lineEdit().textEdited.connect(lambda _text: self._fill_units())
        self.rt.textEdited.connect(lambda _text: self._fill_units())
        self.neighbourhood.currentIndexChanged.connect(self._neighbourhood_changed)
        self.nik.textChanged.connect(self._nik_changed)
        for widget in (self.name, self.desa):
            widget.setAccessibleDescription(tr("cadre.dialog.required"))

        person = QGroupBox(tr("cadre.dialog.person"))
        form = QFormLayout(person)
        form.addRow(self._label("cadre.field.name", required=True), self.name)
        form.addRow(self._label("cadre.field.nik"), self.nik)
        form.addRow("", self.nik_message)
        form.addRow(self._label("cadre.field.sex"), self.sex)
        form.addRow(self._label("cadre.field.birth_place"), self.birth_place)
        form.addRow(self._label("cadre.field.birth_date"), self.birth_date)
        form.addRow(self._label("cadre.field.phone"), self.phone)
        form.addRow(self._label("cadre.field.education"), self.education)
        form.addRow(self._label("cadre.field.occupation"), self.occupation)

        place = QGroupBox(tr("cadre.dialog.place"))
        form2 = QFormLayout(place)
        form2.addRow(self._label("cadre.field.desa", required=True), self.desa)
        form2.addRow(self._label("cadre.field.hamlet"), self.hamlet)
        form2.addRow(self._label("cadre.field.neighbourhood"), self.neighbourhood)
        numbers = QGridLayout()
        numbers.addWidget(QLabel(tr("cadre.field.rt")), 0, 0)
        numbers.addWidget(self.rt, 0, 1)
        numbers.addWidget(QLabel(tr("cadre.field.rw")), 0, 2)
        numbers.addWidget(self.rw, 0, 3)
        numbers.setColumnStretch(4, 1)
        form2.addRow(self._label("cadre.field.rt_rw"), numbers)
        form2.addRow(self._label("cadre.field.address"), self.address)

        duty = QGroupBox(tr("cadre.dialog.duty"))
        form3 = QFormLayout(duty)
        form3.addRow(self._label("cadre.field.unit"), self.unit)
        form3.addRow("", self.unit_hint)
        form3.addRow(self._label("cadre.field.position"), self.position)
        form3.addRow(self._label("cadre.field.sk_number"), self.sk_number)
        form3.addRow(self._label("cadre.field.sk_date"), self.sk_date)
        form3.addRow(self._label("cadre.field.start_date"), self.start_date)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("cadre.dialog.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("cadre.dialog.cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        if cadre_id is not None:   # who changed what, from the audit trail
            self.history_button = self.buttons.addButton(
                tr("audit.button"), QDialogButtonBox.ButtonRole.HelpRole)
            self.history_button.clicked.connect(self.show_history)

        grid = QGridLayout()
        grid.addWidget(person, 0, 0, 2, 1)
        grid.addWidget(place, 0, 1)
        grid.addWidget(duty, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        note = QLabel(tr("cadre.dialog.required_note"))
        note.setStyleSheet(HINT_STYLE)
        layout.addWidget(note)
        layout.addWidget(self.similar)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(860)

        self._fields = {
            "name": self.name, "nik": self.nik, "sex": self.sex, "birth_place": self.birth_place,
            "birth_date": self.birth_date, "address": self.address, "desa_code": self.desa,
            "hamlet_id": self.hamlet, "neighbourhood_id": self.neighbourhood, "rt": self.rt,
            "rw": self.rw, "phone": self.phone, "unit_id": self.unit, "position": self.position,
            "sk_number": self.sk_number, "sk_date": self.sk_date, "start_date": self.start_date,
            "education": self.education, "occupation": self.occupation,
        }
        # Tab follows the form as it is seen: person, then place, then duty.
        chain_tab_order([self.name, self.nik, self.sex, self.birth_place, self.birth_date,
                         self.phone, self.education, self.occupation, self.desa, self.hamlet,
                         self.neighbourhood, self.rt, self.rw, self.address, self.unit,
                         self.position, self.sk_number, self.sk_date, self.start_date,
                         self.buttons])
        for widget, key in ((self.nik, "tip.cadre.nik"), (self.hamlet, "tip.cadre.hamlet"),
                            (self.unit, "tip.cadre.unit"), (self.position, "tip.cadre.position"),
                            (self.sk_number, "tip.cadre.sk_number"),
                            (self.sk_date, "tip.cadre.sk_date"),
                            (self.start_date, "tip.cadre.start_date"),
                            (self.phone, "tip.cadre.phone"), (self.rt, "tip.cadre.rt_rw"),
                            (self.rw, "tip.cadre.rt_rw")):
            widget.setToolTip(tr(key))
        self._desa_changed()
        if cadre_id is not None:
            self.set_values(load_cadre(cadre_id))
        self._nik_changed()

    def show_history(self) -> None:
        from imp_desktop.services.audit import uuid_of
        from imp_desktop.ui.audit_dialog import AuditTrailDialog

        AuditTrailDialog.show_for(self, uuid_of("cadre", self.cadre_id), self.name.text())

    @staticmethod
    def _label(key: str, required: bool = False) -> QLabel:
        label = QLabel(tr(key) + (" *" if required else ""))
        if required:
            label.setToolTip(tr("cadre.dialog.required"))
        return label

    # --- cascading pickers ------------------------------------------------------
    def _desa_changed(self) -> None:
        code = self.desa.currentData()
        self.hamlet.blockSignals(True)
        self.hamlet.clear()
        self.hamlet.addItem("", None)      # editable: empty, the placeholder says what to do
        if code:
            for hamlet in regions.hamlets(code):
                label = hamlet.name if not hamlet.rw or hamlet.rw in hamlet.name else \
                    f"{hamlet.name} (RW {hamlet.rw})"
                self.hamlet.addItem(label, hamlet.id)
        self.hamlet.blockSignals(False)
        self._hamlet_changed()

    def _hamlet_changed(self) -> None:
        hamlet_id = self.hamlet.currentData()
        self.neighbourhood.blockSignals(True)
        self.neighbourhood.clear()
        self.neighbourhood.addItem(tr("cadre.dialog.none"), None)
        if hamlet_id:
            for rt in regions.neighbourhoods(hamlet_id):
                self.neighbourhood.addItem(f"RT {rt.number}", rt.id)
            rw = next((h.rw for h in regions.hamlets(self.desa.currentData())
                       if h.id == hamlet_id), None)
            if rw:
                self.rw.setText(rw)
        self.neighbourhood.blockSignals(False)
        self._neighbourhood_changed()

    def _neighbourhood_changed(self) -> None:
        rt_id = self.neighbourhood.currentData()
        if rt_id:
            self.rt.setText(self.neighbourhood.currentText().removeprefix("RT "))
        self._fill_units()

    def _fill_units(self) -> None:
        """The desa's units that fit the chosen dusun/RW and RT, by level."""
        current = self.unit.currentData()
        desa, hamlet_id, rt_id = (self.desa.currentData(), self.hamlet.currentData(),
                                  self.neighbourhood.currentData())
        self.unit.clear()
        self.unit.addItem(tr("cadre.dialog.no_unit"), None)
        if desa:
            for unit in list_units(desa):
                if hamlet_id and unit.hamlet_id not in (None, hamlet_id):
                    continue
                if rt_id and unit.neighbourhood_id not in (None, rt_id):
                    continue
                if not unit.active and unit.id != current:
                    continue
                self.unit.addItem(f"{unit.name} ({level_label(unit.level)})", unit.id)
            # Units not made yet, named from the place: made together with the cadre.
            dusun = self._hamlet_name()
            for proposal in unit_proposals(desa, dusun, self.rt.text().strip()):
                self.unit.addItem(tr("cadre.dialog.new_unit", name=proposal.name),
                                  ("new", proposal.level, proposal.name))
        index = self.unit.findData(current) if current is not None else -1
        if not self._unit_chosen and self.cadre_id is None:   # still a guess: guess again
            index = max(self._guessed_unit(), index)
        self.unit.setCurrentIndex(max(index, 0))
        has_units = any(isinstance(self.unit.itemData(i), int) for i in range(self.unit.count()))
        self.unit_hint.setText("" if has_units or not desa else tr("cadre.dialog.unit_hint"))
        self.unit_hint.setVisible(bool(self.unit_hint.text()))

    def _unit_picked(self, _index: int) -> None:
        self._unit_chosen = True

    def _hamlet_name(self) -> str:
        """The dusun/RW as chosen or typed (its name, without the RW suffix)."""
        text = self.hamlet.currentText().strip()
        if not text or text == tr("cadre.dialog.none"):
            return ""
        known = self._known_hamlet(text)
        if known is not None:
            return known.name
        return text

    def _known_hamlet(self, text: str):
        desa = self.desa.currentData()
        if not desa or not text:
            return None
        folded = " ".join(text.lower().split())
        for hamlet in regions.hamlets(desa):
            label = hamlet.name if not hamlet.rw or hamlet.rw in hamlet.name else \
                f"{hamlet.name} (RW {hamlet.rw})"
            if folded in (hamlet.name.lower(), label.lower()):
                return hamlet
        return None

    def _guessed_unit(self) -> int:
        """The unit a cadre of this place most likely belongs to: the RT's Kelompok KB,
        else the dusun's Sub PPKBD, else the desa's PPKBD (made or to be made)."""
        from imp_desktop.services.units import LEVEL_KELOMPOK, LEVEL_PPKBD, LEVEL_SUB_PPKBD

        dusun = self._hamlet_name()
        rt = self.rt.text().strip()
        level = LEVEL_KELOMPOK if dusun and rt else LEVEL_SUB_PPKBD if dusun else LEVEL_PPKBD
        hamlet = self._known_hamlet(self.hamlet.currentText().strip())
        for unit in list_units(self.desa.currentData()) if self.desa.currentData() else []:
            if unit.level != level or not unit.active:
                continue
            if level == LEVEL_PPKBD or (hamlet is not None and unit.hamlet_id == hamlet.id):
                return self.unit.findData(unit.id)
        for index in range(self.unit.count()):
            data = self.unit.itemData(index)
            if isinstance(data, tuple) and data[1] == level:
                return index
        return -1

    # --- values -------------------------------------------------------------------
    def values(self) -> CadreInput:
        return CadreInput(
            name=self.name.text(), nik=_text(self.nik), sex=self.sex.currentData(),
            birth_place=_text(self.birth_place), birth_date=self.birth_date.value(),
            address=_text(self.address), rt=_text(self.rt), rw=_text(self.rw),
            desa_code=self.desa.currentData(), hamlet_id=self._hamlet_id(),
            neighbourhood_id=self.neighbourhood.currentData(), phone=_text(self.phone),
            education=self.education.currentText().strip() or None,
            occupation=_text(self.occupation), unit_id=self._unit_id(),
            position=self.position.currentData(), sk_number=_text(self.sk_number),
            sk_date=self.sk_date.value(), start_date=self.start_date.value(),
            version=getattr(self, "_version", None))

    def _hamlet_id(self) -> int | None:
        hamlet = self._known_hamlet(self.hamlet.currentText().strip())
        return hamlet.id if hamlet is not None else None

    def _unit_id(self) -> int | None:
        data = self.unit.currentData()
        return data if isinstance(data, int) else None

    def new_place(self) -> NewPlace:
        """The dusun/RW typed and the unit proposed that are made with the cadre."""
        place = NewPlace()
        if self._hamlet_id() is None and self._hamlet_name():
            place.hamlet_name = self._hamlet_name()
        data = self.unit.currentData()
        if isinstance(data, tuple):
            place.unit_level, place.unit_name = data[1], data[2]
        return place

    def set_values(self, data: CadreInput) -> None:
        self._version = data.version          # the save is refused if someone saved since
        self.name.setText(data.name or "")
        self.nik.setText(data.nik or "")
        self.sex.setCurrentIndex(max(self.sex.findData(data.sex), 0))
        self.birth_place.setText(data.birth_place or "")
        self.birth_date.set_value(data.birth_date)
        self.address.setText(data.address or "")
        index = self.desa.findData(data.desa_code)
        if index < 0 and data.desa_code:
            region = regions.get_region(data.desa_code)
            self.desa.addItem(region.name if region else data.desa_code, data.desa_code)
            index = self.desa.count() - 1
        self.desa.setCurrentIndex(max(index, 0))
        self.hamlet.setCurrentIndex(max(self.hamlet.findData(data.hamlet_id), 0))
        self.neighbourhood.setCurrentIndex(max(self.neighbourhood.findData(data.neighbourhood_id), 0))
        self.rt.setText(data.rt or "")
        self.rw.setText(data.rw or "")
        self._fill_units()
        self.unit.setCurrentIndex(max(self.unit.findData(data.unit_id), 0))
        self.position.setCurrentIndex(max(self.position.findData(data.position), 0))
        self.phone.setText(data.phone or "")
        self.education.setCurrentText(data.education or "")
        self.occupation.setText(data.occupation or "")
        self.sk_number.setText(data.sk_number or "")
        self.sk_date.set_value(data.sk_date)
        self.start_date.set_value(data.start_date)

    # --- checking -----------------------------------------------------------------
    def _nik_changed(self) -> None:
        """Check the NIK as it is typed; propose sex and birth date from it."""
        text = self.nik.text().strip()
        self.nik.setStyleSheet("")
        if not text:
            self.nik_message.setText(tr("cadre.dialog.nik_hint"))
            self.nik_message.setStyleSheet(HINT_STYLE)
            return
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) < 16 and text.replace(" ", "").replace(".", "").isdigit():
            self.nik_message.setText(tr("cadre.dialog.nik_typing", count=len(digits)))
            self.nik_message.setStyleSheet(HINT_STYLE)
            return
        result = check_nik(text, sex=self.sex.currentData(), birth_date=self.birth_date.value())
        if result.errors:
            self.nik_message.setText(" ".join(result.errors))
            self.nik_message.setStyleSheet(ERROR_STYLE)
            self.nik.setStyleSheet(INVALID_FIELD)
            return
        proposed = []
        if result.sex and self.sex.currentData() is None:
            self.sex.setCurrentIndex(self.sex.findData(result.sex))
            proposed.append(tr(f"sex.{result.sex}"))
        if result.birth_date and self.birth_date.value() is None:
            self.birth_date.set_value(result.birth_date)
            proposed.append(format_date(result.birth_date))
        lines = list(result.warnings)
        if proposed:
            lines.append(tr("cadre.dialog.nik_proposed", values=", ".join(proposed)))
        self.nik_message.setText(" ".join(lines) or tr("cadre.dialog.nik_ok"))
        self.nik_message.setStyleSheet(WARNING_STYLE if result.warnings else HINT_STYLE)

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        for widget in self._fields.values():
            widget.setStyleSheet("")
        for field, _ in problems:
            widget = self._fields.get(field)
            if widget is not None:
                widget.setStyleSheet(INVALID_FIELD)
        self.problems.setText("\n".join(f"• {text}" for _, text in problems))
        if problems:
            first = self._fields.get(problems[0][0])
            if first is not None:
                first.setFocus()

    def save(self) -> bool:
        """Save if the rules allow; otherwise say why and keep everything typed."""
        data = self.values()
        cleaned = clean_input(data)
        errors = []
        if not cleaned.desa_code:
            errors.append(("desa_code", tr("cadre.error.no_desa")))
        check = check_cadre(cleaned, self.cadre_id)
        errors = check.errors + errors
        if errors:
            self._show_problems(errors)
            return False
        birth = cleaned.birth_date or check.implied_birth_date
        candidates = similar_cadres(cleaned.name, birth, cleaned.desa_code, self.cadre_id)
        key = (cleaned.name, birth, cleaned.desa_code)
        if candidates and self._confirmed_similar != key:
            self._confirmed_similar = key
            items = "".join(
                f"<li>{_html(c.name)} — NIK {c.nik or '-'}, {_html(c.unit_name or '-')} "
                f"({tr('cadre.dialog.record', id=c.id)})</li>" for c in candidates)
            self.similar.setText(f"<b>{tr('cadre.dialog.similar')}</b><ul>{items}</ul>")
            self.similar.show()
            self.save_button.setText(tr("cadre.dialog.save_anyway"))
            self._show_problems([])
            return False
        place = self.new_place()

        def save():
            if place.hamlet_name or place.unit_level:
                return save_cadre_with_place(data, place, self.cadre_id)
            return save_cadre(data, self.cadre_id)

        self.saved_id = op(self, save).failure(self._refused).call()
        if self.saved_id is None:
            return False
        self.accept()
        return True

    def _refused(self, exc: Exception) -> bool:
        """A refusal stays in the dialog, beside what was typed."""
        if not isinstance(exc, UserError):
            return False
        self._show_problems(getattr(exc, "problems", None) or [("", str(exc))])
        return True

    def has_typed(self) -> bool:
        """Whether the form holds anything the officer would lose by closing it."""
        if self.cadre_id is not None:
            return clean_input(self.values()) != clean_input(load_cadre(self.cadre_id))
        data = self.values()
        return bool(data.name.strip() or data.nik or data.birth_place or data.phone
                    or data.address or data.sk_number or data.occupation)

    def reject(self) -> None:
        """Batal on a filled form asks first: nothing typed is lost by a slip."""
        if self.saved_id is None and self.has_typed():
            answer = QMessageBox.question(
                self, APP_NAME, tr("cadre.dialog.discard"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    @classmethod
    def edit(cls, parent: QWidget | None, cadre_id: int | None = None) -> int | None:
        """Show the dialog; the id of the saved cadre, or None when cancelled."""
        dialog = cls(parent, cadre_id)
        dialog.exec()
        return dialog.saved_id


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- leaving and coming back -----------------------------------------------------------

LEAVE_REASONS = ("cadre.leave.reason.moved", "cadre.leave.reason.resigned",
                 "cadre.leave.reason.work", "cadre.leave.reason.died",
                 "cadre.leave.reason.replaced")


class LeaveDialog(QDialog):
    """Reason and date of a cadre's leaving."""

    def __init__(self, parent: QWidget | None, name: str):
        super().__init__(parent)
        self.setWindowTitle(tr("cadre.leave.title"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItem("")
        for key in LEAVE_REASONS:
            self.reason.addItem(tr(key))
        self.date = DateField()
        self.date.setDate(QDate.currentDate())
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        form.addRow(QLabel(tr("cadre.leave.intro", name=name)))
        form.addRow(tr("cadre.leave.reason") + " *", self.reason)
        form.addRow(tr("cadre.leave.date"), self.date)
        form.addRow(self.problem)
        buttons = ok_cancel(self._check, self.reject,
                            tr("cadre.leave.confirm"), tr("cadre.dialog.cancel"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def values(self) -> tuple[str, dt.date]:
        date = self.date.date()
        return self.reason.currentText().strip(), dt.date(date.year(), date.month(), date.day())

    def _check(self) -> None:
        if not self.values()[0]:
            self.problem.setText(tr("cadre.error.reason"))
            return
        self.accept()


def change_active(parent: QWidget, cadre_id: int) -> bool:
    """Deactivate (asking reason and date) or reactivate a cadre. True if changed."""
    def ask_and_change() -> bool:
        state = cadre_state(cadre_id)
        name = load_cadre(cadre_id).name
        if state.active:
            dialog = LeaveDialog(parent, name)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            reason, date = dialog.values()
            set_active(cadre_id, False, reason, date)
        else:
            answer = QMessageBox.question(parent, APP_NAME, tr("cadre.reactivate.confirm",
                                                               name=name))
            if answer != QMessageBox.StandardButton.Yes:
                return False
            set_active(cadre_id, True)
        return True

    return bool(op(parent, ask_and_change).call())


# --- merging --------------------------------------------------------------------------

class MergeDialog(QDialog):
    """Shows two records side by side; the user picks the one to keep."""

    def __init__(self, parent: QWidget | None, first_id: int, second_id: int):
        super().__init__(parent)
        self.setWindowTitle(tr("cadre.merge.title"))
        self.ids = (first_id, second_id)
        rows = cadre_rows(list(self.ids))
        grid = QGridLayout()
        self.choices: list[QRadioButton] = []
        fields = [("cadre.field.name", lambda d, r: d.name),
                  ("cadre.field.nik", lambda d, r: d.nik or "-"),
                  ("cadre.field.birth_date", lambda d, r: format_date(d.birth_date) or "-"),
                  ("cadre.field.desa", lambda d, r: r.desa_name or "-"),
                  ("cadre.field.unit", lambda d, r: r.unit_name or "-"),
                  ("cadre.field.position", lambda d, r: tr(f"position.{d.position}")
                   if d.position else "-"),
                  ("cadre.field.phone", lambda d, r: d.phone or "-"),
                  ("cadre.column.status", lambda d, r: tr("cadre.status.active") if r.active
                   else tr("cadre.status.inactive"))]
        for column, cid in enumerate(self.ids, start=1):
            data, row = load_cadre(cid), rows[cid]
            choice = QRadioButton(tr("cadre.merge.keep", id=cid))
            self.choices.append(choice)
            grid.addWidget(choice, 0, column)
            for line, (key, getter) in enumerate(fields, start=1):
                grid.addWidget(QLabel(tr(key)), line, 0)
                grid.addWidget(QLabel(getter(data, row)), line, column)
        self.choices[0].setChecked(True)
        explain = QLabel(tr("cadre.merge.explain"))
        explain.setWordWrap(True)
        buttons = ok_cancel(self.accept, self.reject,
                            tr("cadre.merge.confirm"), tr("cadre.dialog.cancel"))
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(explain)
        layout.addWidget(buttons)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.setMinimumWidth(640)

    def kept_and_merged(self) -> tuple[int, int]:
        first, second = self.ids
        return (first, second) if self.choices[0].isChecked() else (second, first)


def confirm_merge(parent: QWidget, first_id: int, second_id: int) -> int | None:
    """Ask which record to keep, then merge; the kept id, or None."""
    def ask_and_merge() -> int | None:
        dialog = MergeDialog(parent, first_id, second_id)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        keep, other = dialog.kept_and_merged()
        merge_cadres(keep, other)
        return keep

    return op(parent, ask_and_merge).call()
