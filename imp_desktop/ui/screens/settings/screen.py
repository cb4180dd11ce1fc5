"""Pengaturan: one tab per area. Features add their page to ``PAGES``.

A page is a QWidget class with ``title_key``, ``refresh()`` and
``retranslate()``; it saves through the services itself.
"""
from __future__ import annotations

import importlib

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from imp_desktop.i18n import tr
from imp_desktop.ui.screens.base import Screen

# (module, class) of each settings page, in tab order.
PAGES: list[tuple[str, str]] = [
    ("imp_desktop.ui.screens.settings.general_page", "GeneralSettingsPage"),
    ("imp_desktop.ui.backup_dialogs", "BackupPage"),
    ("imp_desktop.ui.screens.roles.settings_page", "RoleSettingsPage"),
    ("imp_desktop.ui.screens.settings.documents_page", "DocumentSettingsPage"),
    ("imp_desktop.ui.screens.activities.types_page", "ActivityTypesPage"),
    ("imp_desktop.ui.screens.monthly.settings_page", "MonthlySettingsPage"),
    ("imp_desktop.ui.screens.activities.narrative_page", "NarrativeTemplatePage"),
    ("imp_desktop.ui.screens.settings.security_page", "SecurityPage"),
]


class SettingsScreen(Screen):
    title_key = "nav.settings"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.tabs = QTabWidget()
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self.pages = []
        for module, class_name in PAGES:
            page = getattr(importlib.import_module(module), class_name)(self)
            self.pages.append(page)
            # A tall page scrolls instead of making the window taller than a
            # 1366x768 laptop at 125% can show.
            scroll = QScrollArea()
            scroll.setWidget(page)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            self.tabs.addTab(scroll, "")
        self.retranslate()

    def refresh(self) -> None:
        for page in self.pages:
            page.refresh()

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        for index, page in enumerate(self.pages):
            page.retranslate()
            self.tabs.setTabText(index, tr(page.title_key))
