"""Rekap Peran Bakti (a desa or a kecamatan) and the assessment sheet of one unit."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from imp_desktop.formatting import format_date, format_number, format_percent
from imp_desktop.i18n import tr
from imp_desktop.reports.base import (
    HEADER_FILL,
    document_info,
    build_pdf,
    clip,
    content_width,
    grid_table,
    info_table,
    letterhead_flowables,
    officer_signature,
    para,
    signature_blocks,
    styles,
    title_block,
)
from imp_desktop.reports.model import AssessmentSheet, ClassCount, ReportSettings, RoleRecap

MET, NOT_MET, BOX = "✓", "✗", "☐"


def _role_cell(fulfilled: bool | None, score: float | None):
    s = styles()
    if fulfilled is None:
        return para("–", s.cell_center)
    mark = MET if fulfilled else NOT_MET
    text = mark if score is None else f"{mark} {format_percent(round(score))}"
    return para(text, s.cell_tiny)


def unit_table(recap: RoleRecap, width: float, lang: str, with_desa: bool = False):
    """Unit by unit: the six roles (✓ fulfilled, ✗ not, with the share met).

    On portrait paper the level column is left out: unit names carry their level.
    """
    s = styles()
    with_level = width > 200 * mm
    role_width = min(15 * mm, width * 0.45 / 6)
    level_width = 23 * mm if with_level else 0
    name_width = width - (8 * mm + level_width + 6 * role_width + 13 * mm + 22 * mm)
    header = [tr("report.cadres.col.no", lang), tr("report.roles.unit", lang)] + \
        ([tr("report.roles.level", lang)] if with_level else []) + \
        [f"{index}" for index in range(1, 7)] + \
        [tr("report.roles.fulfilled_short", lang), tr("report.roles.class", lang)]
    rows = []
    for number, row in enumerate(recap.rows, 1):
        name = row.unit_name + (f" ({row.desa_name})" if with_desa and row.desa_name else "")
        fulfilled = list(row.role_fulfilled) + [None] * (6 - len(row.role_fulfilled))
        scores = list(row.role_scores) + [None] * (6 - len(row.role_scores))
        rows.append([para(str(number), s.cell_right), name]
                    + ([row.level] if with_level else [])
                    + [_role_cell(f, sc) for f, sc in zip(fulfilled[:6], scores[:6])]
                    + [para("–" if row.roles_fulfilled is None
                            else f"{row.roles_fulfilled}/6", s.cell_center),
                       row.classification or tr("report.roles.not_assessed", lang)])
    widths = [8 * mm, name_width] + ([level_width] if with_level else []) + \
        [role_width] * 6 + [13 * mm, 22 * mm]
    first_role = 3 if with_level else 2
    return grid_table(header, rows, widths, extra_style=[
        ("LEFTPADDING", (first_role, 1), (first_role + 5, -1), 1),
        ("RIGHTPADDING", (first_role, 1), (first_role + 5, -1), 1)])


def role_legend(recap: RoleRecap, lang: str) -> Flowable:
    names = "; ".join(f"{index}. {name}" for index, name in enumerate(recap.role_names, 1))
    text = tr("report.roles.legend", lang, roles=names, met=MET, unmet=NOT_MET)
    return para(text, styles().small)


def role_summary_flowables(recap: RoleRecap, width: float, lang: str) -> list[Flowable]:
    """The checklist summary attached to a Laporan Kegiatan."""
    s = styles()
    flow: list[Flowable] = [para(tr("report.roles.scope_period", lang, scope=recap.scope,
                                    period=recap.period), s.body_left), Spacer(1, 2 * mm),
                            unit_table(recap, width, lang), Spacer(1, 2 * mm),
                            role_legend(recap, lang)]
    if recap.rule_note:
        flow.append(para(recap.rule_note, s.small))
    return flow


def _count_table(title: str, counts: list[ClassCount], total: ClassCount | None,
                 width: float, lang: str) -> list[Flowable]:
    s = styles()
    header = [title, tr("report.roles.units", lang), tr("report.roles.dasar", lang),
              tr("report.roles.berkembang", lang), tr("report.roles.mandiri", lang),
              tr("report.roles.not_assessed", lang)]
    rows = []
    for count in counts + ([total] if total else []):
        rows.append([clip(count.label)] + [para(format_number(v), s.cell_right) for v in (
            count.total, count.dasar, count.berkembang, count.mandiri, count.not_assessed)])
    number = 26 * mm
    extra = [("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL)] if total else []
    return [grid_table(header, rows, [width - 5 * number] + [number] * 5, extra_style=extra)]


def render_role_recap(recap: RoleRecap, settings: ReportSettings) -> bytes:
    lang = settings.lang
    s = styles()
    width = content_width(settings, landscape=True)
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    subtitle = [recap.scope]
    if recap.kecamatan_name and recap.kecamatan_name not in recap.scope:
        subtitle.append(tr("report.kecamatan_line", lang, name=recap.kecamatan_name))
    if recap.period:
        subtitle.append(tr("report.roles.period", lang, period=recap.period))
    story += title_block(tr("report.roles.title", lang), subtitle)

    if not recap.assessed and not recap.rows:
        story.append(para(tr("report.roles.empty", lang), s.body_left))
    number = 0

    # A heading is kept with the start of its table by a conditional page break:
    # keepWithNext would move a whole long table to the next page.
    loose_heading = ParagraphStyle("recap_heading", parent=s.heading, keepWithNext=0)

    def heading(key: str) -> None:
        nonlocal number
        number += 1
        story.append(CondPageBreak(35 * mm))
        story.append(para(f"{number}. {tr(key, lang)}", loose_heading))  # our own words

    if recap.by_level:
        heading("report.roles.h.by_level")
        story += _count_table(tr("report.roles.level", lang), recap.by_level, recap.total,
                              width, lang)
    if recap.by_desa:
        heading("report.roles.h.by_desa")
        story += _count_table(tr("report.roles.desa", lang), recap.by_desa, recap.total,
                              width, lang)
    if recap.assessed and recap.roles_fulfilled:
        heading("report.roles.h.by_role")
        rows = []
        for index, (name, count) in enumerate(zip(recap.role_names, recap.roles_fulfilled), 1):
            rows.append([para(str(index), s.cell_right), name,
                         para(format_number(count), s.cell_right),
                         para(format_number(recap.assessed), s.cell_right),
                         para(format_percent(round(100 * count / recap.assessed, 1)),
                              s.cell_right)])
        header = [tr("report.cadres.col.no", lang), tr("report.roles.role", lang),
                  tr("report.roles.units_fulfilling", lang), tr("report.roles.assessed", lang),
                  tr("report.roles.share", lang)]
        story.append(grid_table(header, rows, [10 * mm, width - 10 * mm - 3 * 34 * mm]
                                + [34 * mm] * 3))
    if recap.rows:
        heading("report.roles.h.by_unit")
        story.append(unit_table(recap, width, lang, with_desa=bool(recap.by_desa)))
        story.append(Spacer(1, 2 * mm))
        story.append(role_legend(recap, lang))
    if recap.unmet:
        heading("report.roles.h.unmet")
        rows = [[para(str(index), s.cell_right), para(str(line.role_number), s.cell_center),
                 line.text, para(f"{format_number(line.unmet)} / {format_number(line.assessed)}",
                                 s.cell_right),
                 para(format_percent(round(100 * line.unmet / line.assessed, 1))
                      if line.assessed else "–", s.cell_right)]
                for index, line in enumerate(recap.unmet, 1)]
        header = [tr("report.cadres.col.no", lang), tr("report.roles.role_no", lang),
                  tr("report.roles.indicator", lang), tr("report.roles.unmet", lang),
                  tr("report.roles.share", lang)]
        story.append(grid_table(header, rows, [10 * mm, 16 * mm,
                                               width - 26 * mm - 2 * 30 * mm, 30 * mm, 30 * mm]))
    notes = [note for note in (recap.rule_note, recap.catalogue_note) if note]
    if notes:
        story.append(Spacer(1, 3 * mm))
        story += [para(note, s.small) for note in notes]
    signature = officer_signature(recap.officer, recap.place_name, recap.date, width, lang)
    if signature is not None:
        story.append(signature)
    info = document_info(recap, f"{tr('report.roles.title', lang)} {recap.scope} {recap.period}",
                         tr("report.roles.subject", lang), landscape=True)
    return build_pdf(story, settings, info)


def render_assessment_sheet(sheet: AssessmentSheet, settings: ReportSettings) -> bytes:
    lang = settings.lang
    s = styles()
    width = content_width(settings)
    dots = "." * 40
    story: list[Flowable] = letterhead_flowables(settings.letterhead, width)
    story += title_block(tr("report.sheet.title", lang),
                         [tr("report.sheet.blank", lang) if sheet.blank else ""])
    story.append(info_table([
        (tr("report.roles.unit", lang), sheet.unit_name or dots),
        (tr("report.roles.level", lang), sheet.level or dots),
        (tr("report.roles.desa", lang), sheet.desa_name or dots),
        (tr("report.sheet.kecamatan", lang), sheet.kecamatan_name or dots),
        (tr("report.sheet.period", lang), sheet.period_label or dots),
        (tr("report.sheet.date", lang),
         format_date(sheet.date, lang=lang) if sheet.date and not sheet.blank else dots),
    ], width))
    story.append(Spacer(1, 3 * mm))
    if not sheet.blank:
        story.append(para(tr("report.sheet.how_filled", lang, met=MET), s.small))
    else:
        story.append(para(tr("report.sheet.how_blank", lang), s.small))

    text_width = width - 10 * mm - 2 * 13 * mm - 45 * mm
    for role in sheet.roles:
        rows = []
        for index, item in enumerate(role.indicators, 1):
            yes = MET if item.met is True else ("" if not sheet.blank else BOX)
            no = NOT_MET if item.met is False else ("" if not sheet.blank else BOX)
            remark = "; ".join(part for part in (item.note, item.evidence) if part)
            rows.append([para(f"{role.number}.{index}", s.cell), item.text,
                         para(yes, s.cell_center), para(no, s.cell_center), remark])
        header = [tr("report.cadres.col.no", lang), tr("report.roles.indicator", lang),
                  tr("report.sheet.yes", lang), tr("report.sheet.no", lang),
                  tr("report.sheet.remark", lang)]
        table = grid_table(header, rows, [10 * mm, text_width, 13 * mm, 13 * mm, 45 * mm])
        block: list[Flowable] = [para(f"{role.number}. {clip(role.name)}", s.heading), table]
        if not sheet.blank and role.score is not None:
            verdict = tr("report.sheet.role_fulfilled" if role.fulfilled
                         else "report.sheet.role_not_fulfilled", lang)
            met = sum(1 for item in role.indicators if item.met)
            block.append(para(tr("report.sheet.role_result", lang, met=met,
                                 total=len(role.indicators),
                                 percent=format_percent(round(role.score, 1)),
                                 verdict=verdict), s.small))
        # A short role stays whole; a long one may break but keeps its heading.
        story.append(KeepTogether(block) if len(rows) <= 8 else block[0])
        if len(rows) > 8:
            story += block[1:]
    if not sheet.roles:
        story.append(para(tr("report.sheet.no_indicators", lang), s.body_left))

    if not sheet.blank and sheet.classification:
        story.append(Spacer(1, 3 * mm))
        story.append(para(tr("report.sheet.result", lang,
                             fulfilled=sheet.roles_fulfilled if sheet.roles_fulfilled is not None
                             else "–", classification=clip(sheet.classification, 60)),
                          s.heading))
    elif sheet.blank:
        story.append(Spacer(1, 3 * mm))
        story.append(para(tr("report.sheet.result_blank", lang), s.body_left))
    notes = [note for note in (sheet.rule_note, sheet.catalogue_note) if note]
    story += [para(note, s.small) for note in notes]

    from imp_desktop.formatting import format_place_date

    date_line = format_place_date(sheet.place_name, sheet.date, lang=lang) \
        if sheet.date and not sheet.blank else f"{sheet.place_name or dots}, {dots}"
    story.append(signature_blocks(sheet.unit_head, sheet.assessor, width,
                                  left_heading=[tr("report.sheet.unit_side", lang)]
                                  if sheet.unit_head else [],
                                  right_heading=[date_line, tr("report.sheet.assessor", lang)],
                                  lang=lang))
    info = document_info(sheet, f"{tr('report.sheet.title', lang)} {sheet.unit_name}".strip(),
                         tr("report.sheet.subject", lang))
    return build_pdf(story, settings, info)
