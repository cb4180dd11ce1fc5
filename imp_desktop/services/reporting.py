"""Gathers the data of each document from the database and renders it.

The renderers in ``imp_desktop.reports`` take plain dataclasses; this module
fills them from the registry, the activities and the assessments, and writes
the PDF file in one go. The window, the command line and the tests all come
through here.
"""
from __future__ import annotations

import dataclasses

import datetime as dt
from pathlib import Path

from imp_desktop.data.models import LEVELS, Cadre, Hamlet, Region, Unit
from imp_desktop.errors import UserError
from imp_desktop.fileio import refuse_database_target, write_bytes_atomically
from imp_desktop.i18n import language, tr
from imp_desktop.reports.model import (
    CadreGroup,
    CadreListing,
    CadreRow,
    Letterhead,
    ReportSettings,
    Signatory,
)
from imp_desktop.services import regions
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


def kop_lines(lines: list[str], address: str = ""):
    """The kop's lines as they print (``reports.base.KopLine``): the setup preview
    draws the same list as the PDF."""
    from imp_desktop.reports.base import kop_lines as printed

    return printed(lines, address)


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
    """The officer's jabatan from the setup ("Penyuluh KB Ahli Muda", with the
    kecamatan on the next line), else "Penyuluh KB Kecamatan <kec>"; name and NIP."""
    officer = settings_service.get_officer()
    kecamatan = region_name(officer.kecamatan_code)
    jabatan = " ".join((officer.title or "").split())
    if jabatan:
        title = jabatan
        if kecamatan and kecamatan.lower() not in jabatan.lower():
            title += "\n" + tr("report.kecamatan_line", lang, name=kecamatan)
    elif kecamatan:
        title = tr("report.sign.officer", lang, kecamatan=kecamatan)
    else:
        title = tr("report.sign.officer_plain", lang)
    return Signatory(title=title, name=officer.name, nip=officer.nip, officer=True)


def place_name() -> str:
    """The place on the date line: the officer's setting, else the kecamatan."""
    officer = settings_service.get_officer()
    return officer.place_name or region_name(officer.kecamatan_code)


def village_head_signatory(desa_code: str | None, lang: str | None = None,
                           guests=()) -> Signatory | None:
    """"Kepala Desa <desa>" (or "Lurah <kelurahan>"): the village head among the
    activity's guests (``ParticipantRow``), else the one set for the desa."""
    if not desa_code:
        return None
    head = settings_service.get_village_head(desa_code)
    title = head.title or regions.default_head_title(desa_code)
    name, nip = head.name, head.nip
    guest = village_head_guest(guests)
    if guest is not None:
        name, nip = guest.name, None if guest.name != head.name else head.nip
    return Signatory(title=f"{title} {region_name(desa_code)}".strip(), name=name, nip=nip)


_HEAD_POSITIONS = ("kepala desa", "kades", "lurah", "kepala kelurahan")


def village_head_guest(guests):
    """The guest whose position is Kepala Desa/Lurah (who came, when several)."""
    from imp_desktop.services.text import fold

    def is_head(position: str) -> bool:
        position = " ".join(fold(position or "").split())
        return any(position == p or position.startswith(p + " ") for p in _HEAD_POSITIONS)

    heads = [row for row in guests if row.is_guest and row.name.strip() and is_head(row.position)]
    present = [row for row in heads if row.status in (None, "hadir")]
    return (present or heads or [None])[0]


def village_head_known(activity_id: int) -> bool:
    """Whether the Laporan Kegiatan has a name for "Mengetahui" (a guest or the
    desa's record); the window asks for it only when not."""
    from imp_desktop.services import activities

    detail = activities.get_activity(activity_id)
    if not detail.desa_code:
        return True
    signer = village_head_signatory(detail.desa_code, guests=detail.participants)
    return bool(signer and signer.name.strip())


