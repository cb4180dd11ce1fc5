"""The Bulanan screen's item models: the grid of a desa's month, coverage and the
units still missing, and the template being edited in Pengaturan.

The grid has one row per template line, one column per unit. Rows follow the
template (New SIGA's order) with a heading row per section, the "received on"
row first and, under a line with a target, a row for its yearly target.
Columns are the desa's units in chain order (PPKBD, each Sub PPKBD followed by
its Kelompok KB). Typed and carried lines are edited; computed and total lines
are shown, never typed. Nothing is saved until ``save()``: the service refuses
a month whole, and the messages land on the cells they name while everything
typed stays in the grid.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import format_number, format_percent, format_short_date
from imp_desktop.i18n import tr
from imp_desktop.services import monthly
from imp_desktop.services.settings import level_label
from imp_desktop.ui.list_model import RowListModel

RECEIVED, SECTION, VALUE, TARGET = "received", "section", "value", "target"
COMPUTED_FILL = QColor("#EFEFEF")
CARRIED_FILL = QColor("#E8F1FB")
ERROR_FILL = QColor("#F8D7DA")
DIFFERENCE_FILL = QColor("#FFF3CD")
SECTION_FILL = QColor("#DDDDDD")
_NUMBER = re.compile(r"^\d{1,3}(\.\d{3})*$|^\d+$")


@dataclass(frozen=True)
class GridRow:
    kind: str                            # RECEIVED, SECTION, VALUE or TARGET
    line: monthly.Line | None = None
    title: str = ""                      # a section's heading


def parse_figure(text: str) -> int | None:
    """A whole number as typed: ``12``, ``1.234``; empty is None. Refused with a sentence."""
    value = (text or "").strip().replace(" ", "")
    if not value:
        return None
    if _NUMBER.match(value):
        return int(value.replace(".", ""))
    raise UserError(tr("monthly.ui.not_whole", value=text.strip()))


class MonthlyGridModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.data_month: monthly.DesaMonth | None = None
        self.rows: list[GridRow] = []
        self.units: list[monthly.UnitMonth] = []
        self.entries: dict[int, monthly.UnitEntry] = {}
        self.raw: dict[str, str] = {}          # cell -> text that is not a figure/date
        self.errors: dict[str, str] = {}       # cell -> message
        self.edited: set[str] = set()          # cells changed since loading
        self.preview: monthly.Preview | None = None
        self.dirty = False

    # --- loading and saving ------------------------------------------------------------
    def load(self, desa_code: str | None, period: str | None) -> None:
        self.beginResetModel()
        self.raw, self.errors, self.edited, self.dirty = {}, {}, set(), False
        if desa_code and period:
            self.data_month = monthly.desa_month(desa_code, period)
            self.units = list(self.data_month.units)
            self.entries = {u.unit.id: monthly.entry_of(u) for u in self.units}
            self.rows = self._rows(self.data_month.template)
        else:
            self.data_month, self.units, self.entries, self.rows = None, [], {}, []
        self._recompute()
        self.endResetModel()

    @staticmethod
    def _rows(template: monthly.Template) -> list[GridRow]:
        rows = [GridRow(RECEIVED)]
        section = None
        for line in template.lines:
            if line.section != section:
                section = line.section
                rows.append(GridRow(SECTION, title=f"{line.section}. {line.section_title()}"))
            rows.append(GridRow(VALUE, line))
            if line.target:
                rows.append(GridRow(TARGET, line))
        return rows

    def _recompute(self) -> None:
        self.preview = monthly.preview(self.data_month, self.entries) if self.data_month else None

    @property
    def locked(self) -> bool:
        return bool(self.data_month and self.data_month.has_final)

    def save(self) -> list[int]:
        """Save the month through the service; on refusal, mark the cells and keep
        everything typed (raises the service's error after marking)."""
        if self.data_month is None:
            return []
        self.errors = {cell: tr("monthly.ui.fix_text", text=text)
                       for cell, text in self.raw.items()}
        if self.errors:
            self._repaint()
            raise ValidationError(tr("monthly.error.not_saved", count=len(self.errors)),
                                  list(self.errors.items()))
        try:
            saved = monthly.save_desa_month(self.data_month.desa_code, self.data_month.month.key,
                                            list(self.entries.values()))
        except ValidationError as exc:
            self.errors = dict(exc.problems)
            self._repaint()
            raise
        self.load(self.data_month.desa_code, self.data_month.month.key)
        return saved

    def _repaint(self) -> None:
        if self.rows and self.units:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.units) - 1))

    # --- cells ---------------------------------------------------------------------------
    def cell_name(self, index: QModelIndex) -> str | None:
        row, unit = self.rows[index.row()], self.units[index.column()]
        if row.kind == RECEIVED:
            return monthly.cell(unit.unit.id, "received_on")
        if row.kind == VALUE:
            return monthly.cell(unit.unit.id, row.line.key)
        if row.kind == TARGET:
            return monthly.cell(unit.unit.id, f"target:{row.line.key}")
        return None

    def index_of_cell(self, name: str) -> QModelIndex:
        for r in range(len(self.rows)):
            for c in range(len(self.units)):
                index = self.index(r, c)
                if self.cell_name(index) == name:
                    return index
        return QModelIndex()

    def is_editable(self, index: QModelIndex) -> bool:
        if not index.isValid() or self.locked:
            return False
        row, unit = self.rows[index.row()], self.units[index.column()]
        if row.kind == RECEIVED:
            return True
        if row.kind in (VALUE, TARGET) and row.line.applies_to(unit.unit.level):
            return row.kind == TARGET or row.line.typed
        return False

    def message(self, index: QModelIndex) -> str:
        """The error of a cell, or what it is (carried, computed, units' sum)."""
        name = self.cell_name(index) if index.isValid() else None
        if name is None:
            return ""
        if name in self.errors:
            return self.errors[name]
        row, unit = self.rows[index.row()], self.units[index.column()]
        if row.kind == VALUE:
            if not row.line.applies_to(unit.unit.level):
                return tr("monthly.ui.not_for_level", level=level_label(unit.unit.level))
            if not row.line.typed:
                return tr("monthly.ui.computed")
            figure = self._figure(unit, row.line.key)
            if figure and figure.difference is not None:
                return tr("monthly.ui.difference", own=format_number(figure.own),
                          units=format_number(figure.units_sum),
                          difference=f"{figure.difference:+d}")
            if figure and figure.own is None and figure.units_sum is not None:
                return tr("monthly.ui.from_units", value=format_number(figure.units_sum))
            if row.line.key in unit.carried and self.entries[unit.unit.id].figures.get(
                    row.line.key) == unit.figures.get(row.line.key):
                return tr("monthly.ui.carried")
        if row.kind == RECEIVED and self.data_month:
            return tr("monthly.ui.received_help",
                      due=format_short_date(self.data_month.due))
        return ""

    def _figure(self, unit: monthly.UnitMonth, key: str) -> monthly.Figure | None:
        if self.preview is None:
            return None
        return self.preview.figures.get(unit.unit.id, {}).get(key)

    def _value_text(self, index: QModelIndex) -> tuple[str, bool]:
        """(text, shown in grey) of a cell."""
        row, unit = self.rows[index.row()], self.units[index.column()]
        name = self.cell_name(index)
        if name in self.raw:
            return self.raw[name], False
        entry = self.entries[unit.unit.id]
        if row.kind == RECEIVED:
            return (format_short_date(entry.received_on) if entry.received_on else ""), False
        if not row.line.applies_to(unit.unit.level):
            return "", False
        if row.kind == TARGET:
            value = entry.targets.get(row.line.key)
            return ("" if value is None else format_number(value)), False
        if row.line.kind == monthly.LINE_COMPUTED:
            value = unit.computed.get(row.line.key)
            return ("" if value is None else format_number(value)), True
        if row.line.kind == monthly.LINE_TOTAL:
            value = (self.preview.totals.get(unit.unit.id, {}) if self.preview else {}).get(
                row.line.key)
            return ("" if value is None else format_number(value)), True
        own = entry.figures.get(row.line.key)
        figure = self._figure(unit, row.line.key)
        if own is None:
            if figure and figure.units_sum is not None:
                return format_number(figure.units_sum), True
            return "", False
        text = format_number(own)
        if figure and figure.difference is not None:
            text += f" ({figure.difference:+d})"
        return text, False

    # --- the Qt model ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.units)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.units):
                return None
            unit = self.units[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return unit.unit.name
            if role == Qt.ItemDataRole.ToolTipRole:
                state = tr("monthly.ui.state.final") if unit.final else (
                    tr("monthly.ui.state.draft") if unit.reported else tr("monthly.ui.state.none"))
                return f"{level_label(unit.unit.level)} {unit.unit.name}: {state}"
            if role == Qt.ItemDataRole.FontRole and unit.unit.level != monthly.LEVEL_KELOMPOK:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if not 0 <= section < len(self.rows):
            return None
        row = self.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if row.kind == RECEIVED:
                return tr("monthly.ui.received")
            if row.kind == SECTION:
                return row.title
            if row.kind == TARGET:
                return "    " + tr("monthly.ui.target_of", line=row.line.text())
            mark = "" if row.line.typed else " *"
            return f"  {row.line.text()}{mark}"
        if role == Qt.ItemDataRole.FontRole and row.kind in (SECTION, RECEIVED):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not self.units:
            return None
        row = self.rows[index.row()]
        if row.kind == SECTION:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(SECTION_FILL)
            return None
        name = self.cell_name(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            text, _ = self._value_text(index)
            if role == Qt.ItemDataRole.EditRole and name not in self.raw:
                text = text.split(" (")[0].replace(".", "") if row.kind != RECEIVED else text
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.message(index) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            unit = self.units[index.column()]
            if name in self.errors:
                return QBrush(ERROR_FILL)
            if row.kind == VALUE:
                if not row.line.applies_to(unit.unit.level) or not row.line.typed:
                    return QBrush(COMPUTED_FILL)
                figure = self._figure(unit, row.line.key)
                if figure and figure.difference is not None:
                    return QBrush(DIFFERENCE_FILL)
                if row.line.key in unit.carried and name not in self.edited:
                    return QBrush(CARRIED_FILL)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            _, grey = self._value_text(index)
            return QBrush(QColor("#555555")) if grey else None
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.is_editable(index):
            return False
        row, unit = self.rows[index.row()], self.units[index.column()]
        name = self.cell_name(index)
        entry = self.entries[unit.unit.id]
        text = "" if value is None else str(value)
        self.raw.pop(name, None)
        self.errors.pop(name, None)
        try:
            if row.kind == RECEIVED:
                entry.received_on = monthly.parse_received(text, self.data_month.month)
            else:
                figure = parse_figure(text)
                target = entry.targets if row.kind == TARGET else entry.figures
                if figure is None:
                    target.pop(row.line.key, None)
                else:
                    target[row.line.key] = figure
        except UserError as exc:
            self.raw[name] = text
            self.errors[name] = str(exc)
        self.edited.add(name)
        self.dirty = True
        self._recompute()
        # A figure changes the sums above it and the totals: repaint the column chain.
        self._repaint()
        return True


# --- coverage -------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "–" if value is None else format_percent(round(value, 1))


class CoverageModel(RowListModel):
    COLUMNS = ("area", "existing", "reported", "reported_pct", "on_time", "on_time_pct")
    HEADER = "monthly.ui.cov.{}"

    def set_coverage(self, cover: monthly.Coverage | None) -> None:
        self.set_rows([] if cover is None else list(cover.rows) + [cover.total])

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        name = self.column_name(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return {"area": row.name, "existing": format_number(row.existing),
                    "reported": format_number(row.reported),
                    "reported_pct": _percent(row.percent),
                    "on_time": format_number(row.on_time),
                    "on_time_pct": _percent(row.on_time_percent)}[name]
        if role == Qt.ItemDataRole.TextAlignmentRole and name != "area":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.level < 4:
            font = QFont()
            font.setBold(True)
            return font
        return None


class MissingModel(RowListModel):
    """Units that have not reported (and, after them, the ones that came late)."""

    COLUMNS = ("unit", "level", "desa", "state", "ppkbd", "phone")
    HEADER = "monthly.ui.miss.{}"

    def set_coverage(self, cover: monthly.Coverage | None) -> None:
        if cover is None:
            self.set_rows([])
            return
        self.set_rows(list(cover.missing) + list(cover.late))

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        name = self.column_name(index)
        late = isinstance(row, monthly.LateUnit)
        if name == "unit":
            return row.unit_name
        if name == "level":
            return level_label(row.level)
        if name == "desa":
            return row.desa_name
        if name == "state":
            return tr("monthly.ui.late_on", date=format_short_date(row.received_on)) if late \
                else tr("monthly.ui.not_yet")
        if name == "ppkbd":
            return "" if late else row.ppkbd_name
        return "" if late else row.phone


# --- the template in Pengaturan ---------------------------------------------------

COLUMNS = ("section", "section_id", "text_id", "text_en", "kind", "source", "cumulative",
           "target", "max_key")
CHECKS = ("cumulative", "target")


class TemplateDraftModel(QAbstractTableModel):
    """The lines of the template being edited, as ``monthly.LineDraft``s."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drafts: list[monthly.LineDraft] = []
        self.saved: list[tuple] = []
        self.problems: dict[int, str] = {}
        self._source_labels: dict[str, str] | None = None   # a computed line's source, by name

    def source_label(self, source: str | None) -> str:
        """"Jumlah Kelompok KB yang ada" for ``units:kelompok_kb``; as typed otherwise."""
        if self._source_labels is None:
            self._source_labels = dict(monthly.source_choices(monthly.LINE_COMPUTED))
        return self._source_labels.get(source or "", source or "")

    def load(self, template: monthly.Template) -> None:
        self._source_labels = None
        self.beginResetModel()
        self.drafts = monthly.drafts_of(template)
        self.saved = [monthly.draft_signature(d) for d in self.drafts]
        self.problems = {}
        self.endResetModel()
        self.changed.emit()

    @property
    def dirty(self) -> bool:
        return [monthly.draft_signature(d) for d in self.drafts] != self.saved

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.drafts)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return tr(f"monthly.set.col.{COLUMNS[section]}")
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.drafts):
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if COLUMNS[index.column()] in CHECKS:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.drafts):
            return None
        draft, name = self.drafts[index.row()], COLUMNS[index.column()]
        if name in CHECKS:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if getattr(draft, name) else \
                    Qt.CheckState.Unchecked
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = getattr(draft, name)
            if name == "kind" and role == Qt.ItemDataRole.DisplayRole:
                return tr(f"monthly.set.kind.{value}")
            if name == "source" and role == Qt.ItemDataRole.DisplayRole:
                return self.source_label(value)
            return value or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.problems.get(index.row()) or (
                tr("monthly.set.source_help") if name in ("source", "kind") else None)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.problems:
            return QBrush(QColor("#F8D7DA"))
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        draft, name = self.drafts[index.row()], COLUMNS[index.column()]
        if name in CHECKS and role == Qt.ItemDataRole.CheckStateRole:
            setattr(draft, name, Qt.CheckState(value) == Qt.CheckState.Checked)
        elif role == Qt.ItemDataRole.EditRole and name not in CHECKS:
            text = str(value or "").strip()
            if name == "kind":
                text = next((k for k in monthly.LINE_KINDS
                             if text in (k, tr(f"monthly.set.kind.{k}"))), None)
                if text is None:
                    return False
            setattr(draft, name, text or (None if name in ("source", "max_key") else ""))
        else:
            return False
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True

    def add(self, after: int) -> int:
        template = self.drafts[after] if 0 <= after < len(self.drafts) else None
        row = after + 1 if template else len(self.drafts)
        self.beginInsertRows(QModelIndex(), row, row)
        self.drafts.insert(row, monthly.LineDraft(
            template.section if template else "I", template.section_id if template else "",
            "", monthly.LINE_TYPED, section_en=template.section_en if template else ""))
        self.endInsertRows()
        self.changed.emit()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.drafts):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.drafts[row]
            self.endRemoveRows()
            self.changed.emit()

    def move(self, row: int, step: int) -> int:
        target = row + step
        if not (0 <= row < len(self.drafts) and 0 <= target < len(self.drafts)):
            return row
        self.beginResetModel()
        self.drafts[row], self.drafts[target] = self.drafts[target], self.drafts[row]
        self.endResetModel()
        self.changed.emit()
        return target

