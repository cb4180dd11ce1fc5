"""The monthly printouts' data: fills ``reports.model`` dataclasses from
``services.monthly`` and renders them (PDF here, XLSX through ``services.xlsx``).

F4 is the paper of these documents unless the office chose another
(``monthly.paper_size``); everything else (kop, signatures, verification code)
is what every document of the program has.
"""
from __future__ import annotations

import datetime as dt

from imp_desktop.data.models import LEVEL_KELOMPOK, LEVEL_PPKBD, LEVEL_SUB_PPKBD, Hamlet, Region, Unit
from imp_desktop.errors import UserError
from imp_desktop.formatting import MONTHS
from imp_desktop.i18n import language, tr
from imp_desktop.reports import model as rm
from imp_desktop.services import monthly
from imp_desktop.services.reporting import (
    monthly_settings,
    officer_kecamatan,
    officer_signatory,
    place_name,
)
from imp_desktop.services.settings import level_label

FORMS = {LEVEL_PPKBD: "R/I/PPKBD", LEVEL_SUB_PPKBD: "R/I/Sub PPKBD", LEVEL_KELOMPOK: "R/I/KKB"}


def _template_note(template: monthly.Template, lang: str | None) -> str:
    return tr("report.monthly.template_note", lang, version=template.version)


def _head(unit_id: int, title: str) -> rm.Signatory:
    from imp_desktop.services.units import unit_board

    board = unit_board(unit_id)
    head = next((m for m in board if m.position == "ketua"), board[0] if board else None)
    return rm.Signatory(title=title, name=head.name if head else "")


def unit_report(unit_id: int, period: str, lang: str | None = None,
                today: dt.date | None = None) -> rm.MonthlyUnitReport:
    data = monthly.unit_report(unit_id, period)
    lines = []
    for item in data.lines:
        line = item.line
        lines.append(rm.MonthlyLine(
            section=line.section, section_title=line.section_title(lang), text=line.text(lang),
            value=item.figure.value, units_sum=item.figure.units_sum,
            difference=item.figure.difference, cumulative=item.cumulative, target=item.target,
            remaining=item.remaining, has_cumulative=line.cumulative, has_target=line.target,
            computed=not line.typed))
    level = level_label(data.unit.level)
    return rm.MonthlyUnitReport(
        form=FORMS.get(data.unit.level, "R/I"), unit_name=data.unit.name, level=level,
        desa_name=data.desa_name, kecamatan_name=data.kecamatan_name,
        period_label=data.month.label(lang), lines=lines, final=data.final,
        received_on=data.received_on, units_reported=data.reported_units,
        units_below=data.units_below, template_note=_template_note(data.template, lang),
        supervisor=officer_signatory(lang), cadre=_head(unit_id, data.unit.name),
        place_name=data.desa_name or place_name(),
        date=data.received_on or (today if data.final else None))


def _report_uuids(unit_ids: list[int], period: str) -> list[str]:
    """The stored reports a printout shows: a later change makes it "berubah"."""
    from imp_desktop.data.models import MonthlyReport
    from imp_desktop.data.sync import chunks

    found = []
    for part in chunks(unit_ids):
        found += [u for (u,) in MonthlyReport.select(MonthlyReport.uuid).where(
            MonthlyReport.unit.in_(part), MonthlyReport.period == period).tuples()]
    return found


def unit_report_pdf(unit_id: int, period: str, lang: str | None = None) -> bytes:
    from imp_desktop.reports.monthly import render_monthly_unit_report
    from imp_desktop.services.reporting import printed

    document = unit_report(unit_id, period, lang)
    unit = Unit.get_by_id(unit_id)
    below = [u.id for u in Unit.select(Unit.id).where(Unit.desa == unit.desa_code)]
    return printed(document, render_monthly_unit_report, unit.uuid,
                   f"{document.form} {document.unit_name} {document.period_label}",
                   _report_uuids(below, monthly.parse_month(period).key), lang,
                   settings=monthly_settings(lang),
                   listing=("monthly", {"region": unit.desa_code,
                                        "period": monthly.parse_month(period).key}))


def _coverage(cover: monthly.Coverage, lang: str | None,
              today: dt.date | None = None) -> rm.CoverageReport:
    rows = [rm.CoverageLine(row.name, row.existing, row.reported, row.on_time, row.level < 4)
            for row in cover.rows]
    total = rm.CoverageLine(tr("report.monthly.total_of", lang, scope=cover.total.name),
                            cover.total.existing, cover.total.reported, cover.total.on_time, True)
    missing = [rm.MissingReport(m.unit_name, level_label(m.level), m.desa_name, m.ppkbd_name,
                                m.phone) for m in cover.missing]
    late = [rm.LateReport(item.unit_name, level_label(item.level), item.desa_name,
                          item.received_on) for item in cover.late]
    return rm.CoverageReport(cover.scope, cover.month.label(lang), cover.due, rows, total,
                             missing, late, officer_signatory(lang), place_name(),
                             today or dt.date.today())


def coverage_report(period: str, region_code: str | None = None, lang: str | None = None,
                    today: dt.date | None = None) -> rm.CoverageReport:
    return _coverage(monthly.coverage(period, region_code), lang, today)


