"""The cadre list as a Qt table model that holds ids, not rows (as Anki's browser).

A search keeps the ids of its result, read ``BATCH`` at a time: the first
part at once, the next when the view is scrolled to the end (Qt's
``canFetchMore``/``fetchMore``), so a keystroke that matches 195,000 cadres
reads a few hundred ids. ``data()`` asks the services for the page of rows
around the one being painted and keeps a bounded cache. How many cadres the
result holds is counted by the screen off the main thread when the first
part is not the whole (``complete``). A row that cannot be read shows as a
disabled line instead of failing.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from imp_desktop.formatting import format_date
from imp_desktop.i18n import tr
from imp_desktop.services.cadre_search import (
    COLUMNS,
    CadreFilter,
    CadreRow,
    cadre_rows,
    search_cadre_ids,
)
from imp_desktop.services.settings import level_labels
from imp_desktop.ui.operations import log_unexpected

PAGE = 100
BATCH = 500             # ids read at once: the first screenfuls, then on scrolling
CACHE_LIMIT = 2000
_GREY = QBrush(QColor("#8a8f8c"))
_INCOMPLETE = QBrush(QColor("#a15c00"))


class CadreTableModel(QAbstractTableModel):
    # Number of cadres in the result when the ids read are the whole result,
    # else -1 (the screen counts them off the main thread).
    result_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids: list[int] = []
        self._complete = True
        self._changing = False     # inside a reset or layout change: fetch nothing
        self._cache: dict[int, CadreRow | None] = {}
        self._filter = CadreFilter()
        self._sort = ("name", False)
        self._levels: dict[str, str] = {}

    # --- searching -----------------------------------------------------------
    @property
    def filter(self) -> CadreFilter:
        return self._filter

    def set_filter(self, flt: CadreFilter) -> None:
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        """Search again (after a filter change, a sort or a write)."""
        self.beginResetModel()
        self._changing = True
        self._levels = level_labels()
        self._ids, self._complete = self._search(BATCH)
        self._cache.clear()
        self.endResetModel()
        self._changing = False
        self.result_changed.emit(len(self._ids) if self._complete else -1)

    def _search(self, limit: int | None, offset: int = 0) -> tuple[list[int], bool]:
        """Up to ``limit`` ids from ``offset`` on, and whether they reach the end."""
        if limit is None:
            return search_cadre_ids(self._filter, *self._sort, offset=offset), True
        ids = search_cadre_ids(self._filter, *self._sort, limit=limit + 1, offset=offset)
        return ids[:limit], len(ids) <= limit

    @property
    def complete(self) -> bool:
        """True when every id of the result has been read."""
        return self._complete

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._complete and not self._changing

    def fetchMore(self, parent=QModelIndex()) -> None:
        self._read_more(BATCH)

    def _read_more(self, limit: int | None) -> None:
        if self._complete or self._changing:
            return
        more, self._complete = self._search(limit, len(self._ids))
        known = set(self._ids)
        more = [cid for cid in more if cid not in known]   # data changed meanwhile
        if more:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(more) - 1)
            self._ids.extend(more)
            self.endInsertRows()
        if self._complete:
            self.result_changed.emit(len(self._ids))

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        # As many ids as are shown now, in the new order: the rows stay as many.
        ids, complete = self._search(None if self._complete else len(self._ids))
        if len(ids) != len(self._ids):        # the data changed meanwhile
            self.reload()
            return
        self._changing = True
        self.layoutAboutToBeChanged.emit()
        old_ids, self._ids, self._complete = self._ids, ids, complete
        positions = {cid: row for row, cid in enumerate(self._ids)}
        for index in self.persistentIndexList():
            row = positions.get(old_ids[index.row()]) if index.row() < len(old_ids) else None
            new = self.index(row, index.column()) if row is not None else QModelIndex()
            self.changePersistentIndex(index, new)
        self.layoutChanged.emit()
        self._changing = False

    @property
    def ids(self) -> list[int]:
        """The ids read so far (all of them when ``complete``)."""
        return list(self._ids)

    def all_ids(self) -> list[int]:
        """Every id of the result, in its order (reads the rest if needed)."""
        self._read_more(None)
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, cadre_id: int) -> int | None:
        """The row of a cadre in the result; reads the rest of the ids when it is
        not among those read yet (after a save, to select the saved cadre)."""
        if cadre_id not in self._ids:
            self._read_more(None)
        try:
            return self._ids.index(cadre_id)
        except ValueError:
            return None

    def cadre(self, row: int) -> CadreRow | None:
        cid = self.id_at(row)
        if cid is None:
            return None
        if cid not in self._cache:
            self._fetch_page(row)
        return self._cache.get(cid)

    def _fetch_page(self, row: int) -> None:
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        start = (row // PAGE) * PAGE
        page = self._ids[start:start + PAGE]
        try:
            found = cadre_rows(page)
        except Exception as exc:  # a failing page shows disabled rows, never raises into Qt
            log_unexpected(exc)   # ...but the log has it
            found = {}
        for cid in page:
            self._cache[cid] = found.get(cid)

    # --- Qt model ------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(COLUMNS):
                return tr(f"cadre.column.{COLUMNS[section]}")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.cadre(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        row = self.cadre(index.row())
        column = COLUMNS[index.column()] if 0 <= index.column() < len(COLUMNS) else None
        if row is None or column is None:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return tr("cadre.row_unreadable")
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(row, column)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._tooltip(row, column) or None
            return text
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.active:
                return _GREY
            if column in ("nik", "unit") and not getattr(row, "nik" if column == "nik" else "unit_id"):
                return _INCOMPLETE
        return None

    def _text(self, row: CadreRow, column: str) -> str:
        if column == "name":
            return row.name
        if column == "nik":
            return row.nik or tr("cadre.missing")
        if column == "level":
            return self._levels.get(row.level, "") if row.level else ""
        if column == "unit":
            return row.unit_name or tr("cadre.missing")
        if column == "desa":
            return row.desa_name or ""
        if column == "hamlet":
            return row.hamlet or ""
        if column == "rt":
            return row.rt or ""
        if column == "position":
            return tr(f"position.{row.position}") if row.position else ""
        if column == "phone":
            return row.phone or ""
        if column == "status":
            return tr("cadre.status.active") if row.active else tr("cadre.status.inactive")
        return ""

    def _tooltip(self, row: CadreRow, column: str) -> str:
        if column == "status" and not row.active:
            return tr("cadre.status.inactive_since", date=format_date(row.inactive_date),
                      reason=row.inactive_reason or "")
        if column in ("nik", "unit") and row.incomplete:
            return tr("cadre.incomplete_hint")
        return self._text(row, column)
