"""Evidence on an assessment (activities and photos) and "from gap to action"."""
import datetime as dt

import pytest
from PIL import Image

from imp_desktop.errors import UserError, ValidationError
from imp_desktop.services import activities, photos, roles
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.units import UnitInput, save_unit

DESA = "33.22.02.2001"


@pytest.fixture
def unit_id(db):
    from imp_desktop.services.cadres import CadreInput, save_cadre

    upsert_regions([(DESA, "Duren")])
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))
    for name, position in (("Siti Aminah", "ketua"), ("Dwi Lestari", "sekretaris")):
        save_cadre(CadreInput(name=name, desa_code=DESA, unit_id=unit, position=position))
    return unit


def _activity(title="Pertemuan rutin PPKBD", day=dt.date(2026, 11, 5)):
    return activities.save_activity(activities.ActivityInput(title=title, date=day,
                                                             desa_code=DESA), [], [])


def test_an_activity_and_a_photo_can_be_evidence(unit_id, tmp_path):
    activity_id = _activity()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(tmp_path / "rapat.jpg")
    stored = photos.import_photo(tmp_path / "rapat.jpg")
    catalogue = roles.current_catalogue()
    meeting = catalogue.roles[1].indicators[0].id
    choices = roles.activity_choices(DESA, "2026-11")
    assert choices[0][0] == activity_id and "5 November 2026" in choices[0][1]
    assessment_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", {
        meeting: roles.AnswerInput(True, "Notulen ada", activity_id, stored.file_name)}))
    line = roles.get_assessment(assessment_id).roles[1].lines[0]
    assert (line.evidence_activity_id, line.evidence_photo) == (activity_id, stored.file_name)
    assert roles.evidence_titles([activity_id]) == {
        activity_id: "5 November 2026 - Pertemuan rutin PPKBD"}

    # The photo store keeps a picture that an assessment still uses...
    assert photos.remove_unreferenced({stored.file_name}) == 0
    assert photos.photo_path(stored.file_name).is_file()
    # ...and the link to a deleted activity is dropped rather than printed broken.
    activities.delete_activity(activity_id)
    again = roles.get_assessment(assessment_id)
    assert again.roles[1].lines[0].evidence_activity_id is None
    assert again.roles[1].lines[0].evidence_photo == stored.file_name
    # Deleting the assessment lets the photo go.
    roles.delete_assessment(assessment_id)
    assert not photos.photo_path(stored.file_name).exists()


def test_evidence_must_name_an_existing_activity(unit_id):
    first = roles.current_catalogue().roles[0].indicators[0].id
    with pytest.raises(ValidationError) as error:
        roles.save_assessment(roles.AssessmentInput(
            unit_id, "2026-11", {first: roles.AnswerInput(True, evidence_activity_id=999)}))
    assert "999" in error.value.problems[0][1]


def test_gap_to_action_creates_a_coaching_activity_with_the_weakest_roles(unit_id):
    catalogue = roles.current_catalogue()
    answers = {}
    for role in catalogue.roles:
        keep = {"pengorganisasian": 5, "pertemuan": 6, "kie_konseling": 1, "pencatatan": 2,
                "pelayanan": 6, "kemandirian": 0}[role.code]
        for index, item in enumerate(role.indicators):
            answers[item.id] = roles.AnswerInput(index < keep)
    assessment_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", answers))
    activity_id = roles.create_coaching_activity(assessment_id, dt.date(2026, 12, 3), count=2)
    detail = activities.get_activity(activity_id)
    assert detail.date == dt.date(2026, 12, 3) and detail.desa_code == DESA
    assert "1. Peran 6: Kemandirian" in detail.agenda
    assert "2. Peran 3: KIE dan Konseling" in detail.agenda
    assert "Peran 4" not in detail.agenda
    assert "Kemandirian, KIE dan Konseling" in detail.aims
    assert "Berkembang" in detail.background and "3 dari 6 peran" in detail.background
    assert sorted(p.name for p in detail.participants) == ["Dwi Lestari", "Siti Aminah"]
    type_names = {t.id: t.name for t in activities.activity_types()}
    assert type_names[detail.type_id] == "Pembinaan kader IMP"

    # An edited agenda is kept as typed.
    other = roles.create_coaching_activity(assessment_id, dt.date(2026, 12, 10),
                                           agenda="Peta sasaran", invite_cadres=False)
    assert activities.get_activity(other).agenda == "Peta sasaran"


def test_a_unit_that_fulfils_every_role_has_no_gap(unit_id):
    catalogue = roles.current_catalogue()
    answers = {item.id: roles.AnswerInput(True) for item in catalogue.indicators()}
    assessment_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", answers))
    assert roles.weakest_roles(assessment_id) == []
    with pytest.raises(UserError, match="semua peran"):
        roles.create_coaching_activity(assessment_id, dt.date(2026, 12, 1))
