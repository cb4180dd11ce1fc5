"""Files written by the program: whole or not at all, private, never over the open
database, nothing left behind by a killed run, no signing key in a backup
(issue 19 items 5, 6 and 9 for files; issue 13 item 6)."""
from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from imp_desktop.data import cipher
from imp_desktop import fileio
from imp_desktop.cli import main
from imp_desktop.data.db import close_database, open_database
from imp_desktop.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
POSIX = os.name != "nt"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the one helper -------------------------------------------------------------------------

@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_atomic_write_creates_a_private_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.bin"
    fileio.write_bytes_atomically(target, b"data")
    assert target.read_bytes() == b"data"
    assert _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with fileio.atomic_write(target) as handle:
            handle.write(b"half")
            raise RuntimeError("killed in the middle")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_no_space_left_is_disk_penuh_and_changes_nothing(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(fileio.DiskFull) as caught:
        with fileio.atomic_write(target) as handle:
            handle.write(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert "Disk penuh" in str(caught.value) and "\n" not in str(caught.value)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_a_missing_folder_is_a_sentence(tmp_path):
    with pytest.raises(UserError, match="tidak ada"):
        fileio.write_bytes_atomically(tmp_path / "no" / "such" / "x.pdf", b"x")


def test_leftovers_of_a_dead_process_go_and_those_of_a_live_one_stay(tmp_path):
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = int(child.stdout)
    stale = tmp_path / f".paket.imp.{dead}.abc123{fileio.TEMP_SUFFIX}"
    live = tmp_path / f".paket.imp.{os.getpid()}.def456{fileio.TEMP_SUFFIX}"
    staging = tmp_path / f"imp-backup-{dead}-xyz"
    other = tmp_path / "catatan.txt"
    for path in (stale, live, other):
        path.write_bytes(b"x")
    staging.mkdir()
    (staging / "database.sqlite").write_bytes(b"x")
    removed = fileio.remove_leftovers(tmp_path)
    assert sorted(removed) == sorted([stale, staging])
    assert live.exists() and other.exists()


# --- issue 13 item 6: nothing is written over the open database -----------------------------

def _dump(db_path: Path) -> list[str]:
    conn = cipher.connect_file(db_path)
    try:
        return list(cipher.iterdump(conn))
    finally:
        conn.close()


def _targets(db_path: Path) -> list[Path]:
    media = db_path.with_name(db_path.name + ".media")
    media.mkdir(exist_ok=True)
    return [db_path, db_path.with_name(db_path.name + "-wal"),
            db_path.with_name(db_path.name + "-shm"), db_path.with_name(db_path.name + ".lock"),
            media / "foto.jpg"]


@pytest.mark.parametrize("command", [
    ["backup", "--out", "{out}"],
    ["package", "export", "--out", "{out}"],
    ["export", "cadres", "{out}"],
    ["report", "cadres", "--out", "{out}"],
], ids=["backup", "package-export", "export-cadres", "report"])
def test_out_naming_the_open_database_or_its_parts_is_refused(
        tmp_path, capsys, command):
    db_path = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db_path), "--desa", "1", "--cadres", "10"]) == 0
    close_database()
    before = _dump(db_path)
    for target in _targets(db_path):
        existed = target.exists()
        args = [part.format(out=target) for part in command] + ["--db", str(db_path)]
        capsys.readouterr()
        assert main(args) == 1, (command, target)
        err = capsys.readouterr().err
        assert "tidak akan ditimpa" in err and err.count("\n") == 1, err
        close_database()
        if existed:      # still what it was: not replaced by a zip, workbook or PDF
            assert target.read_bytes()[:4] not in (b"PK\x03\x04", b"%PDF"), target
        else:
            assert not target.exists()
    assert _dump(db_path) == before
    # the database still opens and holds its data
    open_database(db_path)
    from imp_desktop.data.models import Cadre

    assert Cadre.select().count() == 10
    close_database()


# --- item 6: private files and no signing key in a backup -----------------------------------

@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_backups_packages_exports_and_reports_are_private(tmp_path):
    db = str(tmp_path / "imp.sqlite")
    assert main(["demo", "--db", db, "--desa", "1", "--cadres", "10"]) == 0
    outputs = {
        "backup": (["backup", "--out", str(tmp_path / "b.zip")], tmp_path / "b.zip"),
        "package": (["package", "export", "--out", str(tmp_path / "p.imp")], tmp_path / "p.imp"),
        "xlsx": (["export", "cadres", str(tmp_path / "k.xlsx")], tmp_path / "k.xlsx"),
        "csv": (["export", "cadres", str(tmp_path / "k.csv")], tmp_path / "k.csv"),
        "pdf": (["report", "cadres", "--out", str(tmp_path / "k.pdf")], tmp_path / "k.pdf"),
    }
    for name, (args, path) in outputs.items():
        assert main(args + ["--db", db]) == 0, name
        close_database()
        assert _mode(path) == 0o600, (name, oct(_mode(path)))