def printed(data, render, record: str, title: str, sources=(), lang: str | None = None,
            settings: ReportSettings | None = None, sign_with=None,
            listing: tuple[str, dict] | None = None) -> bytes:
    """Render ``data`` as a printout of ``record`` (a uuid, or a region code) and
    write it to the print log: the QR code carries the record, this installation
    and today; ``sources`` are the uuids of the other records the document shows
    (a later change to one of them makes the printout "berubah"); ``listing``,
    (name, arguments) from ``services/listings.LISTS``, the list of records it
    prints (one added to it or removed from it later makes it "berubah" too). With
    ``sign_with`` (``tte.Credentials``) the officer's signature field is signed."""
    from imp_desktop.data.sync import installation_id
    from imp_desktop.reports.base import document_stamp
    from imp_desktop.reports.model import PrintOrigin
    from imp_desktop.services import printlog

    settings = settings or report_settings(lang)
    installation = installation_id()
    settings.origin = PrintOrigin(record=record, installation=installation,
                                  printed_on=dt.date.today())
    pdf = render(data, settings)
    if sign_with is not None:
        from imp_desktop.services import tte

        field = tte.officer_field(settings.signature_fields)
        if field is None:
            raise UserError(tr("tte.error.no_officer_field"))
        pdf = tte.sign_pdf(pdf, sign_with, field, lang)
    listed = ""
    if listing is not None:
        from imp_desktop.services import listings

        listed = listings.listing(listing[0], **listing[1])
    printlog.record_print(document_stamp(data), record, title, sources, installation, listed)
    return pdf


def _uuids(model, ids) -> list[str]:
    from imp_desktop.data.sync import chunks

    found = []
    for chunk in chunks(sorted({i for i in ids if i is not None})):
        found += [u for (u,) in model.select(model.uuid).where(model.id.in_(chunk)).tuples()]
    return found


def write_pdf(data: bytes, out: str | Path) -> Path:
    """Write the whole file at once: a half-written PDF never replaces a good one."""
    return write_file(data, out, ".pdf")


def write_file(data: bytes, out: str | Path, suffix: str) -> Path:
    """Write a document (``suffix`` ".pdf", ".xlsx") whole, or leave the old one
    (``fileio.write_bytes_atomically``); a path naming the open database is refused."""
    from imp_desktop.data.db import database_file

    out = Path(out)
    refuse_database_target(out, database_file())    # as typed, before the suffix is added
    if out.suffix.lower() != suffix:
        out = out.with_suffix(out.suffix + suffix) if out.suffix else out.with_suffix(suffix)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(tr("report.error.folder", path=str(folder)))
    try:
        write_bytes_atomically(out, data)
    except UserError as exc:
        if isinstance(exc.__cause__, PermissionError) and out.exists():
            raise UserError(tr("report.error.locked", path=str(out))) from exc
        raise
    return out


# ---------------------------------------------------------------- PDF or Excel

PDF, XLSX = "pdf", "xlsx"


def format_of(path: str | Path | None) -> str:
    """``xlsx`` for a file name ending in .xlsx, else ``pdf``."""
    return XLSX if path and str(path).lower().endswith(".xlsx") else PDF


def _pdf_renderer(document):
    from imp_desktop import reports
    from imp_desktop.reports import model, monthly

    renderers = {
        model.ActivityReport: reports.render_activity_report,
        model.AttendanceSheet: reports.render_attendance,
        model.CadreListing: reports.render_cadre_list,
        model.RoleRecap: reports.render_role_recap,
        model.AssessmentSheet: reports.render_assessment_sheet,
        model.MonthlyUnitReport: monthly.render_monthly_unit_report,
        model.MonthlyRecap: monthly.render_monthly_recap,
        model.CoverageReport: monthly.render_coverage,
        model.PaperRegister: monthly.render_paper_register,
    }
    return renderers[type(document)]


def monthly_settings(lang: str | None = None) -> ReportSettings:
    """The program's report settings on the monthly documents' paper (F4 by default)."""
    from imp_desktop.services import monthly

    return dataclasses.replace(report_settings(lang), paper_size=monthly.paper_size())


def _is_monthly(document) -> bool:
    from imp_desktop.reports import model

    return isinstance(document, (model.MonthlyUnitReport, model.MonthlyRecap,
                                 model.CoverageReport, model.PaperRegister))


def render(document, fmt: str = PDF, lang: str | None = None) -> bytes:
    """A document dataclass as PDF or XLSX bytes, with this installation's settings
    (the monthly documents on their own paper, F4 by default)."""
    if _is_monthly(document):
        settings = monthly_settings(lang)
    else:
        settings = report_settings(lang)
    if fmt == XLSX:
        from imp_desktop.reports.xlsx import render_xlsx

        return render_xlsx(document, settings)
    return _pdf_renderer(document)(document, settings)


