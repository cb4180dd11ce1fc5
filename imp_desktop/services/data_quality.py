"""Cadre records that need completing: no NIK, an impossible NIK, no unit.

One definition for the home screen's counts and the Kader list's filter, so a
count and the list it opens always agree.
"""
from __future__ import annotations

from imp_desktop.data.models import Cadre
from imp_desktop.nik import check_nik

NO_NIK, INVALID_NIK, NO_UNIT = "no_nik", "invalid_nik", "no_unit"
PROBLEMS = (NO_NIK, INVALID_NIK, NO_UNIT)


def _any_region(_code: str) -> bool:
    return True  # an unknown region is only a warning; it does not make a NIK invalid


def nik_is_invalid(nik: str | None) -> bool:
    """A NIK that is filled in but cannot be a NIK (length, digits, date, serial)."""
    return bool(nik) and not check_nik(nik, region_known=_any_region).ok


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


def invalid_nik_ids() -> list[int]:
    """Ids of every cadre (any status) whose NIK cannot be a NIK."""
    query = (Cadre.select(Cadre.id, Cadre.nik)
             .where(Cadre.nik.is_null(False) & (Cadre.nik != "")).tuples())
    return [cadre_id for cadre_id, nik in query.iterator() if nik_is_invalid(nik)]
