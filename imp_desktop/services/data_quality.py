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


_LONG_MONTHS = (1, 3, 5, 7, 8, 10, 12)


def _surely_valid(nik: str) -> bool:
    """A fast test that implies ``check_nik(nik).ok``: 16 digits, a serial that is
    not 0000, a month 01-12 and a day that exists in that month in any year (1-28,
    29-30 but in February, 31 in the long months; 40 more for women). Only the
    rest goes through the full check (district-sized lists hold 200,000 NIKs)."""
    if len(nik) != 16 or not nik.isdigit() or nik[12:] == "0000":
        return False
    day, month = int(nik[6:8]), int(nik[8:10])
    day = day - 40 if day > 40 else day
    return 1 <= month <= 12 and (1 <= day <= 28 or (day in (29, 30) and month != 2)
                                 or (day == 31 and month in _LONG_MONTHS))


def _digits_sql() -> str:
    from peewee import PostgresqlDatabase

    if isinstance(database.obj, PostgresqlDatabase):
        return "translate(nik, '0123456789', '') = ''"
    return "nik NOT GLOB '*[^0-9]*'"


# ``not _surely_valid(nik)`` in SQL, so that only those NIKs are read and checked in
# Python. On PostgreSQL migration 18 keeps a partial index of exactly these cadres
# (its copy of this text must stay equal: tests/test_district_scale.py).
NIK_TO_CHECK = (
    "NOT (length(nik) = 16 AND {digits} AND substr(nik, 13, 4) <> '0000' "
    "AND substr(nik, 9, 2) BETWEEN '01' AND '12' "
    "AND (substr(nik, 7, 2) BETWEEN '01' AND '28' OR substr(nik, 7, 2) BETWEEN '41' AND '68' "
    "OR (substr(nik, 7, 2) IN ('29', '30', '69', '70') AND substr(nik, 9, 2) <> '02') "
    "OR (substr(nik, 7, 2) IN ('31', '71') "
    "AND substr(nik, 9, 2) IN ('01', '03', '05', '07', '08', '10', '12'))))")


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


def nik_candidates_query(active_only: bool = False) -> tuple[str, list]:
    """SQL and parameters of the cadres whose NIK is to be checked in full."""
    from peewee import SQL

    where = Cadre.nik.is_null(False) & (Cadre.nik != "") & Cadre.merged_into.is_null()
    if active_only:
        where &= Cadre.active == True  # noqa: E712
    where &= SQL(NIK_TO_CHECK.format(digits=_digits_sql()))
    return Cadre.select(Cadre.id, Cadre.nik).where(where).sql()


def invalid_nik_ids(active_only: bool = False) -> list[int]:
    """Ids of cadres (any status, or active ones) whose NIK cannot be a NIK."""
    # A plain cursor: at 50,000 cadres peewee's row wrapping would cost more than the check.
    cursor = database.execute_sql(*nik_candidates_query(active_only))
    return [cadre_id for cadre_id, nik in cursor if nik_is_invalid(nik)]


def incomplete_counts() -> dict[str, int]:
    """How many active cadres have each problem (counted in SQL where it can be)."""
    active = (Cadre.active == True) & Cadre.merged_into.is_null()  # noqa: E712
    return {
        NO_NIK: Cadre.select().where(active & (Cadre.nik.is_null() | (Cadre.nik == ""))).count(),
        INVALID_NIK: len(invalid_nik_ids(active_only=True)),
        NO_UNIT: Cadre.select().where(active & Cadre.unit.is_null()).count(),
    }
