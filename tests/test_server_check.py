"""``check`` on PostgreSQL really checks (issue 17, part 3)."""
import pytest

from imp_desktop.cli import main
from imp_desktop.data.db import close_database, open_database
from imp_desktop.services.demo import generate_demo
from imp_desktop.services.maintenance import check_database

from tests.safety_support import pg_url, reset_pg

pytestmark = pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")


@pytest.fixture(scope="module")
def _filled():
    """One demo database for the module; the tests below damage it in order."""
    reset_pg(pg_url())
    open_database(pg_url())
    generate_demo(desa=1, cadres=20, seed=2, activities=2)
    close_database()


@pytest.fixture
def pg(_filled):
    db = open_database(pg_url())
    yield db
    close_database()


def test_a_sound_server_database_checks_ok(pg, capsys):
    report = check_database()
    assert report.ok, report.problems
    assert ":imp_test@" not in report.location
    close_database()
    assert main(["--db", pg_url(), "check"]) == 0
    assert "baik" in capsys.readouterr().out


def test_photos_named_by_records_but_missing_from_the_store(pg):
    from imp_desktop.data.models import StoredFile

    StoredFile.delete().execute()
    problems = check_database().problems
    assert any("foto" in p for p in problems), problems


def test_check_finds_a_planted_orphan_a_twin_uuid_and_a_damaged_file(pg, capsys):
    from imp_desktop.data.models import ActivityPhoto, Cadre, StoredFile
    from imp_desktop.services import filestore

    photo = ActivityPhoto.select().first()
    constraint = pg.execute_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'activity_photo'::regclass "
        "AND contype = 'f'").fetchone()[0]
    pg.execute_sql(f'ALTER TABLE activity_photo DROP CONSTRAINT "{constraint}"')
    pg.execute_sql("UPDATE activity_photo SET activity_id = 987654 WHERE id = %s", (photo.id,))
    pg.execute_sql("DROP INDEX cadre_uuid")
    twins = list(Cadre.select().limit(2))
    Cadre.update(uuid=twins[0].uuid).where(Cadre.id == twins[1].id).execute()
    sha = filestore.put(b"surat bertanda tangan")
    StoredFile.update(content=b"surat yang diubah").where(StoredFile.sha256 == sha).execute()

    problems = check_database().problems
    assert any("activity_photo" in p and "tidak ada" in p for p in problems), problems
    assert any("activity_photo.activity_id" in p and "tidak lagi dijaga" in p for p in problems)
    assert any("cadre" in p and twins[0].uuid in p for p in problems)
    assert any(sha[:16] in p and "rusak" in p for p in problems)
    close_database()
    assert main(["--db", pg_url(), "check"]) == 1
    assert "masalah" in capsys.readouterr().err
