"""Gathers the data of each document from the database and renders it.

The renderers in ``imp_desktop.reports`` take plain dataclasses; this module
fills them from the registry, the activities and the assessments, and writes
the PDF file in one go. The window, the command line and the tests all come
through here.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from imp_desktop.data.models import LEVELS, Cadre, Hamlet, Region, Unit
from imp_desktop.errors import UserError
from imp_desktop.i18n import language, tr
from imp_desktop.reports.model import (
    CadreGroup,
    CadreListing,
    CadreRow,
    Letterhead,
    ReportSettings,
    Signatory,
)
from imp_desktop.services import settings as settings_service


# ---------------------------------------------------------------- common

def report_settings(lang: str | None = None) -> ReportSettings:
    """Paper, kop surat and author as the officer set them in Pengaturan."""
    kop = settings_service.get_letterhead()
    letterhead = None
    if kop.enabled and not kop.is_empty:
        letterhead = Letterhead(lines=list(kop.lines), address=kop.address, logo=kop.logo,
                                rule=kop.rule)
    officer = settings_service.get_officer()
    return ReportSettings(paper_size=settings_service.get_paper_size(), letterhead=letterhead,
                          author=officer.name, lang=lang or language(),
                          timezone=str(settings_service.get_setting("timezone") or "WIB"))


def region_name(code: str | None) -> str:
    if not code:
        return ""
    return Region.select(Region.name).where(Region.code == code).scalar() or ""


def officer_kecamatan() -> tuple[str | None, str]:
    officer = settings_service.get_officer()
    return officer.kecamatan_code, region_name(officer.kecamatan_code)


def desa_label(code: str, lang: str | None = None, name: str | None = None) -> str:
    """"Desa Duren" or "Kelurahan Sidomukti" (the code tells which)."""
    from imp_desktop.services.regions import is_kelurahan

    key = "report.kelurahan_line" if is_kelurahan(code) else "report.desa_line"
    return tr(key, lang, name=name if name is not None else region_name(code))


def officer_signatory(lang: str | None = None) -> Signatory:
    """"Penyuluh KB Kecamatan <kec>" with the officer's name and NIP."""
    officer = settings_service.get_officer()
    kecamatan = region_name(officer.kecamatan_code)
    title = tr("report.sign.officer", lang, kecamatan=kecamatan) if kecamatan \
        else tr("report.sign.officer_plain", lang)
    return Signatory(title=title, name=officer.name, nip=officer.nip)


def place_name() -> str:
    """The place on the date line: the officer's setting, else the kecamatan."""
    officer = settings_service.get_officer()
    return officer.place_name or region_name(officer.kecamatan_code)


def village_head_signatory(desa_code: str | None, lang: str | None = None) -> Signatory | None:
    """"Kepala Desa <desa>" (or "Lurah <kelurahan>") with the name set in Pengaturan."""
    if not desa_code:
        return None
    head = settings_service.get_village_head(desa_code)
    title = head.title or settings_service.default_head_title(desa_code)
    return Signatory(title=f"{title} {region_name(desa_code)}".strip(), name=head.name,
                     nip=head.nip)


def write_pdf(data: bytes, out: str | Path) -> Path:
    """Write the whole file at once: a half-written PDF never replaces a good one."""
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        out = out.with_suffix(out.suffix + ".pdf") if out.suffix else out.with_suffix(".pdf")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(tr("report.error.folder", path=str(folder)))
    handle, temp = tempfile.mkstemp(prefix=".imp-report-", suffix=".pdf", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, out)
    except PermissionError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(tr("report.error.locked", path=str(out))) from exc
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(tr("report.error.write", path=str(out),
                           detail=exc.strerror or str(exc))) from exc
    return out


# ---------------------------------------------------------------- Daftar Kader

def _address(cadre: Cadre, hamlet_names: dict[int, str]) -> str:
    """The typed address, completed with the dusun and RT/RW when it lacks them."""
    address = cadre.address or ""
    squeezed = address.replace(" ", "").upper()
    parts = [address] if address else []
    hamlet = hamlet_names.get(cadre.hamlet_id) if cadre.hamlet_id else None
    if hamlet and hamlet.upper() not in address.upper():
        parts.append(hamlet)
    rt_rw = "/".join(label for label in (
        f"RT {cadre.rt}" if cadre.rt and f"RT{cadre.rt}" not in squeezed else "",
        f"RW {cadre.rw}" if cadre.rw and f"RW{cadre.rw}" not in squeezed else "") if label)
    if rt_rw:
        parts.append(rt_rw)
    return ", ".join(parts)


