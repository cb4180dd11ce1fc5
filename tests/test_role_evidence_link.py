"""The evidence of a checklist answer is a foreign key to its activity (migration 8):
it survives the upgrade, travels in packages as the activity's uuid and is
cleared when the activity is deleted."""
import datetime as dt
import json

import pytest
from peewee import IntegrityError

from imp_desktop.data import migrations
from imp_desktop.data.db import close_database, open_database, schema_version
from imp_desktop.data.migrations.m0019_drop_prefix_indexes import REDUNDANT
from imp_desktop.data import versions
from imp_desktop.data.models import Activity, AssessmentAnswer, RecordVersion, database
from imp_desktop.services import activities, roles, signing
from imp_desktop.services import package as pkg
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.units import UnitInput, save_unit

from tests.safety_support import office_targets, schema_before

DESA = "33.22.02.2001"


def _unit() -> int:
    upsert_regions([(DESA, "Duren")])
    return save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))


def _activity(title: str, day=dt.date(2026, 11, 5)) -> int:
    return activities.save_activity(activities.ActivityInput(title=title, date=day,
                                                             desa_code=DESA), [], [])


def _indicators(count: int) -> list[int]:
    return [item.id for item in roles.current_catalogue().indicators()[:count]]


def _answers() -> dict[str, tuple]:
    return {row[0]: row[1:] for row in database.execute_sql(
        "SELECT uuid, created_at, updated_at, assessment_id, indicator_id, met, note, "
        "evidence_activity_id, evidence_photo FROM assessment_answer").fetchall()}


def _indexes() -> set[str]:
    return {row[0] for row in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assessment_answer'")}


@pytest.fixture
def schema7(monkeypatch):
    """Opens a target with the migrations only up to schema 7."""
    real = migrations.all_migrations()

    def open_at_7(target):
        with monkeypatch.context() as patch:
            patch.setattr(migrations, "all_migrations", lambda: real[:7])
            patch.setattr(migrations, "latest_version", lambda: 7)
            return open_database(target)
    return open_at_7


@pytest.mark.parametrize("target", office_targets())
def test_upgrade_from_schema_7_keeps_every_answer_and_clears_ids_that_mean_nothing(
        target, schema7, tmp_path, monkeypatch):
    where = target(tmp_path)
    db = schema7(where)
    # Schema 7 kept no record versions (migration 12 makes them from what it finds).
    monkeypatch.setattr(versions, "stamp", lambda *args, **kwargs: None)
    monkeypatch.setattr(versions, "tombstone", lambda *args, **kwargs: None)
    try:
        assert schema_version(db) == 7
        with schema_before(7):   # the models as schema 7 had them
            unit_id = _unit()
            kept, stale, foreign = _activity("Rapat"), _activity("Hapus"), _activity("Lain")
            first, second, third, fourth = _indicators(4)
            assessment_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", {
                first: roles.AnswerInput(True, "notulen", kept, None),
                second: roles.AnswerInput(True, None, stale, "foto.jpg"),
                third: roles.AnswerInput(True, None, foreign),
                fourth: roles.AnswerInput(False, "belum")}))
            # The way schema 7 left things: the activity deleted without touching the
            # plain integer; an id that came in a package from another laptop (the last
            # audit entry for the field is a merge); a common version holding the int.
            database.execute_sql(f"DELETE FROM activity WHERE id = {stale}")
            third_uuid = AssessmentAnswer.get(AssessmentAnswer.indicator == third).uuid
            first_uuid = AssessmentAnswer.get(AssessmentAnswer.indicator == first).uuid
            database.execute_sql(
                "UPDATE audit_entry SET field = 'evidence_activity_id' "
                "WHERE field = 'evidence_activity'")
            database.execute_sql(
                "INSERT INTO audit_entry (uuid, created_at, updated_at, record_table, record_uuid, "
                "action, field, old_value, new_value, officer, installation, at) VALUES "
                "('00000000-0000-4000-8000-000000000001', '2099-01-01', '2099-01-01', "
                f"'assessment_answer', '{third_uuid}', 'merge', 'evidence_activity_id', NULL, "
                f"'{foreign}', 'Bu Kabid', 'x', '2099-01-01')")
            base = {"uuid": first_uuid, "created_at": None, "updated_at": None, "assessment": "a",
                    "indicator": "i", "met": True, "note": "notulen",
                    "evidence_activity_id": kept, "evidence_photo": None}
            database.execute_sql(
                "INSERT INTO sync_state (uuid, created_at, updated_at, record_table, record_uuid, "
                "data) VALUES ('00000000-0000-4000-8000-000000000002', 'x', 'x', "
                f"'assessment_answer', '{first_uuid}', '{json.dumps(base)}')")
            before = _answers()
            indexes = _indexes() if "sqlite" in where else None
            kept_uuid = Activity.get_by_id(kept).uuid
            close_database()
        monkeypatch.undo()

        db = open_database(where)
        assert schema_version(db) == migrations.latest_version()
        after = _answers()
        assert set(after) == set(before) and len(after) == len(roles.current_catalogue()
                                                               .indicators())
        for answer_uuid, row in after.items():
            old = before[answer_uuid]
            expected = {first_uuid: kept, third_uuid: None}.get(answer_uuid, None)
            assert row[:6] == old[:6] and row[7] == old[7]     # times, links, photo kept
            assert row[6] == expected, answer_uuid
        assert [a.evidence_photo for a in AssessmentAnswer.select().where(
            AssessmentAnswer.indicator == second)] == ["foto.jpg"]
        if indexes is not None:     # the rebuild kept them, but those schema 19 dropped
            assert _indexes() == indexes - {index for table, index in REDUNDANT
                                            if table == "assessment_answer"}
            assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        # The common version followed (new field name, the activity's uuid) into the
        # record's version (migration 12): the link is what both sides had in common,
        # the fields that differ from it count as changed here.
        assert kept_uuid
        clock = json.loads(RecordVersion.get(RecordVersion.record_uuid == first_uuid).clock)
        assert versions.dot_of(clock, "evidence_activity") == ["~", 0]
        assert versions.dot_of(clock, "note") == ["~", 0]
        assert versions.dot_of(clock, "assessment") != ["~", 0]
        # Now a real foreign key: an unknown id is refused by the database itself,
        # and deleting the activity clears the link.
        with pytest.raises(IntegrityError):
            with database.atomic():
                AssessmentAnswer.update(evidence_activity=987654).execute()
        Activity.delete().where(Activity.id == kept).execute()
        assert AssessmentAnswer.get(AssessmentAnswer.uuid == first_uuid).evidence_activity_id \
            is None
        assert roles.get_assessment(assessment_id).roles[0].lines[0].note == "notulen"
    finally:
        close_database()


