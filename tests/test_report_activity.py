"""Laporan Kegiatan and Daftar Hadir, rendered from hand-built data and read back."""
import dataclasses
import datetime as dt

import pytest

import pytest

from imp_desktop.reports import render_activity_report, render_attendance
from imp_desktop.reports.base import verification_code
from imp_desktop.reports.model import (
    ActivityReport,
    AttendanceSheet,
    Letterhead,
    Participant,
    Photo,
    ReportSettings,
    Signatory,
)
from report_helpers import HOSTILE, flat, metadata, pdf_pages, pdf_text

from report_samples import (
    jpeg,
    participants,
    role_recap,
    sample_params,
    seed_activity,
    seed_sentences,
)


@pytest.mark.parametrize("path, fields", sample_params())
def test_the_seed_report_comes_out_whole(path, fields):
    report = seed_activity(participant_count=20, photos=2, fields=fields)
    text = pdf_text(render_activity_report(report, ReportSettings()))
    sentences = seed_sentences(path)
    assert len(sentences) >= 10
    missing = [sentence for sentence in sentences if flat(sentence) not in text]
    assert not missing, missing
    assert fields["title"] in text


def test_sections_in_order_and_signature_blocks():
    report = seed_activity(participant_count=20, photos=1, role_recap=role_recap())
    data = render_activity_report(report, ReportSettings())
    text = pdf_text(data)
    order = ["LAPORAN KEGIATAN", "A. PENDAHULUAN", "Latar Belakang", "Maksud dan Tujuan",
             "B. PELAKSANAAN", "Waktu dan Tempat", "Peserta", "Narasumber",
             "C. HASIL KEGIATAN", "D. FAKTOR PENDUKUNG DAN PENGHAMBAT", "Faktor Pendukung",
             "E. SIMPULAN DAN SARAN", "Simpulan", "Mengetahui,", "Tengaran, 27 November 2026",
             "Kepala Desa Duren", "Penyuluh KB Kecamatan Tengaran",
             "Sri Wahyuningsih, S.Sos.", "NIP. 19860926 201505 2 001",
             "Lampiran 1", "DAFTAR HADIR", "Lampiran 2", "DOKUMENTASI",
             "Lampiran 3", "RINGKASAN PENILAIAN ENAM PERAN BAKTI"]
    position = 0
    for item in order:      # each one after the one before
        found = text.find(item, position)
        assert found >= 0, item
        position = found + len(item)
    assert "Jumat, 27 November 2026" in text and "pukul 09.00–12.00 WIB" in text
    # the empty parts are left out entirely, never printed as bare headings
    body = text.split("Lampiran 1")[0]
    for absent in ("F. PENUTUP", "Dasar", "Faktor Penghambat", "Saran", "Sumber Dana"):
        assert absent not in body
    assert "Foto 1: Penyampaian materi" in text
    meta = metadata(data)
    assert meta["/Title"].startswith("Laporan Kegiatan")
    assert "27 November 2026" in meta["/Subject"]


def test_counts_by_status_and_level_and_officials():
    people = [Participant("A", "Ketua PPKBD", "ppkbd", "hadir"),
              Participant("B", "Anggota", "ppkbd", "izin"),
              Participant("C", "Ketua Sub PPKBD", "sub_ppkbd", "sakit"),
              Participant("D", "Anggota Pok KB", "kelompok_kb", "alpa"),
              Participant("E", "Anggota Pok KB", "kelompok_kb", "hadir", pre_score=50,
                          post_score=80),
              Participant("F", "Anggota Pok KB", "kelompok_kb", "hadir", pre_score=60,
                          post_score=70.5),
              Participant("Pak Kades", "Kepala Desa Duren", None, "hadir", official=True)]
    report = seed_activity(participants=people, photos=0)
    text = pdf_text(render_activity_report(report, ReportSettings()))
    assert "Hadir 4 dari 7 orang yang diundang" in text
    assert "PPKBD 2 1 1 0 0" in text
    assert "Kelompok KB 3 2 0 0 1" in text
    assert "Undangan lain 1 1 0 0 0" in text
    assert "Jumlah 7 4 1 1 1" in text
    assert "Pak Kades, Kepala Desa Duren" in text
    assert "Pre-test 2 55 " in text and "Post-test 2 75,3" in text and "+20,3" in text
    assert "Nilai 2 dari 2 peserta naik" in text


