"""The Beranda screen (being built; see the issues)."""
from imp_desktop.ui.screens.base import PlaceholderScreen


class HomeScreen(PlaceholderScreen):
    title_key = "nav.home"
