"""The Peran Bakti screen and its item models, driven like a user would."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from imp_desktop.services import roles
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.units import UnitInput, save_unit
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow
from imp_desktop.ui.screens.roles.models import (
    CatalogueDraftModel,
    ChecklistModel,
    history_model,
    recap_count_model,
    recap_role_model,
    recap_unit_model,
    recap_unmet_model,
    unit_status_model,
)

DESA = "33.22.02.2001"


@pytest.fixture
def one_unit(db):
    upsert_regions([(DESA, "Duren")])
    return save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))


def open_peran(qtbot, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    return window, window.show_screen("peran")


def test_item_models_pass_the_model_tester(qtmodeltester, demo_db):
    unit = roles.unit_statuses(DESA, roles.assessed_periods()[0])
    models = [unit_status_model(), history_model(), recap_count_model(), recap_role_model(),
              recap_unmet_model(), recap_unit_model()]
    recap = roles.recap("33.22.02", roles.assessed_periods()[0])
    rows = [unit, roles.unit_history(unit[0].unit_id), list(recap.by_level) + [recap.total],
            list(recap.roles), list(recap.unmet), list(recap.units)]
    for model, data in zip(models, rows):
        assert data
        model.set_rows(data)
        qtmodeltester.check(model)

    checklist = ChecklistModel()
    sheet = roles.get_assessment(unit[0].assessment_id)
    checklist.load(sheet, roles.get_catalogue(sheet.catalogue_id), roles.get_rule(sheet.rule_id))
    qtmodeltester.check(checklist)
    assert checklist.rowCount() == 6
    assert checklist.rowCount(checklist.index(2, 0)) == 7

    drafts = CatalogueDraftModel()
    drafts.load(roles.drafts_of(roles.current_catalogue()))
    qtmodeltester.check(drafts)
    added = drafts.add_indicator(1, "Indikator baru", "New indicator")
    moved = drafts.move_indicator(added, -1)
    assert moved.row() == added.row() - 1
    drafts.remove_indicator(drafts.index(0, 0, drafts.index(0, 0)))
    qtmodeltester.check(drafts)


def test_filling_a_checklist_changes_the_classification(qtbot, one_unit, db_path, ui_settings):
    _, screen = open_peran(qtbot, db_path, ui_settings)
    panel = screen.assessment
    checklist = panel.checklist
    assert panel.desa_box.currentText() == "Duren"
    assert panel.units.rowCount() == 1
    assert checklist.unit_id == one_unit
    assert checklist.badge.text() == "Dasar"
    assert panel.progress_label.text() == "0 dari 1 unit sudah dinilai"

    model, tree = checklist.model, checklist.tree
    # Tick every indicator of the first three roles with the keyboard: Dasar -> Berkembang.
    for role_row in range(3):
        parent = model.index(role_row, 0)
        for row in range(model.rowCount(parent)):
            tree.setCurrentIndex(model.index(row, 0, parent))
            qtbot.keyClick(tree, Qt.Key.Key_Space)
        if role_row < 2:
            assert checklist.badge.text() == "Dasar"
    assert checklist.badge.text() == "Berkembang"
    assert "3 dari 6 peran terpenuhi" in checklist.summary.text()
    label, bar = checklist.bars[0]
    assert bar.format() == "5/5"
    # A note on the first indicator, typed into the note column.
    note_index = model.index(0, 1, model.index(0, 0))
    model.setData(note_index, "SK No. 400/12/2024 ada di balai desa")
    assert checklist.save_button.isEnabled()
    qtbot.mouseClick(checklist.save_button, Qt.MouseButton.LeftButton)

    assessment_id = roles.find_assessment(one_unit, panel.period())
    sheet = roles.get_assessment(assessment_id)
    assert sheet.classification == "berkembang" and sheet.roles_fulfilled == 3
    assert sheet.roles[0].lines[0].note == "SK No. 400/12/2024 ada di balai desa"
    assert panel.units.index(0, 1).data() == "Berkembang"
    assert panel.progress_label.text() == "1 dari 1 unit sudah dinilai"
    assert not checklist.save_button.isEnabled()
    assert panel.history.model.rowCount() == 1

    # Unticking the KIE role back drops it to Dasar again, live, before saving.
    parent = model.index(2, 0)
    for row in range(4):
        model.toggle(model.index(row, 0, parent))
    assert checklist.badge.text() == "Dasar"
    assert checklist.revert_button.isEnabled()
    checklist.revert()
    assert checklist.badge.text() == "Berkembang"


def test_leaving_unsaved_changes_asks_first(qtbot, one_unit, db_path, ui_settings, monkeypatch):
    _, screen = open_peran(qtbot, db_path, ui_settings)
    panel = screen.assessment
    model = panel.checklist.model
    model.toggle(model.index(0, 0, model.index(0, 0)))
    asked = []

    def answer(box):
        asked.append(box.text())
        for button in box.buttons():
            if button.text() == "Kembali":
                box.clickedButton = lambda b=button: b
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    before = panel.period()
    panel.period_box.setCurrentIndex(panel.period_box.currentIndex() + 1)
    assert asked and "belum disimpan" in asked[0]
    assert panel.checklist.dirty and panel.checklist.period == before
    panel.checklist.revert()      # so that closing the window at the end asks nothing


def test_history_and_recap_show_the_demo(qtbot, demo_db, db_path, ui_settings):
    _, screen = open_peran(qtbot, db_path, ui_settings)
    panel = screen.assessment
    assert panel.units.rowCount() > 5
    unit_id = panel.checklist.unit_id
    assert panel.history.model.rowCount() == len(roles.unit_history(unit_id))
    oldest = panel.history.model.rowCount() - 1
    panel.history._open_row(panel.history.model.index(oldest, 0))
    assert panel.period() == roles.unit_history(unit_id)[0].period
    assert panel.checklist.unit_id == unit_id

    screen.tabs.setCurrentWidget(screen.recap)
    recap = screen.recap
    assert recap.scope_box.currentText().startswith("Kecamatan Tengaran")
    qtbot.waitUntil(lambda: recap.levels.rowCount() == 4, timeout=5000)
    assert recap.desa.rowCount() == 4   # three desa and the total
    assert recap.unmet.rowCount() == 10
    recap.scope_box.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not recap.desa_table.isVisibleTo(recap), timeout=5000)
    assert "unit dinilai" in recap.caption.text()


def test_gap_button_plans_coaching_and_opens_it(qtbot, one_unit, db_path, ui_settings,
                                                monkeypatch):
    from imp_desktop.services import activities
    from imp_desktop.ui.screens.roles.gap_dialog import GapDialog

    window, screen = open_peran(qtbot, db_path, ui_settings)
    checklist = screen.assessment.checklist
    assert not checklist.gap_button.isEnabled()       # nothing saved yet
    model = checklist.model
    for row in range(5):
        model.toggle(model.index(row, 0, model.index(0, 0)))
    checklist.save()
    assert checklist.gap_button.isEnabled()
    seen = []

    def run(dialog):
        seen.append(dialog.gaps.text())
        dialog.count.setValue(2)
        dialog.accept()
        return 1

    monkeypatch.setattr(GapDialog, "exec", run)
    qtbot.mouseClick(checklist.gap_button, Qt.MouseButton.LeftButton)
    assert "Peran 2: Pertemuan" in seen[0]
    created = activities.list_activities()
    assert len(created) == 1
    detail = activities.get_activity(created[0].id)
    assert "1. Peran 2: Pertemuan" in detail.agenda and "Peran 4" not in detail.agenda
    assert window.current_screen() is window.screens["kegiatan"]


def test_print_buttons_hand_the_reports_code_the_right_sheet(qtbot, one_unit, db_path,
                                                              ui_settings, monkeypatch,
                                                              tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from imp_desktop.services import reporting

    calls = []

    def fake_sheet(assessment_id=None, unit_id=None, blank=False, period=None, lang=None):
        calls.append((assessment_id, unit_id, blank, period))
        return b"%PDF-1.4\n%fake\n"

    monkeypatch.setattr(reporting, "assessment_sheet_pdf", fake_sheet)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "lembar.pdf"), ""))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    _, screen = open_peran(qtbot, db_path, ui_settings)
    checklist = screen.assessment.checklist
    period = screen.assessment.period()
    checklist.print_sheet()        # not saved yet: a blank sheet (made off the main thread)
    qtbot.waitUntil(lambda: len(calls) == 1 and (tmp_path / "lembar.pdf").exists())
    assert calls[-1] == (None, one_unit, True, period)
    assert (tmp_path / "lembar.pdf").read_bytes().startswith(b"%PDF")
    checklist.save()
    checklist.print_sheet()
    qtbot.waitUntil(lambda: len(calls) == 2)
    assert calls[-1] == (roles.find_assessment(one_unit, period), one_unit, False, period)



def test_ctrl_s_saves_and_showing_the_screen_again_keeps_unsaved_ticks(qtbot, one_unit, db_path,
                                                                       ui_settings):
    window, screen = open_peran(qtbot, db_path, ui_settings)
    checklist = screen.assessment.checklist
    model = checklist.model
    model.toggle(model.index(0, 0, model.index(0, 0)))
    window.show_screen("kader")
    window.show_screen("peran")             # refresh() must not throw the tick away
    assert checklist.dirty and model.answers_copy()[model.line_at(
        model.index(0, 0, model.index(0, 0))).indicator_id].met
    window.screen_actions["save_record"].trigger()
    assert not checklist.dirty
    assert roles.find_assessment(one_unit, screen.assessment.period())


def test_beranda_links_open_the_filtered_unit_list(qtbot, demo_db, db_path, ui_settings):
    window, screen = open_peran(qtbot, db_path, ui_settings)
    latest = roles.latest_period()
    screen.apply_filter({"recap": True, "classification": "mandiri"})
    recap = screen.recap
    qtbot.waitUntil(lambda: recap.recap is not None and recap.recap.period == latest,
                    timeout=5000)
    qtbot.waitUntil(lambda: recap.unit_model.rowCount() > 0, timeout=5000)
    shown = [recap.unit_model.row_at(r) for r in range(recap.unit_model.rowCount())]
    assert all(u.classification == "mandiri" for u in shown)
    assert len(shown) == recap.recap.total.mandiri
    screen.apply_filter({"recap": True, "level": "ppkbd"})
    assert {recap.unit_model.row_at(r).level for r in range(recap.unit_model.rowCount())} == {
        "ppkbd"}

    # Units not assessed since the start of the period: exactly those without one.
    start = roles.parse_period(latest).start
    screen.apply_filter({"not_assessed_since": start.isoformat()})
    missing = roles.units_not_assessed_since(start)
    assert recap.unit_model.rowCount() == len(missing) > 0
    assert "Belum dinilai sejak" in recap.unit_caption.text()

    # Double-clicking a unit opens its checklist for that period.
    screen.apply_filter({"recap": True, "classification": "dasar"})
    target = recap.unit_model.row_at(0)
    recap._open_unit(recap.unit_model.index(0, 0))
    assert screen.tabs.currentWidget() is screen.assessment
    assert screen.assessment.checklist.unit_id == target.unit_id
    assert screen.assessment.period() == latest
    assert screen.assessment.checklist.badge.text() == "Dasar"


def test_printing_from_the_screen_makes_real_pdfs(qtbot, demo_db, db_path, ui_settings,
                                                  monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog
    from pypdf import PdfReader

    targets = iter([tmp_path / "lembar.pdf", tmp_path / "rekap.pdf"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(targets)), ""))
    window, screen = open_peran(qtbot, db_path, ui_settings)
    checklist = screen.assessment.checklist
    assert checklist.model.sheet.id is not None          # the demo assessed this unit
    window.screen_actions["print_document"].trigger()
    qtbot.waitUntil((tmp_path / "lembar.pdf").exists, timeout=20000)
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "lembar.pdf").pages)
    assert checklist.model.sheet.unit_name in text and "Pengorganisasian" in text

    screen.tabs.setCurrentWidget(screen.recap)
    qtbot.waitUntil(lambda: screen.recap.recap is not None, timeout=5000)
    window.screen_actions["print_document"].trigger()
    qtbot.waitUntil((tmp_path / "rekap.pdf").exists, timeout=20000)
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "rekap.pdf").pages)
    assert screen.recap.recap.period_label in text


def test_closing_the_window_with_unsaved_ticks_asks_first(qtbot, one_unit, db_path, ui_settings,
                                                          monkeypatch):
    window, screen = open_peran(qtbot, db_path, ui_settings)
    model = screen.assessment.checklist.model
    model.toggle(model.index(0, 0, model.index(0, 0)))
    choice = {"text": "Kembali"}

    def answer(box):
        for button in box.buttons():
            if button.text() == choice["text"]:
                box.clickedButton = lambda b=button: b
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert not window.close()                     # "Kembali": the window stays
    assert window.isVisible() and screen.assessment.checklist.dirty
    choice["text"] = "Simpan"
    assert window.close()
    assert roles.find_assessment(one_unit, screen.assessment.period())


def test_linking_an_activity_as_evidence_and_opening_it(qtbot, one_unit, db_path, ui_settings,
                                                        monkeypatch):
    import datetime as dt

    from PySide6.QtWidgets import QInputDialog

    from imp_desktop.services import activities

    activity_id = activities.save_activity(activities.ActivityInput(
        title="Rapat pengurus", date=dt.date.today().replace(day=1), desa_code=DESA), [], [])
    window, screen = open_peran(qtbot, db_path, ui_settings)
    checklist = screen.assessment.checklist
    model, tree = checklist.model, checklist.tree
    index = model.index(0, 0, model.index(1, 0))         # 2.1: monthly board meeting
    tree.setCurrentIndex(index)
    assert checklist.evidence_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda parent, title, label, items, *a: (items[0], True))
    checklist.link_activity(index)
    evidence = model.index(0, 2, model.index(1, 0)).data()
    assert "Rapat pengurus" in evidence
    checklist.save()
    sheet = roles.get_assessment(roles.find_assessment(one_unit, screen.assessment.period()))
    assert sheet.roles[1].lines[0].evidence_activity_id == activity_id
    assert "Rapat pengurus" in model.index(0, 2, model.index(1, 0)).data()   # after reload
    checklist.open_activity(activity_id)
    assert window.current_screen() is window.screens["kegiatan"]


def test_a_new_month_can_start_from_the_previous_one(qtbot, one_unit, db_path, ui_settings):
    catalogue = roles.current_catalogue()
    everything = {item.id: roles.AnswerInput(True) for item in catalogue.indicators()}
    earlier = roles.recent_periods(2)[1]
    roles.save_assessment(roles.AssessmentInput(one_unit, earlier.key, everything))
    _, screen = open_peran(qtbot, db_path, ui_settings)
    panel = screen.assessment
    panel.period_box.setCurrentIndex(panel.period_box.findData(roles.recent_periods(1)[0].key))
    checklist = panel.checklist
    assert checklist.badge.text() == "Dasar"
    assert checklist.copy_button.isVisible()
    assert earlier.label() in checklist.copy_button.text()
    qtbot.mouseClick(checklist.copy_button, Qt.MouseButton.LeftButton)
    assert checklist.badge.text() == "Mandiri" and checklist.dirty
    assert not checklist.copy_button.isEnabled()
    checklist.save()
    assert not checklist.copy_button.isVisible()
