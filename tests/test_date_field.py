"""Dates typed whole: "27112026" or "27/11/2026", after a click or a Tab."""
import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from imp_desktop.formatting import parse_typed_date
from imp_desktop.ui.date_field import DateField


@pytest.mark.parametrize("text, expected", [
    ("27112026", dt.date(2026, 11, 27)), ("27/11/2026", dt.date(2026, 11, 27)),
    ("1.2.2026", dt.date(2026, 2, 1)), ("27-11-26", dt.date(2026, 11, 27)),
    ("271126", dt.date(2026, 11, 27)), ("31022026", None), ("2711", None), ("", None),
    ("27/13/2026", None)])
def test_typed_dates(text, expected):
    assert parse_typed_date(text) == expected


@pytest.mark.parametrize("typed", ["27112026", "27/11/2026"])
@pytest.mark.parametrize("entered_by", ["click", "tab"])
def test_typing_a_date_takes_it_at_once(qtbot, typed, entered_by):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    page = QWidget()
    before = QLineEdit()
    field = DateField()
    layout = QVBoxLayout(page)
    layout.addWidget(before)
    layout.addWidget(field)
    qtbot.addWidget(page)
    page.show()
    field.setDate(QDate(2026, 1, 5))
    if entered_by == "click":
        qtbot.mouseClick(field.lineEdit(), Qt.MouseButton.LeftButton)
        field.setFocus()
    else:
        before.setFocus()
        qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, typed)
    assert field.value() == dt.date(2026, 11, 27)      # without Tab or the calendar
    assert field.text() == "27/11/2026"


def test_an_unfinished_date_is_dropped_on_leaving(qtbot):
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    field.setDate(QDate(2026, 1, 5))
    field.setFocus()
    qtbot.keyClicks(field, "3102")
    assert field.lineEdit().text() == "3102"
    qtbot.keyClick(field, Qt.Key.Key_Return)          # not a date: the old one stays
    assert field.value() == dt.date(2026, 1, 5) and field.text() == "05/01/2026"
