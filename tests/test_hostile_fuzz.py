"""Fuzzing the doors data comes in by: the cadre importer, the region importer, the
package reader and the restore get random and mutated files (cells of every type,
encodings, truncations, flipped bytes, zip entries dropped, replaced or renamed).
Every failure must be a one-line UserError, and a failure changes nothing
(issue 19, "Fuzzing"). About a minute in all; ``IMP_HYPOTHESIS_PROFILE=long`` runs more."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imp_desktop.data import cipher
from imp_desktop.data.db import close_database, open_database
from imp_desktop.errors import UserError

pytestmark = pytest.mark.slow   # `-m "not slow"` leaves it out while developing

LONG = os.environ.get("IMP_HYPOTHESIS_PROFILE") == "long"
FUZZ = settings(max_examples=300 if LONG else 20, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def _fingerprint(path: Path) -> str:
    """The content of a database file (every row of every table)."""
    close_database()
    conn = cipher.connect_file(path)
    try:
        digest = hashlib.sha256()
        for line in cipher.iterdump(conn):
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def _refused_or_done(action, db_path: Path, reopen=None) -> bool:
    """Run ``action``; a failure must be a one-line UserError that changed nothing.
    True when the action succeeded."""
    before = _fingerprint(db_path)
    (reopen or open_database)(db_path)
    try:
        action()
    except UserError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        assert _fingerprint(db_path) == before, f"changed after refusing: {message}"
        return False
    finally:
        close_database()
    return True


# --- mutations --------------------------------------------------------------------------------

@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "random", "same"]))
    if kind == "truncate":
        return data[:draw(st.integers(0, max(len(data) - 1, 0)))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            if out:
                at = draw(st.integers(0, len(out) - 1))
                out[at] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(max_size=64)) + data[at:]
    if kind == "random":
        return draw(st.binary(max_size=2048))
    return data


@st.composite
def mutated_zip(draw, data: bytes) -> bytes:
    """A zip with an entry dropped, replaced, renamed or added, or its bytes mutated."""
    if draw(st.booleans()):
        return draw(mutated_bytes(data))
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    names = [name for name, _ in entries]
    target = draw(st.sampled_from(names))
    kind = draw(st.sampled_from(["drop", "replace", "rename", "add", "mutate"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in entries:
            if name == target:
                if kind == "drop":
                    continue
                if kind == "replace":
                    content = draw(st.binary(max_size=256))
                elif kind == "rename":
                    name = draw(st.sampled_from(["../boo", "/etc/x", "media/../x", name + "x",
                                                 "media/", "records/cadre.json"]))
                elif kind == "mutate":
                    content = draw(mutated_bytes(content))
            zf.writestr(name, content)
        if kind == "add":
            zf.writestr(draw(st.sampled_from(["media/x.jpg", "../../x", "extra.json"])),
                        draw(st.binary(max_size=128)))
    return out.getvalue()


# --- the cadre importer -------------------------------------------------------------------------

CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**17, 10**17),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.text(max_size=40),
    st.sampled_from(["Jumlah", "Mengetahui,", "3322024107850001", "3,32202E+15", "L", "P",
                     "27/11/2026", "31-02-1990", "Duren", "PPKBD", "Ketua", "=1+1", "\x00",
                     "Siti Aminah", "RT 001 RW 002", "Berhenti"]))
HEADERS = st.lists(st.sampled_from(["Nama", "NIK", "L/P", "Tempat/Tgl Lahir", "Desa", "Tingkat",
                                    "Jabatan", "No HP", "Alamat", "RT/RW", "Status", "Tanggal SK",
                                    "", "Nama", "Keterangan"]), min_size=1, max_size=8)


@st.composite
def cadre_sheets(draw):
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 2), max_size=12))
    return header, rows


def _csv_bytes(draw, header, rows) -> bytes:
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    lines = [delimiter.join(header)] + [
        delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    text = "\r\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    return draw(mutated_bytes(data)) if draw(st.booleans()) else data


def _xlsx_bytes(draw, header, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
            if isinstance(value, float) and value != value:
                value = None
            if isinstance(value, float) and value in (float("inf"), float("-inf")):
                value = 1e308
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return draw(mutated_zip(data)) if draw(st.booleans()) else data


@FUZZ
@given(st.data(), cadre_sheets(), st.sampled_from([".csv", ".xlsx"]))
def test_fuzzed_cadre_lists(tmp_path, data, sheet, suffix):
    from imp_desktop.services.cadre_import import import_cadres

    db_path = tmp_path / "kader.sqlite"
    if not db_path.exists():
        open_database(db_path)
        close_database()
    header, rows = sheet
    content = (_csv_bytes if suffix == ".csv" else _xlsx_bytes)(data.draw, header, rows)
    path = tmp_path / f"daftar{suffix}"
    path.write_bytes(content)
    _refused_or_done(lambda: import_cadres(path), db_path)


# --- the region importer ------------------------------------------------------------------------

REGION_DUMP = ("/* wilayah */\nDROP TABLE IF EXISTS wilayah;\n"
               "CREATE TABLE wilayah (kode varchar(13), nama varchar(100));\n"
               "-- Provinsi JAWA TENGAH\nINSERT INTO wilayah (kode, nama)\nVALUES\n"
               "('33','Jawa Tengah'),\n('33.22','Kabupaten Semarang'),\n"
               "('33.22.02','Bergas');\n-- desa\nINSERT INTO wilayah (kode, nama)\nVALUES\n"
               "('33.22.02.2001','Bergas Kidul'),\n('33.22.02.2002','Ngempon''an');\n")
REGION_CSV = "kode,nama\n33,Jawa Tengah\n33.22,Kabupaten Semarang\n33.22.02.2001,Bergas Kidul\n"


@FUZZ
@given(st.data(), st.sampled_from([REGION_DUMP, REGION_CSV]),
       st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_fuzzed_region_files(tmp_path, data, text, encoding):
    from imp_desktop.services.regions import import_region_file

    db_path = tmp_path / "wilayah.sqlite"
    if not db_path.exists():
        open_database(db_path)
        close_database()
    path = tmp_path / ("wilayah.sql" if text is REGION_DUMP else "wilayah.csv")
    path.write_bytes(data.draw(mutated_bytes(text.encode(encoding))))
    _refused_or_done(lambda: import_region_file(path), db_path)


# --- the package reader and the restore -------------------------------------------------------

@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    """A small package and a backup of a laptop, as bytes."""
    from imp_desktop.services.backup import backup_to_file
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.package import export_package

    folder = tmp_path_factory.mktemp("fuzz-sent")
    open_database(folder / "laptop.sqlite")
    generate_demo(desa=1, cadres=8, seed=3, activities=2)
    export_package(folder / "p.imp")
    backup_to_file(folder / "b.zip")
    close_database()
    return (folder / "p.imp").read_bytes(), (folder / "b.zip").read_bytes()


@FUZZ
@given(st.data())
def test_fuzzed_packages(tmp_path, sent, data):
    from imp_desktop.services.package import merge_package

    db_path = tmp_path / "kantor.sqlite"
    if not db_path.exists():
        open_database(db_path)
        close_database()
    path = tmp_path / "terima.imp"
    path.write_bytes(data.draw(mutated_zip(sent[0])))
    _refused_or_done(lambda: merge_package(path), db_path)


@FUZZ
@given(st.data())
def test_fuzzed_backups(tmp_path, sent, data):
    from imp_desktop.services.backup import restore

    db_path = tmp_path / "laptop.sqlite"
    if not db_path.exists():
        open_database(db_path)
        from imp_desktop.services.cadres import CadreInput, save_cadre

        save_cadre(CadreInput(name="Siti Aminah"))
        close_database()
    path = tmp_path / "cadangan.zip"
    path.write_bytes(data.draw(mutated_zip(sent[1])))
    _refused_or_done(lambda: restore(path, db_path), db_path, reopen=lambda p: None)
