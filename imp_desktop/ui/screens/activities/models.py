"""Qt item models of the Kegiatan screen: the activity list and the attendance list.

``AttendanceModel`` holds the editor's participant rows in memory (an activity
has at most a few hundred), so marking, sorting and scoring are instant; the
editor hands ``rows()`` to the service when saving.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from imp_desktop.formatting import format_number, format_short_date
from imp_desktop.i18n import tr
from imp_desktop.services.activities import (
    ATTENDANCE_STATUSES,
    SCORE_MAX,
    SCORE_MIN,
    ActivitySummary,
    ParticipantRow,
    count_attendance,
    status_label,
    summarize_scores,
)
from imp_desktop.ui.list_model import RowListModel

ROLE_ID = Qt.ItemDataRole.UserRole
STATUS_COLOURS = {
    "hadir": QColor("#1f7a4d"), "izin": QColor("#2f5f9e"), "sakit": QColor("#9a6a00"),
    "alpa": QColor("#b3261e"), None: QColor("#8a8f8c"),
}
# Keys that mark the selected people (attendance by keyboard).
STATUS_KEYS = {Qt.Key.Key_H: "hadir", Qt.Key.Key_I: "izin", Qt.Key.Key_S: "sakit",
               Qt.Key.Key_T: "alpa", Qt.Key.Key_A: "alpa", Qt.Key.Key_B: None}


def score_text(value: float | None) -> str:
    return "" if value is None else format_number(value, None)


def parse_score(text: str) -> float | None:
    """``85``, ``85,5`` or ``85.5``; empty clears. ValueError when not a number 0-100."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(text)
    return value


class ActivityListModel(RowListModel):
    """The activities of the current filter (at most a few thousand: held as rows)."""

    COLUMNS = ("date", "title", "type", "desa", "attendance", "photos")
    HEADER = "activity.column.{}"

    def summary(self, row: int) -> ActivitySummary | None:
        return self.row_at(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row, column = self.row_at(index), self.column_name(index)
        if row is None or column is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == "date":
                return format_short_date(row.date)
            if column == "title":
                return row.title if role == Qt.ItemDataRole.DisplayRole else \
                    f"{row.title}\n{row.place}".strip()
            if column == "type":
                return row.type_name
            if column == "desa":
                return row.desa_name
            if column == "attendance":
                return tr("activity.present_of", present=row.present, invited=row.invited)
            if column == "photos":
                return str(row.photos) if row.photos else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("attendance", "photos"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROLE_ID:
            return row.id
        return None


class AttendanceModel(QAbstractTableModel):
    """The attendance list being edited: cadres and guests, status, scores and a note."""

    COLUMNS = ("number", "name", "role", "desa", "status", "pre", "post", "gain", "note")
    counts_changed = Signal()
    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ParticipantRow] = []

    # --- plain access ----------------------------------------------------------
    def set_rows(self, rows: list[ParticipantRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.counts_changed.emit()

    def rows(self) -> list[ParticipantRow]:
        return list(self._rows)

    def participant(self, row: int) -> ParticipantRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def counts(self):
        return count_attendance(self._rows)

    def scores(self):
        return summarize_scores(self._rows)

    def column(self, name: str) -> int:
        return self.COLUMNS.index(name)

    def append(self, rows: list[ParticipantRow]) -> None:
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        self._changed_numbers(start)
        self.counts_changed.emit()
        self.edited.emit()

    def remove(self, row_numbers: list[int]) -> None:
        for row in sorted(set(row_numbers), reverse=True):
            if 0 <= row < len(self._rows):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        if row_numbers:
            self._changed_numbers(min(row_numbers))
            self.counts_changed.emit()
            self.edited.emit()

    def _changed_numbers(self, start: int) -> None:
        if self._rows and start < len(self._rows):
            self.dataChanged.emit(self.index(start, 0), self.index(len(self._rows) - 1, 0))

    def set_status(self, row_numbers, status: str | None) -> int:
        """Mark the given rows (all rows when None); returns how many changed."""
        numbers = range(len(self._rows)) if row_numbers is None else sorted(set(row_numbers))
        changed = [n for n in numbers if 0 <= n < len(self._rows)
                   and self._rows[n].status != status]
        for n in changed:
            self._rows[n].status = status
        if changed:
            column = self.column("status")
            self.dataChanged.emit(self.index(changed[0], column), self.index(changed[-1], column))
            self.counts_changed.emit()
            self.edited.emit()
        return len(changed)

    # --- Qt model --------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return tr(f"attendance.column.{self.COLUMNS[section]}")
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.COLUMNS[index.column()]
        row = self._rows[index.row()]
        if column in ("status", "pre", "post", "note") or (
                row.is_guest and column in ("name", "role")):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()] if 0 <= index.column() < len(self.COLUMNS) else None
        if column is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), row, column)
        if role == Qt.ItemDataRole.EditRole:
            if column == "status":
                return row.status or ""
            if column in ("pre", "post"):
                return score_text(getattr(row, f"{column}_score"))
            return self._text(index.row(), row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "name" and row.is_guest:
                return tr("attendance.guest_hint")
            if column == "status":
                return tr("attendance.keys_hint")
            return self._text(index.row(), row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            return QBrush(STATUS_COLOURS.get(row.status, STATUS_COLOURS[None]))
        if role == Qt.ItemDataRole.ForegroundRole and column == "gain" and row.gain is not None:
            return QBrush(STATUS_COLOURS["hadir"] if row.gain > 0 else
                          STATUS_COLOURS["alpa"] if row.gain < 0 else STATUS_COLOURS[None])
        if role == Qt.ItemDataRole.FontRole and column == "name" and row.is_guest:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("number", "pre", "post",
                                                                     "gain"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROLE_ID:
            return row.id
        return None

    def _text(self, number: int, row: ParticipantRow, column: str) -> str:
        if column == "number":
            return str(number + 1)
        if column == "name":
            return row.name
        if column == "role":
            return row.role_text
        if column == "desa":
            return row.desa_name if not row.is_guest else tr("attendance.guest")
        if column == "status":
            return status_label(row.status)
        if column == "pre":
            return score_text(row.pre_score)
        if column == "post":
            return score_text(row.post_score)
        if column == "gain":
            gain = row.gain
            if gain is None:
                return ""
            return ("+" if gain > 0 else "") + format_number(gain, None)
        if column == "note":
            return row.note
        return ""

    def setData(self, index: QModelIndex | QPersistentModelIndex, value,
                role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() \
                or not 0 <= index.row() < len(self._rows):
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        text = "" if value is None else str(value)
        if column == "status":
            status = text or None
            if status is not None and status not in ATTENDANCE_STATUSES:
                return False
            self.set_status([index.row()], status)
            return True
        if column in ("pre", "post"):
            try:
                score = parse_score(text)
            except ValueError:
                return False
            setattr(row, f"{column}_score", score)
            gain = self.column("gain")
            self.dataChanged.emit(index, index)
            self.dataChanged.emit(self.index(index.row(), gain), self.index(index.row(), gain))
            self.counts_changed.emit()
        elif column == "note":
            row.note = text.strip()
            self.dataChanged.emit(index, index)
        elif column == "name":
            if not text.strip():
                return False
            row.name = " ".join(text.split())
            self.dataChanged.emit(index, index)
        elif column == "role":
            row.position = " ".join(text.split())
            self.dataChanged.emit(index, index)
        else:
            return False
        self.edited.emit()
        return True
