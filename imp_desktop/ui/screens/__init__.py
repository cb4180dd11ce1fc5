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
    ScreenEntry("beranda", "nav.home", "imp_desktop.ui.screens.beranda", "HomeScreen", "Ctrl+1"),
    ScreenEntry("kader", "nav.cadres", "imp_desktop.ui.screens.kader", "CadreScreen", "Ctrl+2"),
    ScreenEntry("kegiatan", "nav.activities", "imp_desktop.ui.screens.kegiatan",
                "ActivityScreen", "Ctrl+3"),
    ScreenEntry("peran", "nav.roles", "imp_desktop.ui.screens.peran", "RoleScreen", "Ctrl+4"),
    ScreenEntry("laporan", "nav.reports", "imp_desktop.ui.screens.laporan", "ReportScreen",
                "Ctrl+5"),
    ScreenEntry("pengaturan", "nav.settings", "imp_desktop.ui.screens.pengaturan",
                "SettingsScreen", "Ctrl+6"),
]
