"""IMP units: PPKBD (desa), Sub PPKBD (dusun/RW), Kelompok KB (RT)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LEVEL_SUB_PPKBD,
    LEVELS,
    Unit,
    database,
)
from imp_desktop.errors import ValidationError
from imp_desktop.i18n import tr
from imp_desktop.services.regions import region_exists
from imp_desktop.services.text import clean_spaces

# The level a unit's parent must have.
PARENT_LEVEL = {LEVEL_SUB_PPKBD: LEVEL_PPKBD, LEVEL_KELOMPOK: LEVEL_SUB_PPKBD}


@dataclass
class UnitInput:
    level: str = LEVEL_PPKBD
    name: str = ""
    desa_code: str | None = None
    hamlet_id: int | None = None
    neighbourhood_id: int | None = None
    parent_id: int | None = None
    sk_number: str | None = None
    sk_date: dt.date | None = None


@dataclass(frozen=True)
class UnitInfo:
    id: int
    uuid: str
    level: str
    name: str
    desa_code: str
    hamlet_id: int | None
    neighbourhood_id: int | None
    parent_id: int | None
    sk_number: str | None
    sk_date: dt.date | None
    active: bool


def check_unit(data: UnitInput) -> list[tuple[str, str]]:
    errors = []
    if data.level not in LEVELS:
        errors.append(("level", tr("unit.error.level")))
    if not clean_spaces(data.name):
        errors.append(("name", tr("unit.error.name")))
    if not data.desa_code or not region_exists(data.desa_code):
        errors.append(("desa_code", tr("unit.error.desa")))
    if data.level == LEVEL_SUB_PPKBD and not data.hamlet_id:
        errors.append(("hamlet_id", tr("unit.error.hamlet")))
    if data.level == LEVEL_KELOMPOK and not data.neighbourhood_id:
        errors.append(("neighbourhood_id", tr("unit.error.rt")))
    if data.parent_id:
        parent = Unit.get_or_none(Unit.id == data.parent_id)
        if parent is None or parent.level != PARENT_LEVEL.get(data.level):
            errors.append(("parent_id", tr("unit.error.parent")))
    return errors


def save_unit(data: UnitInput, unit_id: int | None = None) -> int:
    errors = check_unit(data)
    if errors:
        raise ValidationError(tr("unit.error.not_saved"), errors)
    with database.atomic():
        unit = Unit() if unit_id is None else Unit.get_by_id(unit_id)
        unit.level = data.level
        unit.name = clean_spaces(data.name)
        unit.desa = data.desa_code
        unit.hamlet = data.hamlet_id if data.level != LEVEL_PPKBD else None
        unit.neighbourhood = data.neighbourhood_id if data.level == LEVEL_KELOMPOK else None
        unit.parent = data.parent_id
        unit.sk_number = clean_spaces(data.sk_number) or None
        unit.sk_date = data.sk_date
        unit.save()
    return unit.id


def _info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.id, unit.uuid, unit.level, unit.name, unit.desa_code, unit.hamlet_id,
                    unit.neighbourhood_id, unit.parent_id, unit.sk_number, unit.sk_date,
                    unit.active)


def get_unit(unit_id: int) -> UnitInfo | None:
    unit = Unit.get_or_none(Unit.id == unit_id)
    return _info(unit) if unit else None


def units(desa_code: str | None = None, level: str | None = None) -> list[UnitInfo]:
    query = Unit.select()
    if desa_code:
        query = query.where(Unit.desa == desa_code)
    if level:
        query = query.where(Unit.level == level)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return sorted((_info(u) for u in query), key=lambda u: (u.desa_code, order[u.level], u.name))
