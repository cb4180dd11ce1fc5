"""The Kegiatan screen (being built; see the issues)."""
from imp_desktop.ui.screens.base import PlaceholderScreen


class ActivityScreen(PlaceholderScreen):
    title_key = "nav.activities"
