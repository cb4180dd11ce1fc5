"""IMP units: PPKBD (desa), Sub PPKBD (dusun/RW), Kelompok KB (RT)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import SqliteDatabase

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
from imp_desktop.services.regions import pad_number, region_exists
from imp_desktop.services.settings import level_label
from imp_desktop.services.text import clean_spaces, control_problems, fold

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
    # The row version read with the unit (``UnitInfo.version``); a save finding
    # another one is refused (someone else saved it meanwhile).
    version: str | None = field(default=None, compare=False)


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
    version: str | None = None


def check_unit(data: UnitInput) -> list[tuple[str, str]]:
    errors = control_problems({"name": data.name, "sk_number": data.sk_number},
                              labels="unit.field.")
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
        if unit_id is not None and data.version is not None:
            from imp_desktop.services.concurrency import refuse_if_changed

            refuse_if_changed(Unit, unit_id, data.version, lambda: _as_input(unit_id), data,
                              "unit")
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
        from imp_desktop.services.first_run import remember_desa

        remember_desa(data.desa_code)
    return unit.id


def _as_input(unit_id: int) -> UnitInput:
    """The saved unit in the dialog's shape (to name what changed meanwhile)."""
    unit = Unit.get_by_id(unit_id)
    return UnitInput(unit.level, unit.name, unit.desa_code, unit.hamlet_id,
                     unit.neighbourhood_id, unit.parent_id, unit.sk_number, unit.sk_date)


def _info(unit: Unit, version: str | None = None) -> UnitInfo:
    return UnitInfo(unit.id, unit.uuid, unit.level, unit.name, unit.desa_code, unit.hamlet_id,
                    unit.neighbourhood_id, unit.parent_id, unit.sk_number, unit.sk_date,
                    unit.active, version)


def get_unit(unit_id: int) -> UnitInfo | None:
    from imp_desktop.data.row_versions import row_version

    unit = Unit.get_or_none(Unit.id == unit_id)
    return _info(unit, row_version(Unit, unit_id)) if unit else None


def units(desa_code: str | None = None, level: str | None = None) -> list[UnitInfo]:
    query = Unit.select()
    if desa_code:
        query = query.where(Unit.desa == desa_code)
    if level:
        query = query.where(Unit.level == level)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return sorted((_info(u) for u in query), key=lambda u: (u.desa_code, order[u.level], u.name))


# --- the Unit IMP list and a unit's board ----------------------------------------------

@dataclass(frozen=True)
class UnitRow:
    """One line of the unit list, ready to show."""

    id: int
    level: str
    name: str
    desa_code: str
    desa_name: str | None
    hamlet: str | None
    rt: str | None
    parent_name: str | None
    sk_number: str | None
    sk_date: dt.date | None
    active: bool
    members: int          # active cadres


@dataclass(frozen=True)
class BoardMember:
    cadre_id: int
    name: str
    position: str | None
    phone: str | None


def unit_rows(desa_code: str | None = None, level: str | None = None) -> list[UnitRow]:
    """Units with their place and number of active members, by desa, level, name."""
    p = database.param
    where, params = [], []
    if desa_code:
        where.append(f"u.desa_code = {p}")
        params.append(desa_code)
    if level:
        where.append(f"u.level = {p}")
        params.append(level)
    sql = ("SELECT u.id, u.level, u.name, u.desa_code, r.name, h.name, n.number, pu.name, "
           "u.sk_number, u.sk_date, u.active "
           "FROM unit u LEFT JOIN region r ON r.code = u.desa_code "
           "LEFT JOIN hamlet h ON h.id = u.hamlet_id "
           "LEFT JOIN neighbourhood n ON n.id = u.neighbourhood_id "
           "LEFT JOIN unit pu ON pu.id = u.parent_id"
           + (f" WHERE {' AND '.join(where)}" if where else ""))
    # One grouped pass over the cadres (a count per unit would rescan them per unit).
    plus = "+" if isinstance(database.obj, SqliteDatabase) else ""
    counts = dict(database.execute_sql(
        f"SELECT unit_id, COUNT(*) FROM cadre WHERE unit_id IS NOT NULL AND {plus}active = {p} "
        f"AND {plus}merged_into_id IS NULL GROUP BY unit_id", [True]).fetchall())
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    rows = []
    for (uid, lvl, name, desa, desa_name, hamlet, rt, parent, sk_number, sk_date,
         active) in database.execute_sql(sql, params):
        members = counts.get(uid, 0)
        if sk_date is not None and not isinstance(sk_date, dt.date):
            sk_date = dt.date.fromisoformat(str(sk_date)[:10])
        rows.append(UnitRow(uid, lvl, name, desa, desa_name, hamlet, rt, parent, sk_number,
                            sk_date, bool(active), members))
    rows.sort(key=lambda r: (r.desa_name or "", order.get(r.level, 9), r.name))
    return rows


