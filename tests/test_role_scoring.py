"""Enam Peran Bakti: catalogue versions, scoring, classification, history, recap."""
import datetime as dt

import pytest

from imp_desktop.errors import UserError, ValidationError
from imp_desktop.services import roles
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.units import UnitInput, save_unit

DESA = "33.22.02.2001"


@pytest.fixture
def unit_id(db):
    upsert_regions([(DESA, "Duren")])
    return save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))


def answers_meeting(catalogue, per_role: dict[str, int]):
    """Met flags for the first ``n`` indicators of each role."""
    answers = {}
    for role in catalogue.roles:
        for index, item in enumerate(role.indicators):
            answers[item.id] = roles.AnswerInput(met=index < per_role.get(role.code, 0))
    return answers


def test_default_catalogue_has_six_roles_in_order_with_four_to_eight_indicators(db):
    catalogue = roles.current_catalogue()
    assert catalogue.version == 1
    assert [role.code for role in catalogue.roles] == list(roles.ROLE_CODES)
    assert [role.name("id") for role in catalogue.roles][:3] == [
        "Pengorganisasian", "Pertemuan", "KIE dan Konseling"]
    for role in catalogue.roles:
        assert 4 <= len(role.indicators) <= 8, role.code
        for item in role.indicators:
            assert item.text_id and item.text_en and item.text_id != item.text_en


def test_default_rule_is_sixty_percent_and_three_and_six_roles(db):
    rule = roles.current_rule()
    assert (rule.threshold_percent, rule.berkembang_min_roles, rule.mandiri_min_roles) == (
        60, 3, 6)
    assert [rule.classify(n) for n in range(7)] == (
        ["dasar"] * 3 + ["berkembang"] * 3 + ["mandiri"])
    # 60% exactly fulfils a role; just under does not.
    assert rule.role_fulfilled(3, 5) and not rule.role_fulfilled(2, 4)
    assert rule.role_fulfilled(4, 6) and not rule.role_fulfilled(0, 0)


def test_scoring_counts_fulfilled_roles(db):
    catalogue = roles.current_catalogue()
    rule = roles.current_rule()
    sizes = {role.code: len(role.indicators) for role in catalogue.roles}
    everything = answers_meeting(catalogue, sizes)
    assert roles.score(catalogue, {k: v.met for k, v in everything.items()}, rule
                       ).classification == "mandiri"
    # Organisation 3/5 (60%: fulfilled), meetings 3/6 (50%: not), KIE 5/7 (71%: fulfilled).
    result = roles.score(catalogue, {k: v.met for k, v in answers_meeting(
        catalogue, {"pengorganisasian": 3, "pertemuan": 3, "kie_konseling": 5}).items()}, rule)
    assert [r.fulfilled for r in result.roles] == [True, False, True, False, False, False]
    assert result.roles_fulfilled == 2 and result.classification == "dasar"


def test_assessment_is_saved_with_its_versions_and_classification(unit_id):
    catalogue = roles.current_catalogue()
    answers = answers_meeting(catalogue, {"pengorganisasian": 5, "pertemuan": 4,
                                          "kie_konseling": 5, "pencatatan": 1})
    answers[catalogue.roles[0].indicators[0].id].note = "SK 400/12/2024"
    assessment_id = roles.save_assessment(roles.AssessmentInput(
        unit_id, "2026-10", answers, assessed_on=dt.date(2026, 10, 28), assessor="Sri"))
    sheet = roles.get_assessment(assessment_id, "id")
    assert sheet.classification == "berkembang" and sheet.roles_fulfilled == 3
    assert sheet.classification_label == "Berkembang"
    assert (sheet.catalogue_version, sheet.rule_version) == (1, 1)
    assert sheet.period_label == "Oktober 2026"
    assert sheet.desa_name == "Duren" and sheet.kecamatan_name == "Tengaran"
    assert sheet.roles[0].lines[0].note == "SK 400/12/2024"
    assert sheet.roles[0].lines[0].number == "1.1"
    assert [r.fulfilled for r in sheet.roles] == [True, True, True, False, False, False]


def test_one_assessment_per_unit_and_period(unit_id):
    roles.save_assessment(roles.AssessmentInput(unit_id, "2026-10"))
    with pytest.raises(ValidationError, match="belum disimpan") as error:
        roles.save_assessment(roles.AssessmentInput(unit_id, "2026-10"))
    assert "sudah dinilai untuk Oktober 2026" in error.value.problems[0][1]
    # A quarter is another period.
    assert roles.save_assessment(roles.AssessmentInput(unit_id, "2026-Q4"))


