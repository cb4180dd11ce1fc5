"""Rekap Peran Bakti and the assessment sheet from hand-built data."""
import datetime as dt

from imp_desktop.reports import render_assessment_sheet, render_role_recap
from imp_desktop.reports.model import (
    AssessmentIndicator,
    AssessmentRole,
    AssessmentSheet,
    ClassCount,
    ReportSettings,
    RoleRecap,
    Signatory,
    UnmetLine,
)
from report_helpers import HOSTILE, pdf_pages, pdf_text
from report_samples import role_recap

ROLES = ["Pengorganisasian", "Pertemuan", "KIE dan Konseling", "Pencatatan dan Pendataan",
         "Pelayanan Kegiatan", "Kemandirian"]


def _recap(units=6) -> RoleRecap:
    recap = role_recap(units)
    recap.scope = "Kecamatan Tengaran"
    recap.by_level = [ClassCount("PPKBD", 1, 2, 0, 0), ClassCount("Kelompok KB", 3, 1, 1, 2)]
    recap.by_desa = [ClassCount("Duren", 2, 2, 1, 1), ClassCount("Sugihan", 2, 1, 0, 1)]
    recap.total = ClassCount("Jumlah", 4, 3, 1, 2)
    recap.roles_fulfilled = [5, 4, 3, 2, 1, 0]
    recap.assessed = 8
    recap.unmet = [UnmetLine(6, "Kegiatan didanai Dana Desa atau dana sendiri", 7, 8)]
    recap.officer = Signatory("Penyuluh KB Kecamatan Tengaran", "Sri W", None)
    recap.place_name, recap.date = "Tengaran", dt.date(2026, 11, 30)
    return recap


def test_recap_has_every_table():
    text = pdf_text(render_role_recap(_recap(), ReportSettings()))
    assert "REKAP ENAM PERAN BAKTI IMP" in text and "Periode November 2026" in text
    assert "1. Klasifikasi menurut tingkat" in text
    assert "PPKBD 3 1 2 0 0" in text and "Jumlah 10 4 3 1 2" in text
    assert "Duren 6 2 2 1 1" in text
    assert "Pengorganisasian 5 8 62,5%" in text
    assert "Pok KB Krajan RT 001 (Duren)" in text
    assert "Kegiatan didanai Dana Desa atau dana sendiri 7 / 8 87,5%" in text
    assert "Aturan klasifikasi versi 1" in text
    assert "Tengaran, 30 November 2026" in text


def test_recap_empty_and_large():
    empty = RoleRecap(scope="Desa Kosong", period="Januari 2026", role_names=ROLES)
    assert "Belum ada unit yang dinilai pada periode ini." in pdf_text(
        render_role_recap(empty, ReportSettings()))
    pages = pdf_pages(render_role_recap(_recap(units=400), ReportSettings(paper_size="F4")))
    assert len(pages) > 5
    assert all("Klasifikasi" in page for page in pages[1:-1])   # header repeated


def _sheet(blank=False) -> AssessmentSheet:
    roles = []
    for number, name in enumerate(ROLES, 1):
        indicators = [AssessmentIndicator(f"Indikator {number}.{i} {name}",
                                          None if blank else i % 2 == 1,
                                          "" if blank else ("Ada SK" if i == 1 else ""),
                                          "" if blank else ("Foto rapat" if i == 2 else ""))
                      for i in range(1, 5)]
        roles.append(AssessmentRole(number, name, indicators,
                                    None if blank else 50.0, None if blank else False))
    return AssessmentSheet(unit_name="PPKBD Duren", level="PPKBD", desa_name="Duren",
                           kecamatan_name="Tengaran", period_label="November 2026",
                           date=dt.date(2026, 11, 20), roles=roles,
                           classification=None if blank else "Dasar",
                           roles_fulfilled=None if blank else 0,
                           rule_note="Aturan versi 1", catalogue_note="Daftar indikator versi 1",
                           blank=blank, assessor=Signatory("Penyuluh KB", "Sri W"),
                           unit_head=Signatory("Ketua PPKBD Duren", ""),
                           place_name="Tengaran")


def test_filled_sheet():
    text = pdf_text(render_assessment_sheet(_sheet(), ReportSettings()))
    assert "LEMBAR PENILAIAN ENAM PERAN BAKTI IMP" in text
    assert "1. Pengorganisasian" in text and "6. Kemandirian" in text
    assert "1.1 Indikator 1.1 Pengorganisasian ✓ Ada SK" in text
    assert "1.2 Indikator 1.2 Pengorganisasian ✗ Foto rapat" in text
    assert "2 dari 4 indikator terpenuhi (50%): peran belum terpenuhi." in text
    assert "Peran terpenuhi: 0 dari 6. Klasifikasi: Dasar." in text
    assert "Tengaran, 20 November 2026" in text and "Ketua PPKBD Duren" in text


def test_blank_sheet_has_boxes_and_no_answers():
    text = pdf_text(render_assessment_sheet(_sheet(blank=True), ReportSettings()))
    assert "(lembar isian)" in text and "☐ ☐" in text
    assert "✓" not in text and "Klasifikasi: Dasar / Berkembang / Mandiri" in text
    assert "20 November 2026" not in text


def test_hostile_sheet_and_recap():
    sheet = _sheet()
    sheet.unit_name = HOSTILE[0]
    sheet.roles[0].indicators[0].text = HOSTILE[1]
    sheet.roles[0].indicators[1].note = HOSTILE[2]
    assert "Tom & Jerry" in pdf_text(render_assessment_sheet(sheet, ReportSettings()))
    recap = _recap()
    recap.rows[0].unit_name = HOSTILE[1]
    recap.scope = HOSTILE[0]
    assert "Tom & Jerry" in pdf_text(render_role_recap(recap, ReportSettings()))
