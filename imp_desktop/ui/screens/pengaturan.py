"""The Pengaturan screen (being built; see the issues)."""
from imp_desktop.ui.screens.base import PlaceholderScreen


class SettingsScreen(PlaceholderScreen):
    title_key = "nav.settings"
