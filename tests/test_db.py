import sqlite3

import pytest

from imp_desktop.data import cipher
from imp_desktop.data import migrations
from imp_desktop.data.db import close_database, open_database, schema_version
from imp_desktop.data.models import Cadre, Region
from imp_desktop.errors import DatabaseTooNew, NotAnImpDatabase


def test_migrations_from_an_empty_file(db, db_path):
    assert schema_version(db) == migrations.latest_version()
    pragmas = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
               for name in ("journal_mode", "foreign_keys", "busy_timeout")}
    from imp_desktop.data.db import BUSY_TIMEOUT_MS

    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1,
                       "busy_timeout": BUSY_TIMEOUT_MS}
    rows = db.execute_sql("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == list(range(1, migrations.latest_version() + 1))
    # the built-in region list is there out of the box, down to kecamatan
    assert Region.get(Region.code == "33.73.04").name == "Sidomukti"
    assert Region.select().where(Region.level == 1).count() == 38


def test_reopening_applies_nothing_twice(db, db_path):
    count = Region.select().count()
    close_database()
    db2 = open_database(db_path)
    assert Region.select().count() == count
    assert db2.execute_sql("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == \
        migrations.latest_version()


def test_every_record_gets_a_uuid_and_timestamps(db):
    cadre = Cadre.create(name="Siti Aminah")
    assert len(cadre.uuid) == 36 and cadre.created_at and cadre.updated_at
    before = cadre.updated_at
    cadre.name = "Siti Aminah Rahayu"
    cadre.save()
    assert cadre.updated_at >= before


def test_uuids_sort_in_the_order_they_were_made(monkeypatch):
    """Version 7, and ascending in the order made, also thousands within one
    millisecond and across a batch that runs the 12-bit counter out (the model
    test picks records by uuid: its replays depend on it)."""
    import uuid

    from imp_desktop.data import models

    monkeypatch.setattr(models.time, "time_ns", lambda: 1_764_000_000_000 * 1_000_000)
    one_by_one = [models.new_uuid() for _ in range(5_000)]
    batch = models.time_ordered_uuids(10_000)
    made = one_by_one + batch + [models.new_uuid()]
    assert made == sorted(made) and len(set(made)) == len(made)
    for text in (made[0], made[4_999], made[-1]):
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert str(parsed) == text


def test_replica_ids_are_short_and_sort_in_the_order_they_were_made(monkeypatch):
    """16 characters (every version names its replicas twice), ascending in the
    order made, also within one millisecond (ties between dots break the same
    way on every run of the model test); the time they carry is the uuid's."""
    import base64

    from imp_desktop.data import models, versions

    moment = 1_764_000_000_000
    monkeypatch.setattr(models.time, "time_ns", lambda: moment * 1_000_000)
    monkeypatch.setattr(models, "_last_uuid", [0, 0])   # as in a fresh process
    made = [versions.new_replica_id() for _ in range(5_000)]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert {len(text) for text in made} == {16}
    packed = int.from_bytes(base64.b32hexdecode(made[0].upper()), "big")
    assert packed >> 32 == moment


def test_a_newer_database_is_refused_and_left_untouched(db, db_path):
    db.execute_sql("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    close_database()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="versi lebih baru"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_a_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAnImpDatabase, match="bukan basis data IMP Desktop"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(NotAnImpDatabase):
        open_database(path)
    assert path.read_bytes() == b"this is not a database at all" * 100


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    real = migrations.all_migrations()

    def broken(db):
        db.execute_sql("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "all_migrations",
                        lambda: real + [migrations.Migration(len(real) + 1, "broken", broken)])
    monkeypatch.setattr(migrations, "latest_version", lambda: len(real) + 1)
    with pytest.raises(RuntimeError):
        open_database(tmp_path / "x.sqlite")
    close_database()
    conn = cipher.connect_file(tmp_path / "x.sqlite")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == len(real)
