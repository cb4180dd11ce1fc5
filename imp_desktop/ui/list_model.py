"""A table model over a list of plain rows that a service returned.

Subclasses name their columns in ``COLUMNS`` (``HEADER`` turns a column name
into its i18n key: ``"activity.column.{}"``; by default the name is the key),
fill ``self.rows`` through ``set_rows`` and answer ``data`` for one row.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from imp_desktop.i18n import tr


class RowListModel(QAbstractTableModel):
    COLUMNS: tuple[str, ...] = ()
    HEADER = "{}"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: QModelIndex | int):
        """The row behind ``index`` (a model index or a row number), or None for
        an invalid or stale one."""
        number = index if isinstance(index, int) else (index.row() if index.isValid() else -1)
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def row_of(self, ident, key: str = "id") -> int | None:
        """The row number of the row whose ``key`` is ``ident``."""
        return next((n for n, row in enumerate(self.rows) if getattr(row, key) == ident), None)

    def column_name(self, index: QModelIndex) -> str | None:
        column = index.column()
        return self.COLUMNS[column] if 0 <= column < len(self.COLUMNS) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return tr(self.HEADER.format(self.COLUMNS[section]))
        return None
