"""Printouts anyone can verify: the QR code, the print log and Periksa dokumen."""
import datetime as dt
import shutil
import subprocess

import pytest

from imp_desktop.cli import main
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Activity, Cadre, Participant, PrintLog
from imp_desktop.data.sync import installation_id
from imp_desktop.reports.base import content_digest, read_payload
from imp_desktop.services import activities, reporting, verify
from imp_desktop.services import package as pkg
from imp_desktop.services.demo import generate_demo
from report_helpers import pdf_pages



def _activity_id() -> int:
    return activities.list_activities()[-1].id


def _print(tmp_path, build, name="doc.pdf"):
    return reporting.write_pdf(build(), tmp_path / name)


def _named_participant(activity_id):
    return (Participant.select().where((Participant.activity == activity_id)
                                       & Participant.cadre.is_null(False))
            .order_by(Participant.id).first())


@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm (Debian package poppler-utils) is not installed")
def test_the_qr_code_read_back_from_the_rendered_page_holds_the_print(demo_db, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    activity_id = _activity_id()
    path = _print(tmp_path, lambda: reporting.attendance_pdf(activity_id))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert found[0].ec_level == "M"
    payload = read_payload(found[0].text)
    sheet = reporting.attendance_sheet(activity_id)
    activity = Activity.get_by_id(activity_id)
    assert payload.kind == "attendance"
    assert payload.record == activity.uuid
    assert payload.installation == installation_id()
    assert payload.printed_on == dt.date.today()
    assert payload.digest == content_digest("attendance", sheet)
    # the code in the QR is the footer's, and the print log has it
    assert f"Kode verifikasi: {payload.code}" in pdf_pages(path.read_bytes())[0]
    logged = PrintLog.get(PrintLog.code == payload.code)
    assert logged.record == activity.uuid and logged.digest == payload.digest


def test_every_document_kind_carries_a_qr_code_and_a_print_log_row(demo_db, tmp_path):
    from imp_desktop.services import roles

    activity_id = _activity_id()
    unit_id = reporting.unit_choices("33.22.02.2001")[0][0]
    period = roles.latest_period()
    builds = {
        "activity": lambda: reporting.activity_report_pdf(activity_id),
        "attendance-blank": lambda: reporting.attendance_pdf(activity_id, blank=True),
        "cadres": lambda: reporting.cadre_list_pdf(desa_code="33.22.02.2001"),
        "roles": lambda: reporting.role_recap_pdf(period=period),
        "assessment": lambda: reporting.assessment_sheet_pdf(unit_id=unit_id, blank=True),
    }
    for kind, build in builds.items():
        data = build()
        payload = read_payload(verify.document_text(data))
        assert payload.kind == kind
        assert PrintLog.select().where((PrintLog.code == payload.code)
                                       & (PrintLog.kind == kind)).exists()
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(data)
        assert verify.verify_file(path).status == verify.VALID, kind


def test_a_fresh_print_is_sah_by_file_code_and_qr_text(demo_db, tmp_path, capsys):
    activity_id = _activity_id()
    path = _print(tmp_path, lambda: reporting.activity_report_pdf(activity_id))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.VALID and verdict.here and not verdict.changes
    assert verify.verify_text(verdict.code.lower().replace("-", " ")).status == verify.VALID
    assert verify.verify_text(verify.document_text(path.read_bytes())).status == verify.VALID
    assert main(["--db", str(demo_db.database), "verify", str(path)]) == 0
    assert "SAH" in capsys.readouterr().out


def test_a_cadre_renamed_after_printing_makes_it_berubah_naming_the_field(demo_db, tmp_path,
                                                                          capsys):
    activity_id = _activity_id()
    path = _print(tmp_path, lambda: reporting.attendance_pdf(activity_id))
    cadre = Cadre.get_by_id(_named_participant(activity_id).cadre_id)
    old = cadre.name
    cadre.name = "Sri Rahayu Baru"
    cadre.save()
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert [(c.field, c.old, c.new) for c in verdict.changes] == [
        (f"Kader {old} · Nama", old, "Sri Rahayu Baru")]
    assert main(["--db", str(demo_db.database), "verify", str(path)]) == 3
    out = capsys.readouterr().out
    assert "BERUBAH" in out and f"Kader {old} · Nama: {old} → Sri Rahayu Baru" in out


def test_an_attendance_status_changed_after_printing_is_named(demo_db, tmp_path):
    activity_id = _activity_id()
    path = _print(tmp_path, lambda: reporting.activity_report_pdf(activity_id))
    participant = _named_participant(activity_id)
    participant.status = "sakit" if participant.status != "sakit" else "izin"
    participant.save()
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    (change,) = verdict.changes
    name = Cadre.get_by_id(participant.cadre_id).name
    assert change.field == f"Peserta {name} · Kehadiran"
    assert change.new == ("Sakit" if participant.status == "sakit" else "Izin")
    # printed again now: the new printout is sah, the old one still berubah
    fresh = _print(tmp_path, lambda: reporting.activity_report_pdf(activity_id), "new.pdf")
    assert verify.verify_file(fresh).status == verify.VALID
    assert verify.verify_file(path).status == verify.CHANGED


def test_a_pdf_from_another_database_is_tidak_dikenal(demo_db, tmp_path, capsys):
    activity_id = _activity_id()
    path = _print(tmp_path, lambda: reporting.activity_report_pdf(activity_id))
    close_database()
    other = tmp_path / "other.sqlite"
    open_database(other)
    generate_demo(desa=1, cadres=20, seed=5)
    verdict = verify.verify_file(path)
    assert verdict.status == verify.UNKNOWN and verdict.reason
    assert main(["--db", str(other), "verify", str(path)]) == 4
    assert main(["--db", str(other), "verify", "--code", verdict.code]) == 4
    assert "TIDAK DIKENAL" in capsys.readouterr().out


def test_bad_input_is_one_sentence(demo_db, tmp_path, capsys):
    with pytest.raises(Exception) as caught:
        verify.verify_text("no code here")
    assert "Kode verifikasi tidak dikenali" in str(caught.value)
    not_pdf = tmp_path / "x.pdf"
    not_pdf.write_text("hello")
    assert main(["--db", str(demo_db.database), "verify", str(not_pdf)]) == 1
    assert main(["--db", str(demo_db.database), "verify", str(tmp_path / "none.pdf")]) == 1
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert verify.verify_file(plain).status == verify.UNKNOWN
    err = capsys.readouterr().err
    assert "bukan PDF" in err and "tidak ditemukan" in err and "Traceback" not in err


def test_the_office_verifies_an_officers_printouts_after_a_merge(two, tmp_path):
    use = two
    use("laptop")
    activity_id = _activity_id()
    printed = _print(tmp_path, lambda: reporting.attendance_pdf(activity_id))
    other = _print(tmp_path, lambda: reporting.cadre_list_pdf(desa_code=reporting.desa_choices()[0][0]),
                   "cadres.pdf")
    pkg.export_package(tmp_path / "1.imp")
    use("office")
    assert verify.verify_file(printed).status == verify.UNKNOWN    # before the merge
    pkg.merge_package(tmp_path / "1.imp")
    verdict = verify.verify_file(printed)
    assert verdict.status == verify.VALID and not verdict.here
    assert verify.verify_file(other).status == verify.VALID

    use("laptop")
    cadre = Cadre.get_by_id(_named_participant(activity_id).cadre_id)
    old, cadre_uuid = cadre.name, cadre.uuid
    cadre.name = old + " Lestari"
    cadre.save()
    pkg.export_package(tmp_path / "2.imp")
    use("office")
    pkg.merge_package(tmp_path / "2.imp")
    assert Cadre.get(Cadre.uuid == cadre_uuid).name == old + " Lestari"
    verdict = verify.verify_file(printed)
    assert verdict.status == verify.CHANGED
    assert [(c.field, c.old, c.new) for c in verdict.changes] == [
        (f"Kader {old} · Nama", old, old + " Lestari")]
    assert verify.verify_file(other).status == verify.CHANGED
