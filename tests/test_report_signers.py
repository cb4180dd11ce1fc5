"""Who signs the Laporan Kegiatan: the Kepala Desa among the guests, else the desa's
record; the officer with the jabatan chosen in the setup."""
import datetime as dt

from imp_desktop.services import activities, reporting, roles
from imp_desktop.services import settings as settings_service
from report_helpers import pdf_text

DUREN = "33.22.02.2001"


def _activity(guests=()) -> int:
    invited = activities.cadres_for_invitation(DUREN)[:4]
    invited += [activities.guest_row(name, position) for name, position in guests]
    for row in invited:
        row.status = "hadir"
    data = activities.ActivityInput(title="Pembinaan Kader IMP", date=dt.date(2026, 11, 27),
                                    desa_code=DUREN, place="Balai Desa")
    return activities.save_activity(data, invited)


def test_the_kepala_desa_among_the_guests_signs(demo_db):
    settings_service.save_village_head(settings_service.VillageHead(DUREN, ""))
    ident = _activity([("Bambang Supriyadi", "Kepala Desa"), ("Bd. Ratna", "Bidan desa")])
    assert reporting.village_head_known(ident)
    text = pdf_text(reporting.activity_report_pdf(ident))
    assert "Mengetahui," in text and "Kepala Desa Duren" in text
    assert "Bambang Supriyadi" in text.split("Mengetahui,", 1)[1]
    assert "(....." not in text


def test_the_desa_record_signs_when_no_guest_is_the_kepala_desa(demo_db):
    settings_service.save_village_head(settings_service.VillageHead(DUREN, "Slamet Riyadi"))
    ident = _activity([("Bd. Ratna", "Bidan desa")])
    assert reporting.village_head_known(ident)
    assert "Slamet Riyadi" in pdf_text(reporting.activity_report_pdf(ident))


def test_nobody_known_leaves_the_line_to_write_by_hand_and_says_so(demo_db):
    settings_service.save_village_head(settings_service.VillageHead(DUREN, ""))
    ident = _activity()
    assert not reporting.village_head_known(ident)
    assert "(....." in pdf_text(reporting.activity_report_pdf(ident))


def test_the_officers_jabatan_from_the_setup_is_printed(demo_db):
    officer = settings_service.get_officer()
    officer.title = "Penyuluh KB Ahli Pertama"
    settings_service.save_officer(officer)
    text = pdf_text(reporting.activity_report_pdf(_activity()))
    assert "Penyuluh KB Ahli Pertama Kecamatan Tengaran" in text
    officer.title = None
    settings_service.save_officer(officer)
    assert "Penyuluh KB Kecamatan Tengaran" in pdf_text(
        reporting.activity_report_pdf(_activity()))


def test_kecamatan_recap_leaves_out_desa_without_units(demo_db):
    from imp_desktop.data.models import Region, Unit

    from imp_desktop.services import regions

    kecamatan = settings_service.get_officer().kecamatan_code
    regions.ensure_desa(f"{kecamatan}.2099", "Tanpaunit")
    period = roles.latest_period(kecamatan)
    assert "Tanpaunit" in {row.label for row in roles.recap(kecamatan, period).by_desa}
    recap = reporting.role_recap(None, period)
    assert "Tanpaunit" not in {row.label for row in recap.by_desa}
    with_units = {code for (code,) in Unit.select(Unit.desa).where(Unit.active == True)  # noqa: E712
                  .tuples()}
    names = dict(Region.select(Region.code, Region.name).tuples())
    assert {row.label for row in recap.by_desa} <= {names[code] for code in with_units}
    assert all(row.total for row in recap.by_desa)
    desa_in_kecamatan = Region.select().where(Region.code.startswith(kecamatan + ".")).count()
    assert desa_in_kecamatan > len(recap.by_desa)       # some were left out