def test_a_backup_holds_no_signing_key_and_restoring_over_the_laptop_keeps_it(tmp_path, capsys):
    from imp_desktop.services import signing

    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "10"]) == 0
    open_database(db)
    own = signing.own_public_key()
    close_database()
    assert main(["backup", "--db", str(db), "--out", str(tmp_path / "b.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        raw = zf.read("database.sqlite")
    assert b"private_key" not in raw and signing.OWN_KEY.encode() not in raw
    # restoring over this laptop's own file keeps its key
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "b.zip"), "--db", str(db)]) == 0
    assert "kunci baru" not in capsys.readouterr().out
    open_database(db)
    assert signing.own_public_key() == own
    close_database()
    # restoring onto a new laptop: a new key, and the officer is told what that means
    fresh = tmp_path / "baru.sqlite"
    assert main(["restore", str(tmp_path / "b.zip"), "--db", str(fresh)]) == 0
    out = capsys.readouterr().out
    assert "kunci baru" in out and "kantor" in out
    open_database(fresh)
    assert signing.own_public_key() != own
    close_database()


# --- item 5: a killed backup leaves no plain copy ---------------------------------------------

BACKUP_CHILD = """
import sys
from imp_desktop.cli import main
sys.exit(main(["backup", "--db", sys.argv[1], "--out", sys.argv[2]]))
"""


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
@pytest.mark.parametrize("step", ["backup.staged", "atomic_write.before_rename"])
def test_a_killed_backup_leaves_no_copy_beside_the_target_and_the_rest_goes_at_next_start(
        tmp_path, step):
    import signal

    db = tmp_path / "data" / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "10"]) == 0
    close_database()
    usb, local_tmp = tmp_path / "usb", tmp_path / "tmp"
    usb.mkdir()
    local_tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(local_tmp), **{fileio.CRASH_ENV: step})
    child = subprocess.run([sys.executable, "-c", BACKUP_CHILD, str(db), str(usb / "b.zip")],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    # never a plain copy of the database on the stick, and no half backup under its name
    assert not (usb / "b.zip").exists()
    assert not list(usb.rglob("*.sqlite"))
    left_local = list(local_tmp.iterdir())
    assert left_local and all(p.name.startswith("imp-backup-") for p in left_local)
    # the next start (any command) clears the local temporary folder
    env.pop(fileio.CRASH_ENV)
    check = subprocess.run([sys.executable, "-m", "imp_desktop.cli", "check", "--db", str(db)],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert not list(local_tmp.iterdir())
    # and the next backup into the same folder clears what was left there
    again = subprocess.run([sys.executable, "-c", BACKUP_CHILD, str(db), str(usb / "c.zip")],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in usb.iterdir()) == ["c.zip"]


RESTORE_CHILD = """
import sys
from imp_desktop.cli import main
sys.exit(main(["restore", sys.argv[2], "--db", sys.argv[1]]))
"""


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_a_killed_restore_leaves_its_staging_folder_only_until_the_next_start(tmp_path):
    import signal

    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "10"]) == 0
    assert main(["backup", "--db", str(db), "--out", str(tmp_path / "b.zip")]) == 0
    close_database()
    env = dict(os.environ, **{fileio.CRASH_ENV: "restore.extracted"})
    child = subprocess.run([sys.executable, "-c", RESTORE_CHILD, str(db), str(tmp_path / "b.zip")],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert list(tmp_path.glob("imp-restore-*"))
    env.pop(fileio.CRASH_ENV)
    check = subprocess.run([sys.executable, "-m", "imp_desktop.cli", "check", "--db", str(db)],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert not list(tmp_path.glob("imp-restore-*"))


# --- item 9 for files: a full disk while writing ------------------------------------------------

def _full_disk(monkeypatch):
    real = fileio.os.fsync

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", no_space)
    return real


@pytest.mark.parametrize("command", [
    ["backup", "--out", "{tmp}/b.zip"],
    ["package", "export", "--out", "{tmp}/p.imp"],
    ["export", "cadres", "{tmp}/k.xlsx"],
    ["export", "cadres", "{tmp}/k.csv"],
    ["report", "cadres", "--out", "{tmp}/k.pdf"],
], ids=["backup", "package-export", "xlsx", "csv", "report"])
def test_writing_a_file_on_a_full_disk_says_disk_penuh_and_changes_nothing(
        tmp_path, monkeypatch, capsys, command):
    db = tmp_path / "imp.sqlite"
    assert main(["demo", "--db", str(db), "--desa", "1", "--cadres", "10"]) == 0
    close_database()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    conn = cipher.connect_file(db)
    before = conn.execute("SELECT COUNT(*) FROM handover").fetchone()[0]
    conn.close()
    _full_disk(monkeypatch)
    capsys.readouterr()
    args = [part.format(tmp=out_dir) for part in command] + ["--db", str(db)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Disk penuh" in err and err.count("\n") == 1, err
    close_database()
    assert list(out_dir.iterdir()) == []
    conn = cipher.connect_file(db)
    assert conn.execute("SELECT COUNT(*) FROM handover").fetchone()[0] == before
    conn.close()
