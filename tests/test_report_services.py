"""Reports gathered from the database: activities, attendance, roles, the CLI."""
import datetime as dt

import pytest

from imp_desktop.cli import main
from imp_desktop.errors import UserError
from imp_desktop.services import activities, reporting, roles
from imp_desktop.services import settings as settings_service
from report_helpers import flat, pdf_text
from report_samples import jpeg, sample_params, seed_sentences

DUREN = "33.22.02.2001"


def _first_activity() -> int:
    return activities.list_activities()[-1].id


@pytest.mark.parametrize("path, SEED_FIELDS", sample_params())
def test_seed_typed_into_an_activity_comes_out_whole(demo_db, tmp_path, path, SEED_FIELDS):
    from imp_desktop.services.photos import store_image
    from PIL import Image
    import io

    stored = store_image(Image.open(io.BytesIO(jpeg(1600, 1200))), "rapat.jpg")
    invited = activities.cadres_for_invitation(DUREN)[:12]
    invited.append(activities.guest_row("Bambang Santoso", "Kepala Desa Duren"))
    for index, row in enumerate(invited):
        row.status = "hadir" if index % 4 else "izin"
    data = activities.ActivityInput(
        title=SEED_FIELDS["title"], date=dt.date(2026, 11, 27), start_time=dt.time(9),
        end_time=dt.time(12), place="Balai Desa Duren", desa_code=DUREN,
        aims=SEED_FIELDS["purpose"], background=SEED_FIELDS["background"],
        results=SEED_FIELDS["results"], supporting_factors=SEED_FIELDS["supporting_factors"],
        conclusions=SEED_FIELDS["conclusion"], speakers="Sri Wahyuningsih, S.Sos.")
    activity_id = activities.save_activity(
        data, invited, [activities.PhotoInfo(file_name=stored.file_name,
                                             caption="Penyampaian materi")])
    settings_service.save_village_head(settings_service.VillageHead(DUREN, "Bambang Santoso"))
    text = pdf_text(reporting.activity_report_pdf(activity_id))
    missing = [s for s in seed_sentences(path) if flat(s) not in text]
    assert not missing, missing
    present = sum(1 for row in invited if row.status == "hadir")
    assert f"Hadir {present} dari {len(invited)} orang yang diundang" in text
    assert "Jumat, 27 November 2026" in text and "pukul 09.00–12.00 WIB" in text
    assert "Mengetahui," in text and "Kepala Desa Duren" in text and "Bambang Santoso" in text
    assert "Penyuluh KB Ahli Muda Kecamatan Tengaran" in text  # the jabatan from setup
    assert "NIP. 19860926 201505 2 001" in text
    assert "Foto 1: Penyampaian materi" in text
    assert invited[0].name in text


def test_demo_activity_report_matches_the_service_counts(demo_db):
    activity_id = _first_activity()
    detail = activities.get_activity(activity_id)
    report = reporting.activity_report(activity_id)
    assert len(report.participants) == detail.counts.invited
    assert sum(1 for p in report.participants if p.status == "hadir") == detail.counts.present
    text = pdf_text(reporting.activity_report_pdf(activity_id))
    assert f"Hadir {detail.counts.present} dari {detail.counts.invited}" in text
    assert detail.title.upper() in text


def test_attendance_blank_and_filled(demo_db):
    activity_id = _first_activity()
    detail = activities.get_activity(activity_id)
    blank = reporting.attendance_sheet(activity_id, blank=True)
    assert all(p.status is None for p in blank.participants) and blank.guest_rows >= 5
    text = pdf_text(reporting.attendance_pdf(activity_id, blank=True))
    assert "DAFTAR HADIR" in text and "Keterangan" not in text
    assert detail.participants[0].name in text
    filled = pdf_text(reporting.attendance_pdf(activity_id))
    assert "Keterangan" in filled and f"Diundang: {detail.counts.invited}" in filled


def test_role_recap_of_desa_and_kecamatan(demo_db):
    period = roles.latest_period()
    summary = roles.recap("33.22.02", period)
    recap = reporting.role_recap(period=period)
    assert recap.scope == "Kecamatan Tengaran"
    assert recap.total.total == summary.total.total and recap.assessed == summary.assessments
    assert len(recap.rows) == summary.total.total
    assert sum(1 for row in recap.rows if row.classification) == summary.assessments
    text = pdf_text(reporting.role_recap_pdf())
    assert "REKAP ENAM PERAN BAKTI IMP" in text and summary.period_label in text
    desa = reporting.role_recap(DUREN, period)
    assert desa.scope == "Desa Duren" and not desa.by_desa
    empty = reporting.role_recap(period="2001-01")
    assert empty.assessed == 0
    assert "Belum dinilai" in pdf_text(reporting.role_recap_pdf(period="2001-01"))
    with pytest.raises(UserError):
        reporting.role_recap("99.99.99.9999")


