"""Backups, restore, integrity at open and the one-program-per-file lock."""
import datetime as dt
import os
import subprocess
import sys
import zipfile

import pytest

from imp_desktop.data import cipher
from imp_desktop.cli import main
from imp_desktop.data import backup as store
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.lock import DatabaseInUse, DatabaseLock
from imp_desktop.data.models import Cadre
from imp_desktop.errors import DatabaseDamaged, NotAnImpDatabase, UserError
from imp_desktop.services import backup as backups


def _add_photo(db_path, content=b"\xff\xd8 jpeg bytes"):
    import hashlib

    folder = store.media_dir(db_path)
    folder.mkdir(exist_ok=True)
    name = hashlib.sha256(content).hexdigest() + ".jpg"
    (folder / name).write_bytes(content)
    return name


def _stored_photos(db_path):
    folder = store.media_dir(db_path)
    return sorted(p.name for p in folder.glob("*") if p.is_file()) if folder.exists() else []


def _corrupt(path, offset_page=3):
    """Overwrite a page in the middle of the file with garbage."""
    data = bytearray(path.read_bytes())
    page = 4096
    start = page * offset_page
    assert len(data) > start + page
    data[start:start + page] = os.urandom(page)
    path.write_bytes(bytes(data))


def test_backup_holds_a_consistent_snapshot_and_the_photos(demo_db, db_path, tmp_path):
    demo_photos = _stored_photos(db_path)  # the demo activities' documentation
    photo = _add_photo(db_path)
    info = backups.backup_to_folder(tmp_path)
    assert info.path.parent == tmp_path and info.path.name.startswith("IMP-Desktop-cadangan-")
    assert info.media_files == len(demo_photos) + 1
    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
        assert {"database.sqlite", "backup.json", f"media/{photo}"} <= names
        snap = tmp_path / "snap.sqlite"
        snap.write_bytes(zf.read("database.sqlite"))
    conn = cipher.connect_file(snap)
    assert conn.execute("SELECT COUNT(*) FROM cadre").fetchone()[0] == 300
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_restore_brings_back_data_and_photos_after_a_safety_copy(demo_db, db_path, tmp_path):
    photo = _add_photo(db_path)
    kept = _stored_photos(db_path)
    info = backups.backup_to_file(tmp_path / "b.zip")
    Cadre.update(name="CHANGED").execute()
    (store.media_dir(db_path) / photo).unlink()
    _add_photo(db_path, b"another photo")
    result = backups.restore(info.path, db_path)
    assert Cadre.select().where(Cadre.name == "CHANGED").count() == 0
    assert Cadre.select().count() == 300
    assert _stored_photos(db_path) == kept and photo in kept
    # the state before the restore was kept, photos included
    assert result.safety_copy.exists() and result.safety_copy.parent == store.backups_dir(db_path)
    with zipfile.ZipFile(result.safety_copy) as zf:
        assert len([n for n in zf.namelist() if n.startswith("media/")]) == len(kept)


@pytest.mark.parametrize("damage", ["truncate", "bitflip", "not_zip"])
def test_a_damaged_backup_is_refused_and_nothing_changes(demo_db, db_path, tmp_path, damage):
    info = backups.backup_to_file(tmp_path / "b.zip")
    data = bytearray(info.path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "bitflip":
        with zipfile.ZipFile(info.path) as zf:
            member = zf.getinfo("database.sqlite")
        data[member.header_offset + 200] ^= 0x40
    else:
        data = b"hello" * 100
    info.path.write_bytes(bytes(data))
    Cadre.update(name="KEPT").execute()
    with pytest.raises(UserError):
        backups.restore(info.path, db_path)
    assert Cadre.select().where(Cadre.name == "KEPT").count() == 300


def test_automatic_backup_once_a_day_keeping_the_last_n(db, db_path):
    backups.set_keep_count(3)
    first = backups.auto_backup_if_due()
    assert first.made is not None
    assert backups.auto_backup_if_due().made is None       # less than a day old
    start = dt.datetime.now(dt.timezone.utc)
    for day in range(1, 6):
        moment = start + dt.timedelta(days=day, minutes=1)
        result = backups.auto_backup_if_due(now=moment)
        assert result.made is not None
    autos = [b for b in store.list_backups(db_path) if b.path.name.startswith("auto-")]
    assert len(autos) == 3


def test_a_damaged_database_is_refused_untouched_and_offers_the_latest_backup(
        demo_db, db_path, tmp_path):
    made = backups.auto_backup_if_due().made
    close_database()
    _corrupt(db_path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseDamaged) as caught:
        open_database(db_path)
    message = str(caught.value)
    assert "rusak" in message and made.label in message and "\n" not in message
    assert message.count(". ") == 0 and message.endswith(".")     # one sentence
    assert made.path.name in caught.value.details                  # behind "Rincian"
    assert caught.value.latest_backup == made.path
    assert db_path.read_bytes() == before
    # the offered backup restores it; the damaged file is kept aside
    result = backups.restore(caught.value.latest_backup, db_path)
    assert result.safety_copy.exists()
    open_database(db_path)
    assert Cadre.select().count() == 300


def test_a_truncated_database_is_refused(demo_db, db_path):
    close_database()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    with pytest.raises(NotAnImpDatabase):
        open_database(db_path)
    assert len(db_path.read_bytes()) == len(data) // 3


def test_a_second_program_is_told_the_file_is_in_use(db_path):
    open_database(db_path, lock=True)
    try:
        code = ("import sys; from imp_desktop.data.db import open_database\n"
                "from imp_desktop.errors import UserError\n"
                "try:\n    open_database(sys.argv[1], lock=True)\n"
                "except UserError as e:\n    print(e); sys.exit(3)\n")
        result = subprocess.run([sys.executable, "-c", code, str(db_path)],
                                capture_output=True, text=True)
        assert result.returncode == 3, result.stderr
        assert "sedang dipakai" in result.stdout and str(os.getpid()) in result.stdout
        # restoring over it from another program is refused too
        result = subprocess.run([sys.executable, "-m", "imp_desktop", "restore", "x.zip",
                                 "--db", str(db_path)], capture_output=True, text=True)
        assert result.returncode == 1
    finally:
        close_database()
    # once closed, the file is free again
    with DatabaseLock(db_path.resolve()):
        pass


def test_a_stale_lock_left_by_a_killed_program_is_taken_over(db_path):
    code = ("import sys, time; from imp_desktop.data.db import open_database\n"
            "open_database(sys.argv[1], lock=True); print('ready', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(db_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseInUse):
            open_database(db_path, lock=True)
    finally:
        child.kill()
        child.wait()
    assert db_path.with_name(db_path.name + ".lock").read_text()   # left behind
    open_database(db_path, lock=True)
    close_database()


def test_cli_backup_and_restore(tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite")
    assert main(["demo", "--db", db, "--desa", "1", "--cadres", "20"]) == 0
    out = tmp_path / "usb"
    out.mkdir()
    assert main(["backup", "--db", db, "--out", str(out)]) == 0
    made = next(out.glob("*.zip"))
    assert "Cadangan dibuat" in capsys.readouterr().out
    close_database()
    conn = cipher.connect_file(db)
    conn.execute("UPDATE cadre SET name = 'X'")
    conn.commit()
    conn.close()
    assert main(["restore", str(made), "--db", db]) == 0
    assert "Dipulihkan" in capsys.readouterr().out
    assert Cadre.select().where(Cadre.name == "X").count() == 0
    assert main(["restore", str(tmp_path / "missing.zip"), "--db", db]) == 1
    close_database()
