"""Laporan bulanan: template, carry-over, totals, validation, lock, coverage."""
import datetime as dt
import json

import pytest

from imp_desktop.data.models import AuditEntry, MonthlyReport
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.services import monthly
from imp_desktop.services.monthly import UnitEntry
from monthly_support import DUREN, KEC, SRUWEN, TODAY, build_chain, entry


@pytest.fixture
def chain(db):
    return build_chain()


def test_default_template_is_version_one_in_new_siga_order(db):
    template = monthly.current_template()
    assert template.version == 1
    assert [s[0] for s in template.sections()] == ["I", "II", "III", "IV", "V"]
    assert [line.position for line in template.lines] == list(range(1, len(template.lines) + 1))
    total = template.line("pb.total")
    assert total.kind == "total" and total.max_key == "pus" and total.cumulative
    assert all(template.line(key) for key in total.parts)


def test_pok_kb_figures_add_up_to_sub_ppkbd_ppkbd_and_desa(chain):
    monthly.save_desa_month(DUREN, "2026-11", [
        entry(chain["pok1"], pus=40, pb__pil=2, pb__suntik=1),
        entry(chain["pok2"], pus=30, pb__pil=1),
        entry(chain["pok3"], pus=25, pb__iud=1),
    ], today=TODAY)
    figures = monthly.rollup(DUREN, "2026-11")
    assert figures[chain["sub_a"]]["pus"].value == 70
    assert figures[chain["sub_b"]]["pus"].value == 25
    assert figures[chain["ppkbd"]]["pus"].value == 95
    assert figures[None]["pus"].value == 95
    report = monthly.unit_report(chain["ppkbd"], "2026-11")
    by_key = {item.line.key: item for item in report.lines}
    assert by_key["pb.total"].figure.value == 5       # computed, never typed
    assert by_key["pb.pil"].figure.value == 3
    assert report.reported_units == 3 and report.units_below == 5


def test_a_higher_units_own_figure_is_kept_and_its_difference_shown(chain):
    monthly.save_desa_month(DUREN, "2026-11", [
        entry(chain["pok1"], pus=40), entry(chain["pok2"], pus=30),
        entry(chain["sub_a"], pus=75),
    ], today=TODAY)
    figure = monthly.rollup(DUREN, "2026-11")[chain["sub_a"]]["pus"]
    assert (figure.own, figure.units_sum, figure.value, figure.difference) == (75, 70, 75, 5)
    recap = monthly.monthly_recap("2026-11", region_code=KEC)
    assert ("Duren", "Sub A", "Pasangan usia subur (PUS)", 5) in recap.differences
    pus = next(line for line in recap.lines if line.line.key == "pus")
    assert pus.values == (75, None) and pus.total == 75


def test_carried_lines_start_from_last_month_and_flows_do_not(chain):
    monthly.save_desa_month(DUREN, "2026-10", [
        entry(chain["sub_a"], dt.date(2026, 11, 2), pus=70, bkb__target=12,
              bkb__meetings=1, pb__pil=2)], today=TODAY)
    november = monthly.desa_month(DUREN, "2026-11")
    sub_a = next(u for u in november.units if u.unit.id == chain["sub_a"])
    assert not sub_a.reported
    assert sub_a.figures == {"pus": 70, "bkb.target": 12}
    assert sub_a.carried == {"pus", "bkb.target"}
    # Saved from the carried values, it is November's own report.
    carried = monthly.entry_of(sub_a)
    carried.received_on = dt.date(2026, 12, 2)
    monthly.save_desa_month(DUREN, "2026-11", [carried], today=TODAY)
    saved = MonthlyReport.get(MonthlyReport.unit == chain["sub_a"],
                              MonthlyReport.period == "2026-11")
    assert json.loads(saved.figures) == {"bkb.target": 12, "pus": 70}
    assert saved.received_on == dt.date(2026, 12, 2)


def test_lines_a_level_does_not_report_are_refused(chain):
    with pytest.raises(ValidationError) as caught:
        monthly.save_desa_month(DUREN, "2026-11", [
            entry(chain["pok1"], pus=4, bkb__target=3)], today=TODAY)
    assert "tidak ada dalam laporan unit ini" in dict(caught.value.problems)[
        monthly.cell(chain["pok1"], "bkb.target")]


