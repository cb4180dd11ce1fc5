"""PDF/A-2b: every font embedded, XMP metadata, an sRGB output intent; checked
with pikepdf in every kind of document, and with veraPDF where it is installed
(``verapdf`` on the PATH, or ``IMP_VERAPDF`` naming it)."""
import io
import os
import shutil
import subprocess

import pikepdf
import pytest

from imp_desktop.services import activities, reporting, roles, tte
from imp_desktop.services import settings as settings_service
from tte_support import make_p12


def _fonts(pdf: pikepdf.Pdf):
    """Every font dictionary the pages (and the forms they draw) use."""
    seen, found = set(), []

    def walk(resources):
        if resources is None:
            return
        for font in (resources.get("/Font") or {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                found.append(font)
                for child in font.get("/DescendantFonts") or []:
                    found.append(child)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject.get("/Resources"))

    for page in pdf.pages:
        walk(page.get("/Resources"))
        for annot in page.get("/Annots") or []:
            appearance = (annot.get("/AP") or {}).get("/N")
            if isinstance(appearance, pikepdf.Stream):
                walk(appearance.get("/Resources"))
    return found


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return True      # its descendant font is checked on its own
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_pdfa(data: bytes, title_part: str, author: str) -> None:
    pdf = pikepdf.open(io.BytesIO(data))
    fonts = _fonts(pdf)
    assert fonts and all(_embedded(font) for font in fonts), \
        [str(f.get("/BaseFont")) for f in fonts if not _embedded(f)]
    meta = pdf.open_metadata()
    assert meta.pdfa_status == "2B"
    assert title_part in meta["dc:title"] and meta["dc:creator"] == [author]
    assert meta["dc:description"] and meta["xmp:CreateDate"]
    info = pdf.docinfo
    assert str(info["/Title"]) == meta["dc:title"] and str(info["/Author"]) == author
    assert str(info["/Producer"]) == meta["pdf:Producer"]
    assert "/Filter" not in pdf.Root.Metadata
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
    assert b"acsp" in intent.DestOutputProfile.read_bytes()[:64]      # an ICC profile
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            assert int(annot.F) & 4 and "/AP" in annot        # printed, with an appearance


def _every_kind() -> dict[str, bytes]:
    """One document of every kind, by (part of) its title."""
    activity_id = activities.list_activities()[-1].id
    unit_id = reporting.unit_choices("33.22.02.2001")[0][0]
    return {
        "Laporan Kegiatan": reporting.activity_report_pdf(activity_id),
        "Daftar Hadir": reporting.attendance_pdf(activity_id),
        "Daftar Hadir ": reporting.attendance_pdf(activity_id, blank=True),
        "Daftar Kader": reporting.cadre_list_pdf(desa_code="33.22.02.2001"),
        "Rekap": reporting.role_recap_pdf(period=roles.latest_period()),
        "Lembar Penilaian": reporting.assessment_sheet_pdf(unit_id=unit_id, blank=True),
    }


def test_every_document_kind_is_pdfa_2b(demo_db, tmp_path):
    activity_id = activities.list_activities()[-1].id
    author = settings_service.get_officer().name
    for title, data in _every_kind().items():
        check_pdfa(data, title.strip(), author)
    signed = reporting.attendance_pdf(
        activity_id, sign_with=tte.load_credentials(make_p12(tmp_path), "rahasia"))
    pdf = pikepdf.open(io.BytesIO(signed))
    assert all(_embedded(font) for font in _fonts(pdf))       # the signature's stamp too


def test_photos_and_a_transparent_logo_keep_the_document_pdfa(demo_db, tmp_path):
    from PIL import Image

    from imp_desktop.services.settings import LetterheadSettings

    logo = io.BytesIO()
    Image.new("RGBA", (200, 200), (0, 128, 0, 90)).save(logo, "PNG")
    settings_service.save_letterhead(LetterheadSettings(
        enabled=True, lines=["PEMERINTAH KABUPATEN SEMARANG", "DINAS P2KB"], address="Jl. 1",
        rule=True, logo=logo.getvalue()))
    activity_id = next(a.id for a in activities.list_activities()
                       if activities.get_activity(a.id).photos)
    data = reporting.activity_report_pdf(activity_id)
    check_pdfa(data, "Laporan Kegiatan", settings_service.get_officer().name)
    pdf = pikepdf.open(io.BytesIO(data))
    images = [x for page in pdf.pages for x in (page.Resources.get("/XObject") or {}).values()
              if x.get("/Subtype") == "/Image"]
    assert images and all(x.get("/ColorSpace") in ("/DeviceRGB", "/DeviceGray") for x in images)


VERAPDF = os.environ.get("IMP_VERAPDF") or shutil.which("verapdf")


@pytest.mark.skipif(not VERAPDF, reason="veraPDF is not installed here (a Java program that "
                                        "neither PyPI nor Debian packages)")
def test_verapdf_finds_every_document_kind_pdfa_2b_compliant(demo_db, tmp_path):
    files = []
    for number, data in enumerate(_every_kind().values()):
        files.append(tmp_path / f"doc{number}.pdf")
        files[-1].write_bytes(data)
    report = subprocess.run([VERAPDF, "--flavour", "2b", *map(str, files)],
                            capture_output=True, text=True, timeout=600).stdout
    assert report.count('isCompliant="true"') == len(files), report[-3000:]
