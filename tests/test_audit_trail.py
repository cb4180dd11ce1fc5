"""The audit trail of writes that do not go through ``save()``: merges of
duplicate cadres, deletions, bulk inserts (``data/audit.py``)."""
import datetime as dt
import json

import pytest

from imp_desktop.data.audit import audited_delete, audited_update
from imp_desktop.data.models import (
    Activity,
    ActivityPhoto,
    ActivityType,
    Assessment,
    AssessmentAnswer,
    AuditEntry,
    Cadre,
    Participant,
    Unit,
    database,
)
from imp_desktop.services import activities as svc
from imp_desktop.services import roles
from imp_desktop.services.activities import ActivityInput, ParticipantRow
from imp_desktop.services.audit import record_history
from imp_desktop.services.cadre_duplicates import merge_cadres
from imp_desktop.services.cadres import CadreInput, save_cadre
from imp_desktop.services.settings import get_officer

DESA = "33.22.02.2001"


def _uuid(model, record_id):
    return model.get_by_id(record_id).uuid


def _entries(record_uuid, action=None):
    query = AuditEntry.select().where(AuditEntry.record_uuid == record_uuid)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(query.order_by(AuditEntry.id))


def _changes(record_uuid, action="update"):
    return {e.field: (json.loads(e.old_value) if e.old_value else None,
                      json.loads(e.new_value) if e.new_value else None)
            for e in _entries(record_uuid, action)}


def _activity(rows, photos=None, **values):
    values.setdefault("date", dt.date(2026, 10, 12))
    values.setdefault("desa_code", DESA)
    return svc.save_activity(ActivityInput(**values), rows, photos)


def test_a_cadre_merge_is_in_the_trail_of_both_cadres_and_of_every_record_moved(demo_db):
    keep = save_cadre(CadreInput(name="Siti Aminah", desa_code=DESA))
    other = save_cadre(CadreInput(name="St. Aminah", desa_code=DESA, phone="081234567890"))
    earlier = save_cadre(CadreInput(name="Siti Aminah S.", desa_code=DESA))
    merge_cadres(other, earlier)              # merged into ``other`` before
    activity = _activity([ParticipantRow(cadre_id=other, name="St. Aminah")])
    participant = Participant.get(Participant.activity == activity)
    stamp = participant.updated_at
    keep_uuid, other_uuid = _uuid(Cadre, keep), _uuid(Cadre, other)

    merge_cadres(keep, other)

    assert _changes(participant.uuid) == {"cadre": (other_uuid, keep_uuid)}
    assert Participant.get_by_id(participant.id).updated_at > stamp   # travels as changed
    assert _changes(_uuid(Cadre, earlier))["merged_into"] == (other_uuid, keep_uuid)
    kept = _changes(keep_uuid)
    assert kept["merged_from"] == (None, other_uuid)
    assert kept["phone"] == (None, "081234567890")
    merged = _changes(other_uuid)
    assert merged["merged_into"] == (None, keep_uuid)
    assert merged["active"] == (True, False)
    officer = get_officer().name
    assert officer and {e.officer for e in AuditEntry.select().where(
        AuditEntry.action == "update")} == {officer}
    # as the officer reads it in the cadre's history
    lines = record_history(keep_uuid)
    assert any(line.field == "Digabung dari" and line.new == "St. Aminah" for line in lines)
    moved = record_history(participant.uuid)
    assert [(line.action, line.field, line.old, line.new) for line in moved][0] == \
        ("Diubah", "Kader", "St. Aminah", "Siti Aminah")


def test_a_merge_that_fills_nothing_still_shows_in_the_kept_cadres_trail(demo_db):
    keep = save_cadre(CadreInput(name="Sri Lestari", desa_code=DESA, phone="0812 1111 2222"))
    other = save_cadre(CadreInput(name="Sri Lestari", desa_code=DESA))
    before = len(_entries(_uuid(Cadre, keep)))
    merge_cadres(keep, other)
    assert _changes(_uuid(Cadre, keep)) == {"merged_from": (None, _uuid(Cadre, other))}
    assert len(_entries(_uuid(Cadre, keep))) == before + 1


