"""Printing as a Kepala Desa expects it: signatures never alone on a page, the kop
in naskah-dinas sizes, paragraphs as typed, the attendance note printed."""
import dataclasses

import pytest
from reportlab.lib.units import mm

from imp_desktop.reports import render_activity_report, render_attendance
from imp_desktop.reports.activity import render_activity_report as _render  # noqa: F401
from imp_desktop.reports.base import (
    KOP_ADDRESS_SIZE,
    KOP_INSTITUTION_SIZE,
    is_address_line,
    kop_lines,
    letterhead_flowables,
)
from imp_desktop.reports.model import AttendanceSheet, Letterhead, Participant, ReportSettings
from report_helpers import page_lines, pdf_pages, pdf_text, signature_layout_faults
from report_samples import participants, seed_activity

FILLER = ("Kegiatan berikutnya direncanakan bersama kader pada bulan depan di balai desa "
          "dengan materi pencatatan dan pelaporan bulanan. ")


@pytest.mark.parametrize("extra_sentences", range(0, 40, 3))
def test_signatures_never_stand_alone_on_the_laporan_kegiatan(extra_sentences):
    """Whatever the length of the text, the page of the signatures carries its
    last lines, and the page before is filled first."""
    report = seed_activity(participant_count=9, photos=0,
                           closing=(FILLER * extra_sentences).strip() or "Demikian.")
    data = render_activity_report(report, ReportSettings())
    assert signature_layout_faults(data, "Mengetahui,") == []
    assert "Demikian." in pdf_text(data) or FILLER.split()[0] in pdf_text(data)


@pytest.mark.parametrize("count", range(8, 34, 2))
def test_signature_of_the_blank_daftar_hadir_takes_the_last_rows_along(count):
    sheet = AttendanceSheet(title="Pembinaan Kader IMP", participants=[
        dataclasses.replace(p, status=None) for p in participants(count)],
        blank=True, guest_rows=5, officer=seed_activity().officer, place_name="Tengaran")
    data = render_attendance(sheet, ReportSettings())
    assert signature_layout_faults(data, "Tengaran,") == []


def test_the_seed_report_as_issue_14_saw_it_keeps_the_signatures_with_text():
    report = seed_activity(participant_count=9, photos=1)
    data = render_activity_report(report, ReportSettings())
    assert signature_layout_faults(data, "Mengetahui,") == []


def test_kop_lines_follow_naskah_dinas_sizes_and_keep_the_address_as_typed():
    lines = kop_lines(["Pemerintah Kabupaten Semarang",
                       "Dinas Pengendalian Penduduk dan Keluarga Berencana",
                       "Jl. Gatot Subroto No. 12 Ungaran, Telp. (024) 6921234"])
    assert [line.text for line in lines] == [
        "PEMERINTAH KABUPATEN SEMARANG", "DINAS PENGENDALIAN PENDUDUK DAN KELUARGA BERENCANA",
        "Jl. Gatot Subroto No. 12 Ungaran, Telp. (024) 6921234"]
    government, institution, address = lines
    assert institution.size == KOP_INSTITUTION_SIZE
    assert institution.size > government.size > address.size == KOP_ADDRESS_SIZE
    assert institution.bold and not address.bold
    assert is_address_line("Jalan Diponegoro 5") and is_address_line("email: pkb@x.id")
    assert not is_address_line("BALAI PENYULUHAN KB KECAMATAN TENGARAN")


def test_the_kop_address_prints_small_in_normal_case():
    kop = Letterhead(lines=["PEMERINTAH KABUPATEN SEMARANG", "DINAS PPKB",
                            "BALAI PENYULUHAN KB KECAMATAN TENGARAN",
                            "Jl. Raya Tengaran No. 3, Telp. 0298-123"])
    data = render_activity_report(seed_activity(photos=0), ReportSettings(letterhead=kop))
    first = pdf_pages(data)[0]
    assert "Jl. Raya Tengaran No. 3, Telp. 0298-123" in first
    assert "JL. RAYA" not in first
    flowables = letterhead_flowables(kop, 160 * mm)
    cells = flowables[0]._cellvalues[0][0]
    sizes = [paragraph.style.fontSize for paragraph in cells]
    assert sizes[2] == max(sizes) and sizes[3] == min(sizes)


def test_paragraphs_as_typed_and_a_list_only_when_typed_as_one():
    background = "Paragraf pertama\nyang dibungkus.\n\nParagraf kedua."
    agenda = ("Pembukaan oleh Kepala Desa dan sambutan\nPKB kecamatan.\n\n"
              "Materi Enam Peran Bakti disampaikan\noleh PKB.")
    data = render_activity_report(seed_activity(photos=0, background=background,
                                                agenda=agenda), ReportSettings())
    text = pdf_text(data)
    assert "Paragraf pertama yang dibungkus. Paragraf kedua." in text
    assert "1. Pembukaan" not in text and "2. Materi" not in text
    assert "Pembukaan oleh Kepala Desa dan sambutan PKB kecamatan." in text
    listed = render_activity_report(seed_activity(photos=0, agenda="1. Pembukaan\n2. Materi"),
                                    ReportSettings())
    assert "1. Pembukaan" in pdf_text(listed) and "2. Materi" in pdf_text(listed)
    pieces = [piece for page in page_lines(data) for piece in page]
    first = next(y for y, text in pieces if text.startswith("Paragraf pertama"))
    second = next(y for y, text in pieces if text.startswith("Paragraf kedua"))
    assert first - second > 14.5 * 1.2      # a paragraph space, not just the next line


def test_attendance_note_printed_in_both_daftar_hadir():
    people = [Participant("Siti Aminah", "Anggota PPKBD", "ppkbd", "izin",
                          note="Mengantar anak ke posyandu"),
              Participant("Dewi Rahayu", "Ketua PPKBD", "ppkbd", "hadir")]
    report = seed_activity(participants=people, photos=0)
    assert "Mengantar anak ke posyandu" in pdf_text(render_activity_report(report,
                                                                          ReportSettings()))
    sheet = AttendanceSheet(title="Pembinaan", participants=people)
    assert "Mengantar anak ke posyandu" in pdf_text(render_attendance(sheet, ReportSettings()))


def test_officials_are_named_without_doubled_brackets():
    people = [Participant("Sri Wahyuningsih", "Penyuluh KB (PKB)", None, "hadir",
                          official=True)]
    text = pdf_text(render_activity_report(seed_activity(participants=people, photos=0),
                                           ReportSettings()))
    assert "Sri Wahyuningsih, Penyuluh KB (PKB)" in text
    assert "(PKB))" not in text
