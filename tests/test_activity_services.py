import datetime as dt

import pytest

from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    Activity,
    ActivityType,
    Cadre,
    Participant,
    Unit,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.services import activities as svc
from imp_desktop.services.activities import ActivityFilter, ActivityInput, ParticipantRow

DESA = "33.22.02.2001"


@pytest.fixture
def empty_demo(db):
    """Demo cadres without the demo activities."""
    from imp_desktop.services import demo

    saved = list(demo.EXTRA_STEPS)
    demo.EXTRA_STEPS[:] = [s for s in saved if "activity_demo" not in s]
    try:
        demo.generate_demo(desa=2, cadres=200, seed=5)
    finally:
        demo.EXTRA_STEPS[:] = saved
    return db


def _type(name="Pembinaan kader IMP"):
    return ActivityType.get(ActivityType.name == name).id


def _new(**values) -> ActivityInput:
    values.setdefault("date", dt.date(2026, 10, 12))
    values.setdefault("desa_code", DESA)
    values.setdefault("type_id", _type())
    return ActivityInput(**values)


def test_default_types_and_title(db):
    names = [t.name for t in svc.activity_types()]
    assert names == ["Pembinaan kader IMP", "Pertemuan rutin", "Rapat koordinasi", "Pelatihan",
                     "Penyuluhan/KIE", "Pendataan", "Lainnya"]
    assert ActivityInput().title == "Pembinaan pada Kader IMP Bangga Kencana"


def test_activity_types_are_editable(db):
    new = svc.save_activity_type("  Kunjungan   rumah ")
    assert svc.activity_types()[-1].name == "Kunjungan rumah"
    with pytest.raises(ValidationError):
        svc.save_activity_type("kunjungan RUMAH")
    svc.move_activity_type(new, -100)
    assert svc.activity_types()[0].id == new
    svc.set_activity_type_active(new, False)
    assert new not in [t.id for t in svc.activity_types()]
    assert new in [t.id for t in svc.activity_types(include_inactive=True)]
    svc.delete_activity_type(new)
    used = _type("Lainnya")
    svc.save_activity(ActivityInput(date=dt.date(2026, 1, 5), type_id=used), [])
    with pytest.raises(UserError):
        svc.delete_activity_type(used)


def test_invite_by_desa_unit_and_level(empty_demo):
    by_desa = svc.cadres_for_invitation(desa_code=DESA)
    active = Cadre.select().where((Cadre.desa == DESA) & (Cadre.active == True)).count()  # noqa: E712
    assert len(by_desa) == active > 0
    assert by_desa[0].level == LEVEL_PPKBD and by_desa[0].position_code == "ketua"
    ppkbd = Unit.get((Unit.desa == DESA) & (Unit.level == LEVEL_PPKBD))
    only_unit = svc.cadres_for_invitation(unit_id=ppkbd.id)
    with_children = svc.cadres_for_invitation(unit_id=ppkbd.id, with_sub_units=True)
    assert {r.unit_id for r in only_unit} == {ppkbd.id}
    assert len(with_children) == len(by_desa)
    kelompok = svc.cadres_for_invitation(desa_code=DESA, level=LEVEL_KELOMPOK)
    assert kelompok and {r.level for r in kelompok} == {LEVEL_KELOMPOK}
    with pytest.raises(UserError):
        svc.cadres_for_invitation()


def test_inactive_and_merged_cadres_are_not_invited(empty_demo):
    rows = svc.cadres_for_invitation(desa_code=DESA)
    Cadre.update(active=False).where(Cadre.id == rows[0].cadre_id).execute()
    Cadre.update(merged_into=rows[2].cadre_id).where(Cadre.id == rows[1].cadre_id).execute()
    again = {r.cadre_id for r in svc.cadres_for_invitation(desa_code=DESA)}
    assert rows[0].cadre_id not in again and rows[1].cadre_id not in again
    assert rows[2].cadre_id in again


def test_adding_invitations_skips_people_already_invited(empty_demo):
    ppkbd = Unit.get((Unit.desa == DESA) & (Unit.level == LEVEL_PPKBD))
    first = svc.cadres_for_invitation(unit_id=ppkbd.id)
    rows, added = svc.add_invitations([], first)
    assert added == len(first)
    rows, added = svc.add_invitations(rows, svc.cadres_for_invitation(desa_code=DESA))
    assert added == len(svc.cadres_for_invitation(desa_code=DESA)) - len(first)
    assert len({r.cadre_id for r in rows}) == len(rows)


def test_find_cadres_by_name_words(empty_demo):
    cadre = Cadre.select().where(Cadre.name.contains(" ")).first()
    first, last = cadre.name.split(" ", 1)
    found = svc.find_cadres(f"{last.lower()} {first.upper()}")
    assert cadre.id in [r.cadre_id for r in found]
    assert svc.find_cadres("   ") == []