def test_activity_report_attaches_the_desa_checklists_of_that_month(demo_db):
    period = roles.latest_period()
    day = roles.parse_period(period).start
    summary = reporting.desa_role_summary(DUREN, day)
    assert summary is not None and summary.rows
    assert reporting.desa_role_summary(DUREN, dt.date(2001, 1, 1)) is None


def test_assessment_sheet_filled_and_blank(demo_db):
    from imp_desktop.data.models import Assessment

    row = Assessment.select().first()
    sheet = reporting.assessment_sheet(row.id)
    assert not sheet.blank and sheet.classification and len(sheet.roles) == 6
    text = pdf_text(reporting.assessment_sheet_pdf(row.id))
    assert sheet.unit_name in text and "Klasifikasi:" in text
    blank = pdf_text(reporting.assessment_sheet_pdf(unit_id=row.unit_id, blank=True))
    assert "(lembar isian)" in blank and "✓" not in blank


def test_cli_every_kind(demo_db, db_path, tmp_path, capsys):
    from imp_desktop.data.db import close_database

    activity_id = _first_activity()
    close_database()
    db = str(db_path)
    for args, title in ((["activity", "--id", str(activity_id)], "LAPORAN KEGIATAN"),
                        (["attendance", "--id", str(activity_id), "--blank"], "DAFTAR HADIR"),
                        (["attendance", "--id", str(activity_id)], "DAFTAR HADIR"),
                        (["roles", "--desa", DUREN], "REKAP ENAM PERAN BAKTI"),
                        (["assessment", "--id", "1"], "LEMBAR PENILAIAN"),
                        (["assessment", "--unit", "1", "--blank"], "(lembar isian)")):
        out = tmp_path / "out.pdf"
        assert main(["report", *args, "--db", db, "--out", str(out)]) == 0, args
        assert title in pdf_text(out.read_bytes()), args
    assert main(["report", "activity", "--id", "99999", "--db", db,
                 "--out", str(tmp_path / "x.pdf")]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_the_recap_printed_is_the_recap_on_screen(demo_db):
    """The Peran screen prints the ``roles.recap()`` it shows, unit by unit."""
    summary = roles.recap(DUREN, roles.latest_period())
    printed = reporting.role_recap_from(summary)
    assert [row.unit_name for row in printed.rows] == [unit.name for unit in summary.units]
    assert [row.classification for row in printed.rows] == [
        unit.classification_label if unit.assessment_id else None for unit in summary.units]
    assert [row.role_fulfilled for row in printed.rows if row.classification] == [
        list(unit.role_fulfilled) for unit in summary.units if unit.assessment_id]
    assert sum(1 for row in printed.rows if row.classification) == summary.assessments > 0
    assert "Desa Duren" in pdf_text(reporting.role_recap_pdf_from(summary))


def test_the_sheet_of_the_peran_screen(demo_db):
    from imp_desktop.data.models import Assessment

    row = Assessment.select().first()
    assert "LEMBAR PENILAIAN" in pdf_text(reporting.assessment_sheet_pdf(row.id))
    assert "(lembar isian)" in pdf_text(reporting.assessment_sheet_pdf(unit_id=row.unit_id,
                                                                       blank=True))


def test_cli_roles_recap_takes_a_month_or_a_quarter(demo_db, db_path, tmp_path, capsys):
    from imp_desktop.data.db import close_database
    from imp_desktop.data.models import Assessment

    period = roles.parse_period(Assessment.select().first().period)
    quarter = f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"
    close_database()
    for text in (period.key, quarter):
        out = tmp_path / f"rekap-{text}.pdf"
        assert main(["report", "roles", "--db", str(db_path), "--desa", DUREN,
                     "--period", text, "--out", str(out)]) == 0, text
        assert "REKAP ENAM PERAN BAKTI" in pdf_text(out.read_bytes())
    assert main(["report", "roles", "--db", str(db_path), "--period", "2026-Q5"]) == 1
    assert "2026-Q4" in capsys.readouterr().err   # the message shows how to write one
