"""Creating and editing an IMP unit: level, name, place, parent unit, SK.

The place pickers cascade (desa, then dusun/RW, then RT) and show only what
the level needs; a dusun/RW or RT missing from the lists can be added here.
A name is proposed from the level and place while the name field is empty.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import regions
from imp_desktop.services.cadres import desa_choices
from imp_desktop.services.settings import level_label
from imp_desktop.services.units import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LEVEL_SUB_PPKBD,
    LEVELS,
    PARENT_LEVEL,
    UnitInput,
    get_unit,
    save_unit,
    units,
)
from imp_desktop.ui.operations import in_label, op
from imp_desktop.ui.screens.cadres.cadre_dialog import ERROR_STYLE, INVALID_FIELD, OptionalDateEdit


class UnitDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, unit_id: int | None = None,
                 desa_code: str | None = None):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(parent)
        self.unit_id = unit_id
        self.saved_id: int | None = None
        self._proposed_name = ""
        self.setWindowTitle(tr("unit.dialog.edit_title") if unit_id else
                            tr("unit.dialog.add_title"))
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(level_label(level), level)
        self.name = QLineEdit()
        self.desa = QComboBox()
        self.desa.addItem("", None)
        for code, name in desa_choices():
            self.desa.addItem(name, code)
        self.hamlet = QComboBox()
        self.neighbourhood = QComboBox()
        self.add_hamlet_button = QPushButton(tr("unit.dialog.add_hamlet"))
        self.add_rt_button = QPushButton(tr("unit.dialog.add_rt"))
        self.parent_unit = QComboBox()
        self.sk_number = QLineEdit()
        self.sk_date = OptionalDateEdit()
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR_STYLE)

        hamlet_row = QHBoxLayout()
        hamlet_row.addWidget(self.hamlet, 1)
        hamlet_row.addWidget(self.add_hamlet_button)
        rt_row = QHBoxLayout()
        rt_row.addWidget(self.neighbourhood, 1)
        rt_row.addWidget(self.add_rt_button)
        form = QFormLayout()
        form.addRow(tr("unit.field.level") + " *", self.level)
        form.addRow(tr("unit.field.desa") + " *", self.desa)
        self.hamlet_label = QLabel(tr("unit.field.hamlet") + " *")
        form.addRow(self.hamlet_label, hamlet_row)
        self.rt_label = QLabel(tr("unit.field.rt") + " *")
        form.addRow(self.rt_label, rt_row)
        form.addRow(tr("unit.field.name") + " *", self.name)
        self.parent_label = QLabel(tr("unit.field.parent"))
        form.addRow(self.parent_label, self.parent_unit)
        form.addRow(tr("unit.field.sk_number"), self.sk_number)
        form.addRow(tr("unit.field.sk_date"), self.sk_date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("cadre.dialog.save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("cadre.dialog.cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        if unit_id is not None:   # who changed what, from the audit trail
            self.history_button = buttons.addButton(
                tr("audit.button"), QDialogButtonBox.ButtonRole.HelpRole)
            self.history_button.clicked.connect(self.show_history)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(tr("cadre.dialog.required_note"))
        layout.addWidget(note)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        self.level.currentIndexChanged.connect(self._level_changed)
        self.desa.currentIndexChanged.connect(self._desa_changed)
        self.hamlet.currentIndexChanged.connect(self._hamlet_changed)
        self.neighbourhood.currentIndexChanged.connect(self._propose_name)
        self.add_hamlet_button.clicked.connect(self.add_hamlet)
        self.add_rt_button.clicked.connect(self.add_neighbourhood)
        self._fields = {"level": self.level, "name": self.name, "desa_code": self.desa,
                        "hamlet_id": self.hamlet, "neighbourhood_id": self.neighbourhood,
                        "parent_id": self.parent_unit}

        if unit_id is not None:
            info = get_unit(unit_id)
            if info is None:
                raise UserError(tr("unit.error.missing", id=unit_id))
            self._version = info.version     # the save is refused if someone saved since
            self.level.setCurrentIndex(self.level.findData(info.level))
            self._select(self.desa, info.desa_code)
            self._desa_changed()
            self.hamlet.setCurrentIndex(max(self.hamlet.findData(info.hamlet_id), 0))
            self.neighbourhood.setCurrentIndex(max(self.neighbourhood.findData(info.neighbourhood_id), 0))
            self._fill_parents()
            self.parent_unit.setCurrentIndex(max(self.parent_unit.findData(info.parent_id), 0))
            self.name.setText(info.name)
            self.sk_number.setText(info.sk_number or "")
            self.sk_date.set_value(info.sk_date)
        else:
            if desa_code:
                self._select(self.desa, desa_code)
            self._desa_changed()
        self._level_changed()

    def _select(self, box: QComboBox, code) -> None:
        index = box.findData(code)
        if index < 0 and code:
            region = regions.get_region(code)
            box.addItem(region.name if region else code, code)
            index = box.count() - 1
        box.setCurrentIndex(max(index, 0))

    # --- cascading ---------------------------------------------------------------------
    def _level_changed(self) -> None:
        level = self.level.currentData()
        needs_hamlet = level in (LEVEL_SUB_PPKBD, LEVEL_KELOMPOK)
        needs_rt = level == LEVEL_KELOMPOK
        for widget in (self.hamlet_label, self.hamlet, self.add_hamlet_button):
            widget.setVisible(needs_hamlet)
        for widget in (self.rt_label, self.neighbourhood, self.add_rt_button):
            widget.setVisible(needs_rt)
        for widget in (self.parent_label, self.parent_unit):
            widget.setVisible(level != LEVEL_PPKBD)
        self._fill_parents()
        self._propose_name()

    def _desa_changed(self) -> None:
        code = self.desa.currentData()
        current = self.hamlet.currentData()
        self.hamlet.blockSignals(True)
        self.hamlet.clear()
        self.hamlet.addItem("", None)
        if code:
            for hamlet in regions.hamlets(code):
                self.hamlet.addItem(hamlet.name, hamlet.id)
        self.hamlet.setCurrentIndex(max(self.hamlet.findData(current), 0))
        self.hamlet.blockSignals(False)
        self._hamlet_changed()

    def _hamlet_changed(self) -> None:
        hamlet_id = self.hamlet.currentData()
        current = self.neighbourhood.currentData()
        self.neighbourhood.blockSignals(True)
        self.neighbourhood.clear()
        self.neighbourhood.addItem("", None)
        if hamlet_id:
            for rt in regions.neighbourhoods(hamlet_id):
                self.neighbourhood.addItem(f"RT {rt.number}", rt.id)
        self.neighbourhood.setCurrentIndex(max(self.neighbourhood.findData(current), 0))
        self.neighbourhood.blockSignals(False)
        self._fill_parents()
        self._propose_name()

    def _fill_parents(self) -> None:
        """Units one level up in the same desa; the one at the same dusun first."""
        current = self.parent_unit.currentData()
        self.parent_unit.clear()
        self.parent_unit.addItem(tr("cadre.dialog.none"), None)
        level = PARENT_LEVEL.get(self.level.currentData())
        desa = self.desa.currentData()
        if level and desa:
            candidates = [u for u in units(desa, level) if u.id != self.unit_id]
            hamlet_id = self.hamlet.currentData()
            candidates.sort(key=lambda u: (u.hamlet_id != hamlet_id, u.name))
            for unit in candidates:
                self.parent_unit.addItem(unit.name, unit.id)
            if current is None and len(candidates) >= 1 and (
                    level == LEVEL_PPKBD or candidates[0].hamlet_id == hamlet_id):
                current = candidates[0].id
        self.parent_unit.setCurrentIndex(max(self.parent_unit.findData(current), 0))

    def _propose_name(self) -> None:
        """While the user has not typed a name, suggest one from level and place."""
        if self.name.text().strip() and self.name.text() != self._proposed_name:
            return
        level = self.level.currentData()
        desa = self.desa.currentText() if self.desa.currentData() else ""
        dusun = self.hamlet.currentText().removeprefix("Dusun ").strip() \
            if self.hamlet.currentData() else ""
        rt = self.neighbourhood.currentText() if self.neighbourhood.currentData() else ""
        proposal = ""
        if level == LEVEL_PPKBD and desa:
            proposal = f"{level_label(level)} {desa}"
        elif level == LEVEL_SUB_PPKBD and dusun:
            proposal = f"{level_label(level)} {dusun}"
        elif level == LEVEL_KELOMPOK and dusun and rt:
            proposal = f"{tr('unit.dialog.pok_prefix')} {dusun} {rt}"
        self._proposed_name = proposal
        self.name.setText(proposal)

    # --- adding places -----------------------------------------------------------------
    def add_hamlet(self) -> None:
        desa = self.desa.currentData()
        if not desa:
            self.problems.setText(tr("unit.error.desa"))
            return
        name, ok = QInputDialog.getText(self, tr("unit.dialog.add_hamlet"),
                                        tr("unit.dialog.hamlet_prompt"))
        if ok and name.strip():
            rw = "".join(ch for ch in name if ch.isdigit()) if name.upper().startswith("RW") \
                else None
            hamlet = op(self, lambda: regions.add_hamlet(desa, name, rw)).failure(
                in_label(self.problems)).call()
            if hamlet is None:
                return
            self._desa_changed()
            self.hamlet.setCurrentIndex(self.hamlet.findData(hamlet.id))

    def add_neighbourhood(self) -> None:
        hamlet_id = self.hamlet.currentData()
        if not hamlet_id:
            self.problems.setText(tr("unit.error.hamlet"))
            return
        number, ok = QInputDialog.getText(self, tr("unit.dialog.add_rt"),
                                          tr("unit.dialog.rt_prompt"))
        if ok and number.strip():
            rt = op(self, lambda: regions.add_neighbourhood(hamlet_id, number.strip())).failure(
                in_label(self.problems)).call()
            if rt is None:
                return
            self._hamlet_changed()
            self.neighbourhood.setCurrentIndex(self.neighbourhood.findData(rt.id))

    # --- saving ----------------------------------------------------------------------------
    def values(self) -> UnitInput:
        return UnitInput(level=self.level.currentData(), name=self.name.text(),
                         desa_code=self.desa.currentData(), hamlet_id=self.hamlet.currentData(),
                         neighbourhood_id=self.neighbourhood.currentData(),
                         parent_id=self.parent_unit.currentData(),
                         sk_number=self.sk_number.text().strip() or None,
                         sk_date=self.sk_date.value(), version=getattr(self, "_version", None))

    def show_history(self) -> None:
        from imp_desktop.services.audit import uuid_of
        from imp_desktop.ui.audit_dialog import AuditTrailDialog

        AuditTrailDialog.show_for(self, uuid_of("unit", self.unit_id), self.name.text(),
                                  children=True)

    def save(self) -> bool:
        for widget in self._fields.values():
            widget.setStyleSheet("")
        self.saved_id = op(self, lambda: save_unit(self.values(), self.unit_id)).failure(
            self._refused).call()
        if self.saved_id is None:
            return False
        self.accept()
        return True

    def _refused(self, exc: Exception) -> bool:
        """A refusal stays in the dialog: the fields marked, the reasons listed."""
        if not isinstance(exc, UserError):
            return False
        problems = getattr(exc, "problems", None) or []
        for field, _ in problems:
            if field in self._fields:
                self._fields[field].setStyleSheet(INVALID_FIELD)
        self.problems.setText("\n".join(f"• {text}" for _, text in problems) or str(exc))
        return True

    @classmethod
    def edit(cls, parent: QWidget | None, unit_id: int | None = None,
             desa_code: str | None = None) -> int | None:
        dialog = cls(parent, unit_id, desa_code)
        dialog.exec()
        return dialog.saved_id
