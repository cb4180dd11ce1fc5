"""What every screen of the main window has in common."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from imp_desktop.i18n import tr


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

    def notify(self, text: str, msecs: int = 5000) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, msecs)


class PlaceholderScreen(Screen):
    """A screen whose feature is still being built: says so plainly."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        self.body.setText(tr("screen.not_ready"))
