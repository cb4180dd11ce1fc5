"""Monthly printouts and Excel copies: read back, the figures match the database."""
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from imp_desktop.cli import main
from imp_desktop.data.models import MonthlyReport
from imp_desktop.services import monthly, monthly_reports, reporting
from imp_desktop.services.reporting import XLSX, render
from monthly_support import DUREN, KEC, TODAY, build_chain, entry
from report_helpers import pdf_pages, pdf_text


@pytest.fixture
def month(db):
    from imp_desktop.services.settings import OfficerProfile, save_officer

    save_officer(OfficerProfile(name="Siti Aminah", kecamatan_code=KEC))
    ids = build_chain()
    monthly.save_desa_month(DUREN, "2026-10", [
        entry(ids["pok1"], dt.date(2026, 11, 2), pus=38, pb__pil=4)], today=TODAY)
    monthly.save_desa_month(DUREN, "2026-11", [
        entry(ids["pok1"], pus=40, pb__pil=2, pb__suntik=1),
        entry(ids["pok2"], pus=30, pb__pil=1),
        entry(ids["sub_a"], pus=75),
        entry(ids["pok3"], dt.date(2026, 12, 9), pus=25, pb__iud=1)], today=TODAY)
    return ids


def sheet_rows(data: bytes, index: int = 0):
    book = load_workbook(io.BytesIO(data))
    return book.worksheets[index]


def line_rows(ws) -> dict:
    """Uraian -> the row's cells, for the rows of a monthly sheet."""
    found = {}
    for row in ws.iter_rows(min_row=1):
        if len(row) > 3 and isinstance(row[1].value, int) and isinstance(row[2].value, str):
            found[row[2].value] = row
    return found