def coverage_pdf(period: str, region_code: str | None = None, lang: str | None = None) -> bytes:
    from imp_desktop.reports.monthly import render_coverage
    from imp_desktop.services.reporting import printed

    document = coverage_report(period, region_code, lang)
    return printed(document, render_coverage, region_code or officer_kecamatan()[0] or "",
                   f"{document.scope} {document.period_label}", (), lang,
                   settings=monthly_settings(lang),
                   listing=("monthly", {"region": region_code,
                                        "period": monthly.parse_month(period).key}))


def recap_report(period: str, desa_code: str | None = None, lang: str | None = None,
                 today: dt.date | None = None) -> rm.MonthlyRecap:
    data = monthly.monthly_recap(period, desa_code=desa_code)
    lines = [rm.MonthlyRecapLine(
        section=item.line.section, section_title=item.line.section_title(lang),
        text=item.line.text(lang), values=list(item.values), total=item.total,
        cumulative=item.cumulative_total, target=item.target_total,
        remaining=item.remaining_total, has_cumulative=item.line.cumulative,
        has_target=item.line.target) for item in data.lines]
    _, kecamatan = officer_kecamatan()
    return rm.MonthlyRecap(
        scope=data.scope, kecamatan_name=kecamatan, period_label=data.month.label(lang),
        desa_names=[name for _, name in data.desa], lines=lines,
        coverage=_coverage(data.coverage, lang, today), differences=list(data.differences),
        final=data.final, template_note=_template_note(data.template, lang),
        officer=officer_signatory(lang), place_name=place_name(),
        date=today or dt.date.today())


def recap_pdf(period: str, desa_code: str | None = None, lang: str | None = None) -> bytes:
    from imp_desktop.reports.monthly import render_monthly_recap
    from imp_desktop.services.reporting import printed

    document = recap_report(period, desa_code, lang)
    units = Unit.select(Unit.id)
    if desa_code:
        units = units.where(Unit.desa == desa_code)
    return printed(document, render_monthly_recap, desa_code or officer_kecamatan()[0] or "",
                   f"{document.scope} {document.period_label}",
                   _report_uuids([u.id for u in units], monthly.parse_month(period).key), lang,
                   settings=monthly_settings(lang),
                   listing=("monthly", {"region": desa_code,
                                        "period": monthly.parse_month(period).key}))


# --- the blank paper register of a dusun/RW -------------------------------------------------

def register_choices(desa_code: str) -> list[tuple[int, str]]:
    """(hamlet id, "Dusun Krajan") of the desa's dusun/RW that have units."""
    query = (Hamlet.select(Hamlet.id, Hamlet.name).join(Unit, on=(Unit.hamlet == Hamlet.id))
             .where(Hamlet.desa == desa_code, Unit.active == True)  # noqa: E712
             .distinct().order_by(Hamlet.name).tuples())
    return list(query)


def paper_register(hamlet_id: int, year: int, lang: str | None = None) -> rm.PaperRegister:
    """The Kelompok KB of a dusun/RW, names and heads pre-printed, a box per month
    for the date the report came and the Sub PPKBD's paraf."""
    from imp_desktop.data.models import Neighbourhood

    hamlet = Hamlet.get_or_none(Hamlet.id == hamlet_id)
    if hamlet is None:
        raise UserError(tr("report.monthly.error.hamlet", id=hamlet_id))
    desa_code = Hamlet.select(Hamlet.desa).where(Hamlet.id == hamlet_id).scalar()
    names = dict(Region.select(Region.code, Region.name).where(
        Region.code.in_([desa_code, desa_code.rsplit(".", 1)[0]])).tuples())
    rts = dict(Neighbourhood.select(Neighbourhood.id, Neighbourhood.number)
               .where(Neighbourhood.hamlet == hamlet_id).tuples())
    units = list(Unit.select().where(Unit.hamlet == hamlet_id, Unit.active == True)  # noqa: E712
                 .order_by(Unit.level, Unit.name))
    keeper = next((u.name for u in units if u.level == LEVEL_SUB_PPKBD), "")
    rows = []
    from imp_desktop.services.units import unit_board

    for unit in units:
        if unit.level != LEVEL_KELOMPOK:
            continue
        board = unit_board(unit.id)
        head = next((m.name for m in board if m.position == "ketua"),
                    board[0].name if board else "")
        parts = [tr("report.monthly.rt", lang, number=rts[unit.neighbourhood_id])
                 if unit.neighbourhood_id in rts else "", head]
        rows.append(rm.RegisterRow(unit.name, " · ".join(p for p in parts if p)))
    lang = lang or language()
    return rm.PaperRegister(
        title=tr("report.monthly.register_title", lang), desa_name=names.get(desa_code, ""),
        kecamatan_name=names.get(desa_code.rsplit(".", 1)[0], ""), place=hamlet.name,
        unit_name=keeper, year=year, month_names=[m[:3] for m in MONTHS[lang]], rows=rows)


def paper_register_pdf(hamlet_id: int, year: int, lang: str | None = None) -> bytes:
    from imp_desktop.reports.monthly import render_paper_register
    from imp_desktop.services.reporting import printed

    document = paper_register(hamlet_id, year, lang)
    hamlet_uuid = Hamlet.get_by_id(hamlet_id).uuid
    return printed(document, render_paper_register, hamlet_uuid,
                   f"{document.title} {document.place} {document.year}", (), lang,
                   settings=monthly_settings(lang),
                   listing=("monthly-register", {"hamlet": hamlet_uuid}))
