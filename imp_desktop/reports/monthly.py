"""Laporan bulanan on paper: a unit's month (R/I/PPKBD, R/I/Sub PPKBD, R/I/KKB
shape), the kecamatan recap with coverage, the coverage list, and the blank
register a Sub PPKBD keeps for its units. F4 unless the office chose otherwise.
"""
from __future__ import annotations

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from imp_desktop.formatting import format_date, format_number, format_percent
from imp_desktop.i18n import tr
from imp_desktop.reports.base import (
    HEADER_FILL,
    build_pdf,
    clip,
    content_width,
    document_info,
    grid_table,
    letterhead_flowables,
    officer_signature,
    para,
    signature_blocks,
    styles,
    title_block,
)
from imp_desktop.reports.model import (
    CoverageReport,
    MonthlyRecap,
    MonthlyUnitReport,
    PaperRegister,
    ReportSettings,
)

DESA_PER_TABLE = 8          # recap columns per table part; more desa continue below
# Fifty lines and two signatures on one F4 page: smaller type and padding than
# the other documents' tables.
COMPACT = [("TOPPADDING", (0, 0), (-1, -1), 0.3), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.0)]


class _Compact:
    """Paragraph styles of the monthly tables."""

    def __init__(self):
        s = styles()
        self.cell = ParagraphStyle("m_cell", parent=s.cell, fontSize=7.0, leading=7.9)
        self.cell_right = ParagraphStyle("m_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_bold = ParagraphStyle("m_bold", parent=self.cell, fontName=s.cell_bold.fontName)
        self.cell_tiny = s.cell_tiny
        self.cell_head = ParagraphStyle("m_head", parent=s.cell_head, fontSize=7.5, leading=9)


_compact: _Compact | None = None


def compact() -> _Compact:
    global _compact
    if _compact is None:
        _compact = _Compact()
    return _compact


def number(value: int | None) -> str:
    return "" if value is None else format_number(value)


def _percent(part: int, whole: int) -> str:
    return format_percent(round(100 * part / whole, 1)) if whole else "–"


def _section_row(section: str, title: str, columns: int, s) -> list:
    return [para(f"<b>{section}.</b>", s.cell, markup=True),
            para(f"<b>{clip(title)}</b>", s.cell, markup=True)] + [""] * (columns - 2)


def _sectioned(lines, columns: int, c, cells) -> tuple[list, list]:
    """Table rows of ``lines``: a heading row where a section starts, then each line
    numbered within its section (``cells(number, line)``: the rest of its row).
    Returns the rows and the style that spans and shades the heading rows and
    keeps each on the page of its first line."""
    rows, extra = [], []
    section = None
    numbering = 0
    for line in lines:
        if line.section != section:
            section = line.section
            rows.append(_section_row(line.section, line.section_title, columns, c))
            index = len(rows)
            extra += [("SPAN", (1, index), (-1, index)),
                      ("BACKGROUND", (0, index), (-1, index), HEADER_FILL),
                      # never a heading alone at the foot of a page
                      ("NOSPLIT", (0, index), (-1, index + 1))]
            numbering = 0
        numbering += 1
        rows.append([para(str(numbering), c.cell_right)] + cells(line))
    return rows, extra


def _year_cells(line, c) -> list:
    """Cumulative, target and what remains of a line with a year figure."""
    return [para(number(line.cumulative) if line.has_cumulative else "", c.cell_right),
            para(number(line.target) if line.has_target else "", c.cell_right),
            para(number(line.remaining) if line.has_target else "", c.cell_right)]


def render_monthly_unit_report(report: MonthlyUnitReport, settings: ReportSettings) -> bytes:
    # Long on purpose: the report is laid out top to bottom in the order of the printed page.
    lang = settings.lang
    s = styles()
    c = compact()
    width = content_width(settings)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    title = tr("report.monthly.unit_title", lang, form=report.form)
    who = [f"{report.level} {report.unit_name}".strip() if report.level
           and report.level not in report.unit_name else report.unit_name]
    if report.desa_name:
        who.append(tr("report.desa_line", lang, name=report.desa_name))
    if report.kecamatan_name:
        who.append(tr("report.kecamatan_line", lang, name=report.kecamatan_name))
    subtitle = [", ".join(who), tr("report.monthly.month", lang, month=report.period_label)]
    story += title_block(title, subtitle)
    if not report.final:
        story.append(para(tr("report.monthly.draft", lang), s.cell_bold))
        story.append(Spacer(1, 2 * mm))
    facts = []
    if report.received_on:
        facts.append(tr("report.monthly.received", lang, date=format_date(report.received_on,
                                                                          lang=lang)))
    if report.units_below:
        facts.append(tr("report.monthly.units_reported", lang,
                        reported=format_number(report.units_reported),
                        units=format_number(report.units_below)))
    if facts:
        story.append(para(" · ".join(facts), s.small))

    with_units = report.units_below > 0
    with_year = any(line.has_cumulative or line.has_target for line in report.lines)
    header = [tr("report.cadres.col.no", lang), tr("report.monthly.col.line", lang),
              tr("report.monthly.col.month", lang)]
    fixed = [9 * mm, None, 20 * mm]
    if with_units:
        header.append(tr("report.monthly.col.units", lang))
        fixed.append(20 * mm)
    if with_year:
        header += [tr("report.monthly.col.cumulative", lang), tr("report.monthly.col.target", lang),
                   tr("report.monthly.col.remaining", lang)]
        fixed += [20 * mm, 18 * mm, 16 * mm]
    widths = [w if w else width - sum(x for x in fixed if x) for w in fixed]

    def cells(line) -> list:
        text = clip(line.text) + (" *" if line.computed else "")
        row = [para(text, c.cell), para(number(line.value), c.cell_right)]
        if with_units:
            units = number(line.units_sum)
            if line.difference is not None:
                units += " (" + tr("report.monthly.difference", lang,
                                   value=f"{line.difference:+d}") + ")"
            row.append(para(units, c.cell_right))
        return row + (_year_cells(line, c) if with_year else [])

    rows, extra = _sectioned(report.lines, len(header), c, cells)
    story.append(grid_table(header, rows, widths, extra_style=COMPACT + extra,
                            header_data=[[para(h, c.cell_head) for h in header]]))
    story.append(Spacer(1, 1.5 * mm))
    notes = [tr("report.monthly.computed_note", lang)]
    if with_units:
        notes.append(tr("report.monthly.units_note", lang))
    if report.template_note:
        notes.append(report.template_note)
    story.append(para(" ".join(notes), c.cell))
    from imp_desktop.formatting import format_place_date

    date = report.date
    right_heading = [format_place_date(report.place_name, date, lang=lang)] if date else [
        f"{report.place_name}, " + "." * 30]
    story.append(signature_blocks(
        report.supervisor, report.cadre, width,
        left_heading=[tr("report.sign.acknowledged", lang)], right_heading=right_heading,
        lang=lang, room=18 * mm, space=3 * mm))
    info = document_info(report, f"{report.form} {report.unit_name} {report.period_label}",
                         tr("report.monthly.subject", lang))
    return build_pdf(story, settings, info)


def _coverage_flowables(cover: CoverageReport, width: float, lang: str) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = []
    header = [tr("report.monthly.col.area", lang), tr("report.monthly.col.existing", lang),
              tr("report.monthly.col.reported", lang), "%",
              tr("report.monthly.col.on_time", lang), "%"]
    fixed = [24 * mm, 24 * mm, 18 * mm, 26 * mm, 18 * mm]
    widths = [width - sum(fixed)] + fixed
    rows, extra = [], []
    lines = list(cover.rows) + ([cover.total] if cover.total else [])
    for line in lines:
        style = s.cell_bold if line.bold else s.cell
        rows.append([para(clip(line.name), style),
                     para(format_number(line.existing), s.cell_right),
                     para(format_number(line.reported), s.cell_right),
                     para(_percent(line.reported, line.existing), s.cell_right),
                     para(format_number(line.on_time), s.cell_right),
                     para(_percent(line.on_time, line.existing), s.cell_right)])
        if line.bold:
            extra.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), HEADER_FILL))
    story.append(grid_table(header, rows, widths, extra_style=extra))
    if cover.due:
        story.append(para(tr("report.monthly.due_note", lang,
                             date=format_date(cover.due, lang=lang)), s.small))
    if cover.missing:
        story.append(CondPageBreak(30 * mm))
        story.append(para(tr("report.monthly.missing", lang,
                             count=format_number(len(cover.missing))), s.heading))
        header = [tr("report.cadres.col.no", lang), tr("report.monthly.col.unit", lang),
                  tr("report.monthly.col.level", lang), tr("report.monthly.col.desa", lang),
                  tr("report.monthly.col.ppkbd", lang), tr("report.monthly.col.phone", lang)]
        fixed = [9 * mm, 22 * mm, 29 * mm, 29 * mm, 30 * mm]   # a 13-digit phone on one line
        widths = [fixed[0], width - sum(fixed)] + fixed[1:]
        rows = [[para(str(i), s.cell_right), item.unit_name, item.level, item.desa_name,
                 item.ppkbd_name, item.phone] for i, item in enumerate(cover.missing, 1)]
        story.append(grid_table(header, rows, widths))
    if cover.late:
        story.append(CondPageBreak(30 * mm))
        story.append(para(tr("report.monthly.late", lang,
                             count=format_number(len(cover.late))), s.heading))
        header = [tr("report.cadres.col.no", lang), tr("report.monthly.col.unit", lang),
                  tr("report.monthly.col.level", lang), tr("report.monthly.col.desa", lang),
                  tr("report.monthly.col.received", lang)]
        fixed = [9 * mm, 22 * mm, 40 * mm, 30 * mm]
        widths = [fixed[0], width - sum(fixed)] + fixed[1:]
        rows = [[para(str(i), s.cell_right), item.unit_name, item.level, item.desa_name,
                 format_date(item.received_on, lang=lang)]
                for i, item in enumerate(cover.late, 1)]
        story.append(grid_table(header, rows, widths))
    return story


