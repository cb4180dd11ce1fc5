"""Records written around the audit trail get their first version before a merge
or an export (``versions.stamp_unversioned``); on PostgreSQL only the rows above
the last check are read, so a row another session was still writing must not be
passed over."""
import threading

import psycopg2
import pytest

from imp_desktop.data import versions
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Hamlet, RecordVersion, Setting, database, new_uuid
from imp_desktop.services.demo import generate_demo

from tests.safety_support import office_targets, pg_url, reset_pg


@pytest.fixture(params=office_targets())
def office(request, tmp_path):
    target = request.param(tmp_path)
    open_database(target)
    generate_demo(desa=1, cadres=5, seed=3, activities=1)
    yield target
    close_database()


@pytest.fixture
def server():
    if not pg_url():
        pytest.skip("IMP_TEST_PG_URL is not set (no PostgreSQL server)")
    reset_pg(pg_url())
    open_database(pg_url())
    generate_demo(desa=1, cadres=5, seed=3, activities=1)
    yield pg_url()
    close_database()


def _raw_hamlet(desa: str, name: str) -> tuple[int, str]:
    """A hamlet written in plain SQL (around the models, the trail and versions)."""
    uuid = new_uuid()
    p = database.param
    database.execute_sql(f"INSERT INTO hamlet (uuid, created_at, updated_at, desa_code, name) "
                         f"VALUES ({p}, 'x', 'x', {p}, {p})", (uuid, desa, name))
    return Hamlet.get(Hamlet.uuid == uuid).id, uuid


def _versioned(uuid: str) -> bool:
    return RecordVersion.select().where((RecordVersion.record_table == "hamlet")
                                        & (RecordVersion.record_uuid == uuid)).exists()


def _desa() -> str:
    return Hamlet.select(Hamlet.desa).limit(1).scalar()


def test_a_record_written_around_the_trail_is_stamped_once(office):
    assert versions.stamp_unversioned() == 0        # the demo stamped its own
    _id, uuid = _raw_hamlet(_desa(), "Dusun Baru")
    assert not _versioned(uuid)
    assert versions.stamp_unversioned() == 1
    assert _versioned(uuid)
    assert versions.stamp_unversioned() == 0


def test_postgresql_reads_above_the_last_check_and_waits_for_a_writer(server):
    versions.stamp_unversioned()
    marks = versions._stamped_through()
    assert marks["hamlet"] == Hamlet.select(Hamlet.id).order_by(Hamlet.id.desc()).scalar()
    desa = _desa()
    # Another session takes an id and is still writing when a later row is committed.
    slow = psycopg2.connect(server)
    with slow.cursor() as cursor:
        cursor.execute("INSERT INTO hamlet (uuid, created_at, updated_at, desa_code, name) "
                       "VALUES ('a0000000-0000-4000-8000-000000000001', 'x', 'x', %s, "
                       "'Dusun Lambat') RETURNING id", (desa,))
        slow_id = cursor.fetchone()[0]
    later_id, later_uuid = _raw_hamlet(desa, "Dusun Cepat")
    assert later_id > slow_id
    done = threading.Timer(0.5, slow.commit)   # the stamp below waits for this commit
    done.start()
    try:
        stamped = versions.stamp_unversioned()
    finally:
        done.join()
        slow.close()
    assert _versioned(later_uuid) and _versioned("a0000000-0000-4000-8000-000000000001")
    assert stamped == 2
    assert versions._stamped_through()["hamlet"] == later_id
    # a setting that is not ours is read as no mark: everything is checked again
    Setting.update(value="[1]").where(Setting.key == versions.STAMPED_KEY).execute()
    assert versions.stamp_unversioned() == 0 and versions._stamped_through()["hamlet"] == later_id


def test_a_merge_on_postgresql_moves_the_marks_past_its_own_rows(server, tmp_path,
                                                                 monkeypatch):
    """After a merge the next check reads nothing it wrote; a row written meanwhile
    around the trail is stamped by the merge, and a table another session is
    still writing keeps its mark (that row is stamped once it is committed)."""
    from imp_desktop.data.models import Cadre
    from imp_desktop.services import package as pkg

    laptop = tmp_path / "laptop.sqlite"
    open_database(laptop)
    generate_demo(desa=1, cadres=8, seed=4, activities=1)
    out = tmp_path / "p.imp"
    pkg.export_package(out)
    open_database(server)
    versions.stamp_unversioned()
    plan = pkg.plan_merge(pkg.read_package(out))
    desa = _desa()
    _id, quiet_uuid = _raw_hamlet(desa, "Dusun Sela")      # committed before the merge writes
    busy = psycopg2.connect(server)                       # still writing cadre
    with busy.cursor() as cursor:
        cursor.execute("INSERT INTO cadre (uuid, created_at, updated_at, name, desa_code, "
                       "active, search_text) SELECT 'a0000000-0000-4000-8000-000000000002', "
                       "'x', 'x', 'Kader Sela', desa_code, true, 'kader sela' FROM cadre "
                       "LIMIT 1")
    try:
        pkg.apply_merge(plan)
        marks = versions._stamped_through()
        assert _versioned(quiet_uuid)
        assert marks["hamlet"] == Hamlet.select(Hamlet.id).order_by(Hamlet.id.desc()).scalar()
        cadre_mark = marks["cadre"]
        assert cadre_mark < Cadre.select(Cadre.id).order_by(Cadre.id.desc()).scalar()
        busy.commit()
    finally:
        busy.close()
    stamped = []
    real_stamp = versions.stamp
    monkeypatch.setattr(versions, "stamp", lambda table, changes: (
        stamped.append((table, [u for u, _ in changes])), real_stamp(table, changes)))
    versions.stamp_unversioned()
    # the busy session's cadre and nothing the merge wrote (the photos it kept as
    # stored files are written around the trail: they get theirs here as before)
    assert [(t, u) for t, u in stamped if t != "stored_file"] == [
        ("cadre", ["a0000000-0000-4000-8000-000000000002"])]
    assert RecordVersion.select().where(
        RecordVersion.record_uuid == "a0000000-0000-4000-8000-000000000002").exists()
    assert versions._stamped_through()["cadre"] > cadre_mark
    assert versions.stamp_unversioned() == 0
