"""Converting a clear database (issue 20), killed or not; the recovery sheet."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from imp_desktop.cli import main
from imp_desktop.data import cipher, keystore
from imp_desktop.data.db import close_database, integrity_check, open_database
from imp_desktop.data.models import Cadre
from imp_desktop.errors import UserError
from imp_desktop.fileio import CRASH_ENV
from imp_desktop.services import encryption

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clear_demo(demo_db, db_path, tmp_path):
    """The demo database as an older version left it: a clear SQLite file."""
    niks = [row.nik for row in Cadre.select(Cadre.nik).where(Cadre.nik.is_null(False))]
    count = Cadre.select().count()
    demo_db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    key = cipher.file_key(db_path)
    close_database()
    clear = tmp_path / "lama" / "imp.sqlite"
    clear.parent.mkdir()
    cipher.export_copy(db_path, key, clear, None)
    assert cipher.is_clear(clear) and niks[0].encode() in clear.read_bytes()
    return clear, niks, count


def _whole(path: Path, niks: list[str], count: int) -> bool:
    """Opens (clear or encrypted), passes the checks and holds every cadre."""
    close_database()
    db = open_database(path, access="write")
    try:
        assert integrity_check(db) == []
        assert Cadre.select().count() == count
        assert Cadre.select().where(Cadre.nik == niks[-1]).exists()
        return db.encrypted
    finally:
        close_database()


def test_a_clear_database_is_converted_and_the_safety_copy_removed(clear_demo):
    clear, niks, count = clear_demo
    open_database(clear)
    assert not encryption.status().encrypted
    state = encryption.encrypt_database()
    assert state.encrypted and state.needs_recovery_sheet
    assert Cadre.select().count() == count          # reopened, usable at once
    close_database()
    assert cipher.is_encrypted(clear)
    assert not cipher.safety_copy_of(clear).exists()
    leftovers = [p.name for p in clear.parent.iterdir() if p.name != clear.name]
    assert not [name for name in leftovers if not name.endswith(("-wal", "-shm", ".lock"))]
    data = b"".join(p.read_bytes() for p in clear.parent.iterdir() if p.is_file())
    assert not [nik for nik in niks if nik.encode() in data]
    assert _whole(clear, niks, count)


def test_the_backups_made_while_clear_are_encrypted_with_it(clear_demo, tmp_path):
    from imp_desktop.data import backup as store
    from imp_desktop.services import backup as backups

    clear, niks, count = clear_demo
    open_database(clear)
    backups.auto_backup_if_due()
    made = store.list_backups(clear)
    assert len(made) == 1 and niks[0].encode() in _unzipped(made[0].path)
    encryption.encrypt_database()
    data = b"".join(_unzipped(p) for p in store.backups_dir(clear).glob("*.zip"))
    assert not [nik for nik in niks if nik.encode() in data]
    # Still a sound backup: it restores, under the file's key.
    Cadre.update(name="BERUBAH").execute()
    close_database()
    store.restore_backup(made[0].path, clear)
    assert _whole(clear, niks, count)
    open_database(clear)
    assert not Cadre.select().where(Cadre.name == "BERUBAH").exists()


def _unzipped(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(name) for name in zf.namelist())


def test_converting_twice_or_on_the_command_line(clear_demo, capsys):
    clear, niks, count = clear_demo
    assert main(["security", "--db", str(clear)]) == 0
    assert "belum terenkripsi" in capsys.readouterr().out
    assert main(["encrypt", "--db", str(clear)]) == 0
    assert "kini terenkripsi" in capsys.readouterr().out
    assert main(["encrypt", "--db", str(clear)]) == 1
    err = capsys.readouterr().err
    assert "sudah terenkripsi" in err and err.count("\n") == 1
    close_database()
    assert _whole(clear, niks, count)


CONVERT_CHILD = """
import sys
from imp_desktop.cli import main
sys.exit(main(["encrypt", "--db", sys.argv[1]]))
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("step, expected", [
    ("encrypt.exported", "clear"), ("encrypt.checked", "clear"),
    ("encrypt.safety_kept", "clear"), ("encrypt.replaced", "encrypted")])
def test_a_conversion_killed_at_any_step_leaves_one_whole_database(clear_demo, step, expected):
    clear, niks, count = clear_demo
    env = dict(os.environ, **{CRASH_ENV: step})
    child = subprocess.run([sys.executable, "-c", CONVERT_CHILD, str(clear)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=600)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert cipher.is_encrypted(clear) == (expected == "encrypted")
    assert _whole(clear, niks, count) == (expected == "encrypted")
    # The next open removed what the killed run left: the part file, the safety copy.
    assert not cipher.safety_copy_of(clear).exists()
    assert not [p for p in clear.parent.iterdir() if p.name.endswith(".imp-part")]
    if expected == "clear":     # and converting again works
        open_database(clear)
        assert encryption.encrypt_database().encrypted
        close_database()
        assert _whole(clear, niks, count)


def test_the_recovery_sheet_holds_the_key_in_text_and_qr(demo_db, db_path, tmp_path, capsys):
    key = cipher.file_key(db_path)
    out = tmp_path / "kunci.pdf"
    assert main(["recovery-key", "--db", str(db_path), "--out", str(out)]) == 0
    assert out.stat().st_mode & 0o077 == 0
    open_database(db_path)
    assert encryption.status().recovery_printed
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    groups = keystore.format_recovery_key(key).split("-")
    assert all(group in text for group in groups)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed")
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(out),
                    str(tmp_path / "page")], check=True)
    found = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("page*.png"))))
    assert len(found) == 1
    qr_file = tmp_path / "qr.txt"
    qr_file.write_text(found[0].text, encoding="utf-8")
    assert keystore.read_recovery_key_file(qr_file) == key


def test_a_clear_database_has_no_recovery_key(clear_demo):
    clear, _niks, _count = clear_demo
    open_database(clear)
    with pytest.raises(UserError, match="belum terenkripsi"):
        encryption.recovery_key()
