"""The Laporan screen (being built; see the issues)."""
from imp_desktop.ui.screens.base import PlaceholderScreen


class ReportScreen(PlaceholderScreen):
    title_key = "nav.reports"
