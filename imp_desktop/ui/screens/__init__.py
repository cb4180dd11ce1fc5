"""The screens of the main window, in navigation order.

Each entry names the module and class; the window creates a screen the first
time it is shown so start-up stays fast. A screen subclasses ``Screen``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenEntry:
    key: str
    title_key: str       # i18n key of the navigation label
    module: str
    class_name: str
    shortcut: str        # Ctrl+<n> to jump there


SCREENS = [
    ScreenEntry("beranda", "nav.home", "imp_desktop.ui.screens.home.screen", "HomeScreen", "Ctrl+1"),
    ScreenEntry("kader", "nav.cadres", "imp_desktop.ui.screens.cadres.screen", "CadreScreen", "Ctrl+2"),
    ScreenEntry("kegiatan", "nav.activities", "imp_desktop.ui.screens.activities.screen",
                "ActivityScreen", "Ctrl+3"),
    ScreenEntry("peran", "nav.roles", "imp_desktop.ui.screens.roles.screen", "RoleScreen", "Ctrl+4"),
    ScreenEntry("bulanan", "nav.monthly", "imp_desktop.ui.screens.monthly.screen", "MonthlyScreen",
                "Ctrl+5"),
    ScreenEntry("laporan", "nav.reports", "imp_desktop.ui.screens.reports.screen", "ReportScreen",
                "Ctrl+6"),
    ScreenEntry("pengaturan", "nav.settings", "imp_desktop.ui.screens.settings.screen",
                "SettingsScreen", "Ctrl+7"),
    ScreenEntry("kabupaten", "nav.district", "imp_desktop.ui.screens.district.screen",
                "DistrictScreen", "Ctrl+8"),
]
