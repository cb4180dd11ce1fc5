"""Migration 21: version rows lose their own uuid and times, and keep everything else."""
import pytest

from imp_desktop.data import migrations, versions
from imp_desktop.data.db import close_database, open_database, schema_version
from imp_desktop.data.models import Cadre, RecordVersion, database

from tests.safety_support import office_targets

# (record_table, record_uuid, clock, deleted, alias, seq) as schema 20 held them
ROWS = [
    ("cadre", "01a239cc-e409-7016-a0c2-a4e91ebcda01",
     '{"c":{"r1":3},"d":{"*":["r1",2],"name":["r1",3]}}', False, None, 3),
    ("cadre", "01a239cc-e409-7016-a0c2-a4e91ebcda02",
     '{"c":{"r1":4,"r2":1},"d":{"*":["r1",4]}}', True, None, 4),
    ("region", "01a239cc-e409-7016-a0c2-a4e91ebcda03", None, False,
     "01a239cc-e409-7016-a0c2-a4e91ebcda04", 0),
]


def _version_rows() -> list[tuple]:
    return [(t, u, c, bool(d), a, s) for t, u, c, d, a, s in database.execute_sql(
        'SELECT "record_table", "record_uuid", "clock", "deleted", "alias", "seq" '
        f'FROM "record_version" WHERE "record_uuid" LIKE {database.param} ORDER BY "id"',
        ("01a239cc%",)).fetchall()]


@pytest.mark.parametrize("target", office_targets())
def test_the_upgrade_keeps_every_version_and_drops_only_the_rows_own_uuid_and_times(
        target, tmp_path, monkeypatch):
    where = target(tmp_path)
    real = migrations.all_migrations()
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "all_migrations", lambda: real[:20])
        patch.setattr(migrations, "latest_version", lambda: 20)
        patch.setattr(versions, "stamp_unversioned", lambda: 0)
        db = open_database(where)
        assert schema_version(db) == 20
        p = db.param
        for n, row in enumerate(ROWS):
            db.execute_sql(
                'INSERT INTO "record_version" ("uuid", "created_at", "updated_at", '
                '"record_table", "record_uuid", "clock", "deleted", "alias", "seq") '
                f'VALUES ({", ".join([p] * 9)})',
                (f"00000000-0000-4000-8000-00000000000{n}", "2026-12-01", "2026-12-01", *row))
        close_database()
    try:
        db = open_database(where)
        assert schema_version(db) == 21
        assert _version_rows() == ROWS
        columns = {c.name for c in db.get_columns("record_version")}
        assert columns == {"id", "record_table", "record_uuid", "clock", "deleted", "alias",
                           "seq"}
        indexes = {i.name: (i.columns, i.unique) for i in db.get_indexes("record_version")}
        assert indexes["record_version_record_table_record_uuid"] == (
            ["record_table", "record_uuid"], True)
        assert indexes["record_version_seq"] == (["seq"], False)
        assert "record_version_alias" in indexes
        assert not any("uuid" == c for cols, _ in indexes.values() for c in cols)
        # A record saved after the upgrade gets its version as before.
        cadre = Cadre.create(name="Siti Aminah")
        versions.stamp("cadre", [(cadre.uuid, None)])
        row = RecordVersion.get(RecordVersion.record_uuid == cadre.uuid)
        assert versions.loads(row.clock)["d"]["*"][0] == versions.replica_id()
        # and one the migration kept can be updated in place.
        versions.stamp("cadre", [(ROWS[0][1], ["address"])])
        clock = versions.loads(versions.rows_of("cadre", [ROWS[0][1]])[ROWS[0][1]].clock)
        assert clock["d"]["name"] == ["r1", 3] and clock["d"]["address"][0] == versions.replica_id()
    finally:
        close_database()
