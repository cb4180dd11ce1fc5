"""Daftar Hadir: blank (printed before the meeting and signed there) or filled.

The signature column is zig-zag: odd numbers sign in its left half, even
numbers in its right half, so neighbours' signatures never collide.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from imp_desktop.formatting import format_date, format_time
from imp_desktop.i18n import tr
from imp_desktop.reports.base import (
    FONT,
    GRID,
    HEADER_FILL,
    document_info,
    build_pdf,
    content_width,
    clip,
    esc,
    info_table,
    letterhead_flowables,
    officer_signature,
    para,
    styles,
    title_block,
)
from imp_desktop.reports.model import PRESENT, AttendanceSheet, Participant, ReportSettings

BLANK_ROW_HEIGHT = 10 * mm        # room to sign by hand
FILLED_ROW_HEIGHT = 7 * mm
DOTS = "." * 40


def status_text(status: str | None, lang: str) -> str:
    return tr(f"report.status.{status}", lang) if status else ""


def time_range(start, end, zone: str, lang: str) -> str:
    """``pukul 09.00–12.00 WIB`` (PUEBI: a full stop between hours and minutes)."""
    if start is None:
        return ""
    if end is None:
        return format_time(start, zone, lang=lang)
    return f"{format_time(start, lang=lang)}–{format_time(end, zone, prefix=False, lang=lang)}"


def attendance_table(participants: list[Participant], width: float, lang: str, *,
                     blank: bool, guest_rows: int = 0) -> Table:
    """The list itself; on a filled list each person's status is shown and only
    those present have a signature cell to sign."""
    s = styles()
    with_status = not blank
    # No, Nama, Jabatan/Unsur, [Keterangan], TTD left, TTD right
    status_width = 30 * mm
    fixed = [9 * mm] + ([status_width] if with_status else [])
    sign = 2 * 23 * mm
    rest = width - sum(fixed) - sign
    widths = [9 * mm, rest * 0.47, rest * 0.53] + ([status_width] if with_status else []) \
        + [sign / 2, sign / 2]
    header = [para(tr("report.att.col.no", lang), s.cell_head),
              para(tr("report.att.col.name", lang), s.cell_head),
              para(tr("report.att.col.role", lang), s.cell_head)]
    if with_status:
        header.append(para(tr("report.att.col.status", lang), s.cell_head))
    header += [para(tr("report.att.col.sign", lang), s.cell_head), ""]
    sign_col = len(header) - 2

    rows = [header]
    # A spacer in the unused half of the signature column keeps every row tall
    # enough to sign while longer names and positions still wrap freely.
    room = (BLANK_ROW_HEIGHT if blank else FILLED_ROW_HEIGHT) - 5

    total = len(participants) + (guest_rows if blank else 0)
    for index in range(total):
        number = index + 1
        person = participants[index] if index < len(participants) else None
        row = [para(str(number), s.cell_right),
               para(clip(person.name) if person else "", s.cell),
               para(clip(person.role) if person else "", s.cell)]
        if with_status:
            remark = status_text(person.status if person else None, lang)
            if person is not None and person.note.strip():
                remark = f"{remark}: {person.note.strip()}" if remark else person.note.strip()
            row.append(para(clip(remark), s.cell_center))
        signs = not with_status or (person is not None and person.status == PRESENT)
        mark = para(f"{number}.", s.cell) if signs else ""
        row += [mark, Spacer(1, room)] if number % 2 else [Spacer(1, room), mark]
        rows.append(row)
    if total == 0:
        rows.append([para(tr("report.att.none", lang), s.cell)] + [""] * (len(header) - 1))

    table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    last = len(header) - 1
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("SPAN", (sign_col, 0), (last, 0)),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        # Ruled everywhere except between the two halves of the signature column.
        ("GRID", (0, 0), (sign_col - 1, -1), 0.5, GRID),
        ("BOX", (sign_col, 0), (last, -1), 0.5, GRID),
        ("LINEBELOW", (sign_col, 0), (last, -1), 0.5, GRID),
    ]
    if total == 0:
        commands.append(("SPAN", (0, 1), (last, 1)))
    table.setStyle(TableStyle(commands))
    return table


def attendance_header(sheet_title: str, date, start, end, zone: str, venue: str,
                      desa: str, kecamatan: str, width: float, lang: str) -> Flowable:
    """Kegiatan, hari/tanggal, waktu, tempat: dotted lines left to fill by hand."""
    place = ", ".join(part for part in (venue,
                                        tr("report.desa_line", lang, name=desa) if desa else "",
                                        tr("report.kecamatan_line", lang, name=kecamatan)
                                        if kecamatan else "") if part)
    rows = [(tr("report.att.activity", lang), sheet_title or DOTS),
            (tr("report.att.day_date", lang),
             format_date(date, weekday=True, lang=lang) if date else DOTS),
            (tr("report.att.time", lang), time_range(start, end, zone, lang) or DOTS),
            (tr("report.att.place", lang), place or DOTS)]
    return info_table(rows, width)


def attendance_flowables(sheet: AttendanceSheet, width: float, lang: str) -> list[Flowable]:
    story: list[Flowable] = [
        attendance_header(sheet.title, sheet.date, sheet.start_time, sheet.end_time,
                          sheet.time_zone, sheet.venue, sheet.desa_name,
                          sheet.kecamatan_name, width, lang)]
    story.append(Spacer(1, 4 * mm))
    story.append(attendance_table(sheet.participants, width, lang, blank=sheet.blank,
                                  guest_rows=sheet.guest_rows))
    if not sheet.blank and sheet.participants:
        story.append(Spacer(1, 2 * mm))
        story.append(para(attendance_summary(sheet.participants, lang), styles().small,
                          markup=True))
    return story


def attendance_summary(participants: list[Participant], lang: str) -> str:
    counts = {status: 0 for status in ("hadir", "izin", "sakit", "alpa", None)}
    for person in participants:
        counts[person.status if person.status in counts else None] += 1
    parts = [f"{esc(tr('report.att.invited', lang))}: {len(participants)}"]
    parts += [f"{esc(status_text(status, lang))}: {counts[status]}"
              for status in ("hadir", "izin", "sakit", "alpa") if counts[status]]
    if counts[None]:
        parts.append(f"{esc(tr('report.status.none', lang))}: {counts[None]}")
    return " · ".join(parts)


def render_attendance(sheet: AttendanceSheet, settings: ReportSettings) -> bytes:
    lang = settings.lang
    width = content_width(settings)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    story += title_block(tr("report.att.title", lang))
    story += attendance_flowables(sheet, width, lang)
    signature = officer_signature(sheet.officer, sheet.place_name, sheet.date, width, lang)
    if signature is not None:
        story.append(signature)
    info = document_info(sheet, f"{tr('report.att.title', lang)} {sheet.title}".strip(),
                         tr("report.att.subject_blank" if sheet.blank
                            else "report.att.subject", lang))
    return build_pdf(story, settings, info)
