"""Excel copies of every document, from the same dataclasses the PDFs are made of.

One writer (``workbook_bytes``) lays out plain ``Sheet`` tables; ``sheets_of``
turns each report dataclass into those tables. In the workbook numbers are
numbers, dates are dates, NIK and phone numbers are text, the header row is
frozen and repeats on every printed page, column widths are set and a sheet
prints on one page width. Text that Excel would take for a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is stored as text
with Excel's quote prefix, so a cadre named ``=HYPERLINK(...)`` stays a name.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import singledispatch

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from imp_desktop.i18n import tr
from imp_desktop.reports import model as rm

TEXT, NUMBER, DECIMAL, PERCENT, DATE = "text", "number", "decimal", "percent", "date"
MIXED = "mixed"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAPER_CODES = {"A4": 9, "F4": 14, "Letter": 1}   # 14: Folio 8.5 x 13 in, i.e. F4
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin", color="888888")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")


@dataclass
class Column:
    header: str
    kind: str = TEXT
    width: float = 12


@dataclass
class Heading:
    """A row that names a group (a unit, a section) across the whole table."""

    text: str


@dataclass
class Sheet:
    name: str
    title: str
    columns: list[Column]
    rows: list = field(default_factory=list)        # lists of values, or Heading
    subtitle: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    landscape: bool = False


def safe_text(cell, text: str) -> None:
    """Store ``text`` as text, never as a formula, whatever it starts with."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def _put(cell, value, kind: str) -> None:
    if value is None or value == "":
        return
    if kind == MIXED:   # a label/value table: each value keeps its own kind
        kind = DATE if isinstance(value, dt.date) else (
            NUMBER if isinstance(value, int) and not isinstance(value, bool) else "plain")
    if kind == DATE and isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    elif kind in (NUMBER, DECIMAL, PERCENT) and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        if kind == PERCENT:
            cell.value = value / 100
            cell.number_format = "0.0%"
        else:
            cell.value = value
            cell.number_format = "#,##0" if kind == NUMBER else "#,##0.0"
    else:
        safe_text(cell, str(value))
        if kind == TEXT:
            cell.number_format = "@"


