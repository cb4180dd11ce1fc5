"""Cascading region pickers: provinsi, then kabupaten/kota, then kecamatan."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from imp_desktop.i18n import tr
from imp_desktop.services import regions


class RegionPicker(QWidget):
    """Three combo boxes; ``kecamatan_changed(code or "")`` when the choice changes.

    Each list is filled from the services when its parent is chosen; typing the
    first letters of a name jumps to it, so the pickers work from the keyboard.
    """

    kecamatan_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.province = QComboBox()
        self.regency = QComboBox()
        self.district = QComboBox()
        for combo in (self.province, self.regency, self.district):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMaxVisibleItems(15)
        self.province_label, self.regency_label, self.district_label = QLabel(), QLabel(), QLabel()
        self.province_label.setBuddy(self.province)
        self.regency_label.setBuddy(self.regency)
        self.district_label.setBuddy(self.district)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.province_label, self.province)
        form.addRow(self.regency_label, self.regency)
        form.addRow(self.district_label, self.district)
        self.province.currentIndexChanged.connect(self._province_chosen)
        self.regency.currentIndexChanged.connect(self._regency_chosen)
        self.district.currentIndexChanged.connect(
            lambda _i: self.kecamatan_changed.emit(self.kecamatan_code() or ""))
        self.retranslate()
        self._fill(self.province, regions.children(None))
        self._fill(self.regency, [])
        self._fill(self.district, [])

    def retranslate(self) -> None:
        self.province_label.setText(tr("regionpicker.province"))
        self.regency_label.setText(tr("regionpicker.regency"))
        self.district_label.setText(tr("regionpicker.district"))
        for combo in (self.province, self.regency, self.district):
            if combo.count():
                combo.setItemText(0, tr("regionpicker.choose"))

    def _fill(self, combo: QComboBox, items) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("regionpicker.choose"), None)
        for info in items:
            combo.addItem(info.name, info.code)
        combo.setCurrentIndex(0)
        combo.setEnabled(bool(items))
        combo.blockSignals(False)

    def _province_chosen(self, _index: int) -> None:
        code = self.province.currentData()
        self._fill(self.regency, regions.children(code) if code else [])
        self._fill(self.district, [])
        self.kecamatan_changed.emit("")

    def _regency_chosen(self, _index: int) -> None:
        code = self.regency.currentData()
        self._fill(self.district, regions.children(code) if code else [])
        self.kecamatan_changed.emit("")

    def kecamatan_code(self) -> str | None:
        return self.district.currentData()

    def set_kecamatan(self, code: str | None) -> None:
        """Select the provinsi, kabupaten/kota and kecamatan of ``code``."""
        if not code:
            return
        path = [info.code for info in regions.region_path(code)]
        for combo, wanted in zip((self.province, self.regency, self.district), path):
            index = combo.findData(wanted)
            if index >= 0:
                combo.setCurrentIndex(index)
