"""Qt item models of the Peran Bakti screen and its settings page.

They hold plain values from ``imp_desktop.services.roles`` and never query the
database: the checklist model scores live with the pure ``roles.score``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QStyledItemDelegate, QTreeView

from imp_desktop.formatting import format_number, format_percent
from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.services.settings import level_label
from imp_desktop.ui.list_model import RowListModel

CLASS_COLOURS = {roles.DASAR: "#c0392b", roles.BERKEMBANG: "#d68910", roles.MANDIRI: "#1f7a4d"}
CLASS_TINTS = {roles.DASAR: "#f9e1de", roles.BERKEMBANG: "#fbeed5", roles.MANDIRI: "#dcefe4"}
NONE = QModelIndex()
ROLE_ROW = 0   # internalId of a top-level (role) index; indicators carry role row + 1


def class_brush(classification: str | None, tint: bool = True) -> QBrush | None:
    if not classification:
        return None
    return QBrush(QColor((CLASS_TINTS if tint else CLASS_COLOURS)[classification]))


class WrappingDelegate(QStyledItemDelegate):
    """Row heights that fit wrapped text in the column's current width (the
    default delegate measures one unbroken line, so the view would cut it)."""

    def __init__(self, view: QTreeView):
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index):
        hint = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return hint
        width = self.view.columnWidth(index.column())
        if index.column() == 0:
            depth = 1 if index.parent().isValid() else 0
            width -= self.view.indentation() * (depth + 1) + 28
        metrics = option.fontMetrics
        if index.data(Qt.ItemDataRole.FontRole) is not None:
            metrics = QFontMetrics(index.data(Qt.ItemDataRole.FontRole))
        rect = metrics.boundingRect(QRect(0, 0, max(width, 40), 10000),
                                    int(Qt.TextFlag.TextWordWrap), str(text))
        return QSize(hint.width(), max(hint.height(), rect.height() + 6))


# --- generic read-only table ---------------------------------------------------

@dataclass(frozen=True)
class Column:
    title_key: str
    value: Callable[[object], object]
    align_right: bool = False
    background: Callable[[object], QBrush | None] | None = None
    tooltip: Callable[[object], str] | None = None


class PlainTableModel(RowListModel):
    """Read-only rows of plain dataclasses, one ``Column`` per column."""

    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.COLUMNS = tuple(c.title_key for c in columns)
        self.bold_last = False

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        item = self.row_at(index)
        if item is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(item)
            if isinstance(value, int) and not isinstance(value, bool):
                return format_number(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column.background:
            return column.background(item)
        if role == Qt.ItemDataRole.FontRole and self.bold_last and index.row() == len(self.rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            value = column.tooltip(item) if column.tooltip else column.value(item)
            return None if value is None else str(value)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)


def unit_status_model(parent=None) -> PlainTableModel:
    """Units of a desa with their classification in the chosen period."""
    # The level is in the tooltip: units are listed by level and their names
    # usually say it ("Sub PPKBD Krajan"); the name gets the width instead.
    return PlainTableModel([
        Column("role.col.unit", lambda u: u.name, tooltip=lambda u: f"{u.name} ({level_label(u.level)})"),
        Column("role.col.class", lambda u: roles.classification_label(u.classification),
               background=lambda u: class_brush(u.classification)),
        Column("role.col.roles", lambda u: "" if u.roles_fulfilled is None
               else f"{u.roles_fulfilled}/6", align_right=True),
    ], parent)


def history_model(parent=None) -> PlainTableModel:
    columns = [
        Column("role.col.period", lambda p: p.period_label),
        Column("role.col.class", lambda p: p.classification_label,
               background=lambda p: class_brush(p.classification)),
        Column("role.col.roles", lambda p: f"{p.roles_fulfilled}/6", align_right=True),
    ]
    for number, code in enumerate(roles.ROLE_CODES):
        columns.append(Column(f"role.short.{code}",
                              lambda p, i=number: format_percent(round(p.role_percents[i])),
                              align_right=True))
    columns.append(Column("role.col.versions", lambda p: tr(
        "role.versions", catalogue=p.catalogue_version, rule=p.rule_version)))
    return PlainTableModel(columns, parent)


def recap_count_model(parent=None) -> PlainTableModel:
    model = PlainTableModel([
        Column("role.col.group", lambda r: r.label),
        Column("role.class.dasar", lambda r: r.dasar, True),
        Column("role.class.berkembang", lambda r: r.berkembang, True),
        Column("role.class.mandiri", lambda r: r.mandiri, True),
        Column("role.class.none", lambda r: r.not_assessed, True),
        Column("role.recap.total", lambda r: r.total, True),
    ], parent)
    model.bold_last = True
    return model


def recap_role_model(parent=None) -> PlainTableModel:
    return PlainTableModel([
        Column("role.col.role", lambda r: f"{r.number}. {r.name}"),
        Column("role.col.fulfilled", lambda r: tr(
            "role.recap.fulfilled_of", fulfilled=format_number(r.fulfilled),
            assessed=format_number(r.assessed)), True),
        Column("role.col.share", lambda r: format_percent(
            round(100 * r.fulfilled / r.assessed) if r.assessed else 0), True),
    ], parent)


def _role_breakdown(unit) -> str:
    if unit.role_fulfilled is None:
        return roles.classification_label(None)
    return "\n".join(
        f"{'✓' if unit.role_fulfilled[i] else '✗'} {i + 1}. {roles.role_name(code)}: "
        f"{format_percent(round(unit.role_percents[i]))}"
        for i, code in enumerate(roles.ROLE_CODES))


def recap_unit_model(parent=None) -> PlainTableModel:
    """Unit by unit in a recap; the role-by-role result is in the tooltip (the
    printed recap has the full grid)."""
    return PlainTableModel([
        Column("role.col.desa", lambda u: u.desa_name),
        Column("role.col.unit", lambda u: u.name,
               tooltip=lambda u: f"{u.name} ({u.level_label})"),
        Column("role.col.class", lambda u: u.classification_label,
               background=lambda u: class_brush(u.classification), tooltip=_role_breakdown),
        Column("role.col.roles", lambda u: "" if u.roles_fulfilled is None
               else f"{u.roles_fulfilled}/6", align_right=True, tooltip=_role_breakdown),
    ], parent)


def recap_unmet_model(parent=None) -> PlainTableModel:
    return PlainTableModel([
        Column("role.col.indicator", lambda u: u.text),
        Column("role.col.role", lambda u: f"{u.role_number}. {u.role_name}"),
        Column("role.col.unmet", lambda u: tr(
            "role.recap.unmet_of", unmet=format_number(u.unmet),
            assessed=format_number(u.assessed)), True),
        Column("role.col.share", lambda u: format_percent(round(u.percent_unmet)), True),
    ], parent)


# --- the checklist (a tree: roles, then their indicators) ------------------------

class _TwoLevelModel(QAbstractItemModel):
    """Roles as top-level rows, their indicators as children."""

    def _children(self, role_row: int) -> list:
        raise NotImplementedError

    def _role_count(self) -> int:
        return len(roles.ROLE_CODES)

    def index(self, row, column, parent=NONE):
        if not self.hasIndex(row, column, parent):
            return NONE
        if not parent.isValid():
            return self.createIndex(row, column, ROLE_ROW)
        if parent.internalId() != ROLE_ROW:
            return NONE
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index=NONE):
        if not index.isValid() or index.internalId() == ROLE_ROW:
            return NONE
        return self.createIndex(index.internalId() - 1, 0, ROLE_ROW)

    def rowCount(self, parent=NONE) -> int:
        if not parent.isValid():
            return self._role_count()
        if parent.internalId() != ROLE_ROW or parent.column() != 0:
            return 0
        return len(self._children(parent.row()))

    @staticmethod
    def is_role(index) -> bool:
        return index.isValid() and index.internalId() == ROLE_ROW

    @staticmethod
    def role_row_of(index) -> int:
        return index.row() if index.internalId() == ROLE_ROW else index.internalId() - 1


class ChecklistModel(_TwoLevelModel):
    """An assessment being filled in. Column 0 is the indicator (checkable),
    1 its note, 2 its evidence. ``changed`` fires on every edit; ``score()``
    is the live result under the assessment's own rule."""

    COL_TEXT, COL_NOTE, COL_EVIDENCE = range(3)
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sheet: roles.AssessmentSheet | None = None
        self.catalogue: roles.Catalogue | None = None
        self.rule: roles.Rule | None = None
        self.answers: dict[int, roles.AnswerInput] = {}
        self.evidence_titles: dict[int, str] = {}
        self.dirty = False

    # loading and reading back
    def load(self, sheet: roles.AssessmentSheet | None, catalogue: roles.Catalogue | None = None,
             rule: roles.Rule | None = None, evidence_titles: dict[int, str] | None = None
             ) -> None:
        self.beginResetModel()
        self.sheet, self.catalogue, self.rule = sheet, catalogue, rule
        self.answers = {}
        if sheet is not None:
            for role in sheet.roles:
                for line in role.lines:
                    self.answers[line.indicator_id] = roles.AnswerInput(
                        bool(line.met), line.note, line.evidence_activity_id, line.evidence_photo)
        self.evidence_titles = dict(evidence_titles or {})
        self.dirty = False
        self.endResetModel()
        self.changed.emit()

    def take_answers(self, answers: dict[int, roles.AnswerInput]) -> None:
        """Fill the checklist from other answers (e.g. the previous period's)."""
        for indicator_id, answer in answers.items():
            if indicator_id in self.answers:
                self.answers[indicator_id] = replace(answer)
        self.dirty = True
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 2))
            for row in range(self.rowCount()):
                parent = self.index(row, 0)
                count = self.rowCount(parent)
                if count:
                    self.dataChanged.emit(self.index(0, 0, parent),
                                          self.index(count - 1, 2, parent))
        self.changed.emit()

    def answers_copy(self) -> dict[int, roles.AnswerInput]:
        return {key: replace(value) for key, value in self.answers.items()}

    def score(self) -> roles.Score | None:
        if self.catalogue is None or self.rule is None:
            return None
        return roles.score(self.catalogue, {k for k, v in self.answers.items() if v.met},
                           self.rule)

    def _role_count(self) -> int:
        return len(self.sheet.roles) if self.sheet else 0

    def _children(self, role_row: int) -> list:
        return list(self.sheet.roles[role_row].lines) if self.sheet else []

    def line_at(self, index) -> roles.SheetLine | None:
        if not index.isValid() or self.is_role(index) or self.sheet is None:
            return None
        lines = self.sheet.roles[self.role_row_of(index)].lines
        return lines[index.row()] if index.row() < len(lines) else None

    def columnCount(self, parent=NONE) -> int:
        return 3

    def _role_counts(self, role_row: int) -> tuple[int, int]:
        lines = self.sheet.roles[role_row].lines
        met = sum(1 for line in lines if self.answers[line.indicator_id].met)
        return met, len(lines)

    def role_progress(self) -> list[tuple[roles.SheetRole, int, int, bool]]:
        """(role, met, total, fulfilled) for each role, live."""
        result = []
        for row, role in enumerate(self.sheet.roles if self.sheet else ()):
            met, total = self._role_counts(row)
            result.append((role, met, total, bool(self.rule and self.rule.role_fulfilled(met, total))))
        return result

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.sheet is None:
            return None
        if self.is_role(index):
            sheet_role = self.sheet.roles[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == self.COL_TEXT:
                met, total = self._role_counts(index.row())
                fulfilled = self.rule and self.rule.role_fulfilled(met, total)
                return tr("role.checklist.role_line", number=sheet_role.number,
                          role=sheet_role.name(), met=met, total=total,
                          state=tr("role.fulfilled" if fulfilled else "role.not_fulfilled"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                met, total = self._role_counts(index.row())
                ok = self.rule and self.rule.role_fulfilled(met, total)
                return QBrush(QColor("#dcefe4" if ok else "#eef1ef"))
            return None
        line = self.line_at(index)
        if line is None:
            return None
        answer = self.answers[line.indicator_id]
        column = index.column()
        if column == self.COL_TEXT:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{line.number}  {line.text()}"
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if answer.met else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return line.text()
        elif column == self.COL_NOTE:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return answer.note or ""
            if role == Qt.ItemDataRole.ToolTipRole and answer.note:
                return answer.note
        elif column == self.COL_EVIDENCE:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.evidence_text(answer)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.evidence_text(answer) or tr("role.evidence.none_tip")
        return None

    def evidence_text(self, answer: roles.AnswerInput) -> str:
        parts = []
        if answer.evidence_activity_id:
            parts.append(self.evidence_titles.get(answer.evidence_activity_id)
                         or tr("role.evidence.activity", id=answer.evidence_activity_id))
        if answer.evidence_photo:
            parts.append(tr("role.evidence.photo"))
        return "; ".join(parts)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.is_role(index):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.COL_TEXT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif index.column() == self.COL_NOTE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        line = self.line_at(index)
        if line is None:
            return False
        answer = self.answers[line.indicator_id]
        if index.column() == self.COL_TEXT and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            if answer.met == checked:
                return True
            answer.met = checked
        elif index.column() == self.COL_NOTE and role == Qt.ItemDataRole.EditRole:
            text = str(value or "").strip() or None
            if text == answer.note:
                return True
            answer.note = text
        else:
            return False
        self._after_edit(index)
        return True

    def toggle(self, index) -> None:
        line = self.line_at(index)
        if line is not None:
            met = self.answers[line.indicator_id].met
            self.setData(self.index(index.row(), self.COL_TEXT, index.parent()),
                         Qt.CheckState.Unchecked if met else Qt.CheckState.Checked,
                         Qt.ItemDataRole.CheckStateRole)

    def set_evidence(self, index, activity_id: int | None = None, activity_title: str = "",
                     photo: str | None = None, clear: bool = False) -> None:
        line = self.line_at(index)
        if line is None:
            return
        answer = self.answers[line.indicator_id]
        if clear:
            answer.evidence_activity_id = None
            answer.evidence_photo = None
        if activity_id:
            answer.evidence_activity_id = activity_id
            self.evidence_titles[activity_id] = activity_title
        if photo:
            answer.evidence_photo = photo
        self._after_edit(index)

    def _after_edit(self, index) -> None:
        self.dirty = True
        row_index = self.index(index.row(), 0, index.parent())
        self.dataChanged.emit(row_index, self.index(index.row(), 2, index.parent()))
        parent = index.parent()
        self.dataChanged.emit(self.index(parent.row(), 0), self.index(parent.row(), 2))
        self.changed.emit()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(("role.col.indicator", "role.col.note", "role.col.evidence")[section]) \
                if 0 <= section < 3 else None
        return None


# --- the catalogue editor ----------------------------------------------------------

class CatalogueDraftModel(_TwoLevelModel):
    """The indicator list being edited: roles, then indicators with their
    Indonesian (column 0) and English (column 1) wording."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drafts: dict[str, list[roles.IndicatorDraft]] = {c: [] for c in roles.ROLE_CODES}
        self.dirty = False

    def load(self, drafts: list[roles.IndicatorDraft]) -> None:
        self.beginResetModel()
        self.drafts = {code: [replace(d) for d in drafts if d.role == code]
                       for code in roles.ROLE_CODES}
        self.dirty = False
        self.endResetModel()
        self.changed.emit()

    def all_drafts(self) -> list[roles.IndicatorDraft]:
        return [replace(d) for code in roles.ROLE_CODES for d in self.drafts[code]]

    def _children(self, role_row: int) -> list:
        return self.drafts[roles.ROLE_CODES[role_row]]

    def columnCount(self, parent=NONE) -> int:
        return 2

    def draft_at(self, index) -> roles.IndicatorDraft | None:
        if not index.isValid() or self.is_role(index):
            return None
        items = self._children(self.role_row_of(index))
        return items[index.row()] if index.row() < len(items) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if self.is_role(index):
            code = roles.ROLE_CODES[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return tr("role.catalogue.role_line", number=index.row() + 1,
                          role=roles.role_name(code), count=len(self.drafts[code]))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        draft = self.draft_at(index)
        if draft is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                    Qt.ItemDataRole.ToolTipRole):
            return draft.text_id if index.column() == 0 else draft.text_en
        if role == Qt.ItemDataRole.ForegroundRole and not draft.key:
            return QBrush(QColor("#1f5f8b"))   # new in this edit
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.is_role(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        draft = self.draft_at(index)
        if draft is None or role != Qt.ItemDataRole.EditRole:
            return False
        text = " ".join(str(value or "").split())
        if index.column() == 0:
            if text == draft.text_id:
                return True
            draft.text_id = text
        else:
            if text == draft.text_en:
                return True
            draft.text_en = text
        self.dirty = True
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(("role.catalogue.col_id", "role.catalogue.col_en")[section]) \
                if 0 <= section < 2 else None
        return None

    # structural edits: return the index of the affected indicator
    def add_indicator(self, role_row: int, text_id: str = "", text_en: str = "") -> QModelIndex:
        code = roles.ROLE_CODES[role_row]
        items = self.drafts[code]
        parent = self.index(role_row, 0)
        self.beginInsertRows(parent, len(items), len(items))
        items.append(roles.IndicatorDraft(code, text_id, text_en))
        self.endInsertRows()
        self._structure_changed(role_row)
        return self.index(len(items) - 1, 0, parent)

    def remove_indicator(self, index) -> None:
        draft = self.draft_at(index)
        if draft is None:
            return
        role_row = self.role_row_of(index)
        self.beginRemoveRows(index.parent(), index.row(), index.row())
        del self.drafts[roles.ROLE_CODES[role_row]][index.row()]
        self.endRemoveRows()
        self._structure_changed(role_row)

    def move_indicator(self, index, step: int) -> QModelIndex:
        draft = self.draft_at(index)
        if draft is None:
            return index
        role_row = self.role_row_of(index)
        items = self.drafts[roles.ROLE_CODES[role_row]]
        target = index.row() + step
        if not 0 <= target < len(items):
            return index
        parent = index.parent()
        destination = target + 1 if step > 0 else target
        self.beginMoveRows(parent, index.row(), index.row(), parent, destination)
        items.insert(target, items.pop(index.row()))
        self.endMoveRows()
        self._structure_changed(role_row)
        return self.index(target, 0, parent)

    def _structure_changed(self, role_row: int) -> None:
        self.dirty = True
        top = self.index(role_row, 0)
        self.dataChanged.emit(top, top)
        self.changed.emit()