def test_save_and_read_everything_back(empty_demo):
    invited = svc.cadres_for_invitation(desa_code=DESA)[:5]
    invited.append(svc.guest_row(" Bapak  Sutrisno ", "Kepala Desa Duren"))
    statuses = ["hadir", "hadir", "izin", "sakit", "alpa", "hadir"]
    for row, status in zip(invited, statuses):
        row.status = status
    invited[0].pre_score, invited[0].post_score = 50, 80
    invited[1].pre_score, invited[1].post_score = 70, 65
    invited[2].pre_score = 40
    data = _new(start_time=dt.time(9, 0), end_time=dt.time(12, 0), time_zone="WITA",
                place="Balai Desa Duren", background="Latar", aims="Tujuan",
                legal_basis="UU 52/2009", agenda="Materi", speakers="PKB", results="Hasil",
                supporting_factors="Dukungan", inhibiting_factors="Hujan",
                conclusions="Simpulan", suggestions="Saran", follow_up="Lanjut",
                participants_note="Dihadiri PKB", closing="Demikian", funding_source="Dana Desa",
                funding_amount=500000, engagement_rating=3, engagement_note="Cukup baik",
                scores_enabled=True)
    ident = svc.save_activity(data, invited, [])
    got = svc.get_activity(ident)
    assert got.input == svc._clean(data)
    assert got.type_name == "Pembinaan kader IMP" and got.desa_name == "Duren"
    assert got.kecamatan_name == "Tengaran"
    assert got.time_text == "pukul 09.00–12.00 WITA"
    assert got.engagement_label == "Cukup baik"
    assert [p.status for p in got.participants] == statuses
    guest = got.participants[-1]
    assert guest.is_guest and guest.name == "Bapak Sutrisno"
    assert guest.role_text == "Kepala Desa Duren"
    assert got.participants[0].role_text.startswith("Ketua PPKBD")
    counts = got.counts
    assert (counts.invited, counts.present, counts.guests, counts.cadres) == (6, 3, 1, 5)
    assert counts.by_status == {"hadir": 3, "izin": 1, "sakit": 1, "alpa": 1, None: 0}
    assert counts.present_guests == 1
    assert counts.present_by_level["ppkbd"] == 2
    assert counts.present_percent == 50
    scores = got.scores
    assert (scores.pre_count, scores.post_count, scores.paired) == (3, 2, 2)
    assert scores.pre_average == pytest.approx(160 / 3)
    assert scores.gain_average == pytest.approx((30 - 5) / 2)
    assert scores.improved == 1
    assert svc.attendance_counts(ident) == counts
    assert svc.score_summary(ident) == scores


def test_editing_the_list_keeps_row_ids_and_order(empty_demo):
    rows = svc.cadres_for_invitation(desa_code=DESA)[:4]
    ident = svc.save_activity(_new(), rows)
    saved = svc.get_activity(ident).participants
    ids = [p.id for p in saved]
    saved[1].status = "hadir"
    changed = [saved[1], saved[0], saved[3]]  # reordered, one removed
    svc.save_activity(svc.get_activity(ident).input, changed, activity_id=ident)
    again = svc.get_activity(ident).participants
    assert [p.id for p in again] == [ids[1], ids[0], ids[3]]
    assert again[0].status == "hadir"
    assert Participant.select().where(Participant.activity == ident).count() == 3


def test_invalid_activity_saves_nothing(empty_demo):
    rows = svc.cadres_for_invitation(desa_code=DESA)[:2]
    rows[0].pre_score = 140
    bad = _new(title="  ", start_time=dt.time(10), end_time=dt.time(9))
    with pytest.raises(ValidationError) as caught:
        svc.save_activity(bad, rows + [rows[1]])
    fields = {f for f, _ in caught.value.problems}
    assert {"title", "end_time", "participants"} <= fields
    assert Activity.select().count() == 0 and Participant.select().count() == 0


def test_failed_save_rolls_back_the_whole_transaction(empty_demo, monkeypatch):
    rows = svc.cadres_for_invitation(desa_code=DESA)[:3]
    ident = svc.save_activity(_new(results="lama"), rows)

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc, "_save_photos", broken)
    with pytest.raises(RuntimeError):
        svc.save_activity(_new(results="baru"), rows[:1], [], activity_id=ident)
    got = svc.get_activity(ident)
    assert got.results == "lama" and len(got.participants) == 3


