import datetime as dt

import pytest

from imp_desktop.reports.base import (
    PAPER,
    content_digest,
    esc,
    split_paragraphs,
    verification_code,
)
from imp_desktop.reports.cadres import mask_nik, render_cadre_list
from imp_desktop.reports.model import (
    CadreGroup,
    CadreListing,
    CadreRow,
    Letterhead,
    ReportSettings,
    Signatory,
)
from report_helpers import HOSTILE, metadata, pdf_pages, pdf_text


def _listing(rows=5, **extra) -> CadreListing:
    cadres = [CadreRow(name=f"Siti Aminah {i}", nik=f"33220241078500{i % 100:02d}", sex="P",
                       birth_place="Semarang", birth_date=dt.date(1985, 7, 1),
                       position="Anggota", address="Dusun Krajan, RT 003/RW 005")
              for i in range(rows)]
    values = dict(scope="Desa Duren", kecamatan_name="Tengaran",
                  groups=[CadreGroup("PPKBD Duren", "PPKBD", "400/12/2024", cadres)],
                  date=dt.date(2026, 11, 27), place_name="Tengaran",
                  officer=Signatory("Penyuluh KB Kecamatan Tengaran", "Sri Wahyuningsih",
                                    "198609262015052001"))
    values.update(extra)
    return CadreListing(**values)


def test_escaping_keeps_markup_characters_as_text():
    assert esc('a & b <i>"c"</i>') == "a &amp; b &lt;i&gt;&quot;c&quot;&lt;/i&gt;"
    assert esc(None) == ""
    assert esc("one\ntwo\x07") == "one<br/>two"


def test_typed_line_breaks_join_and_blank_lines_separate_paragraphs():
    text = "Kegiatan ini\nbertujuan untuk\nmeningkatkan.\n\n  Kedua  paragraf.\n"
    assert split_paragraphs(text) == ["Kegiatan ini bertujuan untuk meningkatkan.",
                                      "Kedua paragraf."]
    assert split_paragraphs("  \n ") == []
    assert split_paragraphs("Dasar:\n1. UU 52\n   tahun 2009\n2) Renja") == [
        "Dasar:", "1. UU 52 tahun 2009", "2) Renja"]


def test_verification_code_follows_the_content_only():
    first, same = _listing(), _listing()
    assert verification_code("cadres", first) == verification_code("cadres", same)
    changed = _listing()
    changed.groups[0].rows[0].name = "Siti Aminah X"
    assert verification_code("cadres", changed) != verification_code("cadres", first)
    assert verification_code("attendance", first) != verification_code("cadres", first)
    assert len(content_digest("cadres", first)) == 64
    code = verification_code("cadres", first)
    assert len(code) == 14 and code.count("-") == 2


def test_same_data_prints_the_same_code_and_page_footer():
    settings = ReportSettings()
    one = pdf_text(render_cadre_list(_listing(), settings))
    two = pdf_text(render_cadre_list(_listing(), settings))
    code = verification_code("cadres", _listing())
    assert f"Kode verifikasi: {code}" in one and f"Kode verifikasi: {code}" in two
    assert "Halaman 1 dari 1" in one


def test_long_lists_repeat_the_header_and_number_pages():
    pages = pdf_pages(render_cadre_list(_listing(rows=200), ReportSettings()))
    assert len(pages) > 3
    for number, text in enumerate(pages, 1):
        assert f"Halaman {number} dari {len(pages)}" in text
    # the table header is on every page that carries rows
    assert all("Tempat, Tgl Lahir" in text for text in pages if "Siti Aminah" in text)


@pytest.mark.parametrize("paper", ["A4", "F4", "Letter"])
def test_paper_sizes(paper):
    from pypdf import PdfReader
    import io

    data = render_cadre_list(_listing(), ReportSettings(paper_size=paper))
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    width, height = PAPER[paper]
    # the cadre list is landscape
    assert abs(float(box.width) - height) < 1 and abs(float(box.height) - width) < 1


def test_metadata_letterhead_and_signature():
    kop = Letterhead(lines=["Pemerintah Kabupaten Semarang", "Dinas P2KB"],
                     address="Jl. Diponegoro No. 1 & 2, Ungaran")
    data = render_cadre_list(_listing(), ReportSettings(letterhead=kop, author="Sri W"))
    meta = metadata(data)
    assert meta["/Title"] == "Daftar Kader IMP Desa Duren"
    assert meta["/Author"] == "Sri W"
    assert meta["/Subject"]
    text = pdf_text(data)
    assert "PEMERINTAH KABUPATEN SEMARANG" in text
    assert "Jl. Diponegoro No. 1 & 2, Ungaran" in text
    assert "Tengaran, 27 November 2026" in text
    assert "NIP. 19860926 201505 2 001" in text


