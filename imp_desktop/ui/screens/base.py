"""What every screen of the main window has in common."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget


class Screen(QWidget):
    """A page of the main window.

    ``refresh()`` is called when the screen is shown or the database changes;
    ``retranslate()`` when the language changes. ``status_message`` signals are
    not needed: screens call ``self.window().statusBar()`` through ``notify``.
    """

    title_key = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)

    def refresh(self) -> None:
        """Reload what the screen shows from the services."""

    def retranslate(self) -> None:
        """Set every visible text again in the current language."""

    # Standard actions. The main window owns their shortcuts (Ctrl+N, Ctrl+S, Ctrl+F,
    # Ctrl+P, F5) and calls these on the current screen; a screen that supports one
    # overrides the method (the menu entry is enabled only then). Screens should not
    # bind these keys themselves: two shortcuts on one key make Qt fire neither.
    def new_record(self) -> None:
        """Ctrl+N: add a record (a cadre, an activity…)."""

    def save_record(self) -> None:
        """Ctrl+S: save what is being edited on the screen."""

    def find(self) -> None:
        """Ctrl+F: put the cursor in the screen's search box."""

    def print_document(self) -> None:
        """Ctrl+P: print or make the PDF of what the screen shows."""

    def supports(self, action: str) -> bool:
        """Whether this screen implements a standard action (``"new_record"``…)."""
        return getattr(type(self), action) is not getattr(Screen, action)

    def notify(self, text: str, msecs: int = 5000) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, msecs)