def test_list_filters_and_counts(empty_demo):
    rows = svc.cadres_for_invitation(desa_code=DESA)[:3]
    rows[0].status = "hadir"
    a = svc.save_activity(_new(title="Pembinaan Duren", date=dt.date(2026, 9, 3)), rows)
    b = svc.save_activity(_new(title="Rapat koordinasi desa", date=dt.date(2026, 10, 1),
                               type_id=_type("Rapat koordinasi"), desa_code="33.22.02.2002",
                               place="Balai Desa Sugihan"), [])
    assert [s.id for s in svc.list_activities()] == [b, a]
    first = svc.list_activities(ActivityFilter(year=2026, month=9))[0]
    assert (first.id, first.invited, first.present, first.desa_name) == (a, 3, 1, "Duren")
    assert [s.id for s in svc.list_activities(ActivityFilter(desa_code="33.22.02.2002"))] == [b]
    assert [s.id for s in svc.list_activities(ActivityFilter(type_id=_type()))] == [a]
    assert [s.id for s in svc.list_activities(ActivityFilter(text="sugihan RAPAT"))] == [b]
    assert svc.list_activities(ActivityFilter(text="tidak ada")) == []
    assert svc.activity_months() == [(2026, 10), (2026, 9)]


def test_duplicate_keeps_invitations_not_marks(empty_demo, tmp_path):
    from PIL import Image

    from imp_desktop.services.photos import import_photo

    Image.new("RGB", (50, 40), "red").save(tmp_path / "a.png")
    stored = import_photo(tmp_path / "a.png")
    rows = svc.cadres_for_invitation(desa_code=DESA)[:4]
    rows.append(svc.guest_row("Ibu Ani", "Bidan desa"))
    for row in rows:
        row.status, row.pre_score = "hadir", 60
    source = svc.save_activity(
        _new(date=dt.date(2026, 1, 31), results="Hasil lama", agenda="Materi rutin",
             start_time=dt.time(9)), rows,
        [svc.PhotoInfo(file_name=stored.file_name, caption="Foto")])
    copy = svc.duplicate_activity(source)
    got = svc.get_activity(copy)
    assert got.date == dt.date(2026, 2, 28)
    assert got.copied_from_id == source
    assert got.agenda == "Materi rutin" and got.results == ""
    assert got.start_time == dt.time(9)
    assert [p.name for p in got.participants] == [p.name for p in rows]
    assert got.participants[-1].role_text == "Bidan desa"
    assert all(p.status is None and p.pre_score is None for p in got.participants)
    assert got.photos == []
    assert svc.get_activity(source).counts.present == 5
    assert svc.get_activity(svc.duplicate_activity(source, dt.date(2026, 3, 2))).date == \
        dt.date(2026, 3, 2)


def test_next_month_clamps_the_day():
    assert svc.next_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert svc.next_month(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


def test_delete_removes_rows_and_unused_photo_files(empty_demo, tmp_path):
    from PIL import Image

    from imp_desktop.services.photos import import_photo, photo_path

    Image.new("RGB", (50, 40), "blue").save(tmp_path / "b.png")
    stored = import_photo(tmp_path / "b.png")
    photo = svc.PhotoInfo(file_name=stored.file_name, caption="x")
    a = svc.save_activity(_new(), svc.cadres_for_invitation(desa_code=DESA)[:2], [photo])
    b = svc.save_activity(_new(), [], [svc.PhotoInfo(file_name=stored.file_name)])
    svc.delete_activity(a)
    assert photo_path(stored.file_name).exists()  # still used by b
    assert Participant.select().count() == 0
    svc.save_activity(svc.get_activity(b).input, None, [], activity_id=b)
    assert not photo_path(stored.file_name).exists()
    with pytest.raises(UserError):
        svc.get_activity(a)


def test_list_kind_activities_json(demo_db):
    from imp_desktop.services.records import LISTERS

    records = LISTERS["activities"]()
    assert len(records) >= 6
    first = records[0]
    assert first["participants"] and first["photos"]
    assert {"title", "date", "desa", "invited", "present"} <= set(first)


def test_merging_two_invited_cadres_lists_the_person_once(empty_demo):
    from imp_desktop.services.cadre_duplicates import merge_cadres

    rows = svc.cadres_for_invitation(desa_code=DESA)[:3]
    both = svc.save_activity(_new(), rows)
    one = svc.save_activity(_new(), rows[1:2])
    merge_cadres(rows[0].cadre_id, rows[1].cadre_id)
    names = [p.name for p in svc.get_activity(both).participants]
    assert len(names) == 3 and names.count(rows[0].name) == 1   # second row stays with the merged record
    moved = svc.get_activity(one).participants
    assert [p.cadre_id for p in moved] == [rows[0].cadre_id]
    # and the list still saves
    svc.save_activity(svc.get_activity(both).input, svc.get_activity(both).participants,
                      activity_id=both)


def test_invite_only_some_board_positions(empty_demo):
    chairs = svc.cadres_for_invitation(desa_code=DESA, positions=("ketua",))
    assert chairs and {r.position_code for r in chairs} == {"ketua"}
    everyone = svc.cadres_for_invitation(desa_code=DESA)
    assert len(chairs) == sum(1 for r in everyone if r.position_code == "ketua")
