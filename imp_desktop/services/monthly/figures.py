"""Laporan bulanan: the units of a desa, their reports as read, and the figures
computed from them (carried, computed and total lines, cumulative columns,
upward totals with the difference shown where a unit typed its own).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from peewee import fn

from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LINE_CARRIED,
    LINE_COMPUTED,
    LINE_TOTAL,
    REPORT_FINAL,
    Activity,
    ActivityType,
    Cadre,
    MonthlyLine,
    MonthlyReport,
    Participant,
    Region,
    Unit,
    database,
)
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.monthly.periods import (
    LEVEL_ORDER,
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

# --- units -------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    level: str
    desa_code: str
    parent_id: int | None = None
    place: str = ""          # dusun/RW and RT


def _ordered(units: list[UnitRef]) -> list[UnitRef]:
    """A desa's units as the chain runs: each unit followed by the units under it."""
    by_id = {u.id: u for u in units}
    children: dict[int | None, list[UnitRef]] = defaultdict(list)
    for unit in units:
        parent = unit.parent_id if unit.parent_id in by_id else None
        children[parent].append(unit)
    for items in children.values():
        items.sort(key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.place, u.name.casefold(), u.id))
    result: list[UnitRef] = []

    def walk(parent):
        for unit in children.get(parent, ()):
            result.append(unit)
            walk(unit.id)

    walk(None)
    return result


def _unit_refs(desa_codes: list[str] | None, unit_ids: set[int] | None = None) -> list[UnitRef]:
    """Active units of the desa given (and any unit in ``unit_ids``), in chain order per desa."""
    sql = ('SELECT u.id, u.name, u.level, u.desa_code, u.parent_id, u.active, h.name '
           'FROM unit u LEFT JOIN hamlet h ON h.id = u.hamlet_id')
    rows = []
    if desa_codes is None:
        rows = database.execute_sql(sql).fetchall()
    else:
        from imp_desktop.data.sync import chunks

        for part in chunks(desa_codes):
            rows += database.execute_sql(
                f"{sql} WHERE u.desa_code IN ({', '.join([database.param] * len(part))})",
                part).fetchall()
    refs_by_desa: dict[str, list[UnitRef]] = defaultdict(list)
    for uid, name, level, desa, parent, active, hamlet in rows:
        if not active and not (unit_ids and uid in unit_ids):
            continue
        refs_by_desa[desa].append(UnitRef(uid, name, level, desa, parent, hamlet or ""))
    result = []
    for desa in sorted(refs_by_desa):
        result += _ordered(refs_by_desa[desa])
    return result


def desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa that have units, the officer's own first."""
    from imp_desktop.services.first_run import work_desa_choices

    return work_desa_choices()


# --- reports: reading ----------------------------------------------------------------

def _decode(text: str | None) -> dict[str, int]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {k: int(v) for k, v in value.items() if isinstance(v, (int, float))} \
        if isinstance(value, dict) else {}


def _encode(values: dict[str, int]) -> str:
    return json.dumps({k: values[k] for k in sorted(values)}, separators=(",", ":"))


@dataclass
class UnitMonth:
    """One unit's row in a desa's month: what is stored, or what a new report starts with."""

    unit: UnitRef
    report_id: int | None = None
    status: str | None = None           # None: no report yet
    received_on: dt.date | None = None
    figures: dict[str, int] = field(default_factory=dict)    # typed and carried lines
    targets: dict[str, int] = field(default_factory=dict)    # yearly targets
    carried: set[str] = field(default_factory=set)           # keys filled from an earlier report
    computed: dict[str, int] = field(default_factory=dict)   # computed and total lines
    cumulative: dict[str, int] = field(default_factory=dict) # "to date", since January
    template_id: int | None = None

    @property
    def reported(self) -> bool:
        return self.report_id is not None

    @property
    def final(self) -> bool:
        return self.status == REPORT_FINAL

    def value(self, key: str) -> int | None:
        if key in self.computed:
            return self.computed[key]
        return self.figures.get(key)