def test_deleting_an_activity_leaves_delete_entries_for_it_its_list_and_photos(demo_db):
    cadres = svc.cadres_for_invitation(desa_code=DESA)[:2]
    photo = svc.PhotoInfo(file_name="a" * 64 + ".jpg", caption="Foto")
    source = _activity(cadres + [svc.guest_row("Ibu Ani", "Bidan desa")], [photo])
    copy = svc.duplicate_activity(source)
    copy_uuid = _uuid(Activity, copy)
    assert _changes(copy_uuid)["copied_from"] == (None, _uuid(Activity, source))
    doomed = ([_uuid(Activity, source)]
              + [p.uuid for p in Participant.select().where(Participant.activity == source)]
              + [p.uuid for p in ActivityPhoto.select().where(ActivityPhoto.activity == source)])
    assert len(doomed) == 5

    svc.delete_activity(source)

    for record_uuid in doomed:
        entries = _entries(record_uuid, "delete")
        assert len(entries) == 1 and entries[0].field is None
        assert entries[0].officer == get_officer().name
    assert _changes(copy_uuid)["copied_from"] == (doomed[0], None)
    assert record_history(doomed[0])[0].action == "Dihapus"
    # a deleted record is still named by its own history in its children's
    lines = record_history(doomed[1])
    assert lines[0].action == "Dihapus"
    assert [line.new for line in lines if line.field == "Kegiatan"] == [ActivityInput().title]


def test_removed_and_added_participants_and_photos_are_in_the_trail(demo_db):
    cadres = svc.cadres_for_invitation(desa_code=DESA)[:3]
    photos = [svc.PhotoInfo(file_name=f"{c * 64}.jpg") for c in "ab"]
    activity = _activity(cadres[:2], photos)
    first, second = Participant.select().where(Participant.activity == activity).order_by(
        Participant.sort_order)
    created = _changes(second.uuid, "create")
    assert created["cadre"] == (None, _uuid(Cadre, cadres[1].cadre_id))
    assert created["activity"] == (None, _uuid(Activity, activity))
    kept_photo, gone_photo = ActivityPhoto.select().where(
        ActivityPhoto.activity == activity).order_by(ActivityPhoto.sort_order)
    detail = svc.get_activity(activity)

    svc.save_activity(detail.input, [detail.participants[0], cadres[2]], [detail.photos[0]],
                      activity_id=activity)

    assert len(_entries(second.uuid, "delete")) == 1
    assert _entries(first.uuid, "delete") == []
    assert len(_entries(gone_photo.uuid, "delete")) == 1
    assert _entries(kept_photo.uuid, "delete") == []
    added = Participant.get((Participant.activity == activity)
                            & (Participant.cadre == cadres[2].cadre_id))
    assert _changes(added.uuid, "create")["cadre"] == (None, _uuid(Cadre, cadres[2].cadre_id))


def test_activity_types_shown_hidden_moved_and_deleted_are_in_the_trail(db):
    new = svc.save_activity_type("Kunjungan rumah")
    row = ActivityType.get_by_id(new)
    svc.set_activity_type_active(new, False)
    assert _changes(row.uuid)["active"] == (True, False)
    assert ActivityType.get_by_id(new).updated_at > row.updated_at
    untouched = ActivityType.select().order_by(ActivityType.sort_order).first()
    others = {t.uuid: t.updated_at for t in ActivityType.select()}
    svc.move_activity_type(new, -1)   # last but one: only two types change places
    moved = [u for u, stamp in others.items()
             if ActivityType.get(ActivityType.uuid == u).updated_at != stamp]
    assert len(moved) == 2 and row.uuid in moved
    assert all(len(_entries(u, "update")) == (2 if u == row.uuid else 1) for u in moved)
    assert _entries(untouched.uuid, "update") == []
    svc.delete_activity_type(new)
    assert len(_entries(row.uuid, "delete")) == 1