def test_old_assessment_keeps_its_catalogue_after_the_catalogue_changes(unit_id):
    v1 = roles.current_catalogue()
    # 4 met per role: 80%, 67%, 57%, 67%, 67%, 80% -> five roles fulfilled.
    answers = answers_meeting(v1, {code: 4 for code in roles.ROLE_CODES})
    old_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-09", answers))
    assert roles.get_assessment(old_id).classification == "berkembang"

    # The officer rewords one indicator, retires two and adds one to Pertemuan.
    drafts = roles.drafts_of(v1)
    drafts[0].text_id = "Memiliki SK pengukuhan yang berlaku"
    retired = [d.key for d in drafts if d.role == "pertemuan"][:2]
    drafts = [d for d in drafts if d.key not in retired]
    drafts.append(roles.IndicatorDraft("pertemuan", "Pertemuan diadakan di luar balai desa",
                                       "Meeting held outside the village hall"))
    v2 = roles.save_catalogue(drafts, note="Disesuaikan dengan kabupaten")
    assert v2.version == 2
    assert v2.roles[0].indicators[0].key == "org.sk"
    assert v2.roles[0].indicators[0].text_id == "Memiliki SK pengukuhan yang berlaku"
    assert len(v2.roles[1].indicators) == 5
    assert v2.roles[1].indicators[-1].key.startswith("pertemuan.")

    old = roles.get_assessment(old_id)
    assert old.catalogue_version == 1 and old.classification == "berkembang"
    assert old.roles_fulfilled == 5
    assert len(old.roles[1].lines) == 6 and old.roles[1].met == 4
    assert old.roles[0].lines[0].text_id.startswith("Memiliki SK pengukuhan dari Kepala Desa")

    # Correcting the old sheet keeps version 1; answers of version 2 are refused.
    changed = {k: roles.AnswerInput(met=False) for k in answers}
    roles.save_assessment(roles.AssessmentInput(unit_id, "2026-09", changed), old_id)
    again = roles.get_assessment(old_id)
    assert again.catalogue_version == 1 and again.classification == "dasar"
    with pytest.raises(ValidationError) as error:
        roles.save_assessment(roles.AssessmentInput(
            unit_id, "2026-09", {v2.roles[1].indicators[-1].id: roles.AnswerInput(True)}),
            old_id)
    assert "versi 1" in error.value.problems[0][1]

    # A new assessment is made with version 2.
    new_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-10"))
    assert roles.get_assessment(new_id).catalogue_version == 2
    history = roles.unit_history(unit_id)
    assert [(p.period, p.catalogue_version) for p in history] == [("2026-09", 1), ("2026-10", 2)]


def test_saving_an_unchanged_catalogue_makes_no_version(db):
    current = roles.current_catalogue()
    assert roles.save_catalogue(roles.drafts_of(current)).version == 1
    assert len(roles.catalogue_versions()) == 1


def test_reordering_indicators_makes_a_new_version_in_the_new_order(db):
    drafts = roles.drafts_of(roles.current_catalogue())
    first_two = drafts[:2]
    drafts[:2] = [first_two[1], first_two[0]]
    v2 = roles.save_catalogue(drafts)
    assert [i.key for i in v2.roles[0].indicators[:2]] == ["org.pengurus", "org.sk"]


def test_catalogue_edits_that_break_the_rules_are_refused_and_change_nothing(db):
    drafts = [d for d in roles.drafts_of(roles.current_catalogue()) if d.role != "kemandirian"]
    with pytest.raises(ValidationError) as error:
        roles.save_catalogue(drafts)
    assert any("Kemandirian" in message for _, message in error.value.problems)
    drafts = roles.drafts_of(roles.current_catalogue())
    drafts[3].text_id = "  "
    with pytest.raises(ValidationError):
        roles.save_catalogue(drafts)
    assert roles.current_catalogue().version == 1


def test_rule_change_makes_a_version_and_old_assessments_keep_theirs(unit_id):
    catalogue = roles.current_catalogue()
    # 3 met in each role: 60%, 50%, 43%, 50%, 50%, 60% -> roles 1 and 6 fulfilled.
    answers = answers_meeting(catalogue, {code: 3 for code in roles.ROLE_CODES})
    first = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-08", answers))
    assert roles.get_assessment(first).classification == "dasar"
    rule = roles.save_rule(40, 2, 5, note="Kabupaten")
    assert rule.version == 2
    second = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-09", answers))
    sheet = roles.get_assessment(second)
    assert (sheet.rule_version, sheet.roles_fulfilled, sheet.classification) == (
        2, 6, "mandiri")
    assert "versi 2" in sheet.rule_text and "40%" in sheet.rule_text
    old = roles.get_assessment(first)
    assert (old.rule_version, old.classification) == (1, "dasar")
    assert [p.rule_version for p in roles.unit_history(unit_id)] == [1, 2]


