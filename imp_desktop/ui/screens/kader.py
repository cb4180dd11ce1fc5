"""The Kader screen (being built; see the issues)."""
from imp_desktop.ui.screens.base import PlaceholderScreen


class CadreScreen(PlaceholderScreen):
    title_key = "nav.cadres"
