"""The common versions of exchanged records: one snapshot row per table (schema 9)."""
import uuid

import pytest

from imp_desktop.data import migrations
from imp_desktop.data.db import close_database, open_database, schema_version
from imp_desktop.data.models import Cadre, SyncState, database
from imp_desktop.services import package as pkg
from imp_desktop.services.cadres import load_cadre, save_cadre
from imp_desktop.services.demo import generate_demo
from tests.safety_support import office_targets


def test_an_export_keeps_one_row_per_table_and_rewrites_only_what_changed(db, tmp_path):
    generate_demo(desa=1, cadres=30, seed=2, activities=2)
    pkg.export_package(tmp_path / "a.imp")
    rows = {r.record_table: r for r in SyncState.select()}
    assert {r.record_uuid for r in rows.values()} == {pkg.SNAPSHOT}
    bases = pkg._bases()
    assert set(bases) == set(rows) and len(bases["cadre"]) == Cadre.select().count()

    pkg.export_package(tmp_path / "b.imp", since_last=True)   # nothing changed
    assert {t: r.updated_at for t, r in rows.items()} == \
        {r.record_table: r.updated_at for r in SyncState.select()}

    cadre = Cadre.select().first()
    data = load_cadre(cadre.id)
    data.phone = "081234567899"
    save_cadre(data, cadre.id)
    pkg.export_package(tmp_path / "c.imp", since_last=True)
    changed = {r.record_table for r in SyncState.select()
               if r.updated_at != rows[r.record_table].updated_at}
    assert changed == {"cadre"}
    assert '"081234567899"' in pkg._bases()["cadre"][cadre.uuid]


@pytest.mark.parametrize("target", office_targets())
def test_upgrade_folds_the_rows_of_schema_8_into_snapshots(target, tmp_path, monkeypatch):
    where = target(tmp_path)
    real = migrations.all_migrations()
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "all_migrations", lambda: real[:8])
        patch.setattr(migrations, "latest_version", lambda: 8)
        db = open_database(where)
        assert schema_version(db) == 8
        generate_demo(desa=1, cadres=20, seed=3, activities=1)
        pkg.export_package(tmp_path / "a.imp")
        bases = pkg._bases()
        # as schema 8 kept them: a row per record
        database.execute_sql("DELETE FROM sync_state")
        for table, contents in bases.items():
            for record_uuid, content in contents.items():
                database.execute_sql(
                    "INSERT INTO sync_state (uuid, created_at, updated_at, record_table, "
                    f"record_uuid, data) VALUES ({', '.join([database.param] * 6)})",
                    (str(uuid.uuid4()), "x", "x", table,
                     record_uuid, content))
        assert SyncState.select().count() == sum(map(len, bases.values()))
        close_database()
    db = open_database(where)
    try:
        assert schema_version(db) == migrations.latest_version()
        assert SyncState.select().count() == len(bases)
        assert pkg._bases() == bases
        # and a hand-over goes on from there: nothing changed, nothing to send
        summary = pkg.export_package(tmp_path / "b.imp", since_last=True)
        assert summary.records == 0
    finally:
        close_database()
