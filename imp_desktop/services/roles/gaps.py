"""From gap to action: a unit's weakest roles and a coaching activity for them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import activities
from imp_desktop.services.roles.assessments import get_assessment

@dataclass(frozen=True)
class Gap:
    """A role not fulfilled in an assessment, with its unmet indicators."""

    code: str
    number: int
    name: str
    percent: float
    unmet: tuple[str, ...]


def weakest_roles(assessment_id: int, count: int = 3, lang: str | None = None) -> list[Gap]:
    """The roles a unit fulfilled least in an assessment, weakest first.

    Roles that are fulfilled are left out; among the rest, the lowest share of
    met indicators first, then the official order.
    """
    sheet = get_assessment(assessment_id, lang)
    open_roles = [role for role in sheet.roles if not role.fulfilled]
    open_roles.sort(key=lambda role: (role.percent, role.number))
    return [Gap(role.code, role.number, role.name(lang), role.percent,
                tuple(line.text(lang) for line in role.lines if not line.met))
            for role in open_roles[:count]]


def gap_agenda(assessment_id: int, count: int = 3, lang: str | None = None) -> str:
    """The agenda of a coaching session on a unit's weakest roles, as text."""
    sheet = get_assessment(assessment_id, lang)
    gaps = weakest_roles(assessment_id, count, lang)
    lines = [tr("role.gap.agenda_intro", lang, unit=sheet.unit_name, period=sheet.period_label)]
    for index, gap in enumerate(gaps, 1):
        lines.append(f"{index}. {tr('role.gap.agenda_role', lang, number=gap.number, role=gap.name)}")
        lines += [f"   - {text}" for text in gap.unmet]
    return "\n".join(lines)


def create_coaching_activity(assessment_id: int, date: dt.date, count: int = 3,
                             agenda: str | None = None, invite_cadres: bool = True,
                             lang: str | None = None) -> int:
    """From gap to action: a coaching activity (kegiatan) for the unit of an
    assessment, with its weakest roles as the agenda and its cadres invited.

    Returns the new activity's id. Raises UserError when the unit fulfils
    every role.
    """
    sheet = get_assessment(assessment_id, lang)
    gaps = weakest_roles(assessment_id, count, lang)
    if not gaps:
        raise UserError(tr("role.gap.nothing", lang, unit=sheet.unit_name))
    names = ", ".join(gap.name for gap in gaps)
    types = activities.activity_types()
    coaching = next((t.id for t in types if "pembinaan" in t.name.lower()),
                    types[0].id if types else None)
    data = activities.ActivityInput(
        type_id=coaching, date=date, desa_code=sheet.desa_code,
        place="",
        background=tr("role.gap.background", lang, unit=sheet.unit_name,
                      period=sheet.period_label, classification=sheet.classification_label,
                      fulfilled=sheet.roles_fulfilled or 0),
        aims=tr("role.gap.aims", lang, roles=names, unit=sheet.unit_name),
        agenda=(agenda or "").strip() or gap_agenda(assessment_id, count, lang))
    participants = (activities.cadres_for_invitation(unit_id=sheet.unit_id) if invite_cadres
                    else [])
    return activities.save_activity(data, participants, [])