def write_document(data: bytes, out: str | Path, fmt: str = PDF) -> Path:
    return write_file(data, out, ".xlsx" if fmt == XLSX else ".pdf")


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
                   full_nik: bool = False, lang: str | None = None, sign_with=None) -> bytes:
    from imp_desktop.reports import render_cadre_list

    listing = cadre_listing(desa_code, unit_id, full_nik, lang=lang)
    # What the list shows: its units and cadres (read again: the listing has names only).
    units = Unit.select(Unit.id)
    cadres = Cadre.select(Cadre.id).where(Cadre.merged_into.is_null() & (Cadre.active == True))  # noqa: E712
    if unit_id is not None:
        record = Unit.get_by_id(unit_id).uuid
        units, cadres = units.where(Unit.id == unit_id), cadres.where(Cadre.unit == unit_id)
        scope = {"unit": record}
    elif desa_code:
        record = desa_code
        units, cadres = units.where(Unit.desa == desa_code), cadres.where(Cadre.desa == desa_code)
        scope = {"desa": desa_code}
    else:
        record = officer_kecamatan()[0] or ""
        scope = {}
    sources = _uuids(Unit, [u.id for u in units]) + _uuids(Cadre, [c.id for c in cadres])
    return printed(listing, render_cadre_list, record, listing.scope, sources, lang,
                   sign_with=sign_with, listing=("cadres", scope))


# ---------------------------------------------------------------- activities

def _period_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _participants(rows) -> list:
    from imp_desktop.reports.model import Participant

    return [Participant(name=row.name, role=row.role_text, level=row.level,
                        status=row.status, official=row.is_guest,
                        pre_score=row.pre_score, post_score=row.post_score, note=row.note)
            for row in rows]


def _photo(info):
    from imp_desktop.reports.model import Photo

    from imp_desktop.services import photos

    try:
        data = photos.read_bytes(info.file_name)     # clear bytes, drawn from memory
    except UserError:
        data = b""          # printed as "the photo cannot be read", never a crash
    return Photo(image=data, caption=info.caption)


def activity_report(activity_id: int, lang: str | None = None):
    """The Laporan Kegiatan of one activity, from the activity record."""
    from imp_desktop.reports.model import ActivityReport
    from imp_desktop.services import activities

    detail = activities.get_activity(activity_id)
    engagement = ""
    if detail.engagement_rating:
        engagement = activities.engagement_label(detail.engagement_rating)
        if detail.engagement_note.strip():
            engagement += ". " + detail.engagement_note.strip()
    elif detail.engagement_note.strip():
        engagement = detail.engagement_note.strip()
    recap = None
    if detail.desa_code:
        recap = desa_role_summary(detail.desa_code, detail.date, lang)
    return ActivityReport(
        title=detail.title, date=detail.date, start_time=detail.start_time,
        end_time=detail.end_time, time_zone=detail.time_zone or "WIB", venue=detail.place,
        desa_name=detail.desa_name, kecamatan_name=detail.kecamatan_name,
        background=detail.background, purpose=detail.aims, legal_basis=detail.legal_basis,
        participants_note=detail.participants_note, speakers=detail.speakers,
        agenda=detail.agenda, funding_source=detail.funding_source or "",
        funding_amount=detail.funding_amount, results=detail.results, engagement=engagement,
        supporting_factors=detail.supporting_factors,
        inhibiting_factors=detail.inhibiting_factors, conclusion=detail.conclusions,
        suggestions=detail.suggestions, follow_up=detail.follow_up, closing=detail.closing,
        participants=_participants(detail.participants),
        photos=[_photo(info) for info in detail.photos],
        role_recap=recap, level_labels=settings_service.level_labels(),
        village_head=village_head_signatory(detail.desa_code, lang, detail.participants),
        officer=officer_signatory(lang), place_name=place_name(), signed_on=detail.date)


def _activity_sources(activity_id: int) -> tuple[str, list[str]]:
    """The activity's uuid and those of its participants' cadres (the participants
    and photos themselves belong to the activity)."""
    from imp_desktop.data.models import Activity, Participant

    record = Activity.select(Activity.uuid).where(Activity.id == activity_id).scalar() or ""
    cadre_ids = [c for (c,) in Participant.select(Participant.cadre).where(
        Participant.activity == activity_id).tuples()]
    return record, _uuids(Cadre, cadre_ids)


