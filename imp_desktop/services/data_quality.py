"""Cadre records that need completing: no NIK, an impossible NIK, no unit.

One definition for the home screen's counts and the Kader list's filter, so a
count and the list it opens always agree.
"""
from __future__ import annotations

from imp_desktop.data.models import Cadre, database
from imp_desktop.nik import check_nik

NO_NIK, INVALID_NIK, NO_UNIT = "no_nik", "invalid_nik", "no_unit"
PROBLEMS = (NO_NIK, INVALID_NIK, NO_UNIT)


def _any_region(_code: str) -> bool:
    return True  # an unknown region is only a warning; it does not make a NIK invalid


def _surely_valid(nik: str) -> bool:
    """A fast test that implies ``check_nik(nik).ok``: 16 digits, a serial that is
    not 0000, a month 01-12 and a day that exists in every month (1-28, or 41-68
    for women). Only the rest goes through the full check (district-sized lists
    hold tens of thousands of NIKs)."""
    if len(nik) != 16 or not nik.isdigit() or nik[12:] == "0000":
        return False
    day, month = int(nik[6:8]), int(nik[8:10])
    return 1 <= month <= 12 and (1 <= day <= 28 or 41 <= day <= 68)


def nik_is_invalid(nik: str | None) -> bool:
    """A NIK that is filled in but cannot be a NIK (length, digits, date, serial)."""
    if not nik or _surely_valid(nik):
        return False
    return not check_nik(nik, region_known=_any_region).ok


def incomplete_cadres() -> dict[str, list[int]]:
    """Ids of active (not merged) cadres with each problem."""
    result: dict[str, list[int]] = {key: [] for key in PROBLEMS}
    query = (Cadre.select(Cadre.id, Cadre.nik, Cadre.unit)
             .where((Cadre.active == True) & Cadre.merged_into.is_null())  # noqa: E712
             .tuples())
    for cadre_id, nik, unit_id in query.iterator():
        if not nik:
            result[NO_NIK].append(cadre_id)
        elif nik_is_invalid(nik):
            result[INVALID_NIK].append(cadre_id)
        if unit_id is None:
            result[NO_UNIT].append(cadre_id)
    return result


def invalid_nik_ids(active_only: bool = False) -> list[int]:
    """Ids of cadres (any status, or active ones) whose NIK cannot be a NIK."""
    where = Cadre.nik.is_null(False) & (Cadre.nik != "") & Cadre.merged_into.is_null()
    if active_only:
        where &= Cadre.active == True  # noqa: E712
    sql, params = Cadre.select(Cadre.id, Cadre.nik).where(where).sql()
    # A plain cursor: at 50,000 cadres peewee's row wrapping would cost more than the check.
    cursor = database.execute_sql(sql, params)
    return [cadre_id for cadre_id, nik in cursor if nik_is_invalid(nik)]


def incomplete_counts() -> dict[str, int]:
    """How many active cadres have each problem (counted in SQL where it can be)."""
    active = (Cadre.active == True) & Cadre.merged_into.is_null()  # noqa: E712
    return {
        NO_NIK: Cadre.select().where(active & (Cadre.nik.is_null() | (Cadre.nik == ""))).count(),
        INVALID_NIK: len(invalid_nik_ids(active_only=True)),
        NO_UNIT: Cadre.select().where(active & Cadre.unit.is_null()).count(),
    }
