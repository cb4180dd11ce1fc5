"""From gap to action: plan a coaching activity on a unit's weakest roles."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from imp_desktop import APP_NAME
from imp_desktop.formatting import format_percent
from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.ui.operations import op
from imp_desktop.ui.widgets import ok_cancel
from imp_desktop.ui.date_field import DateField


class GapDialog(QDialog):
    def __init__(self, parent, assessment_id: int):
        super().__init__(parent)
        self.assessment_id = assessment_id
        self.activity_id: int | None = None
        self.sheet = roles.get_assessment(assessment_id)
        self.open_roles = roles.weakest_roles(assessment_id, len(roles.ROLE_CODES))
        self.setWindowTitle(tr("role.gap.title"))
        self.setMinimumWidth(620)

        intro = QLabel(tr("role.gap.intro", unit=self.sheet.unit_name,
                          period=self.sheet.period_label,
                          classification=self.sheet.classification_label))
        intro.setWordWrap(True)
        self.gaps = QLabel()
        self.gaps.setWordWrap(True)
        self.count = QSpinBox()
        self.count.setRange(1, max(1, len(self.open_roles)))
        self.count.setValue(min(3, len(self.open_roles)) or 1)
        self.count.valueChanged.connect(self._count_changed)
        self.date = DateField()
        soon = dt.date.today() + dt.timedelta(days=7)
        self.date.setDate(QDate(soon.year, soon.month, soon.day))
        self.agenda = QPlainTextEdit()
        self.agenda.setMinimumHeight(190)
        self.agenda.textChanged.connect(self._agenda_edited)
        self._agenda_touched = False
        self.invite = QCheckBox(tr("role.gap.invite"))
        self.invite.setChecked(True)

        form = QFormLayout()
        form.addRow(tr("role.gap.count"), self.count)
        form.addRow(tr("role.gap.date"), self.date)
        form.addRow(tr("role.gap.agenda"), self.agenda)
        form.addRow("", self.invite)
        buttons = ok_cancel(self.accept, self.reject, tr("role.gap.create"), tr("role.gap.cancel"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.gaps)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._count_changed()

    def _count_changed(self, *_args) -> None:
        chosen = self.open_roles[:self.count.value()]
        self.gaps.setText("<br>".join(
            tr("role.gap.line", number=gap.number, role=gap.name,
               share=format_percent(round(gap.percent))) for gap in chosen))
        if not self._agenda_touched:
            self.agenda.blockSignals(True)
            self.agenda.setPlainText(roles.gap_agenda(self.assessment_id, self.count.value()))
            self.agenda.blockSignals(False)

    def _agenda_edited(self) -> None:
        self._agenda_touched = True

    def values(self) -> tuple[dt.date, int, str, bool]:
        day = self.date.date()
        return (dt.date(day.year(), day.month(), day.day()), self.count.value(),
                self.agenda.toPlainText(), self.invite.isChecked())

    def accept(self) -> None:
        day, count, agenda, invite = self.values()
        # a refusal leaves the dialog open with what was typed
        self.activity_id = op(self, lambda: roles.create_coaching_activity(
            self.assessment_id, day, count, agenda, invite)).call()
        if self.activity_id is not None:
            super().accept()

    @classmethod
    def create(cls, parent, assessment_id: int) -> int | None:
        """Show the dialog; the new activity's id, or None when cancelled."""
        dialog = op(parent, lambda: cls(parent, assessment_id)).call()
        if dialog is None:
            return None
        if not dialog.open_roles:
            QMessageBox.information(parent, APP_NAME, tr("role.gap.nothing",
                                                         unit=dialog.sheet.unit_name))
            return None
        dialog.exec()
        return dialog.activity_id
