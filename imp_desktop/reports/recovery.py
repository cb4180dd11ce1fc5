"""Lembar kunci pemulihan: the recovery key of an encrypted database, with its QR code.

Printed once (Pengaturan › Keamanan) and kept at the office, away from the
laptop: with it the database opens on another computer or user account.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from imp_desktop.formatting import format_date
from imp_desktop.i18n import tr
from imp_desktop.reports.base import (
    DocumentInfo,
    FONT_BOLD,
    build_pdf,
    content_width,
    draw_qr,
    info_table,
    letterhead_flowables,
    para,
    styles,
    title_block,
)
from imp_desktop.reports.model import RecoverySheet, ReportSettings

QR_SIDE = 45 * mm


class _KeyQr(Flowable):
    """The recovery key's QR code, large enough for any phone."""

    def __init__(self, text: str, side: float = QR_SIDE):
        super().__init__()
        self.text, self.side = text, side
        self.width = self.height = side

    def draw(self):
        draw_qr(self.canv, self.text, 0, 0, self.side)


def render_recovery_sheet(sheet: RecoverySheet, settings: ReportSettings) -> bytes:
    lang = settings.lang
    s = styles()
    width = content_width(settings)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    story += title_block(tr("recovery.title", lang),
                         [tr("recovery.subtitle", lang, name=sheet.database_name)])
    story.append(info_table([
        (tr("recovery.database", lang), sheet.database_name),
        (tr("recovery.made_on", lang), format_date(sheet.made_on)),
        (tr("recovery.officer", lang), " / ".join(
            part for part in (sheet.officer_name, sheet.officer_nip) if part)),
    ], width))
    story.append(Spacer(1, 6 * mm))
    groups = sheet.recovery_key.split("-")
    rows = ["  ".join(groups[i:i + 4]) for i in range(0, len(groups), 4)]
    key_style = s.meta.clone("recovery_key", fontName=FONT_BOLD, fontSize=15, leading=22)
    key_cell = [para(row, key_style) for row in rows]
    table = Table([[key_cell, _KeyQr(sheet.qr_text)]],
                  colWidths=[width - QR_SIDE - 8 * mm, QR_SIDE + 8 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 1.2, "#000000"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 4 * mm), ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
    ]))
    story += [para(tr("recovery.key_label", lang), s.meta), Spacer(1, 2 * mm), table,
              Spacer(1, 6 * mm)]
    for index in range(1, 6):
        story.append(para(f"{index}. " + tr(f"recovery.note.{index}", lang), s.body))
        story.append(Spacer(1, 1.5 * mm))
    info = DocumentInfo(title=tr("recovery.title", lang),
                        subject=tr("recovery.subtitle", lang, name=sheet.database_name),
                        code="-")
    return build_pdf(story, settings, info)
