"""Encryption at rest (issue 20): the database file, its backups, the key lookup."""
from __future__ import annotations

import sqlite3
import zipfile

import pytest

from imp_desktop.cli import main
from imp_desktop.data import cipher, keystore
from imp_desktop.data import backup as store
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Cadre
from imp_desktop.errors import NotAnImpDatabase, UserError
from imp_desktop.services import backup as backups


def _some_niks(count=20) -> list[str]:
    rows = Cadre.select(Cadre.nik).where(Cadre.nik.is_null(False)).limit(count)
    niks = [row.nik for row in rows]
    assert len(niks) >= 5
    return niks


def _bytes_of(folder_or_file) -> bytes:
    if folder_or_file.is_dir():
        return b"".join(p.read_bytes() for p in sorted(folder_or_file.rglob("*")) if p.is_file())
    return folder_or_file.read_bytes()


def _assert_no_nik(data: bytes, niks: list[str]):
    found = [nik for nik in niks if nik.encode() in data]
    assert not found, f"NIK in the clear: {found[:3]}"


def test_the_database_file_and_its_wal_hold_no_nik(demo_db, db_path):
    niks = _some_niks()
    assert cipher.is_encrypted(db_path)
    # Written and not yet checkpointed: the pages are in the WAL.
    Cadre.update(address="Jl. Melati " + niks[0]).where(Cadre.nik == niks[0]).execute()
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0
    _assert_no_nik(db_path.read_bytes() + wal.read_bytes(), niks)
    demo_db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _assert_no_nik(db_path.read_bytes(), niks)
    # Only the header shows what it is to a plain SQLite.
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db_path).execute("SELECT * FROM cadre").fetchall()


def test_wal_foreign_keys_and_quick_check_work_encrypted(db):
    assert db.encrypted
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"
    assert db.execute_sql("PRAGMA cipher_version").fetchone()[0].startswith("4.")


def test_a_backup_is_encrypted_with_the_same_key(demo_db, db_path, tmp_path):
    niks = _some_niks()
    (tmp_path / "usb").mkdir()
    info = backups.backup_to_folder(tmp_path / "usb")
    _assert_no_nik(info.path.read_bytes(), niks)
    with zipfile.ZipFile(info.path) as zf:
        inner = zf.read(store.DB_ENTRY)
    _assert_no_nik(inner, niks)
    assert not inner.startswith(cipher.SQLITE_HEADER)


def test_a_wrong_key_is_one_sentence_and_leaves_the_file_untouched(
        demo_db, db_path, other_account, capsys):
    close_database()
    other_account()     # an empty keyring: this account's key is unknown there
    before = db_path.read_bytes()
    with pytest.raises(NotAnImpDatabase) as caught:
        open_database(db_path)
    message = str(caught.value)
    assert "kunci pemulihan" in message and "\n" not in message
    assert main(["list", "cadres", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kunci pemulihan" in err
    assert db_path.read_bytes() == before


def test_the_recovery_key_opens_the_database_in_another_account(
        demo_db, db_path, tmp_path, other_account, capsys):
    niks = _some_niks(5)
    close_database()
    recovery = keystore.format_recovery_key(cipher.file_key(db_path))
    other_account()
    key_file = tmp_path / "kunci-pemulihan.txt"
    key_file.write_text(f"Kunci pemulihan: {recovery}\n", encoding="utf-8")
    # A typo is refused, not tried.
    bad = tmp_path / "salah.txt"
    bad.write_text(recovery[:-1] + ("A" if recovery[-1] != "A" else "B"), encoding="utf-8")
    assert main(["list", "cadres", "--db", str(db_path), "--recovery-key-file", str(bad)]) == 1
    assert "tidak sah" in capsys.readouterr().err
    assert main(["list", "cadres", "--json", "--db", str(db_path),
                 "--recovery-key-file", str(key_file)]) == 0
    assert niks[0] in capsys.readouterr().out
    close_database()
    # Remembered in that account's store: the next open needs no recovery key.
    keystore.forget_session()
    cipher.forget_found()
    open_database(db_path)
    assert Cadre.select().where(Cadre.nik == niks[0]).exists()


def test_recovery_keys_are_checked_and_read_from_files(tmp_path):
    key = bytes(range(32))
    text = keystore.format_recovery_key(key)
    assert len(text.replace("-", "")) == 56 and text.count("-") == 13
    assert keystore.parse_recovery_key(text.lower().replace("-", " ")) == key
    qr = tmp_path / "qr.txt"
    qr.write_text(keystore.recovery_qr_text(key), encoding="utf-8")
    assert keystore.read_recovery_key_file(qr) == key
    with pytest.raises(keystore.RecoveryKeyInvalid):
        keystore.parse_recovery_key(text[:-2] + "AA" if not text.endswith("AA") else text[:-2] + "BB")
    with pytest.raises(UserError):
        keystore.read_recovery_key_file(tmp_path / "missing.txt")


def test_a_clear_database_still_opens_and_new_ones_are_encrypted(tmp_path):
    clear = tmp_path / "lama.sqlite"
    open_database(tmp_path / "seed.sqlite")
    close_database()
    cipher.export_copy(tmp_path / "seed.sqlite", cipher.file_key(tmp_path / "seed.sqlite"),
                       clear, None)
    assert cipher.is_clear(clear)
    db = open_database(clear)
    assert not db.encrypted
    assert db.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"
    close_database()
    assert cipher.is_encrypted(tmp_path / "seed.sqlite")


def test_restore_on_another_account_needs_the_recovery_key(
        demo_db, db_path, tmp_path, other_account):
    niks = _some_niks(5)
    key = cipher.file_key(db_path)
    (tmp_path / "usb").mkdir()
    info = backups.backup_to_folder(tmp_path / "usb")
    close_database()
    other_account()
    # The other account has its own database already (its own key).
    target = tmp_path / "laptop-baru" / "imp.sqlite"
    open_database(target)
    close_database()
    with pytest.raises(NotAnImpDatabase, match="kunci pemulihan"):
        store.restore_backup(info.path, target)
    keystore.use_recovery_key(key)
    store.restore_backup(info.path, target)
    open_database(target)
    assert Cadre.select().where(Cadre.nik == niks[0]).exists()
    close_database()
    # Restored under the key of the file it replaced (this account's own).
    keystore.forget_session()
    cipher.forget_found()
    assert cipher.file_key(target) != key
    open_database(target)
    assert Cadre.select().where(Cadre.nik == niks[1]).exists()


def test_without_a_credential_store_a_passphrase_protects_the_keys(tmp_path, monkeypatch):
    monkeypatch.setattr(keystore, "passphrase_file", lambda: tmp_path / "kunci.imp")
    monkeypatch.setattr(keystore.KeyringStore, "available", staticmethod(lambda: False))
    keystore.use_store(None)
    try:
        assert keystore.needs_passphrase()
        with pytest.raises(keystore.KeyStoreUnavailable):
            open_database(tmp_path / "a.sqlite")
        keystore.unlock("gunung merapi 2026")
        open_database(tmp_path / "a.sqlite")
        close_database()
        saved = (tmp_path / "kunci.imp").read_bytes()
        key = cipher.file_key(tmp_path / "a.sqlite")
        assert key.hex().encode() not in saved and key not in saved
        keystore.use_store(None)
        cipher.forget_found()
        with pytest.raises(UserError, match="Frasa sandi salah"):
            keystore.unlock("gunung salah")
        keystore.unlock("gunung merapi 2026")
        assert cipher.file_key(tmp_path / "a.sqlite") == key
    finally:
        keystore.use_store(None)
        cipher.forget_found()
