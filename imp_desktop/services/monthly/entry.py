"""Laporan bulanan: checking and saving a desa's month (one transaction, refused
whole with a message per cell), and making it final or reopening it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from imp_desktop.data.audit import audited_delete, audited_update
from imp_desktop.data.models import (
    LINE_COMPUTED,
    REPORT_DRAFT,
    REPORT_FINAL,
    MonthlyReport,
    database,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import format_date, format_number
from imp_desktop.i18n import tr
from imp_desktop.services.monthly.figures import (
    DesaMonth,
    Figure,
    UnitMonth,
    UnitRef,
    _children,
    _encode,
    _rollup,
    _totals,
    desa_month,
)
from imp_desktop.services.monthly.periods import (
    MAX_FIGURE,
    Month,
)
from imp_desktop.services.monthly.templates import (
    Template,
    get_template,
)


@dataclass
class Preview:
    """What the grid shows while the officer types, before anything is saved:
    each unit's figures with its units' sums, and its total lines."""

    figures: dict[int, dict[str, Figure]]
    totals: dict[int, dict[str, int]]


def preview(data: DesaMonth, entries: dict[int, "UnitEntry"]) -> Preview:
    """Upward sums and totals of typed-but-unsaved figures (no database access)."""
    keys = [line.key for line in data.template.lines if line.typed]
    own = {uid: {k: v for k, v in e.figures.items() if isinstance(v, int)
                 and not isinstance(v, bool)}
           for uid, e in entries.items()}
    children = _children([u.unit for u in data.units])
    figures = _rollup(children, own, keys)
    totals = {}
    for unit in data.units:
        values = {k: f.value for k, f in figures.get(unit.unit.id, {}).items()}
        values.update({k: v for k, v in unit.computed.items()
                       if data.template.line(k) and data.template.line(k).kind == LINE_COMPUTED})
        totals[unit.unit.id] = _totals(data.template, values)
    return Preview(figures, totals)


# --- reports: saving -------------------------------------------------------------------

@dataclass
class UnitEntry:
    """What the officer typed for one unit in the desa's grid."""

    unit_id: int
    received_on: dt.date | None = None
    figures: dict[str, int | None] = field(default_factory=dict)
    targets: dict[str, int | None] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.received_on is None and not any(
            v is not None for v in (*self.figures.values(), *self.targets.values()))


def cell(unit_id: int, key: str) -> str:
    """The name of a grid cell in a ValidationError's problems."""
    return f"{unit_id}:{key}"


