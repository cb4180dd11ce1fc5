"""Daftar Kader: the cadres of a desa (grouped by unit) or of one unit."""
from __future__ import annotations

from reportlab.platypus import Flowable

from imp_desktop.formatting import format_date, format_number, format_short_date
from imp_desktop.i18n import tr
from imp_desktop.reports.base import (
    document_info,
    HEADER_FILL,
    build_pdf,
    clip,
    content_width,
    grid_table,
    letterhead_flowables,
    officer_signature,
    para,
    styles,
    title_block,
)
from imp_desktop.reports.model import CadreListing, ReportSettings

# Relative column widths: No, Nama, NIK, L/P, Tempat/Tgl Lahir, Jabatan, Alamat,
# Pendidikan, Telepon.
_COLUMNS = (8, 42, 37, 8, 37, 20, 46, 24, 29)


def mask_nik(nik: str | None) -> str:
    """Only the last four digits of a NIK are printed unless the user asks."""
    if not nik:
        return ""
    return "*" * max(0, len(nik) - 4) + nik[-4:]


def render_cadre_list(listing: CadreListing, settings: ReportSettings) -> bytes:
    lang = settings.lang
    s = styles()
    width = content_width(settings, landscape=True)
    scale = width / sum(_COLUMNS)
    widths = [w * scale for w in _COLUMNS]

    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    subtitle = [listing.scope]
    if listing.kecamatan_name:
        subtitle.append(tr("report.kecamatan_line", lang, name=listing.kecamatan_name))
    if listing.date:
        subtitle.append(tr("report.as_of", lang, date=format_date(listing.date, lang=lang)))
    story += title_block(tr("report.cadres.title", lang), subtitle)

    total = sum(len(group.rows) for group in listing.groups)
    story.append(para(tr("report.cadres.summary", lang, cadres=format_number(total),
                         units=format_number(len(listing.groups))), s.body_left))
    if not listing.full_nik and total:
        story.append(para(tr("report.cadres.nik_masked", lang), s.small))

    header = [tr(f"report.cadres.col.{key}", lang) for key in
              ("no", "name", "nik", "sex", "birth", "position", "address", "education", "phone")]
    rows, extra = [], []
    number = 0
    for group in listing.groups:
        label = clip(group.unit_name)
        if group.level and group.level not in group.unit_name:
            label = f"{clip(group.level, 60)}: {label}"
        if group.sk_number:
            label += " · " + tr("report.cadres.sk", lang, number=clip(group.sk_number, 60))
        label += " · " + tr("report.cadres.count", lang, count=format_number(len(group.rows)))
        row_index = len(rows) + 1   # the header is row 0
        rows.append([para(label, s.cell_bold)] + [""] * (len(_COLUMNS) - 1))
        extra += [("SPAN", (0, row_index), (-1, row_index)),
                  ("BACKGROUND", (0, row_index), (-1, row_index), HEADER_FILL)]
        if not group.rows:
            rows.append([para(tr("report.cadres.unit_empty", lang), s.cell)]
                        + [""] * (len(_COLUMNS) - 1))
            extra.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        for cadre in group.rows:
            number += 1
            birth = ", ".join(part for part in (cadre.birth_place or "",
                                                format_short_date(cadre.birth_date)) if part)
            name = clip(cadre.name) if cadre.active else \
                f"{clip(cadre.name)} ({tr('report.inactive', lang)})"
            rows.append([para(str(number), s.cell_right), name,
                         clip(cadre.nik if listing.full_nik else mask_nik(cadre.nik), 40),
                         para(cadre.sex or "", s.cell_center), birth, cadre.position,
                         cadre.address, cadre.education or "", cadre.phone or ""])
    if rows:
        story.append(grid_table(header, rows, widths, extra_style=extra))
    else:
        story.append(para(tr("report.cadres.empty", lang), s.body_left))

    signature = officer_signature(listing.officer, listing.place_name, listing.date, width, lang)
    if signature is not None:
        story.append(signature)
    info = document_info(listing, f"{tr('report.cadres.title', lang)} {listing.scope}",
                         tr("report.cadres.subject", lang), landscape=True)
    return build_pdf(story, settings, info)