def test_cumulative_adds_the_months_since_january_and_remaining_uses_target(chain):
    for month, pills in (("2026-01", 2), ("2026-02", 3), ("2026-03", 4)):
        monthly.save_desa_month(DUREN, month, [UnitEntry(
            chain["pok1"], monthly.parse_month(month).next().start,
            {"pus": 50, "pb.pil": pills}, {"pb.pil": 20})], today=TODAY)
    monthly.save_desa_month(DUREN, "2025-12", [entry(chain["pok1"], dt.date(2026, 1, 2),
                                                     pus=50, pb__pil=9)], today=TODAY)
    report = monthly.unit_report(chain["pok1"], "2026-03")
    pill = next(item for item in report.lines if item.line.key == "pb.pil")
    assert (pill.figure.value, pill.cumulative, pill.target, pill.remaining) == (4, 9, 20, 11)
    ppkbd = monthly.unit_report(chain["ppkbd"], "2026-03")
    total = next(item for item in ppkbd.lines if item.line.key == "pb.total")
    assert total.cumulative == 9


def test_validation_names_each_cell_and_saves_nothing(chain):
    with pytest.raises(ValidationError) as caught:
        monthly.save_desa_month(DUREN, "2026-11", [
            entry(chain["pok1"], pus=40),                  # fine on its own
            entry(chain["pok2"], pus=3, pb__pil=2, pb__suntik=2),   # 4 new acceptors > 3 PUS
            entry(chain["pok3"], pus=-1),
            UnitEntry(chain["sub_a"], None, {"pus": 5}),   # no received date
        ], today=TODAY)
    problems = dict(caught.value.problems)
    assert "lebih besar dari" in problems[monthly.cell(chain["pok2"], "pb.total")]
    assert "(4)" in problems[monthly.cell(chain["pok2"], "pb.total")]
    assert "kurang dari nol" in problems[monthly.cell(chain["pok3"], "pus")]
    assert monthly.cell(chain["sub_a"], "received_on") in problems
    assert MonthlyReport.select().count() == 0


def test_computed_lines_cannot_be_typed_and_dates_must_make_sense(chain):
    with pytest.raises(ValidationError) as caught:
        monthly.save_desa_month(DUREN, "2026-11", [
            entry(chain["ppkbd"], units__kelompok_kb__exist=9),
            entry(chain["pok1"], dt.date(2026, 10, 30), pus=1),
            entry(chain["pok2"], dt.date(2026, 12, 25), pus=1)], today=TODAY)
    problems = dict(caught.value.problems)
    assert "dihitung" in problems[monthly.cell(chain["ppkbd"], "units.kelompok_kb.exist")]
    assert "sebelum" in problems[monthly.cell(chain["pok1"], "received_on")]
    assert "belum tiba" in problems[monthly.cell(chain["pok2"], "received_on")]


def test_computed_lines_count_units_reports_activities_and_attendance(chain):
    from imp_desktop.data.models import ActivityType
    from imp_desktop.services.activities import ActivityInput, ParticipantRow, save_activity
    from imp_desktop.services.cadres import CadreInput, save_cadre

    cadre = save_cadre(CadreInput(name="Bu Ani", desa_code=DUREN, unit_id=chain["pok1"]))
    rakor = ActivityType.get(ActivityType.name == "Rapat koordinasi").id
    save_activity(ActivityInput(title="Rakor desa", type_id=rakor, date=dt.date(2026, 11, 10),
                                desa_code=DUREN),
                  [ParticipantRow(cadre_id=cadre, status="hadir")])
    save_activity(ActivityInput(title="Rakor Oktober", type_id=rakor,
                                date=dt.date(2026, 10, 10), desa_code=DUREN))
    monthly.save_desa_month(DUREN, "2026-11", [entry(chain["pok1"], pus=4),
                                               entry(chain["sub_b"], pus=4)], today=TODAY)
    data = monthly.desa_month(DUREN, "2026-11")
    ppkbd = next(u for u in data.units if u.unit.id == chain["ppkbd"])
    assert ppkbd.computed["units.kelompok_kb.exist"] == 3
    assert ppkbd.computed["units.sub_ppkbd.report"] == 1
    assert ppkbd.computed["units.kelompok_kb.report"] == 1
    assert ppkbd.computed["ops.rakor"] == 1
    assert ppkbd.computed["ops.attendance"] == 1
    sub_a = next(u for u in data.units if u.unit.id == chain["sub_a"])
    assert sub_a.computed["units.kelompok_kb.exist"] == 2
    assert sub_a.computed["ops.rakor"] == 1             # its Pok 1 cadre attended
    sub_b = next(u for u in data.units if u.unit.id == chain["sub_b"])
    assert sub_b.computed["ops.rakor"] == 0


