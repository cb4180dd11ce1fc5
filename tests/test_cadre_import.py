import datetime as dt

import pytest
from openpyxl import Workbook

from imp_desktop.cli import main
from imp_desktop.data.models import Cadre, Unit
from imp_desktop.services.cadre_export import export_cadres
from imp_desktop.services.cadre_import import (
    check_import,
    guess_mapping,
    import_cadres,
    parse_date,
    read_table,
    split_place_date,
    write_import,
)
from imp_desktop.errors import ValidationError

HEADERS = ["No", "Nama Lengkap", "NIK", "L/P", "Tempat/Tgl Lahir", "Alamat", "RT", "RW",
           "Desa/Kelurahan", "Tingkat", "Jabatan", "No. HP"]


def messy_workbook(path, rows):
    """An office list as it really looks: titles, merged cells, column numbers, totals."""
    book = Workbook()
    sheet = book.active
    sheet.append(["DAFTAR KADER IMP KECAMATAN TENGARAN"])
    sheet.merge_cells("A1:L1")
    sheet.append(["TAHUN 2026"])
    sheet.merge_cells("A2:L2")
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append(list(range(1, 13)))
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Jumlah", None, None, None, None, None, None, None, None, None, None, None])
    sheet.append([])
    sheet.append([None, "Mengetahui,", None, None, None, None, None, None, "Tengaran, 27 November 2026"])
    sheet.append([None, "Kepala Desa Duren", None, None, None, None, None, None, "Penyuluh KB"])
    sheet.append([None, "SUTRISNO", None, None, None, None, None, None, "NIP. 198609262015052001"])
    book.save(path)
    return path


GOOD_ROWS = [
    [1, "  siti   AMINAH ", "3322024512900003", "P", "Semarang, 05-12-1990", "Dusun Krajan",
     "1", "2", "Duren", "Kelompok KB", "Anggota", "0812-3456-7890"],
    [2, "Muhammad Yusuf", 3322021703850002, "L", "Kab. Semarang / 17 Maret 1985", None,
     "003", "001", "Desa Duren", "PPKBD", "Ketua", None],
    [3, "Rina Wati", "3322024101950004", "Pr", "Salatiga, 1 Jan 1995", None, None, None,
     "duren", "Sub PPKBD", "sekertaris", "081 222 333"],
    [4, "Dewi Lestari", "3322025506880001", "P", "Semarang, 15 Jun 1988", None, None, None,
     "Duren", None, "anggota", None],
]


def test_dates_in_indonesian_forms():
    expected = dt.date(2026, 11, 27)
    for text in ("27/11/2026", "27-11-2026", "27.11.2026", "2026-11-27", "27 November 2026",
                 "27 Nop 2026", "27-Nov-2026", "27 nopember 2026", 46353, "46353",
                 dt.datetime(2026, 11, 27)):
        assert parse_date(text) == expected, text
    assert parse_date("5/3/85") == dt.date(1985, 3, 5)
    assert parse_date(None) is None
    with pytest.raises(ValueError):
        parse_date("kemarin")
    assert split_place_date("Semarang, 05-12-1990") == ("Semarang", dt.date(1990, 12, 5))
    assert split_place_date("Kab. Semarang / 17 Maret 1985") == ("Kab. Semarang",
                                                                   dt.date(1985, 3, 17))


def test_header_below_title_rows_is_found_and_mapped(demo_db, tmp_path):
    table = read_table(messy_workbook(tmp_path / "kader.xlsx", GOOD_ROWS))
    assert table.header_row == 4
    assert guess_mapping(table) == [None, "name", "nik", "sex", "birth_place_date", "address",
                                    "rt", "rw", "desa", "level", "position", "phone"]
    assert table.preview()[0][0] == "1"


def test_messy_file_imports_with_a_report(demo_db, tmp_path):
    before = Cadre.select().count()
    report, written = import_cadres(messy_workbook(tmp_path / "kader.xlsx", GOOD_ROWS))
    assert report.errors == [], report.lines()
    assert written == 4 and Cadre.select().count() == before + 4
    skipped = dict(report.skipped)
    assert skipped[5] == "baris nomor kolom"
    assert skipped[11] == "baris jumlah"
    assert {13, 14, 15} <= set(skipped)
    siti = Cadre.get(Cadre.nik == "3322024512900003")
    assert siti.name == "Siti Aminah" and siti.sex == "P"
    assert siti.birth_place == "Semarang" and siti.birth_date == dt.date(1990, 12, 5)
    assert (siti.rt, siti.rw, siti.phone) == ("001", "002", "081234567890")
    assert siti.desa_code == "33.22.02.2001" and siti.position == "anggota"
    yusuf = Cadre.get(Cadre.nik == "3322021703850002")
    ppkbd = Unit.get((Unit.desa == "33.22.02.2001") & (Unit.level == "ppkbd"))
    assert yusuf.unit_id == ppkbd.id and yusuf.position == "ketua"
    rina = Cadre.get(Cadre.nik == "3322024101950004")
    assert rina.position == "sekretaris" and rina.unit_id is None   # no dusun given
    assert any(p.row == 8 and p.field == "unit" and not p.error for p in report.problems)
    assert report.incomplete_count >= 2