def test_deleting_an_assessment_leaves_delete_entries(db):
    from imp_desktop.services.regions import upsert_regions
    from imp_desktop.services.units import UnitInput, save_unit

    upsert_regions([(DESA, "Duren")])
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))
    assessment = roles.save_assessment(roles.AssessmentInput(unit, "2026-10"))
    answers = [a.uuid for a in AssessmentAnswer.select().where(
        AssessmentAnswer.assessment == assessment)]
    record_uuid = _uuid(Assessment, assessment)
    roles.delete_assessment(assessment)
    assert len(_entries(record_uuid, "delete")) == 1
    assert answers and all(len(_entries(u, "delete")) == 1 for u in answers)


def test_imported_cadres_have_one_create_entry_naming_the_file(demo_db, tmp_path):
    from imp_desktop.services.cadre_import import import_cadres

    path = tmp_path / "kader-duren.csv"
    path.write_text("Nama;NIK;Desa\nSri Wahyuni;3322024512900003;Duren\n"
                    "Budi;3322021703850002;Duren\n", encoding="utf-8")
    report, written = import_cadres(path)
    assert written == 2, report.lines()
    for nik in ("3322024512900003", "3322021703850002"):
        entries = _entries(Cadre.get(Cadre.nik == nik).uuid)
        assert [(e.action, e.field, json.loads(e.new_value)) for e in entries] == \
            [("create", "imported_from", "kader-duren.csv")]
        assert entries[0].officer == get_officer().name
    line, = record_history(entries[0].record_uuid)
    assert (line.action, line.field, line.new) == ("Dibuat", "Diimpor dari berkas",
                                                    "kader-duren.csv")


def test_audited_update_writes_only_rows_that_change_and_returns_their_count(demo_db):
    units = list(Unit.select().where(Unit.desa == DESA).order_by(Unit.id).limit(3))
    audited_update(Unit, {"sk_number": "SK-1"}, Unit.id == units[0].id)
    stamps = {u.id: Unit.get_by_id(u.id).updated_at for u in units}
    count = audited_update(Unit, {Unit.sk_number: "SK-1"}, Unit.id.in_([u.id for u in units]))
    assert count == 2
    assert Unit.get_by_id(units[0].id).updated_at == stamps[units[0].id]
    assert all(Unit.get_by_id(u.id).updated_at > stamps[u.id] for u in units[1:])
    assert len(_entries(units[0].uuid, "update")) == 1
    assert audited_update(Unit, {Unit.sk_number: "SK-1"}, Unit.id == units[0].id) == 0
    with pytest.raises(ValueError):
        audited_update(Unit, {Unit.updated_at: "x"}, Unit.id == units[0].id)
    assert audited_delete(Unit, Unit.id == -1) == 0


def test_a_save_reads_only_the_referenced_rows_not_whole_tables(demo_db, monkeypatch):
    """Translating a foreign key to its uuid must not load every unit/cadre."""
    cadre = Cadre.select().where(Cadre.unit.is_null(False)).first()
    other_unit = Unit.select().where(Unit.id != cadre.unit_id).first()
    statements = []
    execute = type(database.obj).execute_sql

    def spy(self, sql, params=None, *args, **kwargs):
        statements.append(sql)
        return execute(self, sql, params, *args, **kwargs)

    monkeypatch.setattr(type(database.obj), "execute_sql", spy)
    data = CadreInput(name=cadre.name, nik=cadre.nik, desa_code=cadre.desa_code,
                      unit_id=other_unit.id, position=cadre.position)
    save_cadre(data, cadre.id)
    monkeypatch.undo()
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")
             and ('FROM "unit"' in s or 'FROM "cadre"' in s)]
    assert reads and all("WHERE" in s for s in reads), reads
    assert _changes(cadre.uuid)["unit"] == (_uuid(Unit, cadre.unit_id), other_unit.uuid)