def render_coverage(cover: CoverageReport, settings: ReportSettings) -> bytes:
    lang = settings.lang
    width = content_width(settings)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    story += title_block(tr("report.monthly.coverage_title", lang),
                         [cover.scope, tr("report.monthly.month", lang,
                                          month=cover.period_label)])
    story += _coverage_flowables(cover, width, lang)
    signature = officer_signature(cover.officer, cover.place_name, cover.date, width, lang)
    if signature is not None:
        story.append(signature)
    info = document_info(cover, f"{tr('report.monthly.coverage_title', lang)} {cover.scope} "
                                f"{cover.period_label}", tr("report.monthly.subject", lang))
    return build_pdf(story, settings, info)


def render_monthly_recap(recap: MonthlyRecap, settings: ReportSettings) -> bytes:
    # Long on purpose: the report is laid out top to bottom in the order of the printed page.
    lang = settings.lang
    s = styles()
    c = compact()
    width = content_width(settings, landscape=True)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    subtitle = [recap.scope]
    if recap.kecamatan_name and recap.kecamatan_name not in recap.scope:
        subtitle.append(tr("report.kecamatan_line", lang, name=recap.kecamatan_name))
    subtitle.append(tr("report.monthly.month", lang, month=recap.period_label))
    story += title_block(tr("report.monthly.recap_title", lang), subtitle)
    if not recap.final:
        story.append(para(tr("report.monthly.draft_recap", lang), s.cell_bold))
        story.append(Spacer(1, 2 * mm))
    with_year = any(line.has_cumulative or line.has_target for line in recap.lines)
    parts = [list(range(i, min(i + DESA_PER_TABLE, len(recap.desa_names))))
             for i in range(0, max(len(recap.desa_names), 1), DESA_PER_TABLE)]
    for part_number, columns in enumerate(parts):
        last = part_number == len(parts) - 1
        header = [tr("report.cadres.col.no", lang), tr("report.monthly.col.line", lang)]
        header += [clip(recap.desa_names[i], 40) for i in columns]
        fixed = [8 * mm] + [None] + [17 * mm] * len(columns)
        if last:
            header.append(tr("report.monthly.col.total", lang))
            fixed.append(18 * mm)
            if with_year:
                header += [tr("report.monthly.col.cumulative", lang),
                           tr("report.monthly.col.target", lang),
                           tr("report.monthly.col.remaining", lang)]
                fixed += [19 * mm, 17 * mm, 15 * mm]
        rest = width - sum(w for w in fixed if w)
        widths = [w if w else max(rest, 50 * mm) for w in fixed]
        if sum(widths) > width:   # narrow the desa columns rather than overflow
            spare = (sum(widths) - width) / max(len(columns), 1)
            widths = widths[:2] + [w - spare for w in widths[2:2 + len(columns)]] + \
                widths[2 + len(columns):]

        def cells(line, columns=columns, last=last) -> list:
            row = [para(clip(line.text), c.cell)]
            row += [para(number(line.values[i]), c.cell_right) for i in columns]
            if last:
                row.append(para(f"<b>{number(line.total)}</b>", c.cell_right, markup=True))
                if with_year:
                    row += _year_cells(line, c)
            return row

        rows, extra = _sectioned(recap.lines, len(header), c, cells)
        if part_number:
            story.append(CondPageBreak(60 * mm))
            story.append(para(tr("report.monthly.continued", lang), s.small))
        story.append(grid_table(header, rows, widths, extra_style=COMPACT + extra,
                                header_data=[[para(h, c.cell_head) for h in header]]))
        story.append(Spacer(1, 3 * mm))
    if recap.differences:
        story.append(CondPageBreak(30 * mm))
        story.append(para(tr("report.monthly.differences", lang), s.heading))
        header = [tr("report.monthly.col.desa", lang), tr("report.monthly.col.unit", lang),
                  tr("report.monthly.col.line", lang), tr("report.monthly.col.difference", lang)]
        widths = [45 * mm, 60 * mm, width - 135 * mm, 30 * mm]
        rows = [[desa, unit, text, para(f"{value:+d}", s.cell_right)]
                for desa, unit, text, value in recap.differences]
        story.append(grid_table(header, rows, widths))
    if recap.coverage:
        story.append(CondPageBreak(40 * mm))
        story.append(para(tr("report.monthly.coverage_title", lang), s.heading))
        story += _coverage_flowables(recap.coverage, width, lang)
    notes = [tr("report.monthly.recap_note", lang)]
    if recap.template_note:
        notes.append(recap.template_note)
    story += [para(note, s.small) for note in notes]
    signature = officer_signature(recap.officer, recap.place_name, recap.date, width, lang)
    if signature is not None:
        story.append(signature)
    info = document_info(recap, f"{tr('report.monthly.recap_title', lang)} {recap.scope} "
                                f"{recap.period_label}", tr("report.monthly.subject", lang),
                         landscape=True)
    return build_pdf(story, settings, info)


