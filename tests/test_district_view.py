"""The kabupaten view against a hand count (issue 17, part 5)."""
import datetime as dt

import pytest

from imp_desktop.cli import main
from imp_desktop.data.models import Activity, Assessment, Cadre, Handover, Region, Unit
from imp_desktop.services import district
from imp_desktop.services.cadres import CadreInput, save_cadre
from imp_desktop.services.units import UnitInput, save_unit

PERIOD = "2026-11"


def _second_kecamatan():
    """A desa in another kecamatan of the kabupaten, with a unit and two cadres."""
    Region.create(code="33.22.03.2001", name="Desa Uji", level=4, parent_code="33.22.03")
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Uji", desa_code="33.22.03.2001"))
    save_cadre(CadreInput(name="Siti Uji", desa_code="33.22.03.2001", unit_id=unit))
    save_cadre(CadreInput(name="Rina Uji", desa_code="33.22.03.2001"))
    from imp_desktop.services import monthly

    monthly.save_desa_month("33.22.03.2001", PERIOD, [
        monthly.UnitEntry(unit, dt.date(2026, 12, 9), {})], today=dt.date(2026, 12, 20))
    Handover.create(direction="import", package_id="p-1", installation="laptop-uji",
                    officer="Pak Uji", at="2026-11-20T03:00:00.000+00:00",
                    summary='{"kecamatan": "33.22.03"}')
    Handover.create(direction="import", package_id="p-0", installation="laptop-uji",
                    officer="Pak Uji", at="2026-10-02T03:00:00.000+00:00",
                    summary='{"kecamatan": "33.22.03"}')


def _hand_count(kecamatan: str) -> dict:
    """The figures counted record by record in Python, the slow obvious way."""
    cadres, units, activities = {}, {}, [0, 0, 0]
    for cadre in Cadre.select():
        if not cadre.active or cadre.merged_into_id or not cadre.desa_code \
                or not cadre.desa_code.startswith(kecamatan + "."):
            continue
        level = cadre.unit.level if cadre.unit_id else "none"
        cadres[level] = cadres.get(level, 0) + 1
    for unit in Unit.select():
        if not unit.active or not unit.desa_code.startswith(kecamatan + "."):
            continue
        found = [a for a in Assessment.select().where(Assessment.unit == unit.id)
                 if a.period == PERIOD]
        key = found[0].classification if found else "none"
        units[key] = units.get(key, 0) + 1
    for activity in Activity.select():
        if activity.desa_code and activity.desa_code.startswith(kecamatan + "."):
            month = (activity.date.year, activity.date.month)
            if month in ((2026, 9), (2026, 10), (2026, 11)):
                activities[[(2026, 9), (2026, 10), (2026, 11)].index(month)] += 1
    from imp_desktop.data.models import MonthlyReport
    from imp_desktop.services.monthly import due_date, parse_month

    due = due_date(parse_month(PERIOD))
    existing = reported = on_time = 0
    for unit in Unit.select():
        if not unit.active or not unit.desa_code.startswith(kecamatan + "."):
            continue
        existing += 1
        report = MonthlyReport.get_or_none((MonthlyReport.unit == unit.id)
                                           & (MonthlyReport.period == PERIOD))
        if report is not None:
            reported += 1
            on_time += report.received_on is not None and report.received_on <= due
    return {"cadres": cadres, "units": units, "activities": tuple(activities),
            "monthly": (existing, reported, on_time)}


def test_the_kabupaten_view_matches_a_hand_count(demo_db):
    _second_kecamatan()
    view = district.district_view(PERIOD, "kabupaten")
    assert view.scope == "kabupaten" and view.region_code == "33.22"
    rows = {row.code: row for row in view.rows}
    assert {"33.22.02", "33.22.03"} <= set(rows)
    for code in ("33.22.02", "33.22.03"):
        counted = _hand_count(code)
        assert rows[code].cadres == counted["cadres"], code
        assert {k: v for k, v in rows[code].units.items() if v} == counted["units"], code
        assert rows[code].activities == counted["activities"], code
        assert rows[code].monthly == counted["monthly"], code
    assert rows["33.22.02"].cadre_total > 100 and sum(rows["33.22.02"].activities) > 0
    assert rows["33.22.03"].cadres == {"ppkbd": 1, "none": 1}
    assert rows["33.22.03"].monthly == (1, 1, 0)       # PPKBD Uji reported, after the due day
    assert view.total.monthly == tuple(sum(r.monthly[i] for r in view.rows) for i in range(3))
    assert rows["33.22.03"].officers == ["Pak Uji"] and rows["33.22.03"].this_month
    assert not rows["33.22.02"].this_month
    assert view.total.cadre_total == sum(r.cadre_total for r in view.rows)
    laptop = district.district_view(PERIOD)          # a laptop's file: its own kecamatan
    assert laptop.scope == "kecamatan" and [r.code for r in laptop.rows] == ["33.22.02"]
    assert laptop.rows[0].cadres == rows["33.22.02"].cadres