@pytest.mark.parametrize("values", [(0, 3, 6), (101, 3, 6), (60, 0, 6), (60, 4, 4),
                                    (60, 3, 7)])
def test_impossible_rules_are_refused(db, values):
    with pytest.raises(ValidationError):
        roles.save_rule(*values)
    assert roles.current_rule().version == 1


def test_periods_parse_and_print_in_both_languages():
    month = roles.parse_period("2026-02")
    assert (month.start, month.end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert month.label("id") == "Februari 2026"
    quarter = roles.parse_period("2026-q4")
    assert quarter.key == "2026-Q4" and quarter.end == dt.date(2026, 12, 31)
    assert quarter.label("id") == "Triwulan IV 2026" and quarter.label("en") == "Q4 2026"
    for bad in ("2026-13", "Nov 2026", "2026-Q5", ""):
        with pytest.raises(UserError, match="2026-11"):
            roles.parse_period(bad)
    recent = roles.recent_periods(3, today=dt.date(2026, 1, 15))
    assert [p.key for p in recent] == ["2026-01", "2025-12", "2025-11"]
    assert [p.key for p in roles.recent_periods(2, True, dt.date(2026, 1, 15))] == [
        "2026-Q1", "2025-Q4"]


def test_blank_sheet_has_every_indicator_and_no_answers(unit_id):
    sheet = roles.blank_sheet(unit_id, "2026-11")
    assert sheet.is_blank and sheet.classification is None
    assert sum(len(r.lines) for r in sheet.roles) == roles.current_catalogue().indicator_count
    assert all(line.met is None for r in sheet.roles for line in r.lines)
    assert sheet.unit_name == "PPKBD Duren" and sheet.period_label == "November 2026"


def test_recap_counts_units_by_level_and_finds_the_most_unmet_indicators(unit_id):
    upsert_regions([("33.22.02.2002", "Sugihan")])
    catalogue = roles.current_catalogue()
    sizes = {role.code: len(role.indicators) for role in catalogue.roles}
    sub = save_unit(UnitInput(level="sub_ppkbd", name="Sub PPKBD Krajan", desa_code=DESA,
                              hamlet_id=_hamlet(), parent_id=unit_id))
    other = save_unit(UnitInput(level="ppkbd", name="PPKBD Sugihan",
                                desa_code="33.22.02.2002"))
    save_unit(UnitInput(level="ppkbd", name="PPKBD Sugihan 2", desa_code="33.22.02.2002"))
    full = answers_meeting(catalogue, sizes)
    kemandirian_first = catalogue.roles[5].indicators[0].id
    full[kemandirian_first].met = False          # 4/5 still fulfils Kemandirian
    roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", full))
    roles.save_assessment(roles.AssessmentInput(sub, "2026-11", answers_meeting(
        catalogue, {"pengorganisasian": 5, "pertemuan": 6, "kie_konseling": 7})))
    roles.save_assessment(roles.AssessmentInput(other, "2026-11", answers_meeting(
        catalogue, {code: 0 for code in roles.ROLE_CODES})))
    roles.save_assessment(roles.AssessmentInput(other, "2026-10", full))   # other period

    desa = roles.recap(DESA, "2026-11", "id")
    assert desa.scope == "desa" and desa.region_name == "Duren"
    assert desa.total.total == 2 and desa.assessments == 2
    levels = {row.level: row for row in desa.by_level}
    assert (levels["ppkbd"].mandiri, levels["sub_ppkbd"].berkembang) == (1, 1)
    # Kemandirian's first indicator is unmet in both: it leads the list.
    assert desa.unmet[0].key == "mandiri.dana" and desa.unmet[0].unmet == 2
    assert desa.unmet[0].percent_unmet == 100.0
    assert desa.roles[0].fulfilled == 2 and desa.roles[5].fulfilled == 1

    kecamatan = roles.recap("33.22.02", "2026-11", "en")
    assert kecamatan.scope == "kecamatan" and kecamatan.total.total == 4
    assert (kecamatan.total.dasar, kecamatan.total.berkembang, kecamatan.total.mandiri,
            kecamatan.total.not_assessed) == (1, 1, 1, 1)
    assert [row.label for row in kecamatan.by_desa] == ["Duren", "Sugihan"]
    assert kecamatan.by_desa[1].not_assessed == 1
    assert kecamatan.unmet[0].role_name == "Self-reliance"
    assert kecamatan.period_label == "November 2026" and kecamatan.rule_versions == (1,)
    assert roles.latest_period(DESA) == "2026-11"
    with pytest.raises(UserError):
        roles.recap("33.22", "2026-11")


def _hamlet():
    from imp_desktop.services.regions import add_hamlet

    return add_hamlet(DESA, "Dusun Krajan", "1").id


def test_weakest_roles_make_a_coaching_agenda(unit_id):
    catalogue = roles.current_catalogue()
    answers = answers_meeting(catalogue, {"pengorganisasian": 5, "pertemuan": 6,
                                          "kie_konseling": 1, "pencatatan": 2,
                                          "pelayanan": 6, "kemandirian": 0})
    assessment_id = roles.save_assessment(roles.AssessmentInput(unit_id, "2026-11", answers))
    gaps = roles.weakest_roles(assessment_id, 2, "id")
    assert [g.code for g in gaps] == ["kemandirian", "kie_konseling"]
    assert len(gaps[1].unmet) == 6
    agenda = roles.gap_agenda(assessment_id, 3, "id")
    assert agenda.splitlines()[0] == (
        "Pembinaan PPKBD Duren berdasarkan penilaian Peran Bakti November 2026:")
    assert "1. Peran 6: Kemandirian" in agenda and "3. Peran 4: Pencatatan dan Pendataan" in agenda


def test_demo_assesses_every_unit_over_several_months(db):
    from imp_desktop.data.models import Assessment, Unit
    from imp_desktop.services.demo import generate_demo

    summary = generate_demo(desa=2, cadres=120, seed=5)
    assert summary.extra["assessments"] == Assessment.select().count()
    assessed = {a.unit_id for a in Assessment.select(Assessment.unit)}
    assert assessed == {u.id for u in Unit.select()}
    periods = roles.assessed_periods()
    assert len(periods) == 6
    classes = {a.classification for a in Assessment.select()}
    assert len(classes) >= 2   # something for the recap to show
    some = Assessment.select().first()
    sheet = roles.get_assessment(some.id)
    result = roles.score(roles.get_catalogue(sheet.catalogue_id),
                         {line.indicator_id for r in sheet.roles for line in r.lines if line.met},
                         roles.current_rule())
    assert result.classification == sheet.classification


def test_list_assessments_json_names_units_and_indicators_by_stable_ids(unit_id, capsys,
                                                                        db_path):
    from imp_desktop.cli import main

    catalogue = roles.current_catalogue()
    first = catalogue.roles[0].indicators[0].id
    roles.save_assessment(roles.AssessmentInput(unit_id, "2026-Q3",
                                                {first: roles.AnswerInput(True, "ada")}))
    assert main(["list", "assessments", "--json", "--db", str(db_path)]) == 0
    import json

    records = json.loads(capsys.readouterr().out)
    assert len(records) == 1 and records[0]["period"] == "2026-Q3"
    assert records[0]["classification"] == "dasar" and records[0]["catalogue_version"] == 1
    assert records[0]["answers"][0] == {"indicator_key": "org.sk", "role": "pengorganisasian",
                                        "met": True, "note": "ada", "evidence_activity_id": None,
                                        "evidence_photo": None}
    assert len(records[0]["answers"]) == catalogue.indicator_count


def test_previous_answers_follow_indicator_keys_across_catalogue_versions(unit_id):
    v1 = roles.current_catalogue()
    answers = answers_meeting(v1, {code: 4 for code in roles.ROLE_CODES})
    answers[v1.roles[0].indicators[0].id].note = "SK di balai desa"
    roles.save_assessment(roles.AssessmentInput(unit_id, "2026-09", answers))
    assert roles.previous_answers(unit_id, "2026-09") is None
    drafts = [d for d in roles.drafts_of(v1) if d.key != "org.pengurus"]
    v2 = roles.save_catalogue(drafts)
    previous = roles.previous_answers(unit_id, "2026-10")
    assert previous.period == "2026-09" and previous.period_label == "September 2026"
    sk = v2.roles[0].indicators[0]
    assert previous.answers[sk.id].met and previous.answers[sk.id].note == "SK di balai desa"
    assert len(previous.answers) == v2.indicator_count
    assert set(previous.answers) <= {item.id for item in v2.indicators()}