def test_deleting_an_activity_clears_the_evidence_link(db):
    unit_id = _unit()
    activity_id = _activity("Pertemuan rutin")
    other = _activity("Pembinaan")
    first, second = _indicators(2)
    assessment_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", {
        first: roles.AnswerInput(True, None, activity_id),
        second: roles.AnswerInput(True, None, other)}))
    stamp = AssessmentAnswer.get(AssessmentAnswer.indicator == first).updated_at
    activities.delete_activity(activity_id)
    row = AssessmentAnswer.get(AssessmentAnswer.indicator == first)
    assert row.evidence_activity_id is None and row.updated_at > stamp
    assert AssessmentAnswer.get(AssessmentAnswer.indicator == second).evidence_activity_id == other
    line = roles.get_assessment(assessment_id).roles[0].lines[0]
    assert line.evidence_activity_id is None and line.met


def test_evidence_travels_as_the_activity_between_installations(tmp_path):
    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    out = tmp_path / "p.imp"
    try:
        # The office has activities of its own first: local ids differ.
        open_database(office)
        upsert_regions([(DESA, "Duren")])
        for title in ("Rakor kabupaten", "Orientasi", "Monev"):
            _activity(title)
        open_database(laptop)
        unit_id = _unit()
        _activity("Kunjungan")
        meeting = _activity("Pertemuan rutin PPKBD")
        first, second = _indicators(2)
        roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", {
            first: roles.AnswerInput(True, "notulen", meeting),
            second: roles.AnswerInput(False)}))
        meeting_uuid = Activity.get_by_id(meeting).uuid
        answer_uuid = AssessmentAnswer.get(AssessmentAnswer.evidence_activity == meeting).uuid
        pkg.export_package(out, office="Kabupaten")

        open_database(office)
        result = pkg.merge_package(out)
        assert not result.conflicts
        merged = AssessmentAnswer.get(AssessmentAnswer.uuid == answer_uuid)
        assert merged.evidence_activity_id != meeting      # another local id here...
        assert merged.evidence_activity.uuid == meeting_uuid   # ...the same activity
        assert merged.evidence_activity.title == "Pertemuan rutin PPKBD"
        again = pkg.merge_package(out)
        assert again.added == again.updated == 0
        sheet = roles.get_assessment(merged.assessment_id)
        assert sheet.roles[0].lines[0].evidence_activity_id == merged.evidence_activity_id
    finally:
        close_database()


def test_a_package_from_an_older_program_brings_no_foreign_local_id(tmp_path):
    """Schema 7 sent ``evidence_activity_id`` as the laptop's own local id: it is
    left out rather than pointing at whatever activity has that id here."""
    import hashlib
    import zipfile

    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    out, old = tmp_path / "p.imp", tmp_path / "old.imp"
    try:
        open_database(office)
        upsert_regions([(DESA, "Duren")])
        decoy = _activity("Kegiatan kantor")
        open_database(laptop)
        unit_id = _unit()
        meeting = _activity("Pertemuan rutin PPKBD")
        first = _indicators(1)[0]
        roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", {
            first: roles.AnswerInput(True, "notulen", meeting)}))
        pkg.export_package(out, office="Kabupaten")
        with zipfile.ZipFile(out) as src:
            items = {name: src.read(name) for name in src.namelist()}
        manifest = json.loads(items.pop("manifest.json"))
        items.pop("signature.json")
        rows = json.loads(items["records/assessment_answer.json"])
        for row in rows:       # what the older program wrote
            row["evidence_activity_id"] = decoy if row.pop("evidence_activity") else None
        items["records/assessment_answer.json"] = json.dumps(rows).encode()
        manifest["schema_version"] = 7
        manifest["entries"] = {name: {"sha256": hashlib.sha256(data).hexdigest(),
                                      "size": len(data)} for name, data in items.items()}
        manifest_bytes = json.dumps(manifest).encode()
        with zipfile.ZipFile(old, "w") as dst:     # signed by the laptop, as it would be
            for name, data in items.items():
                dst.writestr(name, data)
            dst.writestr("manifest.json", manifest_bytes)
            dst.writestr("signature.json", json.dumps(signing.sign(manifest_bytes)))

        open_database(office)
        result = pkg.merge_package(old)
        assert result.added and not result.conflicts
        answer = AssessmentAnswer.get(AssessmentAnswer.indicator == roles.current_catalogue()
                                      .indicators()[0].id)
        assert answer.met and answer.note == "notulen" and answer.evidence_activity_id is None
    finally:
        close_database()