def unit_board(unit_id: int) -> list[BoardMember]:
    """The active cadres of a unit, board first (Ketua, Sekretaris, Bendahara), then members."""
    from imp_desktop.data.models import POSITIONS, Cadre

    query = (Cadre.select(Cadre.id, Cadre.name, Cadre.position, Cadre.phone)
             .where((Cadre.unit == unit_id) & (Cadre.active == True)  # noqa: E712
                    & Cadre.merged_into.is_null()))
    rank = {position: i for i, position in enumerate(POSITIONS)}
    members = [BoardMember(c.id, c.name, c.position, c.phone) for c in query]
    return sorted(members, key=lambda m: (rank.get(m.position, len(POSITIONS)), m.name))


def set_unit_active(unit_id: int, active: bool) -> None:
    """Units are never deleted: one that stopped is marked inactive."""
    with database.atomic():
        unit = Unit.get_by_id(unit_id)
        unit.active = active
        unit.save()


def propose_unit_name(level: str, desa_name: str = "", dusun: str = "",
                      rt: str = "") -> str:
    """"PPKBD Duren", "Sub PPKBD Krajan", "Pok KB Krajan RT 003": the usual names."""
    dusun = dusun.removeprefix("Dusun ").strip()
    rt = pad_number(rt.removeprefix("RT").strip()) if rt else ""
    if level == LEVEL_PPKBD and desa_name:
        return f"{level_label(level)} {desa_name}"
    if level == LEVEL_SUB_PPKBD and dusun:
        return f"{level_label(level)} {dusun}"
    if level == LEVEL_KELOMPOK and dusun and rt:
        return f"{tr('unit.dialog.pok_prefix')} {dusun} RT {rt}"
    return ""


@dataclass(frozen=True)
class UnitProposal:
    """A unit the cadre dialog can create on the spot."""

    level: str
    name: str


def unit_proposals(desa_code: str | None, dusun: str = "", rt: str = "") -> list[UnitProposal]:
    """The units a cadre of this place could belong to and that do not exist yet,
    most specific (the RT's Kelompok KB) first."""
    if not desa_code:
        return []
    from imp_desktop.services.regions import get_region

    region = get_region(desa_code)
    desa_name = region.name if region else ""
    taken = {(unit.level, fold(unit.name)) for unit in units(desa_code)}
    result = []
    for level in (LEVEL_KELOMPOK, LEVEL_SUB_PPKBD, LEVEL_PPKBD):
        name = propose_unit_name(level, desa_name, dusun, rt)
        if name and (level, fold(name)) not in taken:
            result.append(UnitProposal(level, name))
    return result


def parent_for(level: str, desa_code: str, hamlet_id: int | None) -> int | None:
    """The unit a new one reports to: the desa's PPKBD, or its dusun's Sub PPKBD."""
    parent_level = PARENT_LEVEL.get(level)
    if parent_level is None:
        return None
    candidates = [unit for unit in units(desa_code, parent_level) if unit.active]
    if parent_level == LEVEL_SUB_PPKBD:
        candidates = [unit for unit in candidates if unit.hamlet_id == hamlet_id]
    return candidates[0].id if len(candidates) == 1 else None
