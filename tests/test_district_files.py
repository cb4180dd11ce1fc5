"""Photos and other files on PostgreSQL live in the database (issue 17, part 2)."""
import os

import pytest

from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import ActivityPhoto, StoredFile
from imp_desktop.errors import UserError
from imp_desktop.services import filestore, photos
from imp_desktop.services import package as pkg
from imp_desktop.services.demo import generate_demo
from imp_desktop.services.settings import OfficerProfile, save_officer

from tests.safety_support import pg_url, reset_pg

needs_pg = pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")


def test_the_file_store_keeps_each_content_once_and_checks_it(db):
    first = filestore.put(b"laporan bertanda tangan")
    assert filestore.put(b"laporan bertanda tangan") == first
    assert StoredFile.select().count() == 1 and filestore.get(first) == b"laporan bertanda tangan"
    assert filestore.find_prefix(first[:32]) == first and filestore.find_prefix("0" * 32) is None
    assert filestore.verify() == []
    StoredFile.update(content=b"diubah").where(StoredFile.sha256 == first).execute()
    assert filestore.verify() == [(first, "hash")]
    with pytest.raises(UserError):
        filestore.get("f" * 64)


def _photo_bytes():
    return {p.file_name: photos.read_bytes(p.file_name)
            for p in ActivityPhoto.select()}


@needs_pg
def test_photos_travel_laptop_to_office_on_postgresql_to_another_laptop(tmp_path, monkeypatch):
    from imp_desktop.data.models import Activity
    from imp_desktop.services.reporting import activity_report

    laptop, other = str(tmp_path / "laptop.sqlite"), str(tmp_path / "other.sqlite")
    office = pg_url()
    reset_pg(office)
    open_database(laptop)
    generate_demo(desa=1, cadres=30, seed=5, activities=3)
    sent = _photo_bytes()
    assert sent, "the demo attaches photos"
    pkg.export_package(tmp_path / "up.imp")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)           # the office starts the program from another folder
    open_database(office)
    save_officer(OfficerProfile(name="Bu Kabid", kecamatan_code="33.22.02"))
    result = pkg.merge_package(tmp_path / "up.imp")
    assert result.photos >= len(sent)      # the laptop's store also holds unused demo photos
    assert StoredFile.select().count() == result.photos
    assert {filestore.find_prefix(n.split(".")[0]) for n in sent} == \
        {filestore.digest(data) for data in sent.values()}
    assert not any(name.endswith(".media") for name in os.listdir(elsewhere))
    monkeypatch.chdir(tmp_path)
    photos.media_dir().joinpath(next(iter(sent))).unlink(missing_ok=True)   # a cold cache
    activity = Activity.select().join(ActivityPhoto).first()
    report = activity_report(activity.id)
    assert report.photos and all(p.image for p in report.photos)
    pkg.export_package(tmp_path / "down.imp")

    open_database(other)
    pkg.merge_package(tmp_path / "down.imp")
    assert _photo_bytes() == sent
    close_database()
