"""Rekap kabupaten: the kabupaten view on landscape paper, table by table."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from imp_desktop.formatting import format_number
from imp_desktop.reports.base import (
    build_pdf,
    content_width,
    document_info,
    grid_table,
    letterhead_flowables,
    para,
    styles,
    title_block,
)
from imp_desktop.reports.model import DistrictReport, ReportSettings


def _cell(value, s):
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return para(format_number(value), s.cell_right)
    if isinstance(value, str) and value.endswith("%"):     # a share, aligned like numbers
        return para(value, s.cell_right)
    return str(value)


def render_district(report: DistrictReport, settings: ReportSettings) -> bytes:
    s = styles()
    width = content_width(settings, landscape=True)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    story += title_block(report.title, report.subtitle)
    for number, table in enumerate(report.tables, 1):
        story.append(CondPageBreak(35 * mm))
        story.append(para(f"{number}. {table.title}", s.heading))
        first = 55 * mm if table.key == "handover" else 50 * mm
        columns = len(table.header)
        if table.key == "handover":
            widths = [45 * mm, 60 * mm, 40 * mm]
            widths.append(width - sum(widths))
        else:
            widths = [first] + [(width - first) / (columns - 1)] * (columns - 1)
        rows = [[_cell(v, s) for v in row] for row in table.rows]
        bold = []
        if table.total is not None:
            rows.append([_cell(v, s) for v in table.total])
            bold = [("BACKGROUND", (0, len(rows)), (-1, len(rows)), "#eef2ef")]
        story.append(grid_table(table.header, rows, widths, extra_style=bold))
        story.append(Spacer(1, 4 * mm))
    # Its code and QR code like every printout (``reporting.printed`` logs it).
    info = document_info(report, report.title, " ".join(report.subtitle), landscape=True)
    return build_pdf(story, settings, info)
