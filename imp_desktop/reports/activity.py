"""Laporan Kegiatan in the official-document shape (tata naskah dinas).

Kop surat; the title in capitals with place and date; sections lettered A, B,
C… in the fixed order Pendahuluan, Pelaksanaan, Hasil Kegiatan, Faktor
Pendukung dan Penghambat, Simpulan dan Saran, Penutup (a section with nothing
in it is left out and the letters close up); the signature blocks; then the
attachments: Daftar Hadir, Dokumentasi and the role checklist summary.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from imp_desktop.formatting import format_date, format_money, format_number, format_place_date
from imp_desktop.i18n import tr
from imp_desktop.reports.attendance import attendance_table, status_text, time_range
from imp_desktop.reports.base import (
    HEADER_FILL,
    document_info,
    build_pdf,
    clip,
    content_width,
    esc,
    grid_table,
    has_text,
    info_table,
    letterhead_flowables,
    para,
    signature_blocks,
    styles,
    text_block,
    title_block,
)
from imp_desktop.reports.model import (
    ABSENT,
    EXCUSED,
    PRESENT,
    SICK,
    ActivityReport,
    Photo,
    ReportSettings,
)
from imp_desktop.reports.roles import role_summary_flowables

LETTERS = "ABCDEFGHIJ"
PHOTO_MAX_PIXELS = 1000      # enough for 300 dpi at the printed size, and fast


@dataclass
class _Part:
    """A numbered sub-part of a section ("1. Latar Belakang") and its flowables."""

    heading: str
    body: list[Flowable]


def _text_part(heading: str, text: str) -> _Part | None:
    body = text_block(text, styles().indented)
    return _Part(heading, body) if body else None


def _lines_part(heading: str, text: str) -> _Part | None:
    """One item per typed line (narasumber, acara): a numbered list when several.
    Numbers or dashes the officer typed are replaced by ours."""
    from imp_desktop.reports.base import list_item

    lines = [" ".join(list_item(line.strip())[1].split())
             for line in (text or "").splitlines() if line.strip()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    s = styles()
    if len(lines) == 1:
        return _Part(heading, [para(lines[0], s.indented)])
    return _Part(heading, [Paragraph(esc(line), s.bullet, bulletText=f"{index}.")
                           for index, line in enumerate(lines, 1)])


def _section(story: list[Flowable], letter_index: int, title: str,
             parts: list[_Part | None], intro: list[Flowable] = ()) -> int:
    """Append a lettered section if it has anything in it; returns the next letter."""
    parts = [part for part in parts if part is not None]
    if not parts and not intro:
        return letter_index
    s = styles()
    story.append(para(f"{LETTERS[letter_index]}.&nbsp;&nbsp;{esc(title.upper())}", s.heading,
                      markup=True))
    story += list(intro)
    numbered = len(parts) > 1
    for number, part in enumerate(parts, 1):
        if numbered or part.heading:
            label = f"{number}.&nbsp;&nbsp;{esc(part.heading)}" if numbered else esc(part.heading)
            story.append(para(label, s.subheading, markup=True))
        story += part.body
    return letter_index + 1


def _participation(report: ActivityReport, width: float, lang: str) -> list[Flowable]:
    """Counts by level and status, and the officials present."""
    s = styles()
    if not report.participants:
        return []
    statuses = (PRESENT, EXCUSED, SICK, ABSENT)
    levels = list(report.level_labels) or sorted({p.level for p in report.participants
                                                  if p.level})
    groups = [(report.level_labels.get(level, level), level) for level in levels]
    groups.append((tr("report.act.others", lang), None))
    table_rows, totals = [], [0] * (len(statuses) + 2)
    for label, level in groups:
        people = [p for p in report.participants
                  if (p.level == level if level else p.level not in levels)]
        if not people and level is None:
            continue
        counts = [sum(1 for p in people if p.status == status) for status in statuses]
        unmarked = len(people) - sum(counts)
        values = [len(people)] + counts + [unmarked]
        totals = [a + b for a, b in zip(totals, values)]
        table_rows.append([label] + [para(format_number(v), s.cell_right) for v in values])
    table_rows.append([para(tr("report.act.total", lang), s.cell_bold)]
                      + [para(f"<b>{format_number(v)}</b>", s.cell_right, markup=True)
                         for v in totals])
    header = [tr("report.act.level", lang), tr("report.act.invited", lang)] + \
        [status_text(status, lang) for status in statuses] + [tr("report.status.none", lang)]
    if not totals[-1]:      # nobody left unmarked: no empty column
        header = header[:-1]
        table_rows = [row[:-1] for row in table_rows]
    label_width = 42 * mm
    number_width = (width - 6 * mm - label_width) / (len(header) - 1)
    table = grid_table(header, table_rows, [label_width] + [number_width] * (len(header) - 1),
                       extra_style=[("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL)])
    table.hAlign = "RIGHT"
    present = totals[1]
    flow: list[Flowable] = [KeepTogether([
        para(tr("report.act.present_line", lang, present=format_number(present),
                invited=format_number(totals[0])), s.indented),
        table]), Spacer(1, 3 * mm)]
    officials = [p for p in report.participants if p.official and p.status in (PRESENT, None)]
    if officials:
        flow.append(para(tr("report.act.officials", lang), s.indented))
        for index, person in enumerate(officials, 1):
            text = clip(person.name) + (f", {clip(person.role)}" if person.role else "")
            flow.append(Paragraph(esc(text), s.bullet, bulletText=f"{index}."))
    return flow


def _scores(report: ActivityReport, width: float, lang: str) -> list[Flowable]:
    s = styles()
    pre = [p.pre_score for p in report.participants if p.pre_score is not None]
    post = [p.post_score for p in report.participants if p.post_score is not None]
    if not pre and not post:
        return []
    paired = [(p.pre_score, p.post_score) for p in report.participants
              if p.pre_score is not None and p.post_score is not None]
    improved = sum(1 for a, b in paired if b > a)

    def average(values):
        return _one_decimal(sum(values) / len(values)) if values else "–"

    rows = [[tr("report.act.pretest", lang), para(format_number(len(pre)), s.cell_right),
             para(average(pre), s.cell_right)],
            [tr("report.act.posttest", lang), para(format_number(len(post)), s.cell_right),
             para(average(post), s.cell_right)]]
    if paired:
        gain = sum(b - a for a, b in paired) / len(paired)
        rows.append([tr("report.act.gain", lang), para(format_number(len(paired)), s.cell_right),
                     para(("+" if gain > 0 else "") + _one_decimal(gain), s.cell_right)])
    header = [tr("report.act.test", lang), tr("report.act.scored", lang),
              tr("report.act.average", lang)]
    table = grid_table(header, rows, [60 * mm, 30 * mm, 30 * mm])
    table.hAlign = "RIGHT"
    flow: list[Flowable] = [KeepTogether([table])]
    if paired:
        flow.append(Spacer(1, 2 * mm))
        flow.append(para(tr("report.act.improved", lang, improved=format_number(improved),
                            paired=format_number(len(paired))), s.indented))
    return flow


def _one_decimal(value: float) -> str:
    """Averages to one decimal, halves rounded up as on paper: ``75,3``."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_number(rounded.normalize() if rounded == rounded.to_integral() else rounded)


