"""Ready for TTE: signature fields, signing on the laptop, signed copies coming back."""
import io

import pytest

from imp_desktop.cli import main
from imp_desktop.data.models import Activity, SignedDocument, StoredFile
from imp_desktop.errors import UserError
from imp_desktop.services import activities, filestore, reporting, tte
from imp_desktop.services import package as pkg
from tte_support import make_p12



def _fields(data: bytes) -> dict[str, str]:
    """{field name: its /TU label} of the PDF's signature fields, filled or not."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(data))
    return {name: str(field.get("/TU", "")) for name, _value, field_ref in
            enumerate_sig_fields(reader, filled_status=None)
            for field in [field_ref.get_object()]}


def _activity_id() -> int:
    return activities.list_activities()[-1].id


def test_every_document_has_an_empty_field_per_signature_block(demo_db):
    from imp_desktop.services import roles

    activity_id = _activity_id()
    fields = _fields(reporting.activity_report_pdf(activity_id))
    officer = "Penyuluh KB Ahli Muda Kecamatan Tengaran"   # the jabatan from setup
    assert set(fields) == {"Kepala Desa Duren", officer}
    assert fields[officer] == f"{officer}: Sri Wahyuningsih, S.Sos."
    unit_id = reporting.unit_choices("33.22.02.2001")[0][0]
    for data in (reporting.attendance_pdf(activity_id, blank=True),
                 reporting.cadre_list_pdf(desa_code="33.22.02.2001"),
                 reporting.role_recap_pdf(period=roles.latest_period())):
        assert list(_fields(data)) == [officer]
    sheet = _fields(reporting.assessment_sheet_pdf(unit_id=unit_id, blank=True))
    assert officer in sheet and any(name.startswith("Ketua") for name in sheet)


def test_signed_on_the_laptop_validated_by_pyhanko_and_taken_back(demo_db, tmp_path):
    activity_id = _activity_id()
    credentials = tte.load_credentials(make_p12(tmp_path), "rahasia")
    signed = reporting.activity_report_pdf(activity_id, sign_with=credentials)
    (check,) = tte.check_signatures(signed)
    assert check.field == "Penyuluh KB Ahli Muda Kecamatan Tengaran"
    assert check.intact and check.valid and check.whole and check.cert_current
    assert check.signer == "Sri Wahyuningsih" and not check.trusted   # a self-made root
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    info = tte.import_signed(path)
    record = Activity.get_by_id(activity_id).uuid
    assert info.record == record and info.kind == "activity"
    assert [s.id for s in tte.signed_for(record)] == [info.id]
    assert info.describe().startswith("Ditandatangani secara elektronik oleh Sri Wahyuningsih pada")
    assert tte.signed_file(info.id) == signed
    assert filestore.get(info.sha256) == signed
    # taking the same file back twice keeps one copy
    assert tte.import_signed(path).id == info.id and StoredFile.select().count() == 1


def test_one_changed_byte_is_refused_and_nothing_is_written(demo_db, tmp_path):
    credentials = tte.load_credentials(make_p12(tmp_path), "rahasia")
    signed = reporting.attendance_pdf(_activity_id(), sign_with=credentials)
    at = signed.index(b"/Title")
    offset = signed.index(b"(", at) + 3          # a letter of the document's title
    tampered = bytearray(signed)
    tampered[offset] = ord("X") if tampered[offset] != ord("X") else ord("Y")
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(tampered))
    assert not tte.check_signatures(bytes(tampered))[0].intact
    with pytest.raises(UserError, match="berubah setelah ditandatangani"):
        tte.import_signed(path)
    assert SignedDocument.select().count() == 0 and StoredFile.select().count() == 0
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(reporting.attendance_pdf(_activity_id()))
    with pytest.raises(UserError, match="tidak memuat tanda tangan"):
        tte.import_signed(unsigned)


def test_wrong_passphrase_and_cli_signing(demo_db, tmp_path, capsys):
    p12 = make_p12(tmp_path)
    with pytest.raises(UserError, match="kata sandinya salah"):
        tte.load_credentials(p12, "salah")
    secret = tmp_path / "sandi.txt"
    secret.write_text("rahasia\n")
    out = tmp_path / "hadir.pdf"
    db = str(demo_db.database)
    assert main(["--db", db, "report", "attendance", "--id", str(_activity_id()),
                 "--sign-with", str(p12), "--passphrase-file", str(secret),
                 "--out", str(out)]) == 0
    assert tte.check_signatures(out.read_bytes())[0].valid
    assert main(["--db", db, "import", "signed", str(out)]) == 0
    assert "Ditandatangani secara elektronik oleh Sri Wahyuningsih" in capsys.readouterr().out
    secret.write_text("salah\n")
    assert main(["--db", db, "report", "attendance", "--id", str(_activity_id()),
                 "--sign-with", str(p12), "--passphrase-file", str(secret),
                 "--out", str(tmp_path / "x.pdf")]) == 1
    assert not (tmp_path / "x.pdf").exists()
    assert "kata sandinya salah" in capsys.readouterr().err


def test_a_signed_copy_travels_to_the_office_and_is_refused_where_unknown(two, tmp_path):
    use = two
    use("office")
    office_print = tmp_path / "office.pdf"
    office_print.write_bytes(reporting.cadre_list_pdf(
        sign_with=tte.load_credentials(make_p12(tmp_path, "Bu Kabid"), "rahasia")))
    use("laptop")
    with pytest.raises(UserError, match="tidak ada di catatan cetak"):
        tte.import_signed(office_print)
    activity_id = _activity_id()
    signed = reporting.activity_report_pdf(
        activity_id, sign_with=tte.load_credentials(make_p12(tmp_path), "rahasia"))
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    info = tte.import_signed(path)
    pkg.export_package(tmp_path / "p.imp")
    use("office")
    pkg.merge_package(tmp_path / "p.imp")
    (there,) = tte.signed_for(info.record)
    assert there.signer == "Sri Wahyuningsih" and tte.signed_file(there.id) == signed