def test_empty_activity_prints_title_and_signatures_only():
    report = ActivityReport(title="Rapat", date=dt.date(2026, 1, 5))
    text = pdf_text(render_activity_report(report, ReportSettings()))
    assert "LAPORAN KEGIATAN" in text and "RAPAT" in text and "Senin, 5 Januari 2026" in text
    assert "A. PELAKSANAAN" in text          # only the time and place are known
    assert "PENDAHULUAN" not in text and "Lampiran" not in text
    assert "Halaman 1 dari 1" in text


def test_sections_close_up_their_letters():
    report = ActivityReport(title="Rapat", date=dt.date(2026, 1, 5), closing="Demikian.",
                            results="Baik.")
    text = pdf_text(render_activity_report(report, ReportSettings()))
    assert "A. PELAKSANAAN" in text and "B. HASIL KEGIATAN" in text and "C. PENUTUP" in text


def test_hostile_text_everywhere():
    people = [Participant(text, text, None, "hadir", official=True) for text in HOSTILE]
    report = ActivityReport(
        title=HOSTILE[0], date=dt.date(2026, 2, 1), venue=HOSTILE[2], desa_name=HOSTILE[3],
        kecamatan_name=HOSTILE[4], background="\n\n".join(HOSTILE), purpose=HOSTILE[1] * 3,
        speakers="\n".join(HOSTILE), participants=people,
        photos=[Photo(b"broken image", HOSTILE[0]), Photo(jpeg(200, 300), HOSTILE[1])],
        village_head=Signatory(HOSTILE[0], HOSTILE[1]), officer=Signatory(HOSTILE[2], HOSTILE[3], "x"),
        place_name=HOSTILE[3], number=HOSTILE[4])
    settings = ReportSettings(letterhead=Letterhead(lines=HOSTILE[:4], address=HOSTILE[0]))
    text = pdf_text(render_activity_report(report, settings))
    assert 'Tom & Jerry <b>bold</b> "quoted"' in text
    assert "Nguyễn" in text and "Ахмед" in text
    assert "(foto tidak dapat dibaca)" in text


@pytest.mark.slow
def test_large_report_with_photos_has_every_page_numbered():
    # how quick it is: benchmarks/bench_reports.py (target 3 s), not a timed test
    report = seed_activity(participant_count=300, photos=8, role_recap=role_recap(40))
    data = render_activity_report(report, ReportSettings())
    pages = pdf_pages(data)
    assert all(f"dari {len(pages)}" in page for page in pages)
    # the attendance header repeats on each page of the list
    list_pages = [p for p in pages if "Tanda Tangan" in p]
    assert len(list_pages) >= 5
    assert pdf_text(data).count("Foto ") >= 8


def test_verification_code_changes_with_the_content():
    one = seed_activity(participant_count=5, photos=1)
    two = seed_activity(participant_count=5, photos=1)
    assert verification_code("activity", one) == verification_code("activity", two)
    two.participants[0] = dataclasses.replace(two.participants[0], status="izin")
    assert verification_code("activity", one) != verification_code("activity", two)
    code = verification_code("activity", one)
    assert f"Kode verifikasi: {code}" in pdf_text(render_activity_report(one, ReportSettings()))


def test_blank_attendance_has_names_and_room_for_guests():
    sheet = AttendanceSheet(title="Pembinaan Kader", date=None, venue="Balai Desa Duren",
                            desa_name="Duren", participants=participants(6), blank=True,
                            guest_rows=10, officer=Signatory("Penyuluh KB", "Sri"),
                            place_name="Tengaran")
    text = pdf_text(render_attendance(sheet, ReportSettings()))
    assert "DAFTAR HADIR" in text and "Pembinaan Kader" in text
    assert "Bambang Santoso" in text and "16 16." in text      # guests run on to 16
    assert "Keterangan" not in text and "Hadir" not in text.replace("Daftar Hadir", "")
    assert "........" in text      # the date is left to fill in by hand


def test_filled_attendance_shows_status_and_signs_only_the_present():
    people = [Participant("Ani", "Ketua", "ppkbd", "hadir"),
              Participant("Budi", "Anggota", "ppkbd", "sakit"),
              Participant("Cici", "Anggota", "ppkbd", "hadir")]
    sheet = AttendanceSheet(title="Rapat", date=dt.date(2026, 11, 27), participants=people)
    text = pdf_text(render_attendance(sheet, ReportSettings()))
    assert "1 Ani Ketua Hadir 1." in text
    assert "2 Budi Anggota Sakit" in text and "2." not in text.split("Budi")[1][:20]
    assert "3 Cici Anggota Hadir 3." in text
    assert "Diundang: 3 · Hadir: 2 · Sakit: 1" in text


def test_empty_attendance():
    text = pdf_text(render_attendance(AttendanceSheet(title=""), ReportSettings()))
    assert "Belum ada peserta yang diundang." in text