def test_the_roles_table_counts_units_fulfilling_each_role(demo_db):
    from imp_desktop.services.roles import recap

    view = district.district_view(PERIOD)
    row = view.rows[0]
    expected = recap(row.code, PERIOD)
    assert row.assessed == expected.total.assessed
    assert row.roles == tuple(r.fulfilled for r in expected.roles)


def test_report_district_writes_pdf_and_xlsx_with_the_same_numbers(demo_db, db_path, tmp_path,
                                                                    capsys):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _second_kecamatan()
    view = district.district_view(PERIOD, "kabupaten")
    assert main(["--db", str(db_path), "report", "district", "--period", PERIOD,
                 "--scope", "kabupaten", "--out", str(tmp_path / "rekap.xlsx")]) == 0
    book = load_workbook(tmp_path / "rekap.xlsx")
    sheet = book["Kader"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Tengaran"][-1] == next(r for r in view.rows if r.code == "33.22.02").cadre_total
    assert rows["Jumlah"][-1] == view.total.cadre_total
    assert main(["--db", str(db_path), "report", "district", "--period", PERIOD,
                 "--scope", "kabupaten", "--out", str(tmp_path / "rekap.pdf")]) == 0
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "rekap.pdf").pages)
    assert "REKAP KABUPATEN" in text and "Pak Uji" in text and "Desa Uji" not in text
    assert "Cakupan laporan bulanan" in text
    from imp_desktop.services.verify import verify_file   # code, QR and print log like others

    verdict = verify_file(tmp_path / "rekap.pdf")
    assert verdict.status == "sah" and verdict.kind == "district", verdict
    assert main(["--db", str(db_path), "report", "district", "--period", "2026-Q4",
                 "--out", str(tmp_path / "x.pdf")]) == 1
    assert main(["--db", str(db_path), "report", "district", "--period", PERIOD,
                 "--out", str(tmp_path / "x.docx")]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_merged_packages_name_their_kecamatan(tmp_path):
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services import package as pkg
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.settings import OfficerProfile, save_officer

    open_database(tmp_path / "laptop.sqlite")
    generate_demo(desa=1, cadres=20, seed=4, activities=1)
    pkg.export_package(tmp_path / "p.imp")
    open_database(tmp_path / "office.sqlite")
    save_officer(OfficerProfile(name="Bu Kabid", kecamatan_code="33.22.01"))
    pkg.merge_package(tmp_path / "p.imp")
    month = dt.date.today().strftime("%Y-%m")
    view = district.district_view(month, "kabupaten")
    row = next(r for r in view.rows if r.code == "33.22.02")
    assert row.this_month and row.officers and row.cadre_total > 0
    close_database()


def test_the_screen_shows_the_view_and_fits_the_window(qtbot, window, qtmodeltester,
                                                       tmp_path):
    from imp_desktop.ui.tasks import task_runner

    screen = window.show_screen("kabupaten")
    index = screen.period.findData(PERIOD)
    if index < 0:
        screen.period.addItem("November 2026", PERIOD)
        index = screen.period.count() - 1
    screen.period.setCurrentIndex(index)
    qtbot.waitUntil(lambda: screen.view is not None and screen.view.period == PERIOD,
                    timeout=20000)
    task_runner().wait()
    model = screen.models["cadres"]
    assert model.rowCount() == 2 and model.data(model.index(1, 0)) == "Jumlah"
    qtmodeltester.check(model)
    assert "Tengaran" in screen.scope_label.text()
    for key, table in screen.tables.items():
        screen.tabs.setCurrentWidget(table)
        assert table.horizontalHeader().length() <= table.viewport().width() + 2, key
    screen.tabs.setCurrentIndex(1)
    window.grab().save(str(tmp_path / "kabupaten.png"))
    assert screen.supports("print_document")
