"""A date field that takes a date typed whole: ``27112026`` or ``27/11/2026``.

Qt's QDateEdit edits one section at a time and commits only on Tab, so an
officer who clicks into the field and types the date sees nothing happen.
Here the digits typed after entering the field (by click or by Tab) are
collected and shown as typed; the moment they make a whole date
(``formatting.parse_typed_date``) the field takes it. Arrow keys, the
calendar and the mouse wheel work as before.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit

from imp_desktop.formatting import parse_typed_date

_TYPED = set("0123456789/.-")


class DateField(QDateEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self._typed: str | None = None     # what was typed since entering the field

    def typed_text(self) -> str | None:
        return self._typed

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._typed = None
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._typed is not None:
            self._finish(final=True)
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        text = event.text()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if text and text in _TYPED and not modifiers:
            self._typed = (self._typed or "") + text
            self._show_typed()
            self._finish(final=False)
            return
        if event.key() == Qt.Key.Key_Backspace and self._typed is not None:
            self._typed = self._typed[:-1] or None
            if self._typed is None:
                self._restore()
            else:
                self._show_typed()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._typed is not None:
            self._finish(final=True)
        elif self._typed is not None and event.key() == Qt.Key.Key_Escape:
            self._typed = None
            self._restore()
            return
        elif self._typed is not None:
            self._finish(final=True)
        super().keyPressEvent(event)

    def _show_typed(self) -> None:
        # Shown as typed; the spin box must not read (and refuse) the half date.
        edit = self.lineEdit()
        edit.blockSignals(True)
        edit.setText(self._typed or "")
        edit.setCursorPosition(len(self._typed or ""))
        edit.blockSignals(False)

    def _restore(self) -> None:
        edit = self.lineEdit()
        edit.blockSignals(True)
        edit.setText(self.textFromDateTime(self.dateTime()))
        edit.blockSignals(False)

    def _finish(self, final: bool) -> None:
        """Take the typed date once it is whole; on leaving, keep the old one if not."""
        typed = self._typed or ""
        complete = len(typed.replace("/", "").replace(".", "").replace("-", "")) >= 8 or (
            final or len(typed) >= 10)
        value = parse_typed_date(typed) if complete else None
        if value is not None:
            self._typed = None
            self.setDate(QDate(value.year, value.month, value.day))
            self._restore()
        elif final:
            self._typed = None
            self._restore()

    def value(self) -> dt.date:
        return self.date().toPython()
