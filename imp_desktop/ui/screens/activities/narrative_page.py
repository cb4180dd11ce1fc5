"""Pengaturan → Templat laporan: the narrative template of each activity type.

Each report section the program drafts (Latar belakang … Penutup) has a text
with placeholders filled from the activity's data (``services/drafting.py``).
A refused template (an unknown placeholder) is not saved and stays on screen.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import ValidationError
from imp_desktop.i18n import tr
from imp_desktop.services import drafting


class NarrativeTemplatePage(QWidget):
    title_key = "drafting.page"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.type_label = QLabel()
        self.type_box = QComboBox()
        self.type_box.setObjectName("templateType")
        self.type_box.setMinimumWidth(280)
        self.type_box.currentIndexChanged.connect(self._type_changed)
        self.type_label.setBuddy(self.type_box)
        self.texts: dict[str, QPlainTextEdit] = {}
        self.labels: dict[str, QLabel] = {}
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        for section in drafting.SECTIONS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"template_{section}")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(54)
            edit.setMaximumHeight(110 if section == "background" else 64)
            label = QLabel()
            label.setBuddy(edit)
            self.texts[section], self.labels[section] = edit, label
            form.addRow(label, edit)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveTemplate")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset)
        top = QHBoxLayout()
        top.addWidget(self.type_label)
        top.addWidget(self.type_box)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def refresh(self) -> None:
        current = self.type_box.currentData()
        self.type_box.blockSignals(True)
        self.type_box.clear()
        for choice in drafting.template_choices():
            mark = " *" if choice.customised else ""
            self.type_box.addItem(choice.name + mark, choice.type_id)
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(current)))
        self.type_box.blockSignals(False)
        self._type_changed()

    def retranslate(self) -> None:
        placeholders = ", ".join("{" + name + "}" for name in drafting.PLACEHOLDERS)
        self.intro.setText(tr("drafting.intro", placeholders=placeholders))
        self.type_label.setText(tr("drafting.type"))
        for section, label in self.labels.items():
            label.setText(tr(f"activity.field.{section}"))
        self.save_button.setText(tr("drafting.save"))
        self.reset_button.setText(tr("drafting.reset"))

    def _type_changed(self, *_args) -> None:
        template = drafting.get_template(self.type_box.currentData())
        for section, edit in self.texts.items():
            edit.setPlainText(template[section])
        self.error.clear()

    def template(self) -> dict[str, str]:
        return {section: edit.toPlainText() for section, edit in self.texts.items()}

    def save(self) -> bool:
        try:
            drafting.save_template(self.type_box.currentData(), self.template())
        except ValidationError as exc:
            self.error.setText(" ".join(dict.fromkeys(message for _, message in exc.problems))
                               or str(exc))
            return False
        self.error.setText(tr("drafting.saved"))
        self.refresh()
        return True

    def reset(self) -> None:
        if QMessageBox.question(self, APP_NAME, tr("drafting.reset_confirm")
                                ) != QMessageBox.StandardButton.Yes:
            return
        drafting.reset_template(self.type_box.currentData())
        self.refresh()