def test_excel_damaged_niks_refuse_the_whole_file(demo_db, tmp_path):
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][2] = 3322021703850000          # a 16-digit number: last digit lost by Excel
    rows[2][2] = "3.32202E+15"              # scientific notation
    rows[3][4] = "Semarang, kemarin sore"   # not a date
    before = Cadre.select().count()
    report, written = import_cadres(messy_workbook(tmp_path / "rusak.xlsx", rows))
    assert written == 0 and Cadre.select().count() == before
    errors = {(p.row, p.field) for p in report.errors}
    assert {(7, "nik"), (8, "nik")} <= errors
    text = "\n".join(report.lines())
    assert "Baris 7 KESALAHAN NIK" in text and "Excel" in text
    assert "3.32202E+15" in text
    with pytest.raises(ValidationError):
        write_import(report)


def test_same_nik_in_file_or_database_is_refused(demo_db, tmp_path):
    existing = Cadre.select().first()
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][2] = rows[0][2]
    rows[2][2] = existing.nik
    report = check_import(read_table(messy_workbook(tmp_path / "dup.xlsx", rows)))
    messages = {p.row: p.message for p in report.errors}
    assert "baris 6" in messages[7]
    assert existing.name in messages[8]


def test_csv_with_semicolons_and_nik_as_float_text(demo_db, tmp_path):
    path = tmp_path / "kader.csv"
    path.write_text("Nama;NIK;Jenis Kelamin;Tanggal Lahir;Desa\n"
                    "Sri Wahyuni;3322024512900003.0;Perempuan;05/12/1990;Duren\n"
                    "Budi;3322021703850002;Laki-laki;17 Maret 1985;Duren\n", encoding="utf-8")
    report, written = import_cadres(path)
    assert written == 2, report.lines()
    assert Cadre.get(Cadre.name == "Sri Wahyuni").nik == "3322024512900003"


def test_cli_dry_run_writes_nothing_and_fails_on_invalid(demo_db, db_path, tmp_path, capsys):
    good = messy_workbook(tmp_path / "baik.xlsx", GOOD_ROWS)
    before = Cadre.select().count()
    assert main(["import", "cadres", str(good), "--db", str(db_path), "--dry-run"]) == 0
    assert "Uji coba" in capsys.readouterr().out
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][2] = "3.32202E+15"
    bad = messy_workbook(tmp_path / "buruk.xlsx", rows)
    assert main(["import", "cadres", str(bad), "--db", str(db_path)]) == 1
    captured = capsys.readouterr()
    assert "Baris 6 KESALAHAN NIK" in captured.out and "Tidak ada yang disimpan" in captured.err
    from imp_desktop.data.db import open_database

    open_database(db_path)
    assert Cadre.select().count() == before
    assert main(["import", "cadres", str(good), "--db", str(db_path)]) == 0
    open_database(db_path)
    assert Cadre.select().count() == before + 4


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_gives_the_same_cadres(demo_db, tmp_path, suffix):
    fields = ["nik", "name", "sex", "birth_place", "birth_date", "address", "rt", "rw",
              "desa_code", "phone", "education", "occupation", "unit_id", "position",
              "start_date", "active", "inactive_reason"]

    def snapshot():
        return {c.nik: tuple(getattr(c, f) for f in fields) for c in Cadre.select()}

    before = snapshot()
    path = tmp_path / f"kader{suffix}"
    assert export_cadres(path) == len(before)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        cell = load_workbook(path).active["C2"]
        assert isinstance(cell.value, str) and cell.number_format == "@"
    else:
        assert '"=""33' in path.read_text(encoding="utf-8-sig")
    # The test's own clean slate: whatever refers to cadres, then the cadres.
    from imp_desktop.services.cadre_duplicates import cadre_references

    for field in cadre_references():
        if field.model is not Cadre:
            field.model.delete().execute()
    demo_db.execute_sql("DELETE FROM cadre")
    report, written = import_cadres(path)
    assert report.errors == [] and written == len(before), report.lines()[:5]
    assert snapshot() == before


def test_names_that_start_like_footer_words_are_not_footers():
    from imp_desktop.services.cadre_import import _footer_row

    assert not any(_footer_row([name]) for name in ("Nipah Sari", "Totalia", "Lurahwati"))
    assert all(_footer_row([text]) for text in ("JUMLAH", "Mengetahui,", "NIP. 1986",
                                                 "Kepala Desa Duren"))