@dataclass
class DesaMonth:
    desa_code: str
    desa_name: str
    month: Month
    template: Template
    units: list[UnitMonth]
    due: dt.date

    @property
    def final(self) -> bool:
        """Locked: every stored report of the month is final (and there is one)."""
        stored = [u for u in self.units if u.reported]
        return bool(stored) and all(u.final for u in stored)

    @property
    def has_final(self) -> bool:
        return any(u.final for u in self.units)


def _is_postgres() -> bool:
    from peewee import PostgresqlDatabase

    return isinstance(database.obj, PostgresqlDatabase)


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _reports(unit_ids: list[int], periods: list[str]) -> list[tuple]:
    """(id, unit id, period, template id, received_on, status, figures, targets) rows,
    read with plain SQL (a recap reads thousands)."""
    if not unit_ids or not periods:
        return []
    from imp_desktop.data.sync import chunks

    p = database.param
    rows = []
    for part in chunks(unit_ids):
        sql = ("SELECT id, unit_id, period, template_id, received_on, status, figures, targets "
               f"FROM monthly_report WHERE unit_id IN ({', '.join([p] * len(part))}) "
               f"AND period IN ({', '.join([p] * len(periods))})")
        rows += [(i, u, per, t, _day(day), st, f, tg) for i, u, per, t, day, st, f, tg
                 in database.execute_sql(sql, [*part, *periods]).fetchall()]
    return rows


def _figure_rows(unit_ids: list[int], periods: list[str], keys: list[str]) -> list[tuple]:
    """(unit id, period, key, value) of the given line keys in the reports, picked
    out of the JSON by the database itself (SQLite json_each, PostgreSQL
    json_each_text): a year of a kecamatan's reports holds ~200,000 figures and
    the "to date" columns need a few thousand of them."""
    if not unit_ids or not periods or not keys:
        return []
    from imp_desktop.data.sync import chunks

    p = database.param
    each = "json_each_text(r.figures::json)" if _is_postgres() else "json_each(r.figures)"
    rows = []
    for part in chunks(unit_ids):
        sql = (f"SELECT r.unit_id, r.period, j.key, j.value FROM monthly_report r, {each} j "
               f"WHERE r.unit_id IN ({', '.join([p] * len(part))}) "
               f"AND r.period IN ({', '.join([p] * len(periods))}) "
               f"AND j.key IN ({', '.join([p] * len(keys))})")
        for unit, period, key, value in database.execute_sql(
                sql, [*part, *periods, *keys]).fetchall():
            try:
                rows.append((unit, period, key, int(value)))
            except (TypeError, ValueError):
                continue   # not a whole number: never written by this program
    return rows


def _previous_reports(unit_ids: list[int], month: Month) -> dict[int, tuple[str, dict, dict]]:
    """The latest report before ``month`` of each unit: (period, figures, targets)."""
    found: dict[int, tuple[str, dict, dict]] = {}
    if not unit_ids:
        return found
    from imp_desktop.data.sync import chunks

    for part in chunks(unit_ids):
        latest = (MonthlyReport.select(MonthlyReport.unit, fn.MAX(MonthlyReport.period))
                  .where(MonthlyReport.unit.in_(part), MonthlyReport.period < month.key)
                  .group_by(MonthlyReport.unit).tuples())
        wanted = {(unit, period) for unit, period in latest}
        if not wanted:
            continue
        periods = sorted({p for _, p in wanted})
        for unit, period, figures, targets in (
                MonthlyReport.select(MonthlyReport.unit, MonthlyReport.period,
                                     MonthlyReport.figures, MonthlyReport.targets)
                .where(MonthlyReport.unit.in_(part), MonthlyReport.period.in_(periods)).tuples()):
            if (unit, period) in wanted:
                found[unit] = (period, _decode(figures), _decode(targets))
    return found


def _children(units: list[UnitRef]) -> dict[int | None, list[int]]:
    ids = {u.id for u in units}
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit.id)
    return children


def _descendants(unit_id: int, children: dict) -> list[int]:
    result, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        result.append(current)
        stack.extend(children.get(current, ()))
    return result


