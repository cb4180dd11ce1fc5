"""A record's history with its children's (participants and photos of an
activity, answers of an assessment): ``record_history(uuid, children=True)``."""
import dataclasses
import datetime as dt
import time

from imp_desktop.data.models import Activity, Assessment, Cadre, Participant, Unit
from imp_desktop.services import activities as svc
from imp_desktop.services import roles
from imp_desktop.services.activities import ActivityInput
from imp_desktop.services.audit import record_history

DESA = "33.22.02.2001"


def _activity(rows, photos=None, **values):
    values.setdefault("date", dt.date(2026, 10, 12))
    values.setdefault("desa_code", DESA)
    values.setdefault("title", "Pertemuan kader Oktober")
    return svc.save_activity(ActivityInput(**values), rows, photos)


def _lines(record_uuid, children=True):
    return [(line.action, line.field, line.old, line.new)
            for line in record_history(record_uuid, children=children)]


def test_an_activitys_history_shows_its_participants_and_photos_named_even_once_removed(demo_db):
    cadres = svc.cadres_for_invitation(desa_code=DESA)[:2]
    first, second = (Cadre.get_by_id(c.cadre_id).name for c in cadres)
    photo = svc.PhotoInfo(file_name="a" * 64 + ".jpg", caption="Foto pembukaan")
    activity = _activity(cadres + [svc.guest_row("Ibu Ani", "Bidan desa")], [photo])
    detail = svc.get_activity(activity)
    marked = [dataclasses.replace(row, status="hadir") if row.cadre_id == cadres[0].cadre_id
              else row for row in detail.participants if row.cadre_id != cadres[1].cadre_id]
    svc.save_activity(dataclasses.replace(detail.input, place="Balai desa"), marked,
                      detail.photos, activity_id=activity)
    record_uuid = Activity.get_by_id(activity).uuid

    lines = _lines(record_uuid)

    assert ("Diubah", "Tempat", "—", "Balai desa") in lines
    assert ("Diubah", f"Peserta {first} · Kehadiran", "—", "Hadir") in lines
    assert ("Dihapus", f"Peserta {second}", "—", "—") in lines      # removed, still named
    assert ("Dibuat", "Peserta Ibu Ani · Jabatan tamu", "—", "Bidan desa") in lines
    assert ("Dibuat", "Foto Foto pembukaan · Berkas", "—", "a" * 64 + ".jpg") in lines
    # the link to the parent is not repeated on every child line
    assert not any(f.endswith(("· Kegiatan", "· Kader", "· Keterangan foto"))
                   for _, f, _, _ in lines)
    # newest first, across the record and its children
    stamps = [line.at for line in record_history(record_uuid, children=True)]
    assert stamps == sorted(stamps, reverse=True)
    # without children: the activity's own lines only
    assert not any(f.startswith(("Peserta", "Foto")) for _, f, _, _ in
                   _lines(record_uuid, children=False))


def test_a_deleted_activity_still_shows_its_children(demo_db):
    cadres = svc.cadres_for_invitation(desa_code=DESA)[:1]
    name = Cadre.get_by_id(cadres[0].cadre_id).name
    activity = _activity(cadres)
    record_uuid = Activity.get_by_id(activity).uuid
    svc.delete_activity(activity)
    lines = _lines(record_uuid)
    assert ("Dihapus", "", "—", "—") in lines
    assert ("Dihapus", f"Peserta {name}", "—", "—") in lines


def test_copies_and_other_references_are_not_children(demo_db):
    cadres = svc.cadres_for_invitation(desa_code=DESA)[:1]
    source = _activity(cadres)
    svc.duplicate_activity(source)
    lines = _lines(Activity.get_by_id(source).uuid)
    assert sum(f.startswith("Peserta") for _, f, _, _ in lines) > 0
    copies = [line for line in lines if "Disalin dari" in line[1] or "copied" in line[1]]
    assert copies == []
    # a unit's cadres belong to the registry, not to the unit's history
    unit = Unit.get_by_id(Cadre.get_by_id(cadres[0].cadre_id).unit_id)
    assert all(not f.startswith("Peserta") and " · " not in f
               for _, f, _, _ in _lines(unit.uuid))


def test_an_assessments_history_names_each_answer_by_its_indicator(db):
    from imp_desktop.services.regions import upsert_regions
    from imp_desktop.services.units import UnitInput, save_unit

    upsert_regions([(DESA, "Duren")])
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))
    indicator = roles.current_catalogue().roles[0].indicators[0]
    assessment = roles.save_assessment(roles.AssessmentInput(unit, "2026-10"))
    roles.save_assessment(roles.AssessmentInput(
        unit, "2026-10", answers={indicator.id: roles.AnswerInput(met=True, note="Ada notulen")}),
        assessment_id=assessment)

    lines = _lines(Assessment.get_by_id(assessment).uuid)

    assert ("Diubah", f"Indikator {indicator.text_id} · Terpenuhi", "Tidak", "Ya") in lines
    assert ("Diubah", f"Indikator {indicator.text_id} · Catatan", "—", "Ada notulen") in lines
    assert not any(f.endswith(("· Penilaian", "· Indikator")) for _, f, _, _ in lines)
    assert [n for _, f, _, n in lines if f == "Versi daftar indikator"] == \
        [str(roles.current_catalogue().version)]


def test_an_activity_with_300_participants_takes_a_few_queries(demo_db, monkeypatch):
    guests = [svc.guest_row(f"Tamu {n:03d}", "Warga") for n in range(300)]
    activity = _activity(guests)
    detail = svc.get_activity(activity)
    marked = [dataclasses.replace(row, status="hadir") for row in detail.participants]
    svc.save_activity(detail.input, marked, [], activity_id=activity)
    record_uuid = Activity.get_by_id(activity).uuid
    assert Participant.select().where(Participant.activity == activity).count() == 300

    queries = []
    original = demo_db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(demo_db, "execute_sql", counting)
    started = time.perf_counter()
    lines = record_history(record_uuid, children=True)
    elapsed = time.perf_counter() - started
    monkeypatch.undo()
    assert sum(line.field == f"Peserta Tamu {n:03d} · Kehadiran"
               for line in lines for n in (0, 299)) == 2
    assert len(lines) > 900
    assert len(queries) <= 30, len(queries)
    print(f"\n300 participants: {len(lines)} lines, {len(queries)} queries, "
          f"{elapsed * 1000:.0f} ms")
    print(f"took {elapsed:.2f} s")   # the speed target is the benchmark's