def _check_number(value, unit: UnitRef, label: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return tr("monthly.error.not_number", unit=unit.name, line=label)
    if value < 0:
        return tr("monthly.error.negative", unit=unit.name, line=label)
    if value > MAX_FIGURE:
        return tr("monthly.error.too_big", unit=unit.name, line=label,
                  max=format_number(MAX_FIGURE))
    return None


def check_entry(entry: UnitEntry, unit: UnitRef, template: Template, month: Month,
                computed: dict[str, int], today: dt.date | None = None
                ) -> list[tuple[str, str]]:
    """Problems of one unit's row, each named by its cell."""
    today = today or dt.date.today()
    problems = []
    for key, value in {**entry.figures, **{f"target:{k}": v for k, v in entry.targets.items()}
                       }.items():
        line_key = key.partition("target:")[2] or key
        line = template.line(line_key)
        if line is None or not line.applies_to(unit.level):
            problems.append((cell(unit.id, key), tr("monthly.error.unknown_line", key=line_key,
                                                    unit=unit.name)))
            continue
        if key.startswith("target:") and not line.target:
            problems.append((cell(unit.id, key), tr("monthly.error.no_target",
                                                    line=line.text())))
            continue
        if not key.startswith("target:") and not line.typed and value is not None:
            problems.append((cell(unit.id, key), tr("monthly.error.computed",
                                                    line=line.text())))
            continue
        message = _check_number(value, unit, line.text())
        if message:
            problems.append((cell(unit.id, key), message))
    if problems:
        return problems
    has_figures = any(v is not None for v in entry.figures.values())
    if has_figures and entry.received_on is None:
        problems.append((cell(unit.id, "received_on"),
                         tr("monthly.error.received_missing", unit=unit.name)))
    if entry.received_on is not None:
        if entry.received_on < month.start:
            problems.append((cell(unit.id, "received_on"), tr(
                "monthly.error.received_early", unit=unit.name,
                date=format_date(entry.received_on), month=month.label())))
        elif entry.received_on > today:
            problems.append((cell(unit.id, "received_on"), tr(
                "monthly.error.received_future", unit=unit.name,
                date=format_date(entry.received_on))))
    figures = {k: v for k, v in entry.figures.items() if v is not None}
    values = {**figures, **computed}
    values.update(_totals(template, values))
    for line in template.lines_for(unit.level):
        if not line.max_key or values.get(line.key) is None:
            continue
        limit = values.get(line.max_key)
        other = template.line(line.max_key)
        if limit is not None and other is not None and values[line.key] > limit:
            problems.append((cell(unit.id, line.key), tr(
                "monthly.error.over_limit", unit=unit.name, line=line.text(),
                value=format_number(values[line.key]), other=other.text(),
                limit=format_number(limit))))
    return problems


def save_desa_month(desa_code: str, period: str, entries: list[UnitEntry],
                    today: dt.date | None = None) -> list[int]:
    """Save a desa's month in one transaction; refused whole, with a message per
    cell, when any figure breaks a rule or the month is final. A unit whose row
    is left empty has no report (an existing draft of it is removed)."""
    data = desa_month(desa_code, period)
    if data.has_final:
        raise UserError(tr("monthly.error.locked", desa=data.desa_name, month=data.month.label()))
    by_unit = {u.unit.id: u for u in data.units}
    problems: list[tuple[str, str]] = []
    for entry in entries:
        current = by_unit.get(entry.unit_id)
        if current is None:
            raise UserError(tr("monthly.error.unit_not_in_desa", id=entry.unit_id,
                               desa=data.desa_name))
        template = get_template(current.template_id) if current.template_id else data.template
        computed = {k: v for k, v in current.computed.items()
                    if (template.line(k) and template.line(k).kind == LINE_COMPUTED)}
        problems += check_entry(entry, current.unit, template, data.month, computed, today)
    if problems:
        raise ValidationError(tr("monthly.error.not_saved", count=len(problems)), problems)
    saved = []
    with database.atomic():
        for entry in entries:
            current = by_unit[entry.unit_id]
            figures = {k: v for k, v in entry.figures.items() if v is not None}
            targets = {k: v for k, v in entry.targets.items() if v is not None}
            if entry.empty or (not figures and entry.received_on is None):
                if current.report_id is not None:
                    audited_delete(MonthlyReport, MonthlyReport.id == current.report_id)
                continue
            if current.report_id is None:
                row = MonthlyReport.create(unit=entry.unit_id, period=data.month.key,
                                           template=data.template.id,
                                           received_on=entry.received_on,
                                           figures=_encode(figures), targets=_encode(targets))
            else:
                row = MonthlyReport.get_by_id(current.report_id)
                row.received_on = entry.received_on
                row.figures, row.targets = _encode(figures), _encode(targets)
                row.save()
            saved.append(row.id)
    return saved


def entry_of(unit: UnitMonth) -> UnitEntry:
    """A unit's row as the grid starts it: stored figures or the carried ones."""
    return UnitEntry(unit.unit.id, unit.received_on, dict(unit.figures), dict(unit.targets))


def finalize_month(desa_code: str, period: str) -> int:
    """Mark a desa's month final: its reports are locked and print as official.
    Returns the number of reports marked."""
    data = desa_month(desa_code, period)
    ids = [u.report_id for u in data.units if u.reported and not u.final]
    if not any(u.reported for u in data.units):
        raise UserError(tr("monthly.error.nothing_to_finalize", desa=data.desa_name,
                           month=data.month.label()))
    if ids:
        with database.atomic():
            audited_update(MonthlyReport, {"status": REPORT_FINAL}, MonthlyReport.id.in_(ids))
    return len(ids)


def reopen_month(desa_code: str, period: str) -> int:
    """Open a final month again for corrections; the audit trail records who and when."""
    data = desa_month(desa_code, period)
    ids = [u.report_id for u in data.units if u.final]
    if not ids:
        raise UserError(tr("monthly.error.not_final", desa=data.desa_name,
                           month=data.month.label()))
    with database.atomic():
        audited_update(MonthlyReport, {"status": REPORT_DRAFT}, MonthlyReport.id.in_(ids))
    return len(ids)