def _activity_counts(desa_codes: list[str], month: Month) -> dict[tuple[str, str], int]:
    """(desa code, activity type name folded) -> activities held in the month."""
    query = (Activity.select(Activity.desa, ActivityType.name, fn.COUNT(Activity.id))
             .join(ActivityType)
             .where(Activity.desa.in_(desa_codes), Activity.date >= month.start,
                    Activity.date <= month.end)
             .group_by(Activity.desa, ActivityType.name).tuples())
    return {(desa, name.casefold()): count for desa, name, count in query}


def _attendance(desa_codes: list[str], month: Month) -> tuple[dict, dict]:
    """Present cadres in the month's activities: per unit and per activity desa."""
    from imp_desktop.data.models import STATUS_PRESENT

    per_unit: Counter = Counter()
    per_desa: Counter = Counter()
    query = (Participant.select(Cadre.unit, Activity.desa)
             .join(Activity).switch(Participant).join(Cadre)
             .where(Activity.desa.in_(desa_codes), Activity.date >= month.start,
                    Activity.date <= month.end, Participant.status == STATUS_PRESENT).tuples())
    for unit, desa in query:
        if unit is not None:
            per_unit[unit] += 1
        per_desa[desa] += 1
    return per_unit, per_desa


def _unit_activity_types(unit_ids: list[int], month: Month) -> dict[int, dict[str, set]]:
    """Per unit: the month's activities (ids by type name folded) one of its cadres attended."""
    from imp_desktop.data.models import STATUS_PRESENT

    found: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    query = (Participant.select(Cadre.unit, Activity.id, ActivityType.name)
             .join(Activity).join(ActivityType).switch(Participant).join(Cadre)
             .where(Cadre.unit.in_(unit_ids), Activity.date >= month.start,
                    Activity.date <= month.end, Participant.status == STATUS_PRESENT).tuples())
    for unit, activity, name in query:
        found[unit][name.casefold()].add(activity)
    return found


class _Computer:
    """The computed lines of the units of some desa in one month. What only a
    unit's own line needs (its cadres' attendance) is read on first use: a
    recap needs the desa figures alone."""

    def __init__(self, units: list[UnitRef], month: Month, reported: set[int]):
        self.units = {u.id: u for u in units}
        self.children = _children(units)
        self.reported = reported
        self.month = month
        self.desa_codes = sorted({u.desa_code for u in units})
        self.activities = _activity_counts(self.desa_codes, month) if self.desa_codes else {}
        self._attendance = None
        self._unit_types = None

    @property
    def attendance_unit(self) -> dict:
        return self._attendance_counts()[0]

    @property
    def attendance_desa(self) -> dict:
        return self._attendance_counts()[1]

    def _attendance_counts(self):
        if self._attendance is None:
            self._attendance = (_attendance(self.desa_codes, self.month) if self.desa_codes
                                else ({}, {}))
        return self._attendance

    @property
    def unit_types(self) -> dict:
        if self._unit_types is None:
            self._unit_types = (_unit_activity_types(list(self.units), self.month)
                                if self.units else {})
        return self._unit_types

    def value(self, line: Line, unit_id: int | None, desa_code: str) -> int:
        """``unit_id`` None: the whole desa."""
        name, _, argument = (line.source or "").partition(":")
        if unit_id is None:
            scope = [u.id for u in self.units.values() if u.desa_code == desa_code]
        else:
            scope = _descendants(unit_id, self.children)
        if name == "units":
            return sum(1 for uid in scope if self.units[uid].level == argument)
        if name == "reporting":
            return sum(1 for uid in scope if self.units[uid].level == argument
                       and uid in self.reported)
        if name == "activity_type":
            wanted = argument.strip().casefold()
            if unit_id is None or self.units[unit_id].level == LEVEL_PPKBD:
                return self.activities.get((desa_code, wanted), 0)
            held = set()
            for uid in scope:
                held |= self.unit_types.get(uid, {}).get(wanted, set())
            return len(held)
        if name == "attendance":
            if unit_id is None or self.units[unit_id].level == LEVEL_PPKBD:
                return self.attendance_desa.get(desa_code, 0)
            return sum(self.attendance_unit.get(uid, 0) for uid in scope)
        return 0


