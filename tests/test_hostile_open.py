"""How files are opened: read-only commands never create a database, read-only
files and media, a busy database, a full database, two imports at once
(issue 19 items 2, 6, 7, 8 and 9)."""
from __future__ import annotations

import os
import stat
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from imp_desktop.data import cipher
from imp_desktop.cli import main
from imp_desktop.data import db as dbmod
from imp_desktop.data.db import close_database, open_database
from safety_support import office_targets

READ_COMMANDS = [
    ["check"], ["list", "cadres"], ["report", "cadres", "--out", "{tmp}/r.pdf"],
    ["export", "cadres", "{tmp}/k.xlsx"], ["backup", "--out", "{tmp}/b.zip"],
    ["package", "export", "--out", "{tmp}/p.imp"],
]
READ_IDS = ["check", "list", "report", "export", "backup", "package-export"]


def _args(command, tmp):
    return [part.format(tmp=tmp) for part in command]


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- item 2: read-only commands never create a database ---------------------------------------

@pytest.mark.parametrize("command", READ_COMMANDS, ids=READ_IDS)
def test_a_read_only_command_on_a_missing_file_says_so_and_creates_nothing(
        tmp_path, capsys, command):
    out = tmp_path / "out"
    out.mkdir()
    missing = tmp_path / "some" / "typo" / "x.sqlite"
    assert main(_args(command, out) + ["--db", str(missing)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "tidak ada" in err and str(missing) in err
    assert not (tmp_path / "some").exists()
    assert list(out.iterdir()) == []


def test_a_mistyped_environment_variable_creates_nothing(tmp_path, monkeypatch, capsys):
    typo = tmp_path / "Dokumen" / "imp.sqlite"
    monkeypatch.setenv("IMP_DESKTOP_DB", str(typo))
    assert main(["check"]) == 1
    assert "tidak ada" in _one_line(capsys.readouterr().err)
    assert not typo.parent.exists()


@pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")
def test_a_new_database_is_private_in_a_private_folder(tmp_path):
    path = tmp_path / "data" / "imp.sqlite"
    open_database(path)
    close_database()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")
def test_a_database_left_open_by_an_older_version_becomes_private(tmp_path):
    path = tmp_path / "imp.sqlite"
    open_database(path)
    close_database()
    path.chmod(0o644)
    open_database(path)
    close_database()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_location_is_not_created_by_a_read_only_command(tmp_path, monkeypatch,
                                                                      capsys):
    from imp_desktop import paths

    monkeypatch.delenv("IMP_DESKTOP_DB", raising=False)
    monkeypatch.setattr(paths, "_data_location", lambda: tmp_path / "data" / "imp-desktop")
    assert main(["list", "cadres"]) == 1
    assert "tidak ada" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "data").exists()


# --- item 7: read-only files and media --------------------------------------------------------

@contextmanager
def read_only(path: Path):
    """``path`` (a file or a folder standing for a read-only medium) made read-only in
    a way that holds for root too: ``chattr +i`` as root, ``chmod`` otherwise."""
    if os.name == "nt":
        pytest.skip("read-only media are tested on POSIX")
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not available here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.fixture
def sealed_db(tmp_path):
    """A demo database with its signing key made, checkpointed and closed."""
    folder = tmp_path / "medium"
    db = folder / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "10"]) == 0
    assert main(["package", "export", "--db", str(db), "--out", str(tmp_path / "p0.imp")]) == 0
    close_database()
    conn = cipher.connect_file(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def _content(db: Path) -> list[str]:
    conn = cipher.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1",
                          cipher.file_key(db), uri=True)
    try:
        return list(cipher.iterdump(conn))
    finally:
        conn.close()


@pytest.mark.parametrize("what", ["file", "medium"])
def test_read_only_commands_work_on_a_read_only_file_or_medium(sealed_db, tmp_path, capsys, what):
    out = tmp_path / "out"
    out.mkdir()
    before = _content(sealed_db)
    with read_only(sealed_db if what == "file" else sealed_db.parent):
        for command, name in zip(READ_COMMANDS, READ_IDS):
            capsys.readouterr()
            code = main(_args(command, out) + ["--db", str(sealed_db)])
            captured = capsys.readouterr()
            close_database()
            assert code == 0, (name, captured.err)
            assert "rusak" not in captured.out + captured.err
        assert _content(sealed_db) == before
    assert sorted(p.name for p in out.iterdir()) == ["b.zip", "k.xlsx", "p.imp", "r.pdf"]


@pytest.mark.parametrize("what", ["file", "medium"])
def test_writing_commands_say_the_file_or_medium_is_read_only(sealed_db, tmp_path, capsys, what):
    export = tmp_path / "k.csv"
    assert main(["export", "cadres", str(export), "--db", str(sealed_db)]) == 0
    close_database()
    before = _content(sealed_db)
    commands = [["import", "cadres", str(export)], ["demo", "--cadres", "5"],
                ["package", "merge", str(tmp_path / "p0.imp")]]
    with read_only(sealed_db if what == "file" else sealed_db.parent):
        for command in commands:
            capsys.readouterr()
            assert main(command + ["--db", str(sealed_db)]) == 1, command
            err = _one_line(capsys.readouterr().err)
            assert "hanya-baca" in err, err
            assert ("media" in err) == (what == "medium"), err
            close_database()
    assert _content(sealed_db) == before


