"""Laporan bulanan: one unit's report as printed and the kecamatan recap."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from imp_desktop.data.models import (
    LINE_COMPUTED,
    LINE_TOTAL,
    REPORT_FINAL,
    Region,
    Unit,
)
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.monthly.coverage import (
    Coverage,
    _coverage,
    _scope_desa,
)
from imp_desktop.services.monthly.figures import (
    Figure,
    UnitRef,
    _children,
    _Computer,
    _decode,
    _desa_rollup,
    _descendants,
    _reports,
    _rolled_values,
    _rollup,
    _totals,
    _unit_refs,
    _year_rollups,
    desa_month,
)
from imp_desktop.services.monthly.periods import (
    Month,
    due_date,
    parse_month,
)
from imp_desktop.services.monthly.templates import (
    Line,
    Template,
    current_template,
    get_template,
)

# --- one unit's report, as printed ------------------------------------------------------

@dataclass(frozen=True)
class ReportLine:
    line: Line
    figure: Figure                  # this month: own, units' sum, value
    cumulative: int | None = None
    target: int | None = None

    @property
    def remaining(self) -> int | None:
        if self.target is None:
            return None
        return max(0, self.target - (self.cumulative or 0))


@dataclass
class UnitReport:
    """A unit's month with its units' sums: what R/I/PPKBD (or R/I/Sub PPKBD,
    R/I/KKB) prints."""

    unit: UnitRef
    desa_name: str
    kecamatan_name: str
    month: Month
    template: Template
    lines: list[ReportLine]
    received_on: dt.date | None
    status: str | None
    reported_units: int = 0
    units_below: int = 0
    final: bool = False             # the desa's month is final: the official report


def unit_report(unit_id: int, period: str) -> UnitReport:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise UserError(tr("monthly.error.unit", id=unit_id))
    data = desa_month(unit.desa_code, period)
    entry = next((u for u in data.units if u.unit.id == unit_id), None)
    if entry is None:
        raise UserError(tr("monthly.error.unit", id=unit_id))
    rolled = _desa_rollup(data)
    target_keys = [line.key for line in data.template.lines if line.target]
    targets = _rollup(_children([u.unit for u in data.units]),
                      {u.unit.id: u.targets for u in data.units if u.reported},
                      target_keys).get(unit_id, {})
    template = get_template(entry.template_id) if entry.template_id else data.template
    children = _children([u.unit for u in data.units])
    below = [uid for uid in _descendants(unit_id, children) if uid != unit_id]
    reported = {u.unit.id for u in data.units if u.reported}
    lines = []
    figures = rolled.get(unit_id, {})
    values: dict[str, int | None] = {}
    for line in template.lines_for(entry.unit.level):
        if line.typed:
            figure = figures.get(line.key, Figure())
        elif line.kind == LINE_COMPUTED:
            figure = Figure(entry.computed.get(line.key))
        else:
            figure = Figure()
        values[line.key] = figure.value
        lines.append(ReportLine(line, figure))
    totals = _totals(template, values)
    result = []
    for item in lines:
        figure = Figure(totals.get(item.line.key)) if item.line.kind == LINE_TOTAL else item.figure
        result.append(ReportLine(
            item.line, figure,
            entry.cumulative.get(item.line.key) if item.line.cumulative else None,
            targets[item.line.key].value if item.line.target and item.line.key in targets
            else None))
    kecamatan = Region.select(Region.name).where(
        Region.code == unit.desa_code.rsplit(".", 1)[0]).scalar() or ""
    return UnitReport(entry.unit, data.desa_name, kecamatan, data.month, template, result,
                      entry.received_on, entry.status, len(reported & set(below)), len(below),
                      data.final)


# --- the kecamatan recap: every desa's lines side by side ------------------------------------

@dataclass(frozen=True)
class RecapLine:
    line: Line
    values: tuple[int | None, ...]            # per desa, this month
    total: int | None
    cumulative: tuple[int | None, ...] = ()   # per desa, when the line has the column
    cumulative_total: int | None = None
    target_total: int | None = None

    @property
    def remaining_total(self) -> int | None:
        if self.target_total is None:
            return None
        return max(0, self.target_total - (self.cumulative_total or 0))


@dataclass
class MonthlyRecap:
    month: Month
    scope: str
    desa: list[tuple[str, str]]               # (code, name) in column order
    template: Template
    lines: list[RecapLine]
    coverage: Coverage
    final: bool                               # every stored report of the scope is final
    differences: list[tuple[str, str, str, int]] = field(default_factory=list)
    # (desa name, unit name, line text, own minus units' sum)


def monthly_recap(period: str, desa_code: str | None = None,
                  region_code: str | None = None) -> MonthlyRecap:
    """Every desa's figures (the sum of its top units, else nothing) line by line,
    with the kecamatan total and coverage. One read of the month and of the
    year's "to date" lines for all desa."""
    # Long on purpose: one read of the month for every desa, then the lines side by side; split,
    # the reads would repeat.
    month = parse_month(period)
    desa_codes, scope = _scope_desa(desa_code or region_code)
    template = current_template()
    all_units = _unit_refs(desa_codes)
    unit_ids = [u.id for u in all_units]
    rows = _reports(unit_ids, [month.key])
    reported = {row[1] for row in rows}
    extra = reported - set(unit_ids)
    if extra:
        all_units = _unit_refs(desa_codes, extra)
    typed = {line.key for line in template.lines if line.typed}
    own = {row[1]: {k: v for k, v in _decode(row[6]).items() if k in typed} for row in rows}
    targets = {row[1]: _decode(row[7]) for row in rows}
    children = _children(all_units)
    figures = _rolled_values(children, own)
    computer = _Computer(all_units, month, reported)
    year = _year_rollups(all_units, month)
    units_by_desa: dict[str, list[UnitRef]] = defaultdict(list)
    for unit in all_units:
        units_by_desa[unit.desa_code].append(unit)
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(desa_codes)).tuples())
    roots = {code: [u.id for u in items if u.id in children.get(None, ())]
             for code, items in units_by_desa.items()}
    differences = []
    for unit in all_units:   # own figures of units whose units reported too
        mine = own.get(unit.id)
        kids = children.get(unit.id, ())
        if not mine or not kids:
            continue
        for key, value in mine.items():
            below = [figures[kid][key] for kid in kids if key in figures.get(kid, {})]
            if below and value != sum(below):
                line = template.line(key)
                differences.append((names.get(unit.desa_code, ""), unit.name,
                                    line.text() if line else key, value - sum(below)))

    def desa_value(code: str, key: str, source: dict) -> int | None:
        values = [source[root][key] for root in roots.get(code, ())
                  if key in source.get(root, {})]
        return sum(values) if values else None

    per_desa: dict[str, dict[str, int | None]] = {}
    for code in desa_codes:
        values: dict[str, int | None] = {}
        for line in template.lines:
            if line.typed:
                values[line.key] = desa_value(code, line.key, figures)
            elif line.kind == LINE_COMPUTED:
                values[line.key] = computer.value(line, None, code)
        values.update(_totals(template, values))
        per_desa[code] = values
    cumulative_desa: dict[str, dict[str, int]] = {code: defaultdict(int) for code in desa_codes}
    for per_unit in year.values():
        for code in desa_codes:
            for root in roots.get(code, ()):
                for key, value in per_unit.get(root, {}).items():
                    cumulative_desa[code][key] += value
    target_figures = _rolled_values(children, targets)
    target_sum: dict[str, int] = defaultdict(int)
    for unit_id in children.get(None, ()):
        for key, value in target_figures.get(unit_id, {}).items():
            target_sum[key] += value
    lines = []
    for line in template.lines:
        values = tuple(per_desa[code].get(line.key) for code in desa_codes)
        present = [v for v in values if v is not None]
        total = sum(present) if present else None
        cumulative: tuple = ()
        cumulative_total = target_total = None
        if line.cumulative:
            cumulative = tuple(cumulative_desa[code].get(line.key) for code in desa_codes)
            known = [v for v in cumulative if v is not None]
            cumulative_total = sum(known) if known else None
        if line.target:
            target_total = target_sum.get(line.key)
        lines.append(RecapLine(line, values, total, cumulative, cumulative_total, target_total))
    statuses = {row[5] for row in rows}
    cover = _coverage(month, due_date(month), desa_codes, scope, all_units,
                      {row[1]: row[4] for row in rows})
    return MonthlyRecap(month, scope, [(code, names.get(code, code)) for code in desa_codes],
                        template, lines, cover, bool(rows) and statuses == {REPORT_FINAL},
                        differences)