def test_final_month_is_locked_and_reopening_leaves_an_audit_entry(chain):
    monthly.save_desa_month(DUREN, "2026-11", [entry(chain["pok1"], pus=4)], today=TODAY)
    assert monthly.finalize_month(DUREN, "2026-11") == 1
    assert monthly.desa_month(DUREN, "2026-11").final
    with pytest.raises(UserError, match="sudah final"):
        monthly.save_desa_month(DUREN, "2026-11", [entry(chain["pok1"], pus=5)], today=TODAY)
    report = MonthlyReport.get(MonthlyReport.unit == chain["pok1"])
    before = AuditEntry.select().where(AuditEntry.record_uuid == report.uuid,
                                       AuditEntry.field == "status").count()
    assert monthly.reopen_month(DUREN, "2026-11") == 1
    entries = list(AuditEntry.select().where(AuditEntry.record_uuid == report.uuid,
                                             AuditEntry.field == "status")
                   .order_by(AuditEntry.id))
    assert len(entries) == before + 1
    assert json.loads(entries[-1].old_value) == "final"
    assert json.loads(entries[-1].new_value) == "draft"
    monthly.save_desa_month(DUREN, "2026-11", [entry(chain["pok1"], pus=5)], today=TODAY)
    with pytest.raises(UserError):
        monthly.reopen_month(DUREN, "2026-11")


def test_coverage_counts_on_time_late_and_missing_with_the_ppkbd_phone(chain):
    monthly.save_desa_month(DUREN, "2026-11", [
        entry(chain["ppkbd"], dt.date(2026, 12, 3), pus=1),     # on the due day
        entry(chain["sub_a"], dt.date(2026, 12, 1), pus=1),
        entry(chain["sub_b"], dt.date(2026, 12, 9), pus=1),     # late
        entry(chain["pok1"], dt.date(2026, 11, 28), pus=1),
        entry(chain["pok2"], dt.date(2026, 12, 2), pus=1),
        entry(chain["pok3"], dt.date(2026, 12, 2), pus=1),
    ], today=TODAY)
    monthly.save_desa_month(SRUWEN, "2026-11", [
        entry(chain["s_pok"], dt.date(2026, 12, 2), pus=1)], today=TODAY)
    cover = monthly.coverage("2026-11", KEC)
    assert cover.due == dt.date(2026, 12, 3)
    rows = {row.name: row for row in cover.rows}
    assert (rows["Duren"].existing, rows["Duren"].reported, rows["Duren"].on_time) == (6, 6, 5)
    assert (rows["Sruwen"].existing, rows["Sruwen"].reported) == (2, 1)
    assert rows["Sruwen"].percent == 50.0
    assert (cover.total.existing, cover.total.reported, cover.total.on_time) == (8, 7, 6)
    assert [(m.unit_name, m.phone) for m in cover.missing] == [("PPKBD Sruwen", "081234567890")]
    assert [late.unit_name for late in cover.late] == ["Sub B"]
    assert monthly.missing_reports("2026-11") == 1
    # A later due day makes the late one on time.
    assert monthly.coverage("2026-11", KEC, due_on=10).total.on_time == 7


def test_template_edit_makes_a_new_version_and_old_months_keep_theirs(chain):
    monthly.save_desa_month(DUREN, "2026-11", [entry(chain["pok1"], pus=4)], today=TODAY)
    first = monthly.current_template()
    drafts = monthly.drafts_of(first)
    drafts[0].text_id = "PPKBD yang terdaftar"
    drafts.append(monthly.LineDraft("V", "PUS dan peserta KB baru", "Ganti cara", "typed"))
    second = monthly.save_template(drafts, note="tambah ganti cara")
    assert second.version == 2 and monthly.current_template().id == second.id
    assert second.lines[0].key == first.lines[0].key
    assert second.lines[-1].text_id == "Ganti cara"
    assert monthly.save_template(monthly.drafts_of(second)).id == second.id   # unchanged
    november = monthly.desa_month(DUREN, "2026-11")
    assert next(u for u in november.units if u.unit.id == chain["pok1"]).template_id == first.id
    versions = monthly.template_versions()
    assert [(v.version, v.report_count, v.in_use) for v in versions] == [
        (2, 0, True), (1, 1, False)]
    bad = monthly.drafts_of(second)
    bad[1].kind = "computed"
    bad[1].source = "nothing"
    with pytest.raises(ValidationError):
        monthly.save_template(bad)


def test_received_dates_typed_short(db):
    november = monthly.parse_month("2026-11")
    assert monthly.parse_received("3", november) == dt.date(2026, 12, 3)
    assert monthly.parse_received("30/11", november) == dt.date(2026, 11, 30)
    assert monthly.parse_received("2/1", monthly.parse_month("2026-12")) == dt.date(2027, 1, 2)
    assert monthly.parse_received("3-12-2026", november) == dt.date(2026, 12, 3)
    assert monthly.parse_received("", november) is None
    with pytest.raises(UserError):
        monthly.parse_received("31/2", november)
    with pytest.raises(UserError):
        monthly.parse_month("2026-13")