# --- item 8: a busy database ------------------------------------------------------------------

@contextmanager
def writer_holding(db: Path):
    """Another program in the middle of a write transaction on ``db``."""
    conn = cipher.connect_file(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE setting SET value = value WHERE 0")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_a_busy_database_is_waited_for_and_then_named(tmp_path, capsys, monkeypatch):
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "10"]) == 0
    export = tmp_path / "k.csv"
    assert main(["export", "cadres", str(export), "--db", str(db)]) == 0
    close_database()
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 400)
    with writer_holding(db):
        started = time.monotonic()
        assert main(["import", "cadres", str(export), "--db", str(db)]) == 1
        waited = time.monotonic() - started
        err = _one_line(capsys.readouterr().err)
        close_database()
    assert waited >= 0.35          # it waited for the other program (BEGIN IMMEDIATE too)
    assert "sedang ditulis oleh program lain" in err, err
    # when the other program is IMP Desktop (the window holds the lock), it is named
    from imp_desktop.data.lock import DatabaseLock

    with DatabaseLock(db.resolve()), writer_holding(db):
        assert main(["demo", "--db", str(db), "--cadres", "5"]) == 1
        err = _one_line(capsys.readouterr().err)
        close_database()
    assert f"proses {os.getpid()}" in err and "IMP Desktop di komputer" in err, err


@pytest.mark.parametrize("target", office_targets())
def test_two_imports_of_the_same_file_at_once_the_second_gets_a_sentence(tmp_path, target):
    """The other import commits between our check and our write (what happens when
    two run at once): ours writes nothing and says why, on SQLite and PostgreSQL."""
    open_database(target(tmp_path))
    from imp_desktop.data.models import Cadre
    from imp_desktop.errors import UserError
    from imp_desktop.services.cadre_import import check_import, read_table, write_import

    path = tmp_path / "kader.csv"
    path.write_text("Nama;NIK\nSiti Aminah;3322024107850001\nBudi;3322020101800002\n",
                    encoding="utf-8")
    ours = check_import(read_table(path))
    theirs = check_import(read_table(path))
    assert write_import(theirs) == 2
    with pytest.raises(UserError) as caught:
        write_import(ours)
    assert "pada saat yang sama" in str(caught.value)
    assert Cadre.select().count() == 2
    close_database()


# --- item 9: a full database ------------------------------------------------------------------

def _fill_up(database):
    """Make the open SQLite file "full": it cannot grow past its current size."""
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_during_a_cadre_import_says_disk_penuh_and_imports_nothing(
        tmp_path, monkeypatch, capsys):
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "2", "--cadres", "200"]) == 0
    export = tmp_path / "k.csv"
    assert main(["export", "cadres", str(export), "--db", str(db)]) == 0
    close_database()
    # many new cadres (names only: each row is valid, with warnings)
    export.write_text("Nama;Alamat\n" + "".join(f"Kader Baru {n};Jalan Panjang Sekali {n}\n"
                                                 for n in range(3000)), encoding="utf-8")
    before = _content(db)
    real_open = dbmod.open_database

    def open_full(*args, **kwargs):
        database = real_open(*args, **kwargs)
        _fill_up(database)
        return database

    monkeypatch.setattr(dbmod, "open_database", open_full)
    assert main(["import", "cadres", str(export), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Disk penuh" in err and "Traceback" not in err, err
    close_database()
    assert _content(db) == before


def test_a_full_disk_during_a_merge_or_region_import_says_disk_penuh_and_changes_nothing(
        tmp_path, monkeypatch, capsys):
    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    assert main(["demo", "--db", str(laptop), "--desa", "2", "--cadres", "200"]) == 0
    assert main(["package", "export", "--db", str(laptop), "--out", str(tmp_path / "p.imp")]) == 0
    open_database(office)
    close_database()
    regions = tmp_path / "wilayah.csv"
    regions.write_text("kode,nama\n" + "".join(
        f"33.22.{k:02d}.{2000 + d},Desa {k}-{d}\n" for k in range(1, 20) for d in range(1, 40)),
        encoding="utf-8")
    before = _content(office)
    real_open = dbmod.open_database

    def open_full(*args, **kwargs):
        database = real_open(*args, **kwargs)
        _fill_up(database)
        return database

    monkeypatch.setattr(dbmod, "open_database", open_full)
    for command in (["package", "merge", str(tmp_path / "p.imp")],
                    ["import", "regions", str(regions)]):
        capsys.readouterr()
        assert main(command + ["--db", str(office)]) == 1, command
        err = _one_line(capsys.readouterr().err)
        assert "Disk penuh" in err, err
        close_database()
        assert _content(office) == before