def _totals(template: Template, values: dict[str, int | None]) -> dict[str, int]:
    """Total lines from their parts (a total of nothing typed stays empty)."""
    result = {}
    for line in template.lines:
        if line.kind == LINE_TOTAL:
            parts = [values.get(key) for key in line.parts]
            if any(p is not None for p in parts):
                result[line.key] = sum(p or 0 for p in parts)
    return result


def desa_month(desa_code: str, period: str) -> DesaMonth:
    """A desa's month: each unit's stored report, or what a new one starts with
    (carried lines from the unit's previous report), with computed lines."""
    month = parse_month(period)
    desa_name = Region.select(Region.name).where(Region.code == desa_code).scalar()
    if desa_name is None:
        raise UserError(tr("monthly.error.desa", code=desa_code))
    stored_rows = MonthlyReport.select(MonthlyReport.unit).join(Unit).where(
        Unit.desa == desa_code, MonthlyReport.period == month.key).tuples()
    units = _unit_refs([desa_code], {uid for (uid,) in stored_rows})
    template = current_template()
    stored = {row[1]: row for row in _reports([u.id for u in units], [month.key])}
    previous = _previous_reports([u.id for u in units if u.id not in stored], month)
    computer = _Computer(units, month, set(stored))
    cumulative = _cumulative_figures(units, month)
    result = []
    for unit in units:
        row = stored.get(unit.id)
        entry = UnitMonth(unit)
        if row is not None:
            entry.report_id, entry.template_id = row[0], row[3]
            entry.received_on, entry.status = row[4], row[5]
            entry.figures, entry.targets = _decode(row[6]), _decode(row[7])
        else:
            entry.template_id = template.id
            earlier = previous.get(unit.id)
            if earlier:
                lines = {line.key: line for line in template.lines}
                entry.figures = {k: v for k, v in earlier[1].items()
                                 if k in lines and lines[k].kind == LINE_CARRIED}
                entry.carried = set(entry.figures)
                if earlier[0][:4] == month.key[:4]:   # yearly targets, same year
                    entry.targets = dict(earlier[2])
        used = get_template(entry.template_id) if entry.template_id != template.id else template
        for line in used.lines_for(unit.level):
            if line.kind == LINE_COMPUTED:
                entry.computed[line.key] = computer.value(line, unit.id, desa_code)
        entry.computed.update(_totals(used, {**entry.figures, **entry.computed}))
        entry.cumulative = cumulative.get(unit.id, {})
        result.append(entry)
    return DesaMonth(desa_code, desa_name, month, template, result, due_date(month))


def _cumulative_figures(units: list[UnitRef], month: Month) -> dict[int, dict[str, int]]:
    """Per unit: the sum of its own effective figures (own, else its units' sum)
    from January to ``month`` for every line that has a "to date" column."""
    rollups = _year_rollups(units, month)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for per_month in rollups.values():
        for unit_id, values in per_month.items():
            target = result[unit_id]
            for key, value in values.items():
                target[key] = target.get(key, 0) + value
    return result


def _cumulative_keys() -> dict[str, tuple[str, ...]]:
    """Keys of lines with a "to date" column (of any template version), and the
    parts of those that are totals."""
    keys: dict[str, tuple[str, ...]] = {}
    for key, kind, source in (MonthlyLine.select(MonthlyLine.key, MonthlyLine.kind,
                                                 MonthlyLine.source)
                              .where(MonthlyLine.cumulative == True).tuples()):  # noqa: E712
        keys[key] = tuple(p.strip() for p in (source or "").split(",") if p.strip()) \
            if kind == LINE_TOTAL else ()
    return keys