def workbook_bytes(sheets: list[Sheet], paper: str = "A4") -> bytes:
    """The workbook of ``sheets``, as bytes to write in one go."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.name, taken))
        width = max(len(sheet.columns), 1)
        row = 1
        title = ws.cell(row=row, column=1)
        safe_text(title, sheet.title)
        title.font = Font(bold=True, size=13)
        for line in sheet.subtitle:
            row += 1
            safe_text(ws.cell(row=row, column=1), line)
        row += 2
        header_row = row
        for index, column in enumerate(sheet.columns, 1):
            cell = ws.cell(row=row, column=index)
            safe_text(cell, column.header)
            cell.font, cell.fill, cell.border = bold, _HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(index)].width = column.width
        for values in sheet.rows:
            row += 1
            if isinstance(values, Heading):
                cell = ws.cell(row=row, column=1)
                safe_text(cell, values.text)
                cell.font, cell.fill = bold, _HEADER_FILL
                if width > 1:
                    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
                continue
            for index, column in enumerate(sheet.columns, 1):
                cell = ws.cell(row=row, column=index)
                _put(cell, values[index - 1] if index - 1 < len(values) else None, column.kind)
                cell.border = _BORDER
                if column.kind == TEXT:
                    cell.alignment = Alignment(vertical="top", wrap_text=column.width >= 30)
        if sheet.notes:
            row += 1
            for note in sheet.notes:
                row += 1
                safe_text(ws.cell(row=row, column=1), note)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
        ws.page_setup.paperSize = PAPER_CODES.get(paper, 9)
    if not book.sheetnames:
        book.create_sheet("Sheet")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_xlsx(document, settings: rm.ReportSettings | None = None) -> bytes:
    settings = settings or rm.ReportSettings()
    return workbook_bytes(sheets_of(document, settings.lang), settings.paper_size)


# ---------------------------------------------------------------- each document

@singledispatch
def sheets_of(document, lang: str = "id") -> list[Sheet]:
    raise TypeError(f"no Excel layout for {type(document).__name__}")


def _t(key: str, lang: str, **values) -> str:
    return tr(key, lang, **values)


def _status(status: str | None, lang: str) -> str:
    return tr(f"report.status.{status}", lang) if status else ""


@sheets_of.register
def _(report: rm.ActivityReport, lang: str = "id") -> list[Sheet]:
    parts = [
        ("report.act.background", report.background), ("report.act.purpose", report.purpose),
        ("report.act.basis", report.legal_basis), ("report.act.participants",
                                                   report.participants_note),
        ("report.act.speakers", report.speakers), ("report.act.agenda", report.agenda),
        ("report.act.funding", report.funding_source), ("report.act.results", report.results),
        ("report.act.engagement", report.engagement),
        ("report.act.supporting", report.supporting_factors),
        ("report.act.inhibiting", report.inhibiting_factors),
        ("report.act.conclusion", report.conclusion),
        ("report.act.suggestions", report.suggestions),
        ("report.act.follow_up", report.follow_up), ("report.act.s.closing", report.closing)]
    facts = [[_t("report.att.activity", lang), report.title],
             [_t("report.att.day_date", lang), report.date],
             [_t("report.att.place", lang), report.venue]]
    if report.funding_amount is not None:
        facts.append([_t("report.act.funding", lang), report.funding_amount])
    rows = facts + [[_t(key, lang), text] for key, text in parts if text and text.strip()]
    where = [tr("report.desa_line", lang, name=report.desa_name) if report.desa_name else "",
             tr("report.kecamatan_line", lang, name=report.kecamatan_name)
             if report.kecamatan_name else ""]
    main = Sheet(_t("report.act.title", lang).title(), _t("report.act.title", lang),
                 [Column(_t("report.monthly.col.line", lang), TEXT, 28),
                  Column(_t("report.xlsx.content", lang), TEXT, 90)],
                 [[label, value] for label, value in rows], [w for w in where if w])
    # The date and amount cells keep their kinds: a column holds mixed values here.
    main.columns[1].kind = MIXED
    return [main, _attendance_sheet(report.title, report.participants, lang, filled=True)]


def _attendance_sheet(title: str, people: list[rm.Participant], lang: str, *,
                      filled: bool, subtitle: list[str] = ()) -> Sheet:
    columns = [Column(_t("report.att.col.no", lang), NUMBER, 6),
               Column(_t("report.att.col.name", lang), TEXT, 32),
               Column(_t("report.att.col.role", lang), TEXT, 30),
               Column(_t("report.att.col.status", lang), TEXT, 16)]
    scored = any(p.pre_score is not None or p.post_score is not None for p in people)
    if scored:
        columns += [Column(_t("report.act.pretest", lang), DECIMAL, 10),
                    Column(_t("report.act.posttest", lang), DECIMAL, 10)]
    columns.append(Column(_t("report.att.col.sign", lang), TEXT, 22))
    rows = []
    for number, person in enumerate(people, 1):
        row = [number, person.name, person.role, _status(person.status, lang) if filled else ""]
        if scored:
            row += [person.pre_score, person.post_score]
        rows.append(row + [""])
    return Sheet(_t("report.att.title", lang), f"{_t('report.att.title', lang)}: {title}",
                 columns, rows, list(subtitle))


@sheets_of.register
def _(sheet: rm.AttendanceSheet, lang: str = "id") -> list[Sheet]:
    from imp_desktop.formatting import format_date

    subtitle = [line for line in (
        format_date(sheet.date, weekday=True, lang=lang) if sheet.date else "", sheet.venue,
        tr("report.desa_line", lang, name=sheet.desa_name) if sheet.desa_name else "") if line]
    result = _attendance_sheet(sheet.title, sheet.participants, lang, filled=not sheet.blank,
                               subtitle=subtitle)
    start = len(sheet.participants)
    if sheet.blank:
        result.rows += [[start + i, "", "", "", ""] for i in range(1, sheet.guest_rows + 1)]
    return [result]


@sheets_of.register
def _(listing: rm.CadreListing, lang: str = "id") -> list[Sheet]:
    from imp_desktop.reports.cadres import mask_nik

    columns = [Column(_t("report.cadres.col.no", lang), NUMBER, 6),
               Column(_t("report.monthly.col.unit", lang), TEXT, 26),
               Column(_t("report.monthly.col.level", lang), TEXT, 14),
               Column(_t("report.cadres.col.name", lang), TEXT, 28),
               Column(_t("report.cadres.col.nik", lang), TEXT, 20),
               Column(_t("report.cadres.col.sex", lang), TEXT, 5),
               Column(_t("report.xlsx.birth_place", lang), TEXT, 16),
               Column(_t("report.xlsx.birth_date", lang), DATE, 13),
               Column(_t("report.cadres.col.position", lang), TEXT, 13),
               Column(_t("report.cadres.col.address", lang), TEXT, 34),
               Column(_t("report.cadres.col.education", lang), TEXT, 12),
               Column(_t("report.cadres.col.phone", lang), TEXT, 16),
               Column(_t("report.xlsx.active", lang), TEXT, 8)]
    rows = []
    number = 0
    for group in listing.groups:
        for cadre in group.rows:
            number += 1
            rows.append([number, group.unit_name, group.level, cadre.name,
                         cadre.nik if listing.full_nik else mask_nik(cadre.nik), cadre.sex,
                         cadre.birth_place, cadre.birth_date, cadre.position, cadre.address,
                         cadre.education, cadre.phone,
                         _t("report.sheet.yes" if cadre.active else "report.sheet.no", lang)])
    notes = [] if listing.full_nik else [_t("report.cadres.nik_masked", lang)]
    return [Sheet(_t("report.cadres.title", lang), _t("report.cadres.title", lang), columns,
                  rows, [listing.scope], notes, landscape=True)]


def _counts_sheet(name: str, first: str, counts: list[rm.ClassCount],
                  total: rm.ClassCount | None, lang: str) -> Sheet:
    columns = [Column(first, TEXT, 28)] + [
        Column(_t(key, lang), NUMBER, 13) for key in (
            "report.roles.dasar", "report.roles.berkembang", "report.roles.mandiri",
            "report.roles.not_assessed", "report.roles.units")]
    rows = [[c.label, c.dasar, c.berkembang, c.mandiri, c.not_assessed, c.total]
            for c in counts]
    if total is not None:
        rows.append([_t("report.act.total", lang), total.dasar, total.berkembang,
                     total.mandiri, total.not_assessed, total.total])
    return Sheet(name, name, columns, rows)


@sheets_of.register
def _(recap: rm.RoleRecap, lang: str = "id") -> list[Sheet]:
    title = _t("report.roles.title", lang)
    subtitle = [recap.scope] + ([tr("report.roles.period", lang, period=recap.period)]
                                if recap.period else [])
    columns = [Column(_t("report.cadres.col.no", lang), NUMBER, 6),
               Column(_t("report.roles.unit", lang), TEXT, 26),
               Column(_t("report.roles.level", lang), TEXT, 13),
               Column(_t("report.roles.desa", lang), TEXT, 18),
               Column(_t("report.sheet.date", lang), DATE, 13)]
    columns += [Column(f"{index}. {name}", PERCENT, 12)
                for index, name in enumerate(recap.role_names, 1)]
    columns += [Column(_t("report.roles.fulfilled_short", lang), NUMBER, 9),
                Column(_t("report.roles.class", lang), TEXT, 14)]
    rows = [[number, row.unit_name, row.level, row.desa_name, row.assessed_on]
            + [score for score in (row.role_scores + [None] * 6)[:6]]
            + [row.roles_fulfilled, row.classification or _t("report.roles.not_assessed", lang)]
            for number, row in enumerate(recap.rows, 1)]
    notes = [n for n in (recap.rule_note, recap.catalogue_note) if n]
    sheets = [Sheet(_t("report.roles.h.by_unit", lang), title, columns, rows, subtitle, notes,
                    landscape=True)]
    if recap.by_level:
        sheets.append(_counts_sheet(_t("report.roles.h.by_level", lang),
                                    _t("report.roles.level", lang), recap.by_level,
                                    recap.total, lang))
    if recap.by_desa:
        sheets.append(_counts_sheet(_t("report.roles.h.by_desa", lang),
                                    _t("report.roles.desa", lang), recap.by_desa,
                                    recap.total, lang))
    if recap.unmet:
        sheets.append(Sheet(
            _t("report.roles.h.unmet", lang), _t("report.roles.h.unmet", lang),
            [Column(_t("report.roles.role_no", lang), NUMBER, 8),
             Column(_t("report.roles.indicator", lang), TEXT, 60),
             Column(_t("report.roles.unmet", lang), NUMBER, 14),
             Column(_t("report.roles.assessed", lang), NUMBER, 14)],
            [[line.role_number, line.text, line.unmet, line.assessed] for line in recap.unmet]))
    return sheets


@sheets_of.register
def _(sheet: rm.AssessmentSheet, lang: str = "id") -> list[Sheet]:
    columns = [Column(_t("report.roles.role_no", lang), NUMBER, 7),
               Column(_t("report.cadres.col.no", lang), NUMBER, 6),
               Column(_t("report.roles.indicator", lang), TEXT, 60),
               Column(_t("report.xlsx.met", lang), TEXT, 10),
               Column(_t("report.sheet.remark", lang), TEXT, 40)]
    rows: list = []
    for role in sheet.roles:
        heading = f"{role.number}. {role.name}"
        if role.score is not None:
            heading += f" ({round(role.score)}%)"
        rows.append(Heading(heading))
        for number, item in enumerate(role.indicators, 1):
            met = "" if item.met is None else _t(
                "report.sheet.yes" if item.met else "report.sheet.no", lang)
            remark = "; ".join(p for p in (item.note, item.evidence) if p)
            rows.append([role.number, number, item.text, met, remark])
    subtitle = [line for line in (f"{sheet.level} {sheet.unit_name}".strip(), sheet.desa_name,
                                  sheet.period_label) if line]
    notes = []
    if sheet.roles_fulfilled is not None:
        notes.append(tr("report.sheet.result", lang, fulfilled=sheet.roles_fulfilled,
                        classification=sheet.classification or ""))
    notes += [n for n in (sheet.rule_note, sheet.catalogue_note) if n]
    return [Sheet(_t("report.sheet.title", lang), _t("report.sheet.title", lang), columns,
                  rows, subtitle, notes)]


# ---------------------------------------------------------------- monthly documents

@sheets_of.register
def _(report: rm.MonthlyUnitReport, lang: str = "id") -> list[Sheet]:
    columns = [Column(_t("report.xlsx.section", lang), TEXT, 8),
               Column(_t("report.cadres.col.no", lang), NUMBER, 5),
               Column(_t("report.monthly.col.line", lang), TEXT, 44),
               Column(_t("report.monthly.col.month", lang), NUMBER, 11),
               Column(_t("report.monthly.col.units", lang), NUMBER, 11),
               Column(_t("report.monthly.col.difference", lang), NUMBER, 10),
               Column(_t("report.monthly.col.cumulative", lang), NUMBER, 12),
               Column(_t("report.monthly.col.target", lang), NUMBER, 10),
               Column(_t("report.monthly.col.remaining", lang), NUMBER, 10)]
    rows: list = []
    section, number = None, 0
    for line in report.lines:   # in the template's order, which is New SIGA's
        if line.section != section:
            section, number = line.section, 0
            rows.append(Heading(f"{line.section}. {line.section_title}"))
        number += 1
        rows.append([line.section, number, line.text, line.value, line.units_sum,
                     line.difference, line.cumulative if line.has_cumulative else None,
                     line.target if line.has_target else None,
                     line.remaining if line.has_target else None])
    where = [report.unit_name,
             tr("report.desa_line", lang, name=report.desa_name) if report.desa_name else ""]
    subtitle = [", ".join(p for p in where if p),
                tr("report.monthly.month", lang, month=report.period_label)]
    if not report.final:
        subtitle.append(_t("report.monthly.draft", lang))
    notes = [_t("report.monthly.computed_note", lang)] + (
        [report.template_note] if report.template_note else [])
    return [Sheet(report.form.replace("/", "-"),
                  tr("report.monthly.unit_title", lang, form=report.form), columns, rows,
                  subtitle, notes)]


def _coverage_sheets(cover: rm.CoverageReport, lang: str) -> list[Sheet]:
    columns = [Column(_t("report.monthly.col.area", lang), TEXT, 30),
               Column(_t("report.monthly.col.existing", lang), NUMBER, 11),
               Column(_t("report.monthly.col.reported", lang), NUMBER, 11),
               Column(_t("report.xlsx.reported_pct", lang), PERCENT, 11),
               Column(_t("report.monthly.col.on_time", lang), NUMBER, 12),
               Column(_t("report.xlsx.on_time_pct", lang), PERCENT, 12)]

    def pct(part, whole):
        return 100 * part / whole if whole else None

    lines = list(cover.rows) + ([cover.total] if cover.total else [])
    rows = [[line.name, line.existing, line.reported, pct(line.reported, line.existing),
             line.on_time, pct(line.on_time, line.existing)] for line in lines]
    from imp_desktop.formatting import format_date

    notes = [tr("report.monthly.due_note", lang, date=format_date(cover.due, lang=lang))] \
        if cover.due else []
    title = _t("report.monthly.coverage_title", lang)
    sheets = [Sheet(title, title, columns, rows,
                    [cover.scope, tr("report.monthly.month", lang, month=cover.period_label)],
                    notes)]
    missing_title = tr("report.monthly.missing", lang, count=len(cover.missing))
    sheets.append(Sheet(
        _t("report.xlsx.missing", lang), missing_title,
        [Column(_t("report.cadres.col.no", lang), NUMBER, 5),
         Column(_t("report.monthly.col.unit", lang), TEXT, 26),
         Column(_t("report.monthly.col.level", lang), TEXT, 14),
         Column(_t("report.monthly.col.desa", lang), TEXT, 20),
         Column(_t("report.monthly.col.ppkbd", lang), TEXT, 22),
         Column(_t("report.monthly.col.phone", lang), TEXT, 16)],
        [[i, m.unit_name, m.level, m.desa_name, m.ppkbd_name, m.phone]
         for i, m in enumerate(cover.missing, 1)]))
    if cover.late:
        sheets.append(Sheet(
            _t("report.xlsx.late", lang), tr("report.monthly.late", lang, count=len(cover.late)),
            [Column(_t("report.cadres.col.no", lang), NUMBER, 5),
             Column(_t("report.monthly.col.unit", lang), TEXT, 26),
             Column(_t("report.monthly.col.level", lang), TEXT, 14),
             Column(_t("report.monthly.col.desa", lang), TEXT, 20),
             Column(_t("report.monthly.col.received", lang), DATE, 13)],
            [[i, item.unit_name, item.level, item.desa_name, item.received_on]
             for i, item in enumerate(cover.late, 1)]))
    return sheets


@sheets_of.register
def _(cover: rm.CoverageReport, lang: str = "id") -> list[Sheet]:
    return _coverage_sheets(cover, lang)


@sheets_of.register
def _(recap: rm.MonthlyRecap, lang: str = "id") -> list[Sheet]:
    columns = [Column(_t("report.xlsx.section", lang), TEXT, 8),
               Column(_t("report.cadres.col.no", lang), NUMBER, 5),
               Column(_t("report.monthly.col.line", lang), TEXT, 44)]
    columns += [Column(name, NUMBER, max(10, min(18, len(name) + 2)))
                for name in recap.desa_names]
    columns += [Column(_t("report.monthly.col.total", lang), NUMBER, 11),
                Column(_t("report.monthly.col.cumulative", lang), NUMBER, 12),
                Column(_t("report.monthly.col.target", lang), NUMBER, 10),
                Column(_t("report.monthly.col.remaining", lang), NUMBER, 10)]
    rows: list = []
    section, number = None, 0
    for line in recap.lines:
        if line.section != section:
            section, number = line.section, 0
            rows.append(Heading(f"{line.section}. {line.section_title}"))
        number += 1
        rows.append([line.section, number, line.text] + list(line.values)
                    + [line.total, line.cumulative if line.has_cumulative else None,
                       line.target if line.has_target else None,
                       line.remaining if line.has_target else None])
    subtitle = [recap.scope, tr("report.monthly.month", lang, month=recap.period_label)]
    if not recap.final:
        subtitle.append(_t("report.monthly.draft_recap", lang))
    title = _t("report.monthly.recap_title", lang)
    sheets = [Sheet(title, title, columns, rows, subtitle,
                    [_t("report.monthly.recap_note", lang)], landscape=True)]
    if recap.differences:
        sheets.append(Sheet(
            _t("report.monthly.col.difference", lang), _t("report.monthly.differences", lang),
            [Column(_t("report.monthly.col.desa", lang), TEXT, 20),
             Column(_t("report.monthly.col.unit", lang), TEXT, 24),
             Column(_t("report.monthly.col.line", lang), TEXT, 44),
             Column(_t("report.monthly.col.difference", lang), NUMBER, 10)],
            [list(item) for item in recap.differences]))
    if recap.coverage:
        sheets += _coverage_sheets(recap.coverage, lang)
    return sheets


@sheets_of.register
def _(register: rm.PaperRegister, lang: str = "id") -> list[Sheet]:
    months = register.month_names or [str(m) for m in range(1, 13)]
    columns = [Column(_t("report.cadres.col.no", lang), NUMBER, 5),
               Column(_t("report.monthly.col.unit", lang), TEXT, 26),
               Column(_t("report.xlsx.detail", lang), TEXT, 24)]
    columns += [Column(month, TEXT, 9) for month in months]
    rows = [[i, row.name, row.detail] + [""] * len(months)
            for i, row in enumerate(register.rows, 1)]
    rows += [[len(rows) + i] + [""] * (len(months) + 2)
             for i in range(1, register.blank_rows + 1)]
    subtitle = [", ".join(p for p in (register.unit_name, register.place, register.desa_name)
                          if p), tr("report.monthly.year", lang, year=register.year)]
    return [Sheet(register.title, register.title, columns, rows, subtitle,
                  [_t("report.monthly.register_how", lang)], landscape=True)]