def _when_where(report: ActivityReport, width: float, lang: str) -> list[Flowable]:
    place = ", ".join(part for part in (
        report.venue,
        tr("report.desa_line", lang, name=report.desa_name) if report.desa_name else "",
        tr("report.kecamatan_line", lang, name=report.kecamatan_name)
        if report.kecamatan_name else "") if part)
    rows = [(tr("report.att.day_date", lang), format_date(report.date, weekday=True, lang=lang)),
            (tr("report.att.time", lang),
             time_range(report.start_time, report.end_time, report.time_zone, lang)),
            (tr("report.att.place", lang), place)]
    table = info_table(rows, width - 6 * mm)
    table.hAlign = "RIGHT"
    return [table]


def _funding(report: ActivityReport, lang: str) -> _Part | None:
    if not has_text(report.funding_source) and not report.funding_amount:
        return None
    text = report.funding_source.strip()
    if report.funding_amount:
        amount = format_money(report.funding_amount)
        text = f"{text}, {amount}" if text else amount
    return _Part(tr("report.act.funding", lang), [para(text, styles().indented)])


def _photo_grid(photos: list[Photo], width: float, lang: str) -> Table:
    """Two photos a row, each with its caption under it."""
    s = styles()
    column = (width - 6 * mm) / 2
    max_height = 62 * mm
    cells = []
    for number, photo in enumerate(photos, 1):
        image = _photo_image(photo.image, column - 4 * mm, max_height)
        caption = tr("report.act.photo", lang, number=number)
        if photo.caption.strip():
            caption += ": " + clip(photo.caption.strip())
        content = [image if image is not None else
                   para(tr("report.act.photo_broken", lang), s.caption),
                   Spacer(1, 1.5 * mm), para(caption, s.caption)]
        cells.append(content)
    if len(cells) % 2:
        cells.append("")
    rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[column + 3 * mm, column + 3 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table


def _photo_image(data: bytes, max_width: float, max_height: float) -> Image | None:
    """The photo scaled down once (JPEG) so big camera files stay quick and small."""
    from PIL import Image as PILImage, ImageOps

    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            picture = ImageOps.exif_transpose(picture)
            if picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            picture.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
            w, h = picture.size
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=82)
    except Exception:   # a damaged photo is named, never breaks the report
        return None
    scale = min(max_width / w, max_height / h)
    buffer.seek(0)
    return Image(buffer, width=w * scale, height=h * scale)


