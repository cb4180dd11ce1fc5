"""Drafting the narrative from the data: templates per activity type, never
overwriting what the officer typed, kept when last month's activity is copied."""
import datetime as dt

import pytest

from imp_desktop.errors import ValidationError
from imp_desktop.services import activities, drafting, roles
from imp_desktop.services import settings as settings_service

DUREN = "33.22.02.2001"


def _rows(present=6, absent=1, guests=(("Bambang Supriyadi", "Kepala Desa"),)):
    rows = activities.cadres_for_invitation(DUREN)[:present + absent]
    for index, row in enumerate(rows):
        row.status = "hadir" if index < present else "izin"
    for name, position in guests:
        guest = activities.guest_row(name, position)
        guest.status = "hadir"
        rows.append(guest)
    return rows


def _data(**values):
    base = dict(title="Pembinaan Kader IMP", date=dt.date(2026, 11, 27), desa_code=DUREN,
                place="Balai Desa Duren")
    base.update(values)
    return activities.ActivityInput(**base)


def test_participants_sentence_counts_and_names_the_unsur(demo_db):
    rows = _rows(present=6, absent=1)
    text = drafting.participants_sentence(rows)
    assert text.startswith("Kegiatan ini dihadiri oleh 7 dari 8 undangan, terdiri atas ")
    levels = {row.level for row in rows[:6]}
    for level in levels:
        count = sum(1 for row in rows[:6] if row.level == level)
        assert f"{count} kader {settings_service.level_label(level)}" in text
    assert "Kepala Desa Bambang Supriyadi" in text
    assert "1 orang izin" in text


def test_agenda_describes_the_chosen_roles_from_the_catalogue(demo_db):
    text = drafting.agenda_text(["pertemuan", "pengorganisasian"])
    catalogue = {role.code: role for role in roles.current_catalogue().roles}
    assert "1. Peran Pengorganisasian" in text and "2. Peran Pertemuan" in text
    first = catalogue["pengorganisasian"].indicators[0].text_id
    assert first[1:].rstrip(".") in text
    assert "Kemandirian" not in text.split("yaitu:", 1)[1]
    assert drafting.agenda_text([]) == ""


def test_results_from_the_scores(demo_db):
    rows = _rows(present=4, absent=0, guests=())
    for row, (pre, post) in zip(rows, [(50, 80), (60, 70), (70, 65), (40, 90)]):
        row.pre_score, row.post_score = pre, post
    text = drafting.results_text(rows)
    assert "naik dari 55 pada pre-test menjadi 76,3 pada post-test" in text
    assert "Nilai 3 dari 4 peserta naik setelah kegiatan" in text
    assert drafting.results_text(_rows(present=2, absent=0, guests=())) == ""


def test_follow_up_names_the_weakest_roles_of_the_units_present(demo_db):
    rows = _rows(present=6, absent=0, guests=())
    unit_ids = list(dict.fromkeys(row.unit_id for row in rows if row.unit_id))
    percents = {}
    for unit_id in unit_ids:
        history = roles.unit_history(unit_id)
        if history:
            for code, value in zip(roles.ROLE_CODES, history[-1].role_percents):
                percents.setdefault(code, []).append(value)
    averages = sorted((sum(v) / len(v), roles.ROLE_CODES.index(c), c) for c, v in percents.items()
                      if sum(v) / len(v) < 100)
    text = drafting.follow_up_text(rows)
    if not averages:
        pytest.skip("the demo units present have every role fully met")
    weakest = roles.role_name(averages[0][2], "id")
    assert text.startswith(f"Pembinaan berikutnya difokuskan pada peran {weakest} (rata-rata")
    assert f"{round(averages[0][0])}% indikator terpenuhi" in text


def test_a_draft_never_overwrites_what_the_officer_typed(demo_db):
    rows = _rows()
    data = _data(agenda_roles=["pertemuan"])
    first = drafting.redraft(data, rows)
    assert set(first.changed) >= {"background", "participants_note", "agenda", "closing"}
    assert first.data.participants_note.startswith("Kegiatan ini dihadiri oleh 7 dari 8")
    typed = "Latar belakang yang diketik sendiri oleh petugas."
    edited = activities.ActivityInput(**{**first.data.__dict__, "background": typed})
    ident = activities.save_activity(edited, rows)
    saved = activities.get_activity(ident)
    # Attendance changed: only the untouched sections follow.
    saved.participants[0].status = "sakit"
    again = drafting.redraft(saved.input, saved.participants)
    assert again.data.background == typed and "background" in again.kept
    assert "participants_note" in again.changed
    assert again.data.participants_note.startswith("Kegiatan ini dihadiri oleh 6 dari 8")
    assert "1 orang sakit" in again.data.participants_note
    assert again.data.agenda == saved.agenda and "agenda" not in again.kept


def test_an_untouched_draft_stays_untouched_after_saving(demo_db):
    rows = _rows()
    result = drafting.redraft(_data(agenda_roles=["kie_konseling"]), rows)
    ident = activities.save_activity(result.data, rows)
    saved = activities.get_activity(ident)
    assert saved.agenda_roles == ["kie_konseling"]
    assert all(drafting.is_untouched(saved.input, section) for section in drafting.SECTIONS)
    assert drafting.redraft(saved.input, saved.participants).changed == ()


def test_copying_last_months_activity_keeps_the_narrative(demo_db):
    rows = _rows()
    drafted = drafting.redraft(_data(agenda_roles=["pencatatan"]), rows).data
    mine = "Acara dan materi yang saya tulis sendiri."
    values = {**drafted.__dict__, "agenda": mine, "closing": "Penutup saya."}
    source = activities.save_activity(activities.ActivityInput(**values), rows)
    copy = activities.get_activity(activities.duplicate_activity(source))
    assert copy.agenda == mine and copy.closing == "Penutup saya."
    assert copy.background == drafted.background and copy.agenda_roles == ["pencatatan"]
    assert copy.results == "" and copy.participants_note == ""
    redrafted = drafting.redraft(copy.input, copy.participants).data
    assert redrafted.agenda == mine and redrafted.closing == "Penutup saya."
    assert redrafted.participants_note.startswith("Kegiatan ini mengundang 8 orang")


def test_each_activity_type_has_an_editable_template(demo_db):
    type_id = activities.save_activity_type("Rapat koordinasi IMP")
    template = drafting.get_template(type_id)
    assert template == drafting.DEFAULT_TEMPLATE
    template["closing"] = "Rapat {judul} di {tempat} ditutup pukul 12.00."
    drafting.save_template(type_id, template)
    text = drafting.draft(_data(type_id=type_id, title="Rakor"), [])["closing"]
    assert text == "Rapat Rakor di Balai Desa Duren ditutup pukul 12.00."
    assert drafting.draft(_data(), [])["closing"] == drafting.DEFAULT_TEMPLATE["closing"]
    with pytest.raises(ValidationError) as refused:
        drafting.save_template(type_id, {**template, "aims": "Untuk {tujuan}."})
    assert "tujuan" in str(refused.value)
    assert drafting.get_template(type_id)["closing"].startswith("Rapat {judul}")
    drafting.reset_template(type_id)
    assert drafting.get_template(type_id) == drafting.DEFAULT_TEMPLATE
    customised = {choice.type_id: choice.customised for choice in drafting.template_choices()}
    assert customised[type_id] is False


def test_unknown_agenda_role_is_refused(demo_db):
    with pytest.raises(ValidationError):
        activities.save_activity(_data(agenda_roles=["menari"]), [])
