"""Small pieces every screen builds the same way: a table of rows, a filled choice
box, OK/Cancel buttons."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialogButtonBox, QHeaderView,
                               QTableView)

_SELECTION = {"single": QAbstractItemView.SelectionMode.SingleSelection,
              "multi": QAbstractItemView.SelectionMode.ExtendedSelection}
_COLUMNS = {"stretch": QHeaderView.ResizeMode.Stretch,
            "contents": QHeaderView.ResizeMode.ResizeToContents,
            "interactive": QHeaderView.ResizeMode.Interactive}


def table_view(model=None, *, view: QTableView | None = None, select: str = "single",
               editable: bool = False, alternating: bool = True, word_wrap: bool | None = None,
               row_height: int | None = None, fixed_rows: bool = False,
               columns: str | None = None, stretch_column: int | None = None,
               stretch_last: bool | None = None, object_name: str | None = None) -> QTableView:
    """A table of whole rows without row numbers, set up the one way.

    ``select`` "single" or "multi" rows; read-only unless ``editable``; ``columns``
    "stretch", "contents" or "interactive" for every column, then ``stretch_column``
    takes the spare width; ``row_height`` (and ``fixed_rows``) for quick long lists.
    ``view`` sets up a subclass the caller made.
    """
    view = view if view is not None else QTableView()
    if object_name:
        view.setObjectName(object_name)
    if model is not None:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(_SELECTION[select])
    if not editable:
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(alternating)
    if word_wrap is not None:
        view.setWordWrap(word_wrap)
    rows = view.verticalHeader()
    rows.setVisible(False)
    if fixed_rows:
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    if row_height is not None:
        rows.setDefaultSectionSize(row_height)
    header = view.horizontalHeader()
    if columns is not None:
        header.setSectionResizeMode(_COLUMNS[columns])
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    if stretch_last is not None:
        header.setStretchLastSection(stretch_last)
    return view


def fill_combo(box: QComboBox, items, keep=None) -> None:
    """Fill ``box`` with ``(value, label)`` pairs without signalling a change. The
    value chosen before (or ``keep``) stays chosen when it is still offered,
    else the first."""
    current = box.currentData() if keep is None else keep
    box.blockSignals(True)
    box.clear()
    for value, label in items:
        box.addItem(label, value)
    index = box.findData(current)
    box.setCurrentIndex(index if index >= 0 else (0 if box.count() else -1))
    box.blockSignals(False)


def ok_cancel(accept: Callable[[], object], reject: Callable[[], object],
              ok_text: str | None = None, cancel_text: str | None = None) -> QDialogButtonBox:
    """OK/Cancel buttons wired to ``accept``/``reject``, with the program's own words
    when given (``ok_text`` says what OK does: "Buat kegiatan", "Gabungkan"); else
    Qt's standard ones (translated by ``qt_texts``)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    if cancel_text:
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(reject)
    return buttons