def render_paper_register(register: PaperRegister, settings: ReportSettings) -> bytes:
    lang = settings.lang
    s = styles()
    width = content_width(settings, landscape=True)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    where = [line for line in (
        register.unit_name, register.place,
        tr("report.desa_line", lang, name=register.desa_name) if register.desa_name else "",
        tr("report.kecamatan_line", lang, name=register.kecamatan_name)
        if register.kecamatan_name else "") if line]
    subtitle = [", ".join(where), tr("report.monthly.year", lang, year=register.year)]
    story += title_block(register.title, subtitle)
    story.append(para(tr("report.monthly.register_how", lang), s.small))
    months = register.month_names or [str(m) for m in range(1, 13)]
    name_width = 62 * mm
    box = (width - 8 * mm - name_width) / len(months)
    header = [tr("report.cadres.col.no", lang), tr("report.monthly.col.unit", lang)] + months
    widths = [8 * mm, name_width] + [box] * len(months)
    rows = []
    for index, row in enumerate(register.rows, 1):
        label = f"<b>{clip(row.name, 60)}</b>"
        if row.detail:
            label += f"<br/>{clip(row.detail, 60)}"
        rows.append([para(str(index), s.cell_right), para(label, s.cell, markup=True)]
                    + [para(tr("report.monthly.box", lang), s.cell_tiny, markup=True)] * len(months))
    for index in range(len(register.rows) + 1, len(register.rows) + 1 + register.blank_rows):
        rows.append([para(str(index), s.cell_right), ""]
                    + [para(tr("report.monthly.box", lang), s.cell_tiny, markup=True)] * len(months))
    table = grid_table(header, rows, widths, extra_style=[
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, None]),
        ("TOPPADDING", (0, 1), (-1, -1), 14), ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
        ("VALIGN", (2, 1), (-1, -1), "BOTTOM")])
    story.append(table)
    info = document_info(register, f"{register.title} {register.place} {register.year}",
                         tr("report.monthly.subject", lang), landscape=True)
    return build_pdf(story, settings, info)
