"""Periksa dokumen on printouts that list records: a record added to the list
after printing, or taken off it, makes the printout "berubah" and is named in
one line; an untouched list stays "sah" (issue 16)."""
import datetime as dt

import pytest

from imp_desktop.cli import main
from imp_desktop.data.models import Assessment, Cadre, Unit
from imp_desktop.services import activities, reporting, roles, verify
from imp_desktop.services.cadres import CadreInput, load_cadre, save_cadre, set_active

ADDED = "Ditambahkan ke daftar sesudah dicetak: "
REMOVED = "Dikeluarkan dari daftar sesudah dicetak: "


def _print(tmp_path, data: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _lines(path) -> list[str]:
    return verify.verify_file(path).details()


def _cli(db, path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--db", str(db.database), "verify", str(path)])
    return code, capsys.readouterr().out


def _activity_with_desa() -> int:
    return next(a.id for a in activities.list_activities()
                if activities.get_activity(a.id).desa_code
                and activities.participants_of(a.id))


def _save_participants(activity_id: int, rows) -> None:
    activities.save_activity(activities.get_activity(activity_id).input, rows,
                             activity_id=activity_id)


def _uninvited(activity_id: int):
    present = {row.cadre_id for row in activities.participants_of(activity_id)}
    return next(row for row in activities.cadres_for_invitation(
        desa_code=activities.get_activity(activity_id).desa_code)
        if row.cadre_id not in present)


# ---------------------------------------------------------------- Daftar Hadir, Laporan Kegiatan

@pytest.mark.parametrize("document", ["attendance", "attendance-blank", "activity"])
def test_an_attendee_added_or_removed_after_printing_is_named(demo_db, tmp_path, capsys,
                                                             document):
    activity_id = _activity_with_desa()
    build = {"attendance": lambda: reporting.attendance_pdf(activity_id),
             "attendance-blank": lambda: reporting.attendance_pdf(activity_id, blank=True),
             "activity": lambda: reporting.activity_report_pdf(activity_id)}[document]
    first = _print(tmp_path, build(), "first.pdf")
    assert verify.verify_file(first).status == verify.VALID      # untouched

    newcomer = _uninvited(activity_id)
    _save_participants(activity_id, activities.participants_of(activity_id) + [newcomer])
    verdict = verify.verify_file(first)
    assert verdict.status == verify.CHANGED
    assert verdict.added == [f"Peserta {newcomer.name}"] and verdict.removed == []
    assert f"{ADDED}Peserta {newcomer.name}" in verdict.details()
    code, out = _cli(demo_db, first, capsys)
    assert code == 3 and f"{ADDED}Peserta {newcomer.name}" in out

    second = _print(tmp_path, build(), "second.pdf")
    assert verify.verify_file(second).status == verify.VALID
    rows = activities.participants_of(activity_id)
    leaving = next(row for row in rows if row.cadre_id and row.cadre_id != newcomer.cadre_id)
    _save_participants(activity_id, [row for row in rows if row is not leaving])
    verdict = verify.verify_file(second)
    assert verdict.status == verify.CHANGED
    assert verdict.removed == [f"Peserta {leaving.name}"] and verdict.added == []
    assert f"{REMOVED}Peserta {leaving.name}" in verdict.details()
    assert _cli(demo_db, second, capsys)[0] == 3


def test_a_guest_added_to_the_attendance_is_named_by_name(demo_db, tmp_path):
    activity_id = _activity_with_desa()
    path = _print(tmp_path, reporting.attendance_pdf(activity_id), "a.pdf")
    guest = activities.guest_row("Pak Bambang Wiyono", "Kepala Dusun")
    _save_participants(activity_id, activities.participants_of(activity_id) + [guest])
    assert verify.verify_file(path).added == ["Peserta Pak Bambang Wiyono"]


def test_a_checklist_saved_for_the_reports_month_is_named(demo_db, tmp_path):
    """The Laporan Kegiatan's Peran Bakti attachment lists the desa's checklists
    of the activity's month."""
    activity_id = _activity_with_desa()
    detail = activities.get_activity(activity_id)
    period = f"{detail.date.year:04d}-{detail.date.month:02d}"
    path = _print(tmp_path, reporting.activity_report_pdf(activity_id), "a.pdf")
    unit = next(u for u in Unit.select().where((Unit.desa == detail.desa_code)
                                               & (Unit.active == True))  # noqa: E712
                if roles.find_assessment(u.id, period) is None)
    roles.save_assessment(roles.AssessmentInput(unit.id, period, assessed_on=detail.date))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert f"Penilaian {unit.name} · {roles.parse_period(period).label()}" in verdict.added


# ---------------------------------------------------------------- Daftar Kader

def test_a_cadre_added_to_or_removed_from_a_desa_list_is_named(demo_db, tmp_path, capsys):
    desa = reporting.desa_choices()[0][0]
    path = _print(tmp_path, reporting.cadre_list_pdf(desa_code=desa), "kader.pdf")
    assert verify.verify_file(path).status == verify.VALID
    save_cadre(CadreInput(name="Wulan Sekarsari", desa_code=desa))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED and verdict.added == ["Kader Wulan Sekarsari"]
    code, out = _cli(demo_db, path, capsys)
    assert code == 3 and f"{ADDED}Kader Wulan Sekarsari" in out

    again = _print(tmp_path, reporting.cadre_list_pdf(desa_code=desa), "again.pdf")
    leaving = Cadre.get((Cadre.desa == desa) & (Cadre.active == True)  # noqa: E712
                        & (Cadre.name != "Wulan Sekarsari"))
    set_active(leaving.id, False, "pindah")
    verdict = verify.verify_file(again)
    assert verdict.status == verify.CHANGED and verdict.removed == [f"Kader {leaving.name}"]
    assert f"{REMOVED}Kader {leaving.name}" in verdict.details()


def test_a_cadre_moved_into_a_units_list_is_named(demo_db, tmp_path, capsys):
    """The cadre was on no printed list of the unit: only the list can tell."""
    desa = reporting.desa_choices()[0][0]
    unit_id, other_id = [u for u, _ in reporting.unit_choices(desa)][:2]
    path = _print(tmp_path, reporting.cadre_list_pdf(unit_id=unit_id), "unit.pdf")
    mover = Cadre.get((Cadre.unit == other_id) & (Cadre.active == True))  # noqa: E712
    data = load_cadre(mover.id)
    data.unit_id = unit_id
    save_cadre(data, mover.id)
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED and verdict.added == [f"Kader {mover.name}"]
    assert _cli(demo_db, path, capsys)[0] == 3


# ---------------------------------------------------------------- Peran Bakti

def _recap_setup():
    period = roles.latest_period()
    desa = reporting.desa_choices()[0][0]
    return period, desa


def test_a_checklist_added_to_or_removed_from_a_recap_is_named(demo_db, tmp_path, capsys):
    from imp_desktop.services.units import UnitInput, save_unit

    period, desa = _recap_setup()
    unit = Unit.get_by_id(save_unit(UnitInput("ppkbd", "PPKBD Melati", desa)))   # not assessed
    path = _print(tmp_path, reporting.role_recap_pdf(desa_code=desa, period=period), "r.pdf")
    assert verify.verify_file(path).status == verify.VALID
    new_id = roles.save_assessment(roles.AssessmentInput(unit.id, period,
                                                         assessed_on=dt.date.today()))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert verdict.added == [f"Penilaian {unit.name} · {roles.parse_period(period).label()}"]
    code, out = _cli(demo_db, path, capsys)
    assert code == 3 and f"{ADDED}Penilaian {unit.name} · {roles.parse_period(period).label()}" in out

    again = _print(tmp_path, reporting.role_recap_pdf(desa_code=desa, period=period), "b.pdf")
    roles.delete_assessment(new_id)
    verdict = verify.verify_file(again)
    assert verdict.status == verify.CHANGED
    assert verdict.removed == [f"Penilaian {unit.name} · {roles.parse_period(period).label()}"]


def test_a_unit_added_to_the_kecamatan_recap_is_named(demo_db, tmp_path):
    from imp_desktop.services.units import UnitInput, save_unit

    period, desa = _recap_setup()
    path = _print(tmp_path, reporting.role_recap_pdf(period=period), "kec.pdf")
    save_unit(UnitInput("ppkbd", "PPKBD Mawar Baru", desa))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert verdict.added == ["Unit PPKBD Mawar Baru"]


def test_a_blank_checklist_changes_with_the_indicator_list_in_use(demo_db, tmp_path):
    desa = reporting.desa_choices()[0][0]
    unit_id = reporting.unit_choices(desa)[0][0]
    path = _print(tmp_path, reporting.assessment_sheet_pdf(unit_id=unit_id, blank=True), "s.pdf")
    assert verify.verify_file(path).status == verify.VALID
    drafts = [roles.IndicatorDraft(line.role, line.text_id, line.text_en, line.key)
              for line in roles.current_catalogue().indicators()]
    drafts.append(roles.IndicatorDraft(drafts[0].role, "Kader hadir di posyandu setiap bulan"))
    roles.save_catalogue(drafts)
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert verdict.added == ["Indikator Kader hadir di posyandu setiap bulan"]


def test_a_saved_checklist_that_is_deleted_lists_its_answers_as_removed(demo_db, tmp_path):
    assessment = Assessment.select().order_by(Assessment.id).first()
    path = _print(tmp_path, reporting.assessment_sheet_pdf(assessment_id=assessment.id),
                  "s.pdf")
    assert verify.verify_file(path).status == verify.VALID
    roles.delete_assessment(assessment.id)
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED and verdict.removed
    assert all(line.startswith("Jawaban ") for line in verdict.removed)


# ---------------------------------------------------------------- the monthly documents

@pytest.fixture
def month(db):
    from imp_desktop.services import monthly
    from imp_desktop.services.settings import OfficerProfile, save_officer
    from monthly_support import DUREN, KEC, TODAY, build_chain, entry

    save_officer(OfficerProfile(name="Siti Aminah", kecamatan_code=KEC))
    ids = build_chain()
    monthly.save_desa_month(DUREN, "2026-11", [
        entry(ids["pok1"], pus=40, pb__pil=2), entry(ids["sub_a"], pus=75)], today=TODAY)
    return ids


@pytest.mark.parametrize("document", ["unit", "recap", "coverage"])
def test_a_monthly_report_received_after_printing_is_named(month, db, tmp_path, capsys,
                                                           document):
    from imp_desktop.services import monthly, monthly_reports
    from monthly_support import DUREN, KEC, TODAY, entry

    build = {"unit": lambda: monthly_reports.unit_report_pdf(month["ppkbd"], "2026-11"),
             "recap": lambda: monthly_reports.recap_pdf("2026-11"),
             "coverage": lambda: monthly_reports.coverage_pdf("2026-11", KEC)}[document]
    path = _print(tmp_path, build(), "m.pdf")
    assert verify.verify_file(path).status == verify.VALID
    monthly.save_desa_month(DUREN, "2026-11", [
        entry(month["pok1"], pus=40, pb__pil=2), entry(month["sub_a"], pus=75),
        entry(month["pok3"], pus=25)], today=TODAY)
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert "Laporan bulanan Pok 3 · November 2026" in verdict.added
    code, out = _cli(db, path, capsys)
    assert code == 3 and f"{ADDED}Laporan bulanan Pok 3 · November 2026" in out


def test_a_kelompok_added_to_a_dusun_changes_its_paper_register(month, tmp_path):
    from imp_desktop.services import monthly_reports
    from imp_desktop.services.units import UnitInput, save_unit
    from monthly_support import DUREN

    pok1 = Unit.get_by_id(month["pok1"])
    hamlet = pok1.hamlet_id
    path = _print(tmp_path, monthly_reports.paper_register_pdf(hamlet, 2026), "reg.pdf")
    assert verify.verify_file(path).status == verify.VALID
    save_unit(UnitInput("kelompok_kb", "Pok 9", DUREN, hamlet, pok1.neighbourhood_id,
                        parent_id=month["sub_a"]))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED and verdict.added == ["Unit Pok 9"]

    again = _print(tmp_path, monthly_reports.paper_register_pdf(hamlet, 2026), "reg2.pdf")
    save_cadre(CadreInput(name="Bu Marni", desa_code=DUREN, unit_id=month["pok1"],
                          position="ketua"))             # printed beside Pok 1 from now on
    verdict = verify.verify_file(again)
    assert verdict.status == verify.CHANGED and verdict.added == ["Kader Bu Marni"]
    assert verify.verify_file(
        _print(tmp_path, monthly_reports.paper_register_pdf(hamlet, 2026), "reg3.pdf")
    ).status == verify.VALID


# ---------------------------------------------------------------- after a hand-over

def test_the_office_sees_an_addition_made_on_the_laptop(tmp_path):
    """The list travels with the print log: the office compares it with merged data."""
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services import package as pkg
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.settings import OfficerProfile, save_officer

    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    open_database(laptop)
    generate_demo(desa=2, cadres=60, seed=3)
    desa = reporting.desa_choices()[0][0]
    path = _print(tmp_path, reporting.cadre_list_pdf(desa_code=desa), "kader.pdf")
    save_cadre(CadreInput(name="Wulan Sekarsari", desa_code=desa))
    pkg.export_package(tmp_path / "1.imp")
    open_database(office)
    save_officer(OfficerProfile(name="Bu Kabid", kecamatan_code="33.22.02"))
    pkg.merge_package(tmp_path / "1.imp")
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED and not verdict.here
    assert verdict.added == ["Kader Wulan Sekarsari"]
    close_database()


def test_english_through_the_same_catalogue(demo_db, tmp_path):
    from imp_desktop.i18n import set_language

    desa = reporting.desa_choices()[0][0]
    path = _print(tmp_path, reporting.cadre_list_pdf(desa_code=desa), "kader.pdf")
    save_cadre(CadreInput(name="Wulan Sekarsari", desa_code=desa))
    set_language("en")
    try:
        assert "Added to the list after printing: Cadre Wulan Sekarsari" in _lines(path)
    finally:
        set_language("id")


def test_a_print_logged_before_lists_were_kept_is_checked_as_before(demo_db, tmp_path):
    from imp_desktop.data.models import PrintLog

    desa = reporting.desa_choices()[0][0]
    path = _print(tmp_path, reporting.cadre_list_pdf(desa_code=desa), "kader.pdf")
    PrintLog.update(listing="").execute()
    save_cadre(CadreInput(name="Wulan Sekarsari", desa_code=desa))
    assert verify.verify_file(path).status == verify.VALID


# ---------------------------------------------------------------- the kabupaten view

def test_the_kabupaten_view_counts_a_cadre_added_and_lists_a_new_kecamatan(demo_db, tmp_path,
                                                                         capsys):
    from imp_desktop.data.models import Region
    from imp_desktop.services import district
    from imp_desktop.services.units import UnitInput, save_unit

    period = dt.date.today().strftime("%Y-%m")
    path = _print(tmp_path, district.district_pdf(period, "kabupaten"), "kab.pdf")
    assert verify.verify_file(path).status == verify.VALID
    desa = reporting.desa_choices()[0][0]
    kecamatan = Region.get(Region.code == desa[:8]).name
    before = district.district_view(period, "kabupaten").rows
    ppkbd = next(r for r in before if r.name == kecamatan).cadres.get("ppkbd", 0)
    unit = next(u for u, _ in reporting.unit_choices(desa)
                if Unit.get_by_id(u).level == "ppkbd")
    save_cadre(CadreInput(name="Wulan Sekarsari", desa_code=desa, unit_id=unit))
    verdict = verify.verify_file(path)
    assert verdict.status == verify.CHANGED
    assert any(line.startswith(f"Angka berubah sesudah dicetak: ") and f"· {kecamatan} ·" in line
               and line.endswith(f": {ppkbd} → {ppkbd + 1}") for line in verdict.figures)
    code, out = _cli(demo_db, path, capsys)
    assert code == 3 and "Angka berubah sesudah dicetak" in out

    again = _print(tmp_path, district.district_pdf(period, "kabupaten"), "kab2.pdf")
    Region.create(code="33.22.98", name="Kecamatan Baru", level=3, parent_code="33.22")
    Region.create(code="33.22.98.2001", name="Desa Baru", level=4, parent_code="33.22.98")
    save_unit(UnitInput(level="ppkbd", name="PPKBD Baru", desa_code="33.22.98.2001"))
    verdict = verify.verify_file(again)
    assert verdict.status == verify.CHANGED
    assert any(line.endswith("· Kecamatan Baru") for line in verdict.added)
