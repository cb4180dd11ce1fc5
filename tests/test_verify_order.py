"""Periksa dokumen and the order of attendees: taking one attendee off a printed
Daftar Hadir is one line, not a "Urutan" line for every attendee after them;
an attendee really moved in the list is still named (issue 16)."""
from imp_desktop.data.audit import audited_update
from imp_desktop.data.models import Participant
from imp_desktop.services import activities, reporting, verify

REMOVED = "Dikeluarkan dari daftar sesudah dicetak: "


def _big_activity() -> int:
    """An activity with a long attendance list (the demo's longest)."""
    return max((a.id for a in activities.list_activities()),
               key=lambda ident: len(activities.participants_of(ident)))


def _save(activity_id, rows) -> None:
    activities.save_activity(activities.get_activity(activity_id).input, rows,
                             activity_id=activity_id)


def _printed(tmp_path, activity_id):
    path = tmp_path / "hadir.pdf"
    path.write_bytes(reporting.attendance_pdf(activity_id))
    assert verify.verify_file(path).status == verify.VALID
    return path


def _order_lines(verdict) -> list[str]:
    return [verify.change_text(line) for line in verdict.changes if line.name == "sort_order"]


def test_taking_one_attendee_off_is_one_line_not_a_renumbering(demo_db, tmp_path):
    activity_id = _big_activity()
    rows = activities.participants_of(activity_id)
    assert len(rows) >= 10
    path = _printed(tmp_path, activity_id)
    leaving = rows[0]
    _save(activity_id, rows[1:])
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert verdict.removed == [f"Peserta {leaving.name}"]
    assert _order_lines(verdict) == [] and verdict.changes == []
    assert verdict.details()[3:] == [f"{REMOVED}Peserta {leaving.name}"]
    # the others keep their stored order: nothing was written for them
    orders = [p.sort_order for p in Participant.select().where(
        Participant.activity == activity_id).order_by(Participant.sort_order)]
    assert orders == list(range(1, len(rows)))
    # people invited afterwards come after them
    _save(activity_id, activities.participants_of(activity_id) + [leaving])
    assert [row.name for row in activities.participants_of(activity_id)][-1] == leaving.name


def test_a_renumbering_written_by_an_older_version_is_not_listed(demo_db, tmp_path):
    """Data saved by the version that numbered every attendee again (or merged
    from a laptop still running it): the "Urutan" changes are not the paper's."""
    activity_id = _big_activity()
    rows = activities.participants_of(activity_id)
    path = _printed(tmp_path, activity_id)
    _save(activity_id, rows[1:])
    for place, row in enumerate(rows[1:]):
        audited_update(Participant, {Participant.sort_order: place}, Participant.id == row.id)
    verdict = verify.verify_file(path)
    assert verdict.changes == [] and verdict.removed == [f"Peserta {rows[0].name}"]


def test_an_attendee_moved_in_the_list_is_named_with_the_places(demo_db, tmp_path):
    activity_id = _big_activity()
    rows = activities.participants_of(activity_id)
    path = _printed(tmp_path, activity_id)
    last = rows[-1]
    _save(activity_id, [last] + rows[:-1])         # the last attendee put first
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED and verdict.removed == verdict.added == []
    (line,) = _order_lines(verdict)
    assert line.startswith(f"Peserta {last.name} · Urutan: {len(rows)} → 1 (")
