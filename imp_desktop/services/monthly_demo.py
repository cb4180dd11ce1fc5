"""Demo step: several months of unit monthly reports.

Kelompok KB report their PUS (carried from month to month with small
changes) and each month's new acceptors; Sub PPKBD their family groups and
meetings; the PPKBD the desa's groups and leaders active in KIE. A few units
report late, a few not at all, some Sub PPKBD type their own PUS figure (a
little off their units' sum). Older months are final; the last
complete month is still a draft. Written in bulk inside the demo transaction.
"""
from __future__ import annotations

import datetime as dt
import json

from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LEVEL_SUB_PPKBD,
    REPORT_DRAFT,
    REPORT_FINAL,
    Unit,
    database,
    new_uuid,
    utc_now,
)
from imp_desktop.services import monthly

METHODS = ("pb.iud", "pb.mow", "pb.mop", "pb.kondom", "pb.implan", "pb.suntik", "pb.pil")
METHOD_WEIGHTS = (1, 0.2, 0.1, 1.5, 1.2, 4, 3)
GROUPS = ("bkb", "bkr", "bkl")


def _stocks(rng) -> dict[str, int]:
    """A Kelompok KB's stock: its couples of fertile age."""
    return {"pus": rng.randint(18, 60)}


def _group_stocks(rng) -> dict[str, int]:
    """A Sub PPKBD's family groups (BKB, BKR, BKL, UPPKA) and their members."""
    values = {}
    for group in GROUPS:
        target = rng.randint(8, 30)
        members = rng.randint(target // 2, target)
        pus = rng.randint(members // 3, members)
        values.update({f"{group}.target": target, f"{group}.members": members,
                       f"{group}.pus": pus, f"{group}.kb": rng.randint(pus // 2, pus)})
    members = rng.randint(3, 15)
    pus = rng.randint(members // 2, members)
    values.update({"uppka.members": members, "uppka.pus": pus,
                   "uppka.kb": rng.randint(pus // 2, pus)})
    return values


def _drift(rng, values: dict[str, int]) -> dict[str, int]:
    """Next month's stocks: mostly the same, now and then one more or one less."""
    result = dict(values)
    if "pus" in result and rng.random() < 0.3:
        result["pus"] = max(5, result["pus"] + rng.choice((-1, 1, 1, 2)))
    for group in GROUPS:
        key = f"{group}.members"
        if key in result and rng.random() < 0.15:
            result[key] = min(result[f"{group}.target"], result[key] + 1)
    return result


def _month_figures(rng, stocks: dict[str, int]) -> dict[str, int]:
    """A Kelompok KB's month: its PUS and the new acceptors by method."""
    figures = dict(stocks)
    budget = max(0, min(stocks["pus"] // 8, 6))
    for _ in range(rng.randint(0, budget)):
        method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        figures[method] = figures.get(method, 0) + 1
    return figures


def _group_month(rng, stocks: dict[str, int]) -> dict[str, int]:
    """A Sub PPKBD's month: its groups' stocks and this month's meetings."""
    figures = dict(stocks)
    for group in GROUPS:
        if rng.random() < 0.7:
            figures[f"{group}.meetings"] = 1
    if rng.random() < 0.5:
        figures["uppka.meetings"] = 1
    figures["ops.leaders"] = rng.randint(0, 2)
    return figures


def demo_monthly(rng, summary, months: int = 6, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    template = monthly.current_template()
    last = monthly.month_of(today).previous()
    periods = [last]
    for _ in range(months - 1):
        periods.append(periods[-1].previous())
    periods.reverse()
    units = list(Unit.select(Unit.id, Unit.level, Unit.parent).where(
        Unit.active == True).order_by(Unit.id).tuples())  # noqa: E712
    kids: dict[int, list[int]] = {}
    for unit_id, _, parent in units:
        if parent:
            kids.setdefault(parent, []).append(unit_id)
    now = utc_now()
    rows = []
    stocks = {unit_id: _stocks(rng) for unit_id, level, _ in units if level == LEVEL_KELOMPOK}
    yearly: dict[tuple[int, int], dict[str, int]] = {}
    desa_groups: dict[int, dict[str, int]] = {}
    groups: dict[int, dict[str, int]] = {}     # each Sub PPKBD's family groups
    silent = {unit_id for unit_id, *_ in units if rng.random() < 0.04}   # never report
    for period in periods:
        due = monthly.due_date(period)
        final = period != last
        for unit_id, level, _ in units:
            chance_missing = 0.25 if period == last else 0.05
            if unit_id in silent or rng.random() < chance_missing:
                continue
            if level == LEVEL_KELOMPOK:
                stocks[unit_id] = _drift(rng, stocks[unit_id])
                figures = _month_figures(rng, stocks[unit_id])
            elif level == LEVEL_SUB_PPKBD:
                groups[unit_id] = _drift(rng, groups.get(unit_id) or _group_stocks(rng))
                figures = _group_month(rng, groups[unit_id])
                below = [stocks[k]["pus"] for k in kids.get(unit_id, ()) if k in stocks]
                if below and rng.random() < 0.15:   # typed its own PUS, a little off
                    figures["pus"] = sum(below) + rng.choice((-2, -1, 1, 3))
            else:   # the PPKBD: the desa's family groups and its leaders active in KIE
                counts = desa_groups.setdefault(unit_id, {
                    g: rng.randint(1, 6) for g in ("bkb", "bkr", "bkl", "uppka")})
                figures = {"ops.leaders": rng.randint(0, 4)}
                for group, count in counts.items():
                    figures[f"groups.{group}.exist"] = count
                    figures[f"groups.{group}.report"] = rng.randint(max(0, count - 2), count)
            late = rng.random() < 0.12
            day = due + dt.timedelta(days=rng.randint(1, 9)) if late else \
                due - dt.timedelta(days=rng.randint(0, 6))
            day = min(day, today)
            if day < period.start:
                day = period.end
            targets = {}
            if level == LEVEL_KELOMPOK:   # yearly targets, the same every month of a year
                targets = yearly.setdefault((unit_id, period.year), {
                    method: rng.randint(1, 8) for method in METHODS})
            rows.append((new_uuid(), now, now, unit_id, period.key, template.id,
                         day.isoformat(), REPORT_FINAL if final else REPORT_DRAFT,
                         json.dumps(figures, sort_keys=True, separators=(",", ":")),
                         json.dumps(targets, sort_keys=True, separators=(",", ":"))))
    p = database.param
    cursor = database.cursor()
    sql = ("INSERT INTO monthly_report (uuid, created_at, updated_at, unit_id, period, "
           "template_id, received_on, status, figures, targets) "
           f"VALUES ({', '.join([p] * 10)})")
    for start in range(0, len(rows), 1000):
        cursor.executemany(sql, rows[start:start + 1000])
    summary.extra["laporan bulanan"] = len(rows)