def test_broken_logo_is_left_out_not_fatal():
    kop = Letterhead(lines=["Kop"], logo=b"not an image")
    assert pdf_text(render_cadre_list(_listing(), ReportSettings(letterhead=kop)))


def test_nik_is_masked_unless_asked():
    assert mask_nik("3322024107850001") == "************0001"
    assert mask_nik(None) == ""
    masked = pdf_text(render_cadre_list(_listing(rows=1), ReportSettings()))
    assert "3322024107850000" not in masked and "************0000" in masked
    full = pdf_text(render_cadre_list(_listing(rows=1, full_nik=True), ReportSettings()))
    assert "3322024107850000" in full


def test_hostile_text_does_not_break_a_report():
    rows = [CadreRow(name=text, nik=text[:20], address=text, position=text, phone=text)
            for text in HOSTILE]
    listing = _listing(groups=[CadreGroup(HOSTILE[0], HOSTILE[1], HOSTILE[3], rows)],
                       scope=HOSTILE[0])
    data = render_cadre_list(listing, ReportSettings(letterhead=Letterhead(lines=HOSTILE[:4])))
    text = pdf_text(data)
    assert "Tom & Jerry <b>bold</b>" in text
    assert "Nguyễn" in text and "Ахмед" in text
    assert text.count("W" * 20) >= 1


def test_empty_listing_still_renders():
    data = render_cadre_list(CadreListing(scope="Desa Kosong"), ReportSettings())
    text = pdf_text(data)
    assert "Belum ada kader yang tercatat." in text and "Halaman 1 dari 1" in text


def test_english_report():
    text = pdf_text(render_cadre_list(_listing(), ReportSettings(lang="en")))
    assert "LIST OF IMP CADRES" in text and "Page 1 of 1" in text


def test_absurdly_long_fields_are_cut_never_fatal():
    from imp_desktop.reports import (
        render_activity_report,
        render_assessment_sheet,
        render_attendance,
        render_role_recap,
    )
    from imp_desktop.reports.model import (
        ActivityReport,
        AssessmentIndicator,
        AssessmentRole,
        AssessmentSheet,
        AttendanceSheet,
        ClassCount,
        Participant,
        Photo,
        RoleRecap,
        RoleRecapRow,
        UnmetLine,
    )

    huge = "kata " * 3000
    sig = Signatory(huge, huge, huge)
    settings = ReportSettings(letterhead=Letterhead(lines=[huge] * 4, address=huge))
    recap = RoleRecap(scope=huge, period=huge, role_names=[huge] * 6,
                      by_level=[ClassCount(huge)], rows=[RoleRecapRow(huge, huge, huge)],
                      unmet=[UnmetLine(1, huge, 1, 2)], rule_note=huge, officer=sig)
    documents = [
        render_activity_report(ActivityReport(
            title=huge, date=dt.date(2026, 1, 1), venue=huge, desa_name=huge, background=huge,
            participants=[Participant(huge, huge, None, "hadir", official=True)],
            photos=[Photo(b"", huge)], village_head=sig, officer=sig, speakers=huge,
            agenda=huge + "\n" + huge, number=huge, role_recap=recap), settings),
        render_cadre_list(_listing(groups=[CadreGroup(huge, huge, huge, [
            CadreRow(huge, nik=huge, address=huge, position=huge, phone=huge)])],
            scope=huge, officer=sig), settings),
        render_attendance(AttendanceSheet(title=huge, venue=huge, blank=True, officer=sig,
                                          participants=[Participant(huge, huge)],
                                          place_name=huge), settings),
        render_role_recap(recap, settings),
        render_assessment_sheet(AssessmentSheet(
            unit_name=huge, level=huge, date=dt.date(2026, 1, 1), classification=huge,
            roles=[AssessmentRole(1, huge, [AssessmentIndicator(huge, True, huge, huge)])],
            assessor=sig, unit_head=sig, place_name=huge), settings),
    ]
    for data in documents:
        assert "kata kata" in pdf_text(data)
