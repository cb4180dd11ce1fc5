"""Pengaturan → Umum: language, the first-run setup again, the user guide."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.formatting import format_nip
from imp_desktop.i18n import LANGUAGES, language, set_language, tr
from imp_desktop.services import first_run, regions


class GeneralSettingsPage(QWidget):
    title_key = "settings.general"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.language_box = QGroupBox()
        self.language_combo = QComboBox()
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language_combo)
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        self.language_note.setStyleSheet("color: #555;")
        form = QFormLayout(self.language_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.language_label, self.language_combo)
        form.addRow(self.language_note)

        self.setup_box = QGroupBox()
        self.profile = QLabel()
        self.profile.setWordWrap(True)
        self.setup_button = QPushButton()
        self.setup_button.clicked.connect(self.open_setup)
        setup_layout = QVBoxLayout(self.setup_box)
        setup_layout.addWidget(self.profile)
        row = QHBoxLayout()
        row.addWidget(self.setup_button)
        row.addStretch(1)
        setup_layout.addLayout(row)

        self.help_box = QGroupBox()
        self.help_text = QLabel()
        self.help_text.setWordWrap(True)
        self.guide_button = QPushButton()
        self.guide_button.clicked.connect(self.open_guide)
        help_layout = QVBoxLayout(self.help_box)
        help_layout.addWidget(self.help_text)
        row = QHBoxLayout()
        row.addWidget(self.guide_button)
        row.addStretch(1)
        help_layout.addLayout(row)

        layout = QVBoxLayout(self)
        layout.addWidget(self.language_box)
        layout.addWidget(self.setup_box)
        layout.addWidget(self.help_box)
        layout.addStretch(1)
        self.retranslate()

    def refresh(self) -> None:
        data = first_run.current_setup()
        if not data.name:
            self.profile.setText(tr("settings.general.no_profile"))
            return
        kecamatan = regions.get_region(data.kecamatan_code) if data.kecamatan_code else None
        lines = [data.name]
        if data.nip:
            lines.append(f"NIP. {format_nip(data.nip)}")
        if data.title:
            lines.append(data.title)
        if kecamatan:
            lines.append(tr("settings.general.area", kecamatan=kecamatan.name,
                            count=len(data.desa)))
        self.profile.setText("\n".join(lines))

    def retranslate(self) -> None:
        self.language_box.setTitle(tr("settings.general.language"))
        self.language_label.setText(tr("settings.general.language.label"))
        self.language_note.setText(tr("settings.general.language.note"))
        self.language_combo.blockSignals(True)
        self.language_combo.setCurrentIndex(self.language_combo.findData(language()))
        self.language_combo.blockSignals(False)
        self.setup_box.setTitle(tr("settings.general.setup"))
        self.setup_button.setText(tr("settings.general.setup.open"))
        self.setup_button.setToolTip(tr("settings.general.setup.tip"))
        self.help_box.setTitle(tr("settings.general.help"))
        self.help_text.setText(tr("settings.general.help.text"))
        self.guide_button.setText(tr("settings.general.help.open"))
        self.refresh()

    def _language_chosen(self, _index: int) -> None:
        code = self.language_combo.currentData()
        window = self.window()
        if hasattr(window, "settings"):
            window.settings.language = code
        # Every screen retranslates in place: nothing typed is lost.
        set_language(code)

    def open_setup(self) -> None:
        window = self.window()
        if hasattr(window, "open_first_run"):
            window.open_first_run(reopen=True)

    def open_guide(self) -> None:
        window = self.window()
        if hasattr(window, "show_guide"):
            window.show_guide()
