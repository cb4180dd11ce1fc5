"""Photos and thumbnails encrypted at rest beside an encrypted database (issue 20, item 3).

A stored photo is a JPEG whose bytes we know: a file "in the clear" would start
with the JPEG marks or hold a slice of its bytes (48 bytes: never found in
random ciphertext by chance, unlike a 3-byte mark). Every test greps the
raw bytes of what lands on disk (the photo folder, thumbnails, backups) for
those and still sees the photo where the officer looks: the report PDF, the
window, a package merged elsewhere.
"""
from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from imp_desktop.data import backup as store
from imp_desktop.data import cipher, keystore, sealed
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import ActivityPhoto
from imp_desktop.errors import UserError
from imp_desktop.fileio import CRASH_ENV
from imp_desktop.services import backup as backups
from imp_desktop.services import encryption, photos

ROOT = Path(__file__).resolve().parents[1]
JPEG_START = b"\xff\xd8\xff"


def _noisy_jpeg(path: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    image = Image.new("RGB", (320, 240))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(320 * 240)])
    image.save(path, "JPEG", quality=90)
    return path


def _markers(clear: bytes) -> list[bytes]:
    """What a clear copy of ``clear`` would show: slices of it (48 bytes each)."""
    return [clear[i:i + 48] for i in (300, len(clear) // 2, len(clear) - 100)]


def _clear_files(data_by_name: dict[str, bytes], markers: list[bytes]) -> list[str]:
    """The files that are (or hold) a clear picture: a JPEG's start, or a slice of one."""
    return [name for name, data in data_by_name.items()
            if data.startswith(JPEG_START) or any(m in data for m in markers)]


def _files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _zip_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_photos_and_thumbnails_are_sealed_beside_an_encrypted_database(db, tmp_path):
    assert db.encrypted
    stored = photos.import_photo(_noisy_jpeg(tmp_path / "rapat.jpg"))
    clear = photos.read_bytes(stored.file_name)
    with Image.open(io.BytesIO(clear)) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
    thumb = photos.thumbnail_bytes(stored.file_name, side=120)
    with Image.open(io.BytesIO(thumb)) as image:
        assert max(image.size) == 120
    files = _files_under(photos.media_dir())
    assert set(files) == {stored.file_name, f"thumbs/{stored.file_name[:-4]}-120.jpg"}
    assert all(data.startswith(sealed.MAGIC) for data in files.values())
    assert _clear_files(files, _markers(clear) + _markers(thumb)) == []
    # Nothing readable without the key: not even with the database's key itself.
    with pytest.raises(sealed.WrongKey):
        sealed.unseal(files[stored.file_name], cipher.file_key(db.file_path))
    # Sealed anew each time (a fresh nonce), the same clear bytes back.
    assert sealed.seal(clear, b"k" * 32) != sealed.seal(clear, b"k" * 32)


def test_a_clear_database_keeps_clear_photos_and_reads_sealed_ones_as_a_sentence(tmp_path):
    seed, clear_db = tmp_path / "seed.sqlite", tmp_path / "lama.sqlite"
    open_database(seed)
    sealed_photo = photos.import_photo(_noisy_jpeg(tmp_path / "a.jpg"))
    sealed_path = photos.photo_path(sealed_photo.file_name)
    close_database()
    cipher.export_copy(seed, cipher.file_key(seed), clear_db, None)
    open_database(clear_db)
    try:
        stored = photos.import_photo(_noisy_jpeg(tmp_path / "b.jpg", seed=2))
        raw = photos.photo_path(stored.file_name).read_bytes()
        assert raw.startswith(JPEG_START)       # clear beside a clear database
        assert photos.read_bytes(stored.file_name) == raw
        # A file sealed under another database's key: one sentence, never a traceback.
        shutil.copy(sealed_path, photos.media_dir() / sealed_photo.file_name)
        with pytest.raises(UserError, match="kunci basis data lain") as caught:
            photos.read_bytes(sealed_photo.file_name)
        assert "\n" not in str(caught.value)
        assert "kunci basis data lain" in photos.photo_problem(sealed_photo.file_name)
        assert photos.thumbnail_bytes(sealed_photo.file_name) is None
    finally:
        close_database()


def test_a_photo_under_a_wrong_key_is_a_sentence_on_an_encrypted_database(
        demo_db, db_path, tmp_path, other_account):
    row = ActivityPhoto.select().first()
    foreign = photos.photo_path(row.file_name).read_bytes()
    close_database()
    other_account()
    mine = tmp_path / "lain" / "imp.sqlite"
    open_database(mine)
    try:
        (photos.media_dir() / row.file_name).write_bytes(foreign)
        with pytest.raises(UserError, match="kunci basis data lain"):
            photos.read_bytes(row.file_name)
        # An altered sealed file is refused the same way.
        tampered = bytearray(sealed.seal(b"foto", sealed.files_key(mine)))
        assert sealed.unseal(bytes(tampered), sealed.files_key(mine)) == b"foto"
        tampered[-1] ^= 1
        with pytest.raises(sealed.WrongKey):
            sealed.unseal(bytes(tampered), sealed.files_key(mine))
    finally:
        close_database()


def _image_count(pdf) -> int:
    return sum(len(page.get_images() if hasattr(page, "get_images") else page.images)
               for page in pdf.pages)


def test_the_report_pdf_draws_the_sealed_photos(demo_db):
    import pikepdf

    from imp_desktop.services.reporting import activity_report_pdf

    activity = ActivityPhoto.select().first().activity
    count = ActivityPhoto.select().where(ActivityPhoto.activity == activity).count()
    assert count >= 1
    pdf = pikepdf.open(io.BytesIO(activity_report_pdf(activity.id)))
    images = _image_count(pdf)
    assert images >= count
    # A photo that cannot be read prints its placeholder, never a crash.
    photos.photo_path(ActivityPhoto.select().where(ActivityPhoto.activity == activity)
                      .first().file_name).write_bytes(sealed.seal(b"x", b"k" * 32))
    pdf = pikepdf.open(io.BytesIO(activity_report_pdf(activity.id)))
    assert _image_count(pdf) == images - 1


def test_the_window_shows_sealed_photos_from_memory(qtbot, demo_db):
    from imp_desktop.services.activities import get_activity
    from imp_desktop.ui.photo_dialog import PhotoDialog
    from imp_desktop.ui.screens.activities.photo_panel import PhotoPanel

    activity = ActivityPhoto.select().first().activity
    detail = get_activity(activity.id)
    shutil.rmtree(photos.media_dir() / "thumbs", ignore_errors=True)
    panel = PhotoPanel()
    qtbot.addWidget(panel)
    panel.set_photos(detail.photos, show_now=True)
    for row in range(panel.list.count()):
        icon = panel.list.item(row).icon()
        assert not icon.isNull() and not icon.pixmap(64, 64).isNull()
    assert panel.problem.text() == ""
    thumbs = _files_under(photos.media_dir() / "thumbs")
    assert len(thumbs) == len({p.file_name for p in detail.photos})
    assert _clear_files(thumbs, []) == []
    # Double-click: the photo in the program's own viewer, drawn from memory.
    before = set(os.listdir(photos.media_dir()))
    panel._view(panel.list.item(0))
    dialogs = [w for w in panel.findChildren(PhotoDialog)]
    assert dialogs and not dialogs[0].original.isNull()
    assert dialogs[0].original.width() == detail.photos[0].width
    assert set(os.listdir(photos.media_dir())) == before
    dialogs[0].close()


def test_the_evidence_photo_opens_in_the_program_and_a_bad_one_is_a_sentence(
        qtbot, db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from imp_desktop.ui import operations
    from imp_desktop.ui.screens.roles.checklist_panel import ChecklistPanel

    stored = photos.import_photo(_noisy_jpeg(tmp_path / "bukti.jpg"))
    shown = []
    monkeypatch.setattr(operations, "show_error", lambda parent, exc: shown.append(str(exc)))
    host = QWidget()            # all ``view_photo`` needs of its panel: a parent widget
    qtbot.addWidget(host)
    dialog = ChecklistPanel.view_photo(host, stored.file_name)
    assert dialog is not None and dialog.original.width() == 320
    assert dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull()
    dialog.close()
    photos.photo_path(stored.file_name).write_bytes(sealed.seal(b"x", b"k" * 32))
    assert ChecklistPanel.view_photo(host, stored.file_name) is None
    assert shown and "kunci basis data lain" in shown[0]


def test_backups_hold_no_clear_photo_and_a_restore_reseals_them(
        demo_db, db_path, tmp_path, other_account):
    names = [row.file_name for row in ActivityPhoto.select().limit(3)]
    clear = {name: photos.read_bytes(name) for name in names}
    markers = [m for data in clear.values() for m in _markers(data)]
    (tmp_path / "usb").mkdir()
    info = backups.backup_to_folder(tmp_path / "usb")
    entries = _zip_entries(info.path)
    media = {n: d for n, d in entries.items() if n.startswith(store.MEDIA_PREFIX)}
    assert len(media) >= len(names)
    assert _clear_files(entries, markers) == []
    key = cipher.file_key(db_path)
    close_database()
    # Another laptop: its own key; the backup opens with the recovery key and
    # its photos are sealed under the new file's key.
    other_account()
    target = tmp_path / "laptop-baru" / "imp.sqlite"
    open_database(target)
    close_database()
    keystore.use_recovery_key(key)
    store.restore_backup(info.path, target)
    keystore.forget_session()
    cipher.forget_found()
    open_database(target)
    try:
        assert cipher.file_key(target) != key
        assert {name: photos.read_bytes(name) for name in names} == clear
        files = _files_under(photos.media_dir())
        assert all(data.startswith(sealed.MAGIC) for data in files.values())
        assert _clear_files(files, markers) == []
    finally:
        close_database()


def _clear_copy(db_path: Path, folder: Path) -> Path:
    """The open (encrypted) demo database as an older version left it: a clear
    file and a clear photo folder."""
    key = cipher.file_key(db_path)
    close_database()
    clear = folder / "imp.sqlite"
    folder.mkdir()
    cipher.export_copy(db_path, key, clear, None)
    source, target = sealed.media_dir(db_path), sealed.media_dir(clear)
    target.mkdir()
    for path in source.glob("*.jpg"):
        (target / path.name).write_bytes(sealed.unseal(path.read_bytes(),
                                                       sealed.derive_key(key)))
    return clear


def test_a_package_keeps_its_photos_between_encrypted_and_clear_databases(
        demo_db, db_path, tmp_path):
    from imp_desktop.services import package as pkg

    sent = {row.file_name: photos.read_bytes(row.file_name) for row in ActivityPhoto.select()}
    markers = [m for data in sent.values() for m in _markers(data)][:40]
    pkg.export_package(tmp_path / "naik.imp")
    pkg.export_package(tmp_path / "naik-terkunci.imp", passphrase="sandi paket 2026")
    close_database()
    # Decided: a package carries the photos clear, like its records; the officer's
    # package passphrase encrypts the whole of it.
    assert _clear_files(_zip_entries(tmp_path / "naik.imp"), markers)
    assert markers[2] not in (tmp_path / "naik-terkunci.imp").read_bytes()

    seed, office = tmp_path / "seed.sqlite", tmp_path / "kantor.sqlite"
    open_database(seed)
    close_database()
    cipher.export_copy(seed, cipher.file_key(seed), office, None)
    open_database(office)
    assert not encryption.status().encrypted
    pkg.merge_package(tmp_path / "naik.imp")
    assert {name: photos.read_bytes(name) for name in sent} == sent
    assert all(photos.photo_path(name).read_bytes() == data for name, data in sent.items())
    pkg.export_package(tmp_path / "turun.imp")
    close_database()

    laptop = tmp_path / "laptop.sqlite"
    open_database(laptop)
    try:
        assert encryption.status().encrypted
        pkg.merge_package(tmp_path / "turun.imp")
        assert {name: photos.read_bytes(name) for name in sent} == sent
        assert _clear_files(_files_under(photos.media_dir()), markers) == []
    finally:
        close_database()


def test_converting_a_database_seals_its_photos(demo_db, db_path, tmp_path, capsys):
    from imp_desktop.cli import main

    clear_db = _clear_copy(db_path, tmp_path / "lama")
    before = _files_under(sealed.media_dir(clear_db))
    assert before and all(data.startswith(JPEG_START) for data in before.values())
    markers = [m for data in before.values() for m in _markers(data)]
    assert main(["encrypt", "--db", str(clear_db)]) == 0
    assert "kini terenkripsi" in capsys.readouterr().out
    after = _files_under(sealed.media_dir(clear_db))
    assert set(after) == set(before)              # not one photo lost, no marker left
    assert _clear_files(after, markers) == []
    open_database(clear_db)
    try:
        assert {name: photos.read_bytes(name) for name in before} == before
    finally:
        close_database()


CONVERT_CHILD = """
import sys
from imp_desktop.cli import main
sys.exit(main(["encrypt", "--db", sys.argv[1]]))
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("step", ["encrypt.photos", "seal.written"])
def test_a_conversion_killed_while_sealing_photos_loses_none(demo_db, db_path, tmp_path, step):
    clear_db = _clear_copy(db_path, tmp_path / "lama")
    folder = sealed.media_dir(clear_db)
    before = _files_under(folder)
    env = dict(os.environ, **{CRASH_ENV: step})
    child = subprocess.run([sys.executable, "-c", CONVERT_CHILD, str(clear_db)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=600)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert cipher.is_encrypted(clear_db) and (folder / sealed.MARKER).exists()
    # Killed: every photo is still readable, clear or sealed ...
    key = sealed.files_key(clear_db)
    left = {p.name: p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
            and not p.name.endswith(".imp-part")}
    assert {name: sealed.read_file(path, key) for name, path in left.items()} == before
    # ... and the next open finishes the work.
    open_database(clear_db)
    try:
        assert {name: photos.read_bytes(name) for name in before} == before
        after = _files_under(folder)
        assert set(after) == set(before)
        assert all(data.startswith(sealed.MAGIC) for data in after.values())
    finally:
        close_database()


def test_old_backups_get_their_photos_sealed_by_the_conversion(demo_db, db_path, tmp_path):
    clear_db = _clear_copy(db_path, tmp_path / "lama")
    open_database(clear_db)
    backups.auto_backup_if_due()
    made = store.list_backups(clear_db)
    entries = _zip_entries(made[0].path)
    clear_photos = {n: d for n, d in entries.items() if n.startswith(store.MEDIA_PREFIX)}
    assert clear_photos and all(d.startswith(JPEG_START) for d in clear_photos.values())
    encryption.encrypt_database()
    after = _zip_entries(made[0].path)
    markers = [m for d in clear_photos.values() for m in _markers(d)]
    assert _clear_files(after, markers) == []
    # Still a sound backup: verified against its manifest, and it restores.
    close_database()
    store.restore_backup(made[0].path, clear_db)
    open_database(clear_db)
    try:
        for name, data in clear_photos.items():
            assert photos.read_bytes(name[len(store.MEDIA_PREFIX):]) == data
    finally:
        close_database()