def _year_rollups(units: list[UnitRef], month: Month) -> dict[str, dict[int, dict[str, int]]]:
    """period -> unit id -> {key: effective value} for the "to date" lines,
    January to ``month``."""
    keys = _cumulative_keys()
    if not keys or not units:
        return {}
    periods = [m.key for m in month.months_of_year()]
    wanted = sorted(set(keys) | {p for parts in keys.values() for p in parts})
    values: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for unit, period, key, value in _figure_rows([u.id for u in units], periods, wanted):
        values[(period, unit)][key] = value
    totals = [(key, parts) for key, parts in keys.items() if parts]
    by_period: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    for (period, unit), found in values.items():
        own = {k: v for k, v in found.items() if k in keys}
        for key, parts in totals:
            if key not in own:
                present = [found[p] for p in parts if p in found]
                if present:
                    own[key] = sum(present)
        by_period[period][unit] = own
    children = _children(units)
    return {period: _rolled_values(children, own) for period, own in by_period.items()}


def _rolled_values(children: dict, own: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    """Each unit's effective figures: its own, else the sum of its units'."""
    result: dict[int, dict[str, int]] = {}

    def visit(unit_id: int) -> dict[str, int]:
        total: dict[str, int] = {}
        for child in children.get(unit_id, ()):
            for key, value in visit(child).items():
                total[key] = total.get(key, 0) + value
        total.update(own.get(unit_id, {}))
        result[unit_id] = total
        return total

    for root in children.get(None, ()):
        visit(root)
    return result


# --- upward totals ---------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A unit's figure for a line: what it typed, its units' sum, and the one used."""

    own: int | None = None
    units_sum: int | None = None

    @property
    def value(self) -> int | None:
        return self.own if self.own is not None else self.units_sum

    @property
    def difference(self) -> int | None:
        """Own figure minus its units' sum, where both exist and differ."""
        if self.own is None or self.units_sum is None or self.own == self.units_sum:
            return None
        return self.own - self.units_sum


def _rollup(children: dict, own: dict[int, dict[str, int]], keys: list[str]
            ) -> dict[int, dict[str, Figure]]:
    """Every unit's Figure per key, adding each level's effective figures upward."""
    result: dict[int, dict[str, Figure]] = {}
    wanted = set(keys)

    def visit(unit_id: int) -> dict[str, Figure]:
        sums: dict[str, int] = {}
        for child in children.get(unit_id, ()):
            for key, figure in visit(child).items():
                value = figure.value
                if value is not None:
                    sums[key] = sums.get(key, 0) + value
        mine = {k: v for k, v in own.get(unit_id, {}).items() if v is not None}
        figures = {key: Figure(mine.get(key), sums.get(key))
                   for key in wanted.intersection(mine.keys() | sums.keys())}
        result[unit_id] = figures
        return figures

    for root in children.get(None, ()):
        visit(root)
    return result


def rollup(desa_code: str, period: str) -> dict[int | None, dict[str, Figure]]:
    """Each unit's figures with its units' sums (key None: the whole desa, the sum
    of its top units), for the typed and carried lines of the month."""
    data = desa_month(desa_code, period)
    return _desa_rollup(data)


def _desa_rollup(data: DesaMonth) -> dict[int | None, dict[str, Figure]]:
    keys = [line.key for line in data.template.lines if line.typed]
    own = {u.unit.id: dict(u.figures) for u in data.units if u.reported}
    children = _children([u.unit for u in data.units])
    result: dict[int | None, dict[str, Figure]] = dict(_rollup(children, own, keys))
    desa: dict[str, Figure] = {}
    for key in keys:
        values = [result[root][key].value for root in children.get(None, ())
                  if key in result.get(root, {}) and result[root][key].value is not None]
        if values:
            desa[key] = Figure(None, sum(values))
    result[None] = desa
    return result


# --- for other screens and the package ----------------------------------------------------

def level_of(unit_id: int) -> str:
    return Unit.select(Unit.level).where(Unit.id == unit_id).scalar() or LEVEL_KELOMPOK


def report_records() -> list[dict]:
    """``list monthly --json``: every stored report, plainly."""
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    return [{"id": row.id, "uuid": row.uuid, "unit_id": row.unit_id,
             "unit": units.get(row.unit_id, ""), "period": row.period,
             "received_on": row.received_on.isoformat() if row.received_on else None,
             "status": row.status, "figures": _decode(row.figures)}
            for row in MonthlyReport.select().order_by(MonthlyReport.period, MonthlyReport.id)]
