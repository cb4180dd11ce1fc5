"""The Peran Bakti screen: assess a unit's six roles, see its history, and the recap.

Tab "Penilaian": pick desa and period, then a unit from the list; the
checklist has a section per role with live progress and classification.
Tab "Riwayat" of the same unit: its classification per period and a chart.
Tab "Rekap": a desa or the whole kecamatan by classification and level, and
the indicators most often unmet, i.e. where coaching is needed.
"""
from __future__ import annotations


from PySide6.QtWidgets import (
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.screens.roles.assessment_panel import AssessmentPanel
from imp_desktop.ui.screens.roles.recap_panel import RecapPanel


class RoleScreen(Screen):
    title_key = "nav.roles"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.tabs = QTabWidget()
        self.assessment = AssessmentPanel(self)
        self.recap = RecapPanel(self)
        self.tabs.addTab(self.assessment, "")
        self.tabs.addTab(self.recap, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def refresh(self) -> None:
        self.assessment.reload()
        self.recap.stale = True
        if self.tabs.currentWidget() is self.recap:
            self.recap.reload()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.recap and self.recap.stale:
            self.recap.reload()

    def can_close(self) -> bool:
        """Asked by the window before it closes or opens another database."""
        return self.assessment.checklist.confirm_leave()

    # --- standard actions (Ctrl+S, Ctrl+P from the main window) ---------------------
    def save_record(self) -> None:
        if self.tabs.currentWidget() is self.assessment:
            self.assessment.checklist.save()

    def print_document(self) -> None:
        if self.tabs.currentWidget() is self.recap:
            self.recap.print_recap()
        else:
            self.assessment.checklist.print_sheet()

    # --- links ------------------------------------------------------------------------
    def apply_filter(self, filters: dict) -> None:
        """Links from Beranda: ``recap`` with ``classification`` and/or ``level``
        (units by their classification in the latest period), or
        ``not_assessed_since`` (ISO date: units with no assessment since then)."""
        import datetime as dt

        from imp_desktop.formatting import format_date

        self.tabs.setCurrentWidget(self.recap)
        if self.recap.stale:
            self.recap.reload()
        latest = roles.latest_period()
        if latest:
            index = self.recap.period_box.findData(latest)
            if index >= 0 and index != self.recap.period_box.currentIndex():
                self.recap.period_box.setCurrentIndex(index)
        if self.recap.scope_box.count() and self.recap.scope_box.currentIndex() != 0:
            self.recap.scope_box.setCurrentIndex(0)
        since = filters.get("not_assessed_since")
        if since:
            day = dt.date.fromisoformat(since)
            self.recap.show_units(None, None, roles.units_not_assessed_since(day),
                                  tr("role.recap.not_assessed_since", date=format_date(day)))
        elif "classification" in filters or "level" in filters:
            self.recap.show_units(filters.get("classification", "all"), filters.get("level"))

    def open_unit(self, desa_code: str, unit_id: int, period: str) -> None:
        """Open a unit's checklist for a period (from the recap's unit list)."""
        panel = self.assessment
        if not panel.checklist.confirm_leave():
            return
        self.tabs.setCurrentWidget(panel)
        panel.desa_box.blockSignals(True)
        panel.desa_box.setCurrentIndex(max(panel.desa_box.findData(desa_code), 0))
        panel.desa_box.blockSignals(False)
        panel.checklist.unit_id = unit_id
        panel.go_to_period(period)

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        self.tabs.setTabText(0, tr("role.tab.assessment"))
        self.tabs.setTabText(1, tr("role.tab.recap"))
        self.assessment.retranslate()
        self.recap.retranslate()
