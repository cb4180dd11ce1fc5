"""Typed access to the user's preferences over QSettings.

Preferences (language, recent files) are kept apart from window geometry.
Every read gives a default and a type: an untyped QSettings boolean comes back
as the string "false", which is truthy.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class UiSettings:
    def __init__(self, settings: QSettings | None = None):
        self._settings = settings or QSettings()

    # preferences
    @property
    def language(self) -> str:
        return str(self._settings.value("prefs/language", "id", str))

    @language.setter
    def language(self, value: str) -> None:
        self._settings.setValue("prefs/language", value)

    @property
    def recent_files(self) -> list[str]:
        value = self._settings.value("prefs/recent_files", [], list)
        return [str(v) for v in (value or []) if v]

    def add_recent_file(self, path: str) -> None:
        from imp_desktop.services.server import redact

        path = redact(path) if "://" in path else path   # never a password on disk
        files = [path] + [f for f in self.recent_files if f != path]
        self._settings.setValue("prefs/recent_files", files[:MAX_RECENT])

    def clear_recent_files(self) -> None:
        self._settings.setValue("prefs/recent_files", [])

    @property
    def server_connection(self) -> str:
        """The last PostgreSQL connection opened (a URL without password)."""
        return str(self._settings.value("prefs/server_connection", "", str))

    @server_connection.setter
    def server_connection(self, url: str) -> None:
        from imp_desktop.services.server import redact

        self._settings.setValue("prefs/server_connection", redact(url))

    @property
    def last_screen(self) -> str:
        return str(self._settings.value("prefs/last_screen", "beranda", str))

    @last_screen.setter
    def last_screen(self, key: str) -> None:
        self._settings.setValue("prefs/last_screen", key)

    # window state
    def window_geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry", None)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window_geometry(self, geometry: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)

    def sync(self) -> None:
        self._settings.sync()
