"""The Peran screen (being built; see the issues)."""
from imp_desktop.ui.screens.base import PlaceholderScreen


class RoleScreen(PlaceholderScreen):
    title_key = "nav.roles"
