"""Laporan bulanan: coverage (cakupan laporan): units that exist, reported, and
reported by the due day, per desa and kecamatan, with the missing units and
their PPKBD's phone number.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imp_desktop.data.models import (
    LEVEL_PPKBD,
    Cadre,
    MonthlyReport,
    Region,
    Unit,
)
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.monthly.figures import (
    UnitRef,
    _unit_refs,
)
from imp_desktop.services.monthly.periods import (
    Month,
    due_date,
    parse_month,
)

# --- coverage (cakupan laporan) ------------------------------------------------------------

@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    existing: int
    reported: int
    on_time: int
    level: int = 4                  # region level: 3 kecamatan, 4 desa

    @property
    def percent(self) -> float | None:
        return 100.0 * self.reported / self.existing if self.existing else None

    @property
    def on_time_percent(self) -> float | None:
        return 100.0 * self.on_time / self.existing if self.existing else None


@dataclass(frozen=True)
class MissingUnit:
    unit_id: int
    unit_name: str
    level: str
    desa_code: str
    desa_name: str
    ppkbd_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class LateUnit:
    unit_id: int
    unit_name: str
    level: str
    desa_name: str
    received_on: dt.date


@dataclass
class Coverage:
    month: Month
    due: dt.date
    scope: str                      # "Kecamatan Tengaran" / "Desa Duren"
    rows: list[CoverageRow]         # desa (and kecamatan, for a district) in order
    total: CoverageRow
    missing: list[MissingUnit]
    late: list[LateUnit]


def _scope_desa(region_code: str | None) -> tuple[list[str], str]:
    """The desa codes of a desa, kecamatan or kabupaten (default: every desa with units)."""
    if region_code:
        region = Region.get_or_none(Region.code == region_code)
        if region is None:
            raise UserError(tr("monthly.error.region", code=region_code))
        if region.level == 4:
            return [region.code], tr("monthly.scope.desa", name=region.name)
        prefix = region.code + "."
        codes = [code for (code,) in Unit.select(Unit.desa).distinct()
                 .where(Unit.desa.startswith(prefix)).tuples()]
        key = "monthly.scope.kecamatan" if region.level == 3 else "monthly.scope.region"
        return sorted(codes), tr(key, name=region.name)
    codes = sorted(code for (code,) in Unit.select(Unit.desa).distinct().tuples())
    kecamatan = {code.rsplit(".", 1)[0] for code in codes}
    if len(kecamatan) == 1:
        name = Region.select(Region.name).where(Region.code == next(iter(kecamatan))).scalar()
        return codes, tr("monthly.scope.kecamatan", name=name or "")
    return codes, tr("monthly.scope.all")


def _ppkbd_contacts(desa_codes: list[str]) -> dict[str, tuple[str, str]]:
    """desa code -> (PPKBD name, the phone of its head or first cadre with one)."""
    rank = {"ketua": 0, "sekretaris": 1, "bendahara": 2}
    found: dict[str, tuple[int, str, str]] = {}
    query = (Cadre.select(Unit.desa, Unit.name, Cadre.position, Cadre.phone, Cadre.id)
             .join(Unit).where(Unit.level == LEVEL_PPKBD, Unit.desa.in_(desa_codes),
                               Cadre.active == True)  # noqa: E712
             .order_by(Cadre.id).tuples())
    names = dict(Unit.select(Unit.desa, Unit.name)
                 .where(Unit.level == LEVEL_PPKBD, Unit.desa.in_(desa_codes)).tuples())
    for desa, unit_name, position, phone, _ in query:
        if not phone:
            continue
        order = rank.get(position or "", 3)
        if desa not in found or order < found[desa][0]:
            found[desa] = (order, unit_name, phone)
    return {code: (names.get(code, ""), found[code][2] if code in found else "")
            for code in desa_codes}


def coverage(period: str, region_code: str | None = None, due_on: int | None = None
             ) -> Coverage:
    """Units that exist, reported and reported by the due day, per desa (and per
    kecamatan when the scope spans several), with the missing and late units."""
    month = parse_month(period)
    due = due_date(month, due_on)
    desa_codes, scope = _scope_desa(region_code)
    received: dict[int, dt.date | None] = {}
    from imp_desktop.data.sync import chunks

    for part in chunks(desa_codes):
        received.update(dict(
            MonthlyReport.select(MonthlyReport.unit, MonthlyReport.received_on).join(Unit)
            .where(Unit.desa.in_(part), MonthlyReport.period == month.key).tuples()))
    units = _unit_refs(desa_codes, set(received))
    return _coverage(month, due, desa_codes, scope, units, received)


def _coverage(month: Month, due: dt.date, desa_codes: list[str], scope: str,
              units: list[UnitRef], received: dict[int, dt.date | None]) -> Coverage:
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(desa_codes + sorted(
                     {c.rsplit(".", 1)[0] for c in desa_codes}))).tuples())
    counts: dict[str, list[int]] = {code: [0, 0, 0] for code in desa_codes}
    missing_units, late = [], []
    for unit in units:
        row = counts[unit.desa_code]
        row[0] += 1
        if unit.id in received:
            row[1] += 1
            day = received[unit.id]
            if day is not None and day <= due:
                row[2] += 1
            elif day is not None:
                late.append(LateUnit(unit.id, unit.name, unit.level,
                                     names.get(unit.desa_code, ""), day))
        else:
            missing_units.append(unit)
    contacts = _ppkbd_contacts(desa_codes) if missing_units else {}
    missing = [MissingUnit(u.id, u.name, u.level, u.desa_code, names.get(u.desa_code, ""),
                           *contacts.get(u.desa_code, ("", ""))) for u in missing_units]
    rows: list[CoverageRow] = []
    kecamatan_codes = sorted({code.rsplit(".", 1)[0] for code in desa_codes})
    several = len(kecamatan_codes) > 1
    for kecamatan in kecamatan_codes:
        members = [c for c in desa_codes if c.rsplit(".", 1)[0] == kecamatan]
        if several:
            rows.append(CoverageRow(kecamatan, names.get(kecamatan, kecamatan),
                                    *[sum(counts[c][i] for c in members) for i in range(3)],
                                    level=3))
        rows += [CoverageRow(c, names.get(c, c), *counts[c]) for c in members]
    total = CoverageRow("", scope, *[sum(v[i] for v in counts.values()) for i in range(3)],
                        level=2 if several else 3)
    return Coverage(month, due, scope, rows, total, missing, late)


def missing_reports(period: str) -> int:
    """How many units have not reported for the month (for Beranda): what
    ``len(coverage(period).missing)`` gives, counted in SQL (a kabupaten's
    coverage with every missing unit's contact took a third of a second)."""
    month = parse_month(period)
    reported = MonthlyReport.select(MonthlyReport.unit).where(MonthlyReport.period == month.key)
    return Unit.select().where((Unit.active == True)  # noqa: E712
                               & Unit.id.not_in(reported)).count()


def month_members(period: str, region_code: str | None = None
                  ) -> tuple[list[int], list[int], list[int]]:
    """What a monthly document of ``region_code`` (a desa, a kecamatan, or every
    desa with units) counts for the month: the ids of its units (the active ones
    and any that reported), of the month's reports, and of the month's activities
    (which computed lines count). ``services/listings.py`` keeps them with a
    printout, so that one added or removed since makes it "berubah"."""
    from imp_desktop.data.models import Activity
    from imp_desktop.data.sync import chunks

    month = parse_month(period)
    desa_codes, _ = _scope_desa(region_code)
    reports: dict[int, int] = {}
    activities: list[int] = []
    for part in chunks(desa_codes):
        reports.update(dict(
            MonthlyReport.select(MonthlyReport.id, MonthlyReport.unit).join(Unit)
            .where(Unit.desa.in_(part), MonthlyReport.period == month.key).tuples()))
        activities += [a for (a,) in Activity.select(Activity.id).where(
            Activity.desa.in_(part), Activity.date >= month.start,
            Activity.date <= month.end).tuples()]
    units = [unit.id for unit in _unit_refs(desa_codes, set(reports.values()))]
    return units, sorted(reports), activities
