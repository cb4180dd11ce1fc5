"""The table model of the Kabupaten screen: one ``reports.model.DistrictTable``."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from imp_desktop.formatting import format_number


class DistrictTableModel(QAbstractTableModel):
    """One table of the view (``reports.model.DistrictTable``); a total row last."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header: list[str] = []
        self.rows: list[list] = []
        self.has_total = False

    def set_table(self, table) -> None:
        self.beginResetModel()
        self.header = list(table.header)
        self.rows = [list(r) for r in table.rows]
        self.has_total = table.total is not None
        if self.has_total:
            self.rows.append(list(table.total))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.header)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(self.header)):
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_number(value) if isinstance(value, int) and not isinstance(
                value, bool) else ("" if value is None else str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and (
                isinstance(value, int) or (isinstance(value, str) and value.endswith("%"))):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.has_total \
                and index.row() == len(self.rows) - 1:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.header):
            return self.header[section]
        return None