def cadre_listing(desa_code: str | None = None, unit_id: int | None = None,
                  full_nik: bool = False, include_inactive: bool = False,
                  lang: str | None = None) -> CadreListing:
    """The cadres of one unit, one desa, or (neither given) of every desa, by unit."""
    levels = settings_service.level_labels()
    order = {level: index for index, level in enumerate(LEVELS)}
    units = Unit.select()
    if unit_id is not None:
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            raise UserError(tr("report.error.unit", id=unit_id))
        units = units.where(Unit.id == unit_id)
        desa_code = unit.desa_code
        scope = unit.name
    elif desa_code:
        if not Region.select().where(Region.code == desa_code).exists():
            raise UserError(tr("report.error.desa", code=desa_code))
        units = units.where(Unit.desa == desa_code)
        scope = desa_label(desa_code, lang)
    else:
        _, kecamatan = officer_kecamatan()
        scope = tr("report.kecamatan_line", lang, name=kecamatan) if kecamatan \
            else tr("report.cadres.all", lang)
    units = sorted(units, key=lambda u: (u.desa_code, order.get(u.level, 9), u.name))
    desa_names = dict(Region.select(Region.code, Region.name).where(Region.level == 4).tuples())
    hamlet_names = dict(Hamlet.select(Hamlet.id, Hamlet.name).tuples())
    many_desa = len({u.desa_code for u in units}) > 1

    query = Cadre.select().where(Cadre.merged_into.is_null())
    if not include_inactive:
        query = query.where(Cadre.active == True)  # noqa: E712 (peewee expression)
    if unit_id is not None:
        query = query.where(Cadre.unit == unit_id)
    elif desa_code:
        query = query.where(Cadre.desa == desa_code)
    position_order = {"ketua": 0, "sekretaris": 1, "bendahara": 2, "anggota": 3}
    by_unit: dict[int | None, list[Cadre]] = {}
    for cadre in query.iterator():
        by_unit.setdefault(cadre.unit_id, []).append(cadre)

    def rows(cadres: list[Cadre]) -> list[CadreRow]:
        cadres.sort(key=lambda c: (position_order.get(c.position or "anggota", 4), c.name))
        return [CadreRow(name=c.name, nik=c.nik, sex=c.sex, birth_place=c.birth_place,
                         birth_date=c.birth_date,
                         position=tr(f"position.{c.position}", lang) if c.position else "",
                         address=_address(c, hamlet_names), phone=c.phone,
                         education=c.education, active=c.active)
                for c in cadres]

    groups = []
    for unit in units:
        name = unit.name
        if many_desa:
            name = f"{name} ({desa_label(unit.desa_code, lang, desa_names.get(unit.desa_code))})"
        groups.append(CadreGroup(unit_name=name, level=levels.get(unit.level, unit.level),
                                 sk_number=unit.sk_number,
                                 rows=rows(by_unit.pop(unit.id, []))))
    # Cadres without a unit (or whose unit lies in another desa) close the list.
    loose = [cadre for cadres in by_unit.values() for cadre in cadres]
    if loose:
        groups.append(CadreGroup(unit_name=tr("report.cadres.no_unit", lang), rows=rows(loose)))
    return CadreListing(scope=scope, kecamatan_name=officer_kecamatan()[1], groups=groups,
                        full_nik=full_nik, date=dt.date.today(), place_name=place_name(),
                        officer=officer_signatory(lang))


def cadre_list_pdf(desa_code: str | None = None, unit_id: int | None = None,
                   full_nik: bool = False, lang: str | None = None) -> bytes:
    from imp_desktop.reports import render_cadre_list

    listing = cadre_listing(desa_code, unit_id, full_nik, lang=lang)
    return render_cadre_list(listing, report_settings(lang))


# ---------------------------------------------------------------- activities and roles
# Filled from services.activities and services.roles as soon as those exist; until
# then the documents say plainly that the data is not available.

def _service(name: str, message_key: str):
    import importlib

    try:
        return importlib.import_module(f"imp_desktop.services.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"imp_desktop.services.{name}":
            raise
        raise UserError(tr(message_key)) from exc


def activity_report_pdf(activity_id: int, lang: str | None = None) -> bytes:
    _service("activities", "report.error.no_activities")
    raise UserError(tr("report.error.no_activities"))


def attendance_pdf(activity_id: int, blank: bool = False, lang: str | None = None) -> bytes:
    _service("activities", "report.error.no_activities")
    raise UserError(tr("report.error.no_activities"))


def role_recap_pdf(desa_code: str | None = None, period: tuple[int, int] | None = None,
                   lang: str | None = None) -> bytes:
    _service("roles", "report.error.no_roles")
    raise UserError(tr("report.error.no_roles"))


def assessment_sheet_pdf(assessment_id: int | None = None, unit_id: int | None = None,
                         blank: bool = False, lang: str | None = None) -> bytes:
    _service("roles", "report.error.no_roles")
    raise UserError(tr("report.error.no_roles"))
