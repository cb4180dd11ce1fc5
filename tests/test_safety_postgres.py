"""The same migrations, data layer and audit trail on PostgreSQL.

Runs when IMP_TEST_PG_URL names a server (``.ci/run`` starts one); skipped
otherwise. The merge tests of test_safety_package.py run there as well.
"""
import pytest

from imp_desktop.data import migrations
from imp_desktop.data.db import close_database, open_database, schema_version
from imp_desktop.data.models import AuditEntry, Cadre, Region

from tests.safety_support import pg_url, reset_pg

pytestmark = pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")


@pytest.fixture
def pg():
    reset_pg(pg_url())
    db = open_database(pg_url())
    yield db
    close_database()


def test_migrations_run_once_on_postgresql(pg):
    assert schema_version(pg) == migrations.latest_version()
    assert Region.get(Region.code == "33.73.04").name == "Sidomukti"
    regions = Region.select().count()
    close_database()
    again = open_database(pg_url())
    assert schema_version(again) == migrations.latest_version()
    assert Region.select().count() == regions


def test_saves_write_the_audit_trail_on_postgresql(pg):
    from imp_desktop.services.cadres import CadreInput, save_cadre, set_active

    cadre_id = save_cadre(CadreInput(name="Siti Aminah", nik="3322024101900001"))
    save_cadre(CadreInput(name="Siti Aminah Rahayu", nik="3322024101900001"), cadre_id)
    set_active(cadre_id, False, "Pindah")
    cadre = Cadre.get_by_id(cadre_id)
    fields = [e.field for e in AuditEntry.select().where(
        (AuditEntry.record_uuid == cadre.uuid) & (AuditEntry.action == "update"))]
    assert {"name", "active", "inactive_reason", "inactive_date"} <= set(fields)


def test_backup_is_refused_with_a_clear_message_on_postgresql(pg, tmp_path):
    from imp_desktop.errors import UserError
    from imp_desktop.services.backup import auto_backup_if_due, backup_to_folder

    assert auto_backup_if_due().made is None
    with pytest.raises(UserError, match="pg_dump"):
        backup_to_folder(tmp_path)


def test_bulk_writes_write_the_audit_trail_on_postgresql(pg, tmp_path):
    import datetime as dt

    from imp_desktop.data.models import Activity, Participant
    from imp_desktop.services import activities as svc
    from imp_desktop.services.cadre_duplicates import merge_cadres
    from imp_desktop.services.cadre_import import import_cadres
    from imp_desktop.services.cadres import CadreInput, save_cadre

    keep = save_cadre(CadreInput(name="Siti Aminah"))
    other = save_cadre(CadreInput(name="St. Aminah", phone="081234567890"))
    activity = svc.save_activity(svc.ActivityInput(date=dt.date(2026, 10, 12)),
                                 [svc.ParticipantRow(cadre_id=other, name="St. Aminah")])
    participant = Participant.get(Participant.activity == activity)
    merge_cadres(keep, other)
    moved = AuditEntry.get((AuditEntry.record_uuid == participant.uuid)
                           & (AuditEntry.action == "update"))
    assert moved.field == "cadre" and Cadre.get_by_id(keep).uuid in moved.new_value
    activity_uuid = Activity.get_by_id(activity).uuid
    svc.delete_activity(activity)
    for record_uuid in (activity_uuid, participant.uuid):
        assert AuditEntry.select().where((AuditEntry.record_uuid == record_uuid)
                                         & (AuditEntry.action == "delete")).count() == 1
    path = tmp_path / "kader.csv"
    path.write_text("Nama;NIK\nSri Wahyuni;3322024512900003\n", encoding="utf-8")
    report, written = import_cadres(path)
    assert written == 1, report.lines()
    entry = AuditEntry.get(AuditEntry.record_uuid == Cadre.get(Cadre.nik == "3322024512900003").uuid)
    assert (entry.action, entry.field) == ("create", "imported_from")


def test_bulk_insert_keeps_every_value_on_postgresql(pg):
    """Merges insert with COPY on PostgreSQL: text with tabs, line breaks,
    backslashes and the COPY null marker itself, empty text, NULL, booleans
    and non-Latin letters all arrive as they were."""
    from imp_desktop.data.models import new_uuid, utc_now
    from imp_desktop.data.sync import bulk_insert

    awkward = ["a\tb", "baris 1\nbaris 2\r\n", "C:\\data\\kader", "\\N", "", "Ngadirejo ꦲꦗꦶ",
               "\\\\x00", "'; DROP TABLE cadre; --"]
    now = utc_now()
    rows = [{"uuid": new_uuid(), "created_at": now, "updated_at": now, "name": f"Kader {i}",
             "address": text, "phone": None, "active": i % 2 == 0, "birth_date": "1990-01-31",
             "search_text": ""}
            for i, text in enumerate(awkward)]
    bulk_insert(Cadre, rows)
    stored = {c.uuid: c for c in Cadre.select()}
    for row in rows:
        cadre = stored[row["uuid"]]
        assert (cadre.address, cadre.phone, cadre.active, str(cadre.birth_date)) == \
            (row["address"], None, row["active"], "1990-01-31")
    import base64
    import hashlib

    from imp_desktop.data.models import StoredFile

    content = bytes(range(256)) + b"\\N\t\n"
    bulk_insert(StoredFile, [{"uuid": new_uuid(), "created_at": now, "updated_at": now,
                              "sha256": hashlib.sha256(content).hexdigest(),
                              "size": len(content),
                              "content": base64.b64encode(content).decode()}])  # as in packages
    assert bytes(StoredFile.get().content) == content
