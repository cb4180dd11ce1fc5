"""Excel copies of the documents that existed before the monthly reports."""
import datetime as dt
import io

from openpyxl import load_workbook

from imp_desktop.cli import main
from imp_desktop.data.models import Assessment
from imp_desktop.reports.xlsx import Column, Sheet, workbook_bytes
from imp_desktop.services import activities, reporting
from imp_desktop.services.reporting import XLSX, render

DUREN = "33.22.02.2001"


def book_of(document):
    return load_workbook(io.BytesIO(render(document, XLSX)))


def cells(ws):
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def test_activity_report_and_attendance(demo_db):
    activity = activities.list_activities()[-1]
    detail = activities.get_activity(activity.id)
    book = book_of(reporting.activity_report(activity.id))
    main = book.worksheets[0]
    dates = [c.value for c in cells(main) if isinstance(c.value, dt.datetime)]
    assert [d.date() for d in dates] == [detail.date]
    attendance = book.worksheets[1]
    names = [row[1].value for row in attendance.iter_rows() if isinstance(row[0].value, int)]
    assert names == [p.name for p in detail.participants]
    filled = book_of(reporting.attendance_sheet(activity.id)).worksheets[0]
    statuses = {row[3].value for row in filled.iter_rows() if isinstance(row[0].value, int)}
    assert statuses & {"Hadir", "Izin", "Sakit", "Tanpa keterangan"}
    blank = book_of(reporting.attendance_sheet(activity.id, blank=True)).worksheets[0]
    numbered = [row for row in blank.iter_rows() if isinstance(row[0].value, int)]
    assert len(numbered) > len(detail.participants)
    assert all(row[3].value is None for row in numbered)


def test_role_recap_scores_are_numbers_and_the_sheet_fits_one_page_width(demo_db):
    recap = reporting.role_recap(desa_code=DUREN)
    book = book_of(recap)
    units = book.worksheets[0]
    rows = [row for row in units.iter_rows() if isinstance(row[0].value, int)]
    assert len(rows) == len(recap.rows)
    scores = [c for row in rows for c in row[5:11] if c.value is not None]
    assert scores and all(c.data_type == "n" and 0 <= c.value <= 1 for c in scores)
    assert units.page_setup.fitToWidth == 1 and units.page_setup.orientation == "landscape"


def test_assessment_sheet_and_cadre_list(demo_db):
    row = Assessment.select().first()
    sheet = reporting.assessment_sheet(row.id)
    ws = book_of(sheet).worksheets[0]
    answers = [r[3].value for r in ws.iter_rows() if isinstance(r[0].value, int)]
    assert len(answers) == sum(len(role.indicators) for role in sheet.roles)
    assert set(answers) <= {"Ya", "Tidak"}
    listing = reporting.cadre_listing(desa_code=DUREN)
    ws = book_of(listing).worksheets[0]
    rows = [r for r in ws.iter_rows() if isinstance(r[0].value, int)]
    assert len(rows) == sum(len(g.rows) for g in listing.groups)
    births = [r[7] for r in rows if r[7].value is not None]
    assert births and all(c.is_date for c in births)
    assert all(r[4].data_type == "s" for r in rows if r[4].value)   # masked NIK as text


def test_writer_guards_formulas_sheet_names_and_kinds():
    data = workbook_bytes([Sheet("a/b:c*?[x]", "Judul", [
        Column("Nama"), Column("Jumlah", "number"), Column("Tanggal", "date"),
        Column("Persen", "percent")], [
        ["=1+1", 12, dt.date(2026, 11, 3), 87.5], ["@cmd", None, None, None],
        ["-2", 3, None, None], ["\tx", 4, None, None]]),
        Sheet("a/b:c*?[x]", "Lagi", [Column("X")], [])])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["a b c   x", "a b c   x (2)"]
    ws = book.worksheets[0]
    texts = [ws.cell(row=r, column=1) for r in range(4, 8)]
    assert [c.value for c in texts] == ["=1+1", "@cmd", "-2", "\tx"]
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert ws.cell(row=4, column=2).value == 12 and ws.cell(row=4, column=2).data_type == "n"
    assert ws.cell(row=4, column=3).is_date
    assert ws.cell(row=4, column=4).value == 0.875


def test_cli_xlsx_for_every_older_kind(demo_db, db_path, tmp_path):
    from imp_desktop.data.db import close_database

    activity_id = activities.list_activities()[-1].id
    close_database()
    for args in (["activity", "--id", str(activity_id)],
                 ["attendance", "--id", str(activity_id), "--blank"],
                 ["roles", "--desa", DUREN], ["assessment", "--id", "1"],
                 ["cadres", "--desa", DUREN]):
        out = tmp_path / "out.xlsx"
        assert main(["report", *args, "--db", str(db_path), "--out", str(out)]) == 0, args
        assert load_workbook(out).worksheets[0]["A1"].value, args