def test_unit_report_pdf_is_one_f4_page_with_the_figures_and_a_draft_mark(month):
    data = monthly_reports.unit_report_pdf(month["ppkbd"], "2026-11")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = (float(v) / 72 * 25.4 for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (215, 330)      # F4 by default
    text = pdf_text(data)
    assert "LAPORAN BULANAN R/I/PPKBD" in text
    assert "DRAF" in text                                   # not final: not official
    assert "Pasangan usia subur (PUS) 100 100" in text      # Sub A's own 75 + Sub B's 25
    monthly.finalize_month(DUREN, "2026-11")
    assert "DRAF" not in pdf_text(monthly_reports.unit_report_pdf(month["ppkbd"], "2026-11"))
    sub = pdf_text(monthly_reports.unit_report_pdf(month["sub_a"], "2026-11"))
    assert "R/I/SUB PPKBD" in sub and "selisih +5" in sub
    assert "R/I/KKB" in pdf_text(monthly_reports.unit_report_pdf(month["pok1"], "2026-11"))


def test_unit_report_xlsx_numbers_match_the_database_in_new_siga_order(month):
    ws = sheet_rows(render(monthly_reports.unit_report(month["pok1"], "2026-11"), XLSX))
    stored = json.loads(MonthlyReport.get(MonthlyReport.unit == month["pok1"],
                                          MonthlyReport.period == "2026-11").figures)
    rows = line_rows(ws)
    template = monthly.current_template()
    for key, value in stored.items():
        cells = rows[template.line(key).text_id]
        assert cells[3].value == value and cells[3].data_type == "n"
    pill = rows["Peserta KB baru: Pil"]
    assert pill[6].value == 6                    # to date: October 4 + November 2
    assert rows["Peserta KB baru: jumlah"][3].value == 3
    assert [r[2].value for r in rows.values()] == [line.text_id for line in template.lines
                                                  if line.applies_to("kelompok_kb")]
    header = next(row[0].row for row in ws.iter_rows() if row[2].value == "Uraian")
    assert ws.freeze_panes == f"A{header + 1}"          # the header stays in view
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_recap_pdf_and_xlsx_show_each_desa_total_coverage_and_differences(month):
    document = monthly_reports.recap_report("2026-11")
    text = pdf_text(render(document))
    assert "REKAPITULASI LAPORAN BULANAN IMP" in text and "Duren" in text
    assert "Cakupan Laporan Bulanan" in text and "Sub A" in text
    book = load_workbook(io.BytesIO(render(document, XLSX)))
    rows = line_rows(book.worksheets[0])
    pus = rows["Pasangan usia subur (PUS)"]
    assert [c.value for c in pus[3:6]] == [100, None, 100]     # Duren, Sruwen, total
    cover = book["Cakupan Laporan Bulanan"]
    values = {row[0]: row for row in cover.iter_rows(min_row=5, values_only=True) if row[0]}
    duren = values["Duren"]
    assert duren[1:3] == (6, 4) and abs(duren[3] - 4 / 6) < 1e-9
    missing = book["Belum melapor"]
    names = [row[1] for row in missing.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert {"PPKBD Duren", "Sub B", "PPKBD Sruwen", "Pok X"} == set(names)


def test_recap_pdf_never_leaves_a_section_heading_alone_or_a_page_blank(month):
    """Both seen on this recap: section IV's heading alone at the foot of page 1,
    and, once it moved, page 3 of 4 blank (the conditional break before the late
    units was measured with the signature's text and broke the page twice)."""
    pages = pdf_pages(render(monthly_reports.recap_report("2026-11")))
    assert len(pages) > 1
    headings = 0
    for number, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines()]
        assert [line for line in lines if line and not line.startswith(
            ("Kode verifikasi", "Halaman"))], f"page {number} of {len(pages)} is blank"
        for index, line in enumerate(lines):
            if line in ("I.", "II.", "III.", "IV.", "V.", "VI.", "VII."):
                headings += 1
                assert "1" in lines[index + 1:], (line, lines[index:index + 3])
    assert headings >= 5


def test_coverage_xlsx_has_phone_as_text_and_late_dates_as_dates(month):
    book = load_workbook(io.BytesIO(render(monthly_reports.coverage_report("2026-11", KEC),
                                           XLSX)))
    missing = book["Belum melapor"]
    phones = [row[5] for row in missing.iter_rows() if isinstance(row[0].value, int)
              and row[5].value]
    assert phones and all(c.data_type == "s" for c in phones)
    assert "081234567890" in [c.value for c in phones]
    late = book["Terlambat"]
    dates = [row[4].value for row in late.iter_rows() if isinstance(row[0].value, int)]
    assert [d.date() for d in dates] == [dt.date(2026, 12, 9)]


def test_paper_register_lists_the_dusun_kelompok_kb_with_month_boxes(month):
    hamlet = monthly_reports.register_choices(DUREN)[0][0]
    text = pdf_text(monthly_reports.paper_register_pdf(hamlet, 2026))
    assert "Pok 1" in text and "Pok 2" in text and "Pok 3" not in text
    assert "Jan" in text and "Des" in text and "paraf" in text


def test_every_report_has_an_excel_copy_and_formulas_stay_text(month):
    from imp_desktop.services.cadres import CadreInput, save_cadre

    save_cadre(CadreInput(name="=HYPERLINK(\"http://x\")", nik="3322024508860001",
                          desa_code=DUREN, unit_id=month["pok1"], phone="+6281234"))
    listing = reporting.cadre_listing(desa_code=DUREN, full_nik=True)
    ws = sheet_rows(render(listing, XLSX))
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value}
    name = cells['=HYPERLINK("http://x")']
    assert name.data_type == "s" and name.quotePrefix
    nik = cells["3322024508860001"]
    assert nik.data_type == "s"
    assert cells["+6281234"].data_type == "s"


def test_cli_writes_pdf_or_xlsx_by_the_file_name(month, db_path, tmp_path, capsys):
    from imp_desktop.data.db import close_database

    close_database()
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    assert main(["--db", str(db_path), "report", "monthly", "--unit", str(month["ppkbd"]),
                 "--period", "2026-11", "--out", str(pdf)]) == 0
    assert "R/I/PPKBD" in pdf_text(pdf.read_bytes())
    assert main(["--db", str(db_path), "report", "monthly-recap", "--desa", DUREN,
                 "--period", "2026-11", "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx).worksheets[0]["A1"].value == "Rekapitulasi Laporan Bulanan IMP"
    assert main(["--db", str(db_path), "report", "coverage", "--period", "2026-11",
                 "--out", str(tmp_path / "c.xlsx")]) == 0
    assert main(["--db", str(db_path), "report", "cadres", "--out",
                 str(tmp_path / "k.xlsx")]) == 0
    assert load_workbook(tmp_path / "k.xlsx").worksheets[0]["A1"].value == "Daftar Kader IMP"
    assert main(["--db", str(db_path), "report", "coverage", "--period", "2026-13"]) == 1
    assert "tidak dikenal" in capsys.readouterr().err
    assert len(pdf_pages(pdf.read_bytes())) == 1