def activity_report_pdf(activity_id: int, lang: str | None = None, sign_with=None) -> bytes:
    from imp_desktop.reports import render_activity_report

    report = activity_report(activity_id, lang)
    record, sources = _activity_sources(activity_id)
    return printed(report, render_activity_report, record, report.title, sources, lang,
                   sign_with=sign_with,
                   listing=("activity", {"activity": record, "photos": True, "recap": True}))


def attendance_sheet(activity_id: int, blank: bool = False, lang: str | None = None):
    """Daftar Hadir of an activity: blank (statuses left out, rows for guests) or filled."""
    from imp_desktop.reports.model import AttendanceSheet
    from imp_desktop.services import activities

    detail = activities.get_activity(activity_id)
    people = _participants(detail.participants)
    if blank:
        for person in people:
            person.status, person.pre_score, person.post_score = None, None, None
    return AttendanceSheet(
        title=detail.title, date=detail.date, start_time=detail.start_time,
        end_time=detail.end_time, time_zone=detail.time_zone or "WIB", venue=detail.place,
        desa_name=detail.desa_name, kecamatan_name=detail.kecamatan_name,
        participants=people, blank=blank, guest_rows=max(5, min(15, len(people) // 4)),
        officer=officer_signatory(lang), place_name=place_name())


def attendance_pdf(activity_id: int, blank: bool = False, lang: str | None = None,
                   sign_with=None) -> bytes:
    from imp_desktop.reports import render_attendance

    sheet = attendance_sheet(activity_id, blank, lang)
    record, sources = _activity_sources(activity_id)
    return printed(sheet, render_attendance, record, sheet.title, sources, lang,
                   sign_with=sign_with, listing=("activity", {"activity": record}))


# ---------------------------------------------------------------- Enam Peran Bakti

def _unit_rows(summary) -> list:
    """The recap's units, row by row, as printed (from ``roles.recap()``, as on screen)."""
    from imp_desktop.reports.model import RoleRecapRow

    rows = []
    for unit in summary.units:
        row = RoleRecapRow(unit_name=unit.name, level=unit.level_label,
                           desa_name=unit.desa_name)
        if unit.assessment_id is not None:
            row.assessed_on = unit.assessed_on
            row.role_scores = list(unit.role_percents)
            row.role_fulfilled = list(unit.role_fulfilled)
            row.roles_fulfilled = unit.roles_fulfilled
            row.classification = unit.classification_label
        rows.append(row)
    return rows


def _rule_notes(versions, lang: str | None) -> str:
    from imp_desktop.services import roles

    by_version = {rule.version: rule for rule in roles.rule_versions()}
    return " ".join(by_version[v].describe(lang) for v in versions if v in by_version)


def desa_role_summary(desa_code: str, day: dt.date, lang: str | None = None):
    """The units of a desa with their checklists in the month of ``day``; None when
    none of them was assessed then (the Laporan Kegiatan then has no such attachment)."""
    from imp_desktop.reports.model import RoleRecap
    from imp_desktop.services import roles

    summary = roles.recap(desa_code, _period_key(day), lang)
    if not summary.assessments:
        return None
    return RoleRecap(scope=desa_label(desa_code, lang), period=summary.period_label,
                     role_names=[roles.role_name(code, lang) for code in roles.ROLE_CODES],
                     rows=_unit_rows(summary), assessed=summary.assessments,
                     rule_note=_rule_notes(summary.rule_versions, lang))


def _recap_summary(desa_code: str | None, period, lang: str | None):
    """The roles service's ``Recap`` of a desa, or of the officer's kecamatan."""
    from imp_desktop.services import roles

    if desa_code:
        if not Region.select().where(Region.code == desa_code).exists():
            raise UserError(tr("report.error.desa", code=desa_code))
        region_code = desa_code
    else:
        region_code, _ = officer_kecamatan()
        if not region_code:
            raise UserError(tr("report.error.no_kecamatan"))
    if isinstance(period, tuple):
        key = f"{period[0]:04d}-{period[1]:02d}"
    else:
        key = period or roles.latest_period(region_code)
    if not key:
        raise UserError(tr("report.error.no_assessments"))
    return roles.recap(region_code, key, lang)


def role_recap(desa_code: str | None = None, period: tuple[int, int] | str | None = None,
               lang: str | None = None):
    """Rekap Peran Bakti of a desa, or of the officer's kecamatan when no desa is given."""
    return role_recap_from(_recap_summary(desa_code, period, lang), lang)


def role_recap_from(summary, lang: str | None = None):
    """A Rekap Peran Bakti from the roles service's ``Recap`` (the Peran screen's view)."""
    from imp_desktop.reports.model import ClassCount, RoleRecap, UnmetLine
    from imp_desktop.services import roles

    region_code = summary.region_code

    def count(row) -> ClassCount:
        return ClassCount(row.label, row.dasar, row.berkembang, row.mandiri, row.not_assessed)

    scope = desa_label(region_code, lang) if summary.scope == "desa" else \
        tr("report.kecamatan_line", lang, name=summary.region_name)
    catalogue = ""
    if summary.catalogue_versions:
        catalogue = tr("report.roles.catalogue_note", lang,
                       versions=", ".join(str(v) for v in summary.catalogue_versions))
    return RoleRecap(
        scope=scope, period=summary.period_label,
        role_names=[roles.role_name(code, lang) for code in roles.ROLE_CODES],
        by_level=[count(row) for row in summary.by_level],
        # A desa without IMP units would print a line of zeros: it is left out.
        by_desa=[count(row) for row in summary.by_desa if count(row).total],
        total=count(summary.total),
        roles_fulfilled=[role.fulfilled for role in summary.roles],
        assessed=summary.assessments, rows=_unit_rows(summary),
        unmet=[UnmetLine(line.role_number, line.text, line.unmet, line.assessed)
               for line in summary.unmet],
        rule_note=_rule_notes(summary.rule_versions, lang), catalogue_note=catalogue,
        kecamatan_name=summary.kecamatan_name, date=dt.date.today(), place_name=place_name(),
        officer=officer_signatory(lang))


def role_recap_pdf(desa_code: str | None = None, period: tuple[int, int] | str | None = None,
                   lang: str | None = None, sign_with=None) -> bytes:
    return role_recap_pdf_from(_recap_summary(desa_code, period, lang), lang, sign_with)


def role_recap_pdf_from(summary, lang: str | None = None, sign_with=None) -> bytes:
    """The Rekap Peran Bakti PDF of the roles service's ``Recap`` (the Peran
    screen prints exactly what it shows), written to the print log."""
    from imp_desktop.data.models import Assessment
    from imp_desktop.reports import render_role_recap

    recap = role_recap_from(summary, lang)
    region = summary.region_code
    units = Unit.select(Unit.id).where(
        (Unit.desa == region) | Unit.desa.startswith(region + "."))
    unit_ids = [u.id for u in units]
    assessments = []
    for chunk_start in range(0, len(unit_ids), 500):
        chunk = unit_ids[chunk_start:chunk_start + 500]
        assessments += [a.id for a in Assessment.select(Assessment.id).where(
            (Assessment.period == summary.period) & Assessment.unit.in_(chunk))]
    sources = _uuids(Unit, unit_ids) + _uuids(Assessment, assessments)
    return printed(recap, render_role_recap, region, f"{recap.scope} {recap.period}",
                   sources, lang, sign_with=sign_with,
                   listing=("roles", {"region": region, "period": summary.period}))


def _evidence_text(activity_id: int | None, photo: str | None, lang: str | None) -> str:
    parts = []
    if activity_id:   # a foreign key: deleting the activity clears the link
        from imp_desktop.data.models import Activity
        from imp_desktop.formatting import format_date

        row = Activity.get_or_none(Activity.id == activity_id)
        if row is not None:
            parts.append(tr("report.sheet.evidence_activity", lang, title=row.title,
                            date=format_date(row.date, lang=lang)))
    if photo:
        parts.append(tr("report.sheet.evidence_photo", lang))
    return "; ".join(parts)


def assessment_sheet(assessment_id: int | None = None, unit_id: int | None = None,
                     blank: bool = False, period: str | None = None, lang: str | None = None):
    """The checklist of one unit: a saved assessment, or blank for use in the field."""
    from imp_desktop.services import roles

    if blank or assessment_id is None:
        return assessment_sheet_from(roles.blank_sheet(unit_id, period, lang), lang)
    return assessment_sheet_from(roles.get_assessment(assessment_id, lang), lang)


def assessment_sheet_from(source, lang: str | None = None):
    """The printable sheet from the roles service's ``AssessmentSheet`` (blank when it
    has no id)."""
    from imp_desktop.reports.model import (
        AssessmentIndicator,
        AssessmentRole,
        AssessmentSheet,
    )

    blank = source.id is None
    english = (lang or language()) == "en"
    sheet_roles = []
    for role in source.roles:
        indicators = [AssessmentIndicator(
            line.text(lang), None if blank else line.met, "" if blank else (line.note or ""),
            "" if blank else _evidence_text(line.evidence_activity_id, line.evidence_photo, lang))
            for line in role.lines]
        sheet_roles.append(AssessmentRole(
            role.number, role.name_en if english else role.name_id, indicators,
            None if blank else role.percent, None if blank else role.fulfilled))
    unit_head = None
    if source.unit_id:
        ketua = (Cadre.select(Cadre.name).where((Cadre.unit == source.unit_id)
                                               & (Cadre.position == "ketua") & Cadre.active)
                 .scalar())
        unit_head = Signatory(title=tr("report.sheet.head_of", lang, unit=source.unit_name),
                              name=ketua or "")
    officer = officer_signatory(lang)
    if not blank and source.assessor:
        if source.assessor != officer.name:
            officer = Signatory(title="", name=source.assessor)
    level = settings_service.level_label(source.unit_level) if source.unit_level else ""
    return AssessmentSheet(
        unit_name=source.unit_name, level=level, desa_name=source.desa_name,
        kecamatan_name=source.kecamatan_name, period_label=source.period_label,
        date=None if blank else source.assessed_on, roles=sheet_roles,
        classification=None if blank else source.classification_label,
        roles_fulfilled=None if blank else source.roles_fulfilled,
        rule_note=source.rule_text,
        catalogue_note=tr("report.roles.catalogue_note", lang,
                          versions=str(source.catalogue_version)),
        blank=blank, assessor=officer, unit_head=unit_head, place_name=place_name())


def assessment_sheet_pdf(assessment_id: int | None = None, unit_id: int | None = None,
                         blank: bool = False, period: str | None = None,
                         lang: str | None = None, sign_with=None) -> bytes:
    from imp_desktop.reports import render_assessment_sheet

    from imp_desktop.data.models import Assessment

    sheet = assessment_sheet(assessment_id, unit_id, blank, period, lang)
    record, sources = "", []
    if not sheet.blank and assessment_id is not None:
        assessment = Assessment.get_or_none(Assessment.id == assessment_id)
        if assessment is not None:
            record, unit_id = assessment.uuid, assessment.unit_id
    unit_uuid = None
    if unit_id is not None:
        unit_uuid = Unit.select(Unit.uuid).where(Unit.id == unit_id).scalar()
        if unit_uuid:
            if record:
                sources.append(unit_uuid)
            else:
                record = unit_uuid
    title = " · ".join(part for part in (sheet.unit_name, sheet.period_label) if part)
    scope = {"unit": unit_uuid, "period": period} if sheet.blank or not record \
        else {"assessment": record}
    return printed(sheet, render_assessment_sheet, record, title, sources, lang,
                   sign_with=sign_with, listing=("assessment", scope))


# ---------------------------------------------------------------- choices for the Laporan screen

def activity_choices() -> list[tuple[int, str]]:
    """(id, "27/11/2026 · Title · Desa") of every activity, newest first."""
    from imp_desktop.formatting import format_short_date
    from imp_desktop.services import activities

    return [(item.id, " · ".join(part for part in (format_short_date(item.date), item.title,
                                                    item.desa_name) if part))
            for item in activities.list_activities()]


def desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa the officer covers (all known desa of the kecamatan)."""
    from imp_desktop.services import first_run

    return first_run.work_desa_choices()


def unit_choices(desa_code: str) -> list[tuple[int, str]]:
    from imp_desktop.services.units import units

    return [(unit.id, unit.name) for unit in units(desa_code) if unit.active]


def period_choices() -> list[tuple[str, str]]:
    """(key, label) of the periods that have assessments, newest first; the current
    month when there are none yet (for blank sheets)."""
    from imp_desktop.services import roles

    keys = roles.assessed_periods() or [_period_key(dt.date.today())]
    return [(key, roles.parse_period(key).label()) for key in keys]


def assessment_for(unit_id: int, period: str) -> int | None:
    from imp_desktop.services import roles

    return roles.find_assessment(unit_id, period)