def _attachment_title(number: int, title: str, lang: str) -> list[Flowable]:
    s = styles()
    return [para(tr("report.act.attachment", lang, number=number), s.body_left),
            para(title.upper(), s.title), Spacer(1, 4 * mm)]


def render_activity_report(report: ActivityReport, settings: ReportSettings) -> bytes:
    # Long on purpose: the report's sections in printed order, one after another.
    lang = settings.lang
    s = styles()
    width = content_width(settings)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)

    place_line = ", ".join(part for part in (
        tr("report.desa_line", lang, name=report.desa_name) if report.desa_name else "",
        tr("report.kecamatan_line", lang, name=report.kecamatan_name)
        if report.kecamatan_name else "") if part)
    story += [para(tr("report.act.title", lang), s.title)]
    subtitle = [clip(report.title).upper(), clip(place_line).upper()]
    story += title_block("\n".join(line for line in subtitle if line),
                         [format_date(report.date, weekday=True, lang=lang),
                          tr("report.act.number", lang, number=report.number)
                          if report.number.strip() else ""])

    letter = 0
    letter = _section(story, letter, tr("report.act.s.intro", lang), [
        _text_part(tr("report.act.background", lang), report.background),
        _text_part(tr("report.act.purpose", lang), report.purpose),
        _text_part(tr("report.act.basis", lang), report.legal_basis),
    ])
    participants = _participation(report, width, lang)
    people_part = None
    note = text_block(report.participants_note, s.indented)
    if note or participants:
        people_part = _Part(tr("report.act.participants", lang), note + participants)
    letter = _section(story, letter, tr("report.act.s.execution", lang), [
        _Part(tr("report.act.when_where", lang), _when_where(report, width, lang)),
        people_part,
        _lines_part(tr("report.act.speakers", lang), report.speakers),
        _text_part(tr("report.act.agenda", lang), report.agenda),
        _funding(report, lang),
    ])
    scores = _scores(report, width, lang)
    engagement = None
    if has_text(report.engagement):
        engagement = _Part(tr("report.act.engagement", lang),
                           text_block(report.engagement, s.indented))
    letter = _section(story, letter, tr("report.act.s.results", lang), [
        _text_part(tr("report.act.results", lang), report.results),
        _Part(tr("report.act.scores", lang), scores) if scores else None,
        engagement,
    ])
    letter = _section(story, letter, tr("report.act.s.factors", lang), [
        _text_part(tr("report.act.supporting", lang), report.supporting_factors),
        _text_part(tr("report.act.inhibiting", lang), report.inhibiting_factors),
    ])
    letter = _section(story, letter, tr("report.act.s.conclusion", lang), [
        _text_part(tr("report.act.conclusion", lang), report.conclusion),
        _text_part(tr("report.act.suggestions", lang), report.suggestions),
        _text_part(tr("report.act.follow_up", lang), report.follow_up),
    ])
    closing = text_block(report.closing, s.indented)
    if closing:
        letter = _section(story, letter, tr("report.act.s.closing", lang), [_Part("", closing)])

    signed_on = report.signed_on or report.date
    left_heading = [tr("report.sign.acknowledged", lang)] if report.village_head else []
    story.append(signature_blocks(
        report.village_head, report.officer, width, left_heading=left_heading,
        right_heading=[format_place_date(report.place_name, signed_on, lang=lang)], lang=lang))

    attachment = 0
    if report.participants:
        attachment += 1
        story.append(PageBreak())
        story += _attachment_title(attachment, tr("report.att.title", lang), lang)
        story.append(attendance_table(report.participants, width, lang, blank=False))
    if report.photos:
        attachment += 1
        story.append(PageBreak())
        story += _attachment_title(attachment, tr("report.act.documentation", lang), lang)
        story.append(_photo_grid(report.photos, width, lang))
    if report.role_recap is not None and report.role_recap.rows:
        attachment += 1
        story.append(PageBreak())
        story += _attachment_title(attachment, tr("report.act.role_summary", lang), lang)
        story += role_summary_flowables(report.role_recap, width, lang)

    info = document_info(report, f"{tr('report.act.title', lang).title()}: {report.title}",
                         tr("report.act.subject", lang, date=format_date(
                             report.date, lang=lang), place=place_line))
    return build_pdf(story, settings, info)
