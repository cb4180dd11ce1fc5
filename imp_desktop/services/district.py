"""The kabupaten view: every kecamatan's hand-overs and figures side by side.

For a district database into which every officer's packages are merged
(the office, on PostgreSQL) it covers the whole kabupaten; on an officer's
laptop (a SQLite file) only the officer's own kecamatan. Per kecamatan:

- hand-over coverage: the officers whose packages arrived, the last one and
  whether one arrived in the period's month;
- active cadres by the level of their unit;
- active units by classification in the period (Peran Bakti assessments)
  and, per role, how many assessed units fulfil it;
- activities in the period's month and the two before.

Everything is counted in SQL grouped by kecamatan (the first three parts of a
desa code), so 200,000 cadres cost one pass each.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from peewee import fn

from imp_desktop.data.db import database_file
from imp_desktop.data.models import (
    LEVELS,
    Activity,
    Handover,
    Region,
    database,
)
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

CLASSES = ("dasar", "berkembang", "mandiri")
NO_UNIT = "none"


@dataclass
class HandoverRow:
    """The packages received from one installation (an officer's laptop)."""

    officer: str
    kecamatan_code: str | None
    kecamatan_name: str
    last_at: str | None          # ISO time of the last package merged here
    this_month: int              # packages merged in the period's month


@dataclass
class KecamatanRow:
    code: str
    name: str
    officers: list[str] = field(default_factory=list)
    last_at: str | None = None
    this_month: bool = False
    cadres: dict[str, int] = field(default_factory=dict)       # level (or "none") -> count
    units: dict[str, int] = field(default_factory=dict)        # class (or "none") -> count
    roles: tuple[int, ...] = (0, 0, 0, 0, 0, 0)                # units fulfilling each role
    activities: tuple[int, ...] = (0, 0, 0)                    # three months, oldest first
    # Laporan bulanan of the period: units that should report, reported, by the due day
    monthly: tuple[int, int, int] = (0, 0, 0)

    @property
    def cadre_total(self) -> int:
        return sum(self.cadres.values())

    @property
    def unit_total(self) -> int:
        return sum(self.units.values())

    @property
    def assessed(self) -> int:
        return sum(self.units.get(c, 0) for c in CLASSES)


@dataclass
class DistrictView:
    scope: str                  # "kabupaten" or "kecamatan"
    region_code: str
    region_name: str
    period: str                 # "2026-11"
    period_label: str           # "November 2026"
    months: tuple[str, ...]     # labels of the three activity months, oldest first
    rows: list[KecamatanRow]
    total: KecamatanRow
    handovers: list[HandoverRow]


def _months(year: int, month: int) -> list[tuple[int, int]]:
    out = []
    for back in (2, 1, 0):
        y, m = year, month - back
        while m < 1:
            y, m = y - 1, m + 12
        out.append((y, m))
    return out


def parse_month(period: str) -> tuple[int, int]:
    from imp_desktop.services.roles import parse_period

    parsed = parse_period(period)
    if len(parsed.key) != 7 or "Q" in parsed.key:
        raise UserError(tr("district.error.period", period=period))
    return parsed.start.year, parsed.start.month


def default_scope() -> str:
    """The whole kabupaten at the office (PostgreSQL), the own kecamatan on a laptop."""
    return "kecamatan" if database_file() is not None else "kabupaten"


def _kecamatan_expr(column):
    return fn.SUBSTR(column, 1, 8)


def district_view(period: str, scope: str | None = None,
                  kecamatan_code: str | None = None) -> DistrictView:
    """The kabupaten view for ``period`` (``YYYY-MM``)."""
    # Long on purpose: one grouped query per figure (cadres, units and roles, activities),
    # each filling the same kecamatan rows; split, the rows would travel between helpers.
    from imp_desktop.formatting import format_month
    from imp_desktop.services.roles import kecamatan_recaps
    from imp_desktop.services.settings import get_officer

    year, month = parse_month(period)
    scope = scope or default_scope()
    own = kecamatan_code or get_officer().kecamatan_code
    if not own:
        raise UserError(tr("district.error.no_kecamatan"))
    if scope == "kabupaten":
        region_code = own[:5]
        kecamatan = list(Region.select(Region.code, Region.name)
                         .where(Region.parent_code == region_code)
                         .order_by(Region.name).tuples())
    else:
        region_code = own
        kecamatan = list(Region.select(Region.code, Region.name)
                         .where(Region.code == own).tuples())
    region = Region.get_or_none(Region.code == region_code)
    codes = [code for code, _ in kecamatan]
    rows = {code: KecamatanRow(code, name) for code, name in kecamatan}
    prefix = region_code + "."

    # Cadres by the level of their unit (active, not merged into another): counted
    # per desa and unit first (on PostgreSQL an index-only scan, migration 17), then
    # the few thousand groups joined to their units.
    p = database.param
    for code, lvl, count in database.execute_sql(
            f"SELECT substr(c.desa_code, 1, 8), COALESCE(u.level, {p}), SUM(c.n) FROM "
            "(SELECT desa_code, unit_id, COUNT(*) AS n FROM cadre "
            f"WHERE active = {p} AND merged_into_id IS NULL "
            f"AND substr(desa_code, 1, {len(prefix)}) = {p} GROUP BY desa_code, unit_id) c "
            "LEFT JOIN unit u ON u.id = c.unit_id "
            f"GROUP BY substr(c.desa_code, 1, 8), COALESCE(u.level, {p})",
            [NO_UNIT, True, prefix, NO_UNIT]):
        if code in rows:
            rows[code].cadres[lvl] = rows[code].cadres.get(lvl, 0) + int(count)

    # Units by classification in the period, and the six roles, as the Peran Bakti
    # recap of each kecamatan counts them (all kecamatan in one pass).
    for code, result in kecamatan_recaps(codes, period).items():
        if code in rows:
            rows[code].units = {"dasar": result.dasar, "berkembang": result.berkembang,
                                "mandiri": result.mandiri, NO_UNIT: result.not_assessed}
            rows[code].roles = result.roles

    # Activities per month.
    months = _months(year, month)
    first = dt.date(*months[0], 1)
    last = dt.date(year + (month == 12), month % 12 + 1, 1)
    month_expr = fn.SUBSTR(Activity.date.cast("text") if database_file() is None
                           else Activity.date, 1, 7)
    keys = [f"{y:04d}-{m:02d}" for y, m in months]
    counts: dict[tuple[str, str], int] = {}
    for code, ym, count in (
            Activity.select(_kecamatan_expr(Activity.desa), month_expr, fn.COUNT(Activity.id))
            .where((Activity.date >= first) & (Activity.date < last)
                   & Activity.desa.startswith(prefix))
            .group_by(_kecamatan_expr(Activity.desa), month_expr).tuples()):
        counts[(code, ym)] = count
    for code, row in rows.items():
        row.activities = tuple(counts.get((code, key), 0) for key in keys)

    # Monthly-report coverage (cakupan laporan bulanan), from the desa rows.
    from imp_desktop.services.monthly import coverage

    for item in coverage(f"{year:04d}-{month:02d}", region_code).rows:
        row = rows.get(item.code.rsplit(".", 1)[0]) if item.level == 4 else None
        if row is not None:
            row.monthly = tuple(a + b for a, b in zip(
                row.monthly, (item.existing, item.reported, item.on_time)))

    handovers = _handovers(year, month, rows)
    for item in handovers:
        row = rows.get(item.kecamatan_code or "")
        if row is None:
            continue
        row.officers.append(item.officer)
        if item.last_at and (row.last_at is None or item.last_at > row.last_at):
            row.last_at = item.last_at
        row.this_month = row.this_month or item.this_month > 0

    ordered = [rows[code] for code in codes]
    total = KecamatanRow(region_code, tr("district.total"))
    for row in ordered:
        for key, value in row.cadres.items():
            total.cadres[key] = total.cadres.get(key, 0) + value
        for key, value in row.units.items():
            total.units[key] = total.units.get(key, 0) + value
        total.roles = tuple(a + b for a, b in zip(total.roles, row.roles))
        total.activities = tuple(a + b for a, b in zip(total.activities, row.activities))
        total.monthly = tuple(a + b for a, b in zip(total.monthly, row.monthly))
        total.officers += row.officers
        total.this_month = sum(1 for r in ordered if r.this_month)
    return DistrictView(scope, region_code, region.name if region else region_code,
                        f"{year:04d}-{month:02d}", format_month(year, month),
                        tuple(format_month(y, m) for y, m in months), ordered, total,
                        handovers)


def _handovers(year: int, month: int, rows: dict[str, KecamatanRow]) -> list[HandoverRow]:
    """Per sending installation: who, which kecamatan, the last package, this month's."""
    start = f"{year:04d}-{month:02d}"
    latest: dict[str, HandoverRow] = {}
    for installation, officer, at, summary in (
            Handover.select(Handover.installation, Handover.officer, Handover.at,
                            Handover.summary)
            .where(Handover.direction == "import").order_by(Handover.at).tuples()):
        try:
            info = json.loads(summary or "{}")
        except ValueError:
            info = {}
        key = installation or officer or "?"
        item = latest.get(key)
        if item is None:
            item = latest[key] = HandoverRow(officer or "?", None, "-", None, 0)
        item.officer = officer or item.officer
        item.last_at = at
        code = info.get("kecamatan") or item.kecamatan_code
        item.kecamatan_code = code
        if at and at[:7] == start:
            item.this_month += 1
    names = dict(Region.select(Region.code, Region.name).where(
        Region.code.in_([i.kecamatan_code for i in latest.values() if i.kecamatan_code]
                        or [""])).tuples())
    for item in latest.values():
        item.kecamatan_name = names.get(item.kecamatan_code or "", "-")
    visible = [i for i in latest.values() if not rows or i.kecamatan_code in rows
               or i.kecamatan_code is None]
    return sorted(visible, key=lambda i: (i.kecamatan_name, i.officer))


def level_keys() -> tuple[str, ...]:
    return (*LEVELS, NO_UNIT)


# ------------------------------------------------------------------ tables, PDF, XLSX

def district_tables(view: DistrictView, lang: str | None = None) -> list:
    """The view as tables (text and whole numbers) for the screen, PDF and XLSX."""
    from imp_desktop.reports.model import DistrictTable
    from imp_desktop.services.roles import classification_label
    from imp_desktop.services.settings import level_labels

    from imp_desktop.formatting import format_percent

    t = lambda key, **values: tr(key, lang, **values)  # noqa: E731
    kec = t("district.col.kecamatan")
    yes, no = t("district.handover.yes"), t("district.handover.no")
    tables = []

    rows = []
    by_kecamatan: dict[str, list[HandoverRow]] = {}
    for item in view.handovers:
        by_kecamatan.setdefault(item.kecamatan_code or "", []).append(item)
    for row in view.rows:
        items = by_kecamatan.pop(row.code, [])
        if not items:
            rows.append([row.name, "—", t("district.handover.never"), no])
        for item in items:
            rows.append([row.name, item.officer, _date_text(item.last_at),
                         yes if item.this_month else no])
    for items in by_kecamatan.values():       # packages whose kecamatan is not known here
        for item in items:
            rows.append([item.kecamatan_name, item.officer, _date_text(item.last_at),
                         yes if item.this_month else no])
    arrived = sum(1 for r in view.rows if r.this_month)
    tables.append(DistrictTable(
        "handover", t("district.h.handover"),
        [kec, t("district.col.officer"), t("district.col.last_package"),
         t("district.col.this_month", period=view.period_label)], rows,
        [t("district.total"), "", "", t("district.handover.count", arrived=arrived,
                                          total=len(view.rows))]))

    labels = level_labels()
    levels = level_keys()
    header = [kec] + [labels.get(lv) or t("district.col.no_unit") for lv in levels] + \
        [t("district.col.total")]
    tables.append(DistrictTable(
        "cadres", t("district.h.cadres"), header,
        [[r.name] + [r.cadres.get(lv, 0) for lv in levels] + [r.cadre_total]
         for r in view.rows],
        [t("district.total")] + [view.total.cadres.get(lv, 0) for lv in levels]
        + [view.total.cadre_total]))

    classes = (*CLASSES, NO_UNIT)
    header = [kec] + [classification_label(c if c != NO_UNIT else None, lang) for c in classes] \
        + [t("district.col.total")]
    tables.append(DistrictTable(
        "units", t("district.h.units", period=view.period_label), header,
        [[r.name] + [r.units.get(c, 0) for c in classes] + [r.unit_total] for r in view.rows],
        [t("district.total")] + [view.total.units.get(c, 0) for c in classes]
        + [view.total.unit_total]))

    header = [kec, t("district.col.assessed")] + [t("district.col.role", number=n)
                                                  for n in range(1, 7)]
    tables.append(DistrictTable(
        "roles", t("district.h.roles", period=view.period_label), header,
        [[r.name, r.assessed, *r.roles] for r in view.rows],
        [t("district.total"), view.total.assessed, *view.total.roles]))

    tables.append(DistrictTable(
        "activities", t("district.h.activities"), [kec, *view.months, t("district.col.total")],
        [[r.name, *r.activities, sum(r.activities)] for r in view.rows],
        [t("district.total"), *view.total.activities, sum(view.total.activities)]))

    def percent(part: int, whole: int) -> str:
        return format_percent(100.0 * part / whole, 0) if whole else "—"

    tables.append(DistrictTable(
        "monthly", t("district.h.monthly", period=view.period_label),
        [kec, t("district.col.units_reporting"), t("district.col.reported"),
         t("district.col.reported_percent"), t("district.col.on_time")],
        [[r.name, r.monthly[0], r.monthly[1], percent(r.monthly[1], r.monthly[0]),
          r.monthly[2]] for r in view.rows],
        [t("district.total"), view.total.monthly[0], view.total.monthly[1],
         percent(view.total.monthly[1], view.total.monthly[0]), view.total.monthly[2]]))
    return tables


def printed_tables(args: dict, lang: str | None = None) -> list:
    """The tables of a printed view made again from its print-log arguments
    (period, scope, region): ``services/listings.py`` compares them."""
    view = district_view(args["period"], args["scope"], kecamatan_code=args["region"])
    return district_tables(view, lang)


def _date_text(at: str | None) -> str:
    if not at:
        return "—"
    from imp_desktop.formatting import format_date

    try:
        return format_date(dt.datetime.fromisoformat(at).date())
    except ValueError:
        return at[:10]


def district_report(view: DistrictView, lang: str | None = None):
    from imp_desktop.reports.model import DistrictReport

    scope = tr(f"district.scope.{view.scope}", lang, name=view.region_name)
    tables = district_tables(view, lang)
    return DistrictReport(
        tr("district.report.title", lang), [scope, tr("district.report.period", lang,
                                                      period=view.period_label)],
        tables, {"region": view.region_code, "period": view.period,
                 "tables": [[t.rows, t.total] for t in tables]})


def district_pdf(period: str, scope: str | None = None, lang: str | None = None) -> bytes:
    return district_view_pdf(district_view(period, scope), lang)


def district_view_pdf(view: DistrictView, lang: str | None = None) -> bytes:
    """The view as printed: kop, tables, verification code and QR, in the print log."""
    from imp_desktop.reports import render_district
    from imp_desktop.services.reporting import printed

    report = district_report(view, lang)
    return printed(report, render_district, view.region_code,
                   f"{report.title} {view.period_label}", lang=lang,
                   listing=("district", {"period": view.period, "scope": view.scope,
                                         "region": view.region_code}))


def district_xlsx(view: DistrictView, out, lang: str | None = None):
    """The view as an Excel workbook, one sheet per table, numbers as numbers."""
    import io
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from imp_desktop.services.reporting import write_file

    report = district_report(view, lang)
    book = Workbook()
    book.remove(book.active)
    for table in report.tables:
        sheet = book.create_sheet(tr(f"district.sheet.{table.key}", lang)[:31])
        sheet.append([report.title])
        sheet.append([" — ".join(report.subtitle)])
        sheet.append([])
        sheet.append(table.header)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7E1")
        for row in table.rows:
            sheet.append(row)
        if table.total is not None:
            sheet.append(table.total)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFGHIJ":
            sheet.column_dimensions[letter].width = 16
        sheet.freeze_panes = "B5"
    buffer = io.BytesIO()
    book.save(buffer)
    return write_file(buffer.getvalue(), Path(out), ".xlsx")
