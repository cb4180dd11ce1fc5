"""The Bulanan screen: its models, and a desa's month typed by keyboard alone."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from imp_desktop.data.models import MonthlyReport
from imp_desktop.services import monthly
from monthly_support import DUREN, KEC, TODAY, build_chain, entry


@pytest.fixture
def chain_db(db):
    from imp_desktop.services.settings import OfficerProfile, save_officer

    save_officer(OfficerProfile(name="Siti Aminah", kecamatan_code=KEC))
    return build_chain()


def test_grid_model_passes_the_model_tester_and_shows_sums_and_differences(chain_db,
                                                                           qtmodeltester):
    from imp_desktop.ui.screens.monthly.models import MonthlyGridModel, parse_figure

    monthly.save_desa_month(DUREN, "2026-11", [
        entry(chain_db["pok1"], pus=40), entry(chain_db["pok2"], pus=30),
        entry(chain_db["sub_a"], pus=75)], today=TODAY)
    model = MonthlyGridModel()
    model.load(DUREN, "2026-11")
    qtmodeltester.check(model)
    columns = {u.unit.id: c for c, u in enumerate(model.units)}
    pus_row = next(r for r, row in enumerate(model.rows)
                   if row.line is not None and row.line.key == "pus" and row.kind == "value")
    sub_a = model.index(pus_row, columns[chain_db["sub_a"]])
    assert model.data(sub_a) == "75 (+5)" and "selisih +5" in model.message(sub_a)
    ppkbd = model.index(pus_row, columns[chain_db["ppkbd"]])
    assert model.data(ppkbd) == "75"                 # its units' sum, shown in grey
    assert "Jumlah laporan unit" in model.message(ppkbd)
    # Computed lines are shown and never editable.
    computed = next(r for r, row in enumerate(model.rows)
                    if row.line is not None and row.line.kind == "computed")
    assert not model.flags(model.index(computed, 0)) & Qt.ItemFlag.ItemIsEditable
    assert parse_figure("1.234") == 1234 and parse_figure(" ") is None
    monthly.finalize_month(DUREN, "2026-11")
    model.load(DUREN, "2026-11")
    assert not any(model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable
                   for r in range(model.rowCount()) for c in range(model.columnCount()))
    qtmodeltester.check(model)


def test_coverage_models_pass_the_model_tester(chain_db, qtmodeltester):
    from imp_desktop.ui.screens.monthly.models import CoverageModel, MissingModel

    monthly.save_desa_month(DUREN, "2026-11", [
        entry(chain_db["pok1"], dt.date(2026, 12, 9), pus=1)], today=TODAY)
    cover = monthly.coverage("2026-11")
    coverage, missing = CoverageModel(), MissingModel()
    coverage.set_coverage(cover)
    missing.set_coverage(cover)
    qtmodeltester.check(coverage)
    qtmodeltester.check(missing)
    assert coverage.rowCount() == 3                      # two desa and the total
    assert missing.rowCount() == 8                       # seven missing, one late
    states = [missing.data(missing.index(r, 3)) for r in range(missing.rowCount())]
    assert states.count("belum melapor") == 7 and "terlambat" in states[-1]
    phones = {missing.data(missing.index(r, 5)) for r in range(missing.rowCount())}
    assert "081234567890" in phones


def _key(qtbot, widget, key, text=None):
    from PySide6.QtWidgets import QApplication

    target = QApplication.focusWidget() or widget
    qtbot.keyClick(target, key)


def _type(qtbot, screen, text: str) -> None:
    from PySide6.QtWidgets import QApplication

    for char in text:
        qtbot.keyClicks(QApplication.focusWidget() or screen.grid, char)


@pytest.fixture
def answers(monkeypatch):
    """Message boxes answered without a modal loop; what they said is kept."""
    from PySide6.QtWidgets import QMessageBox

    said = []

    def say(answer):
        def box(_parent, _title, text, *args, **kwargs):
            said.append(text)
            return answer
        return box

    monkeypatch.setattr(QMessageBox, "question", say(QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "warning", say(QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", say(QMessageBox.StandardButton.Ok))
    return said


def test_a_desa_month_typed_by_keyboard_alone(answers, window, qtbot):
    """Ctrl+5, choose the month, Tab into the grid, type received dates across and
    a unit's figures down its column with Enter, Ctrl+S; a figure over its limit is
    refused whole with a red cell, corrected, and saved."""
    from PySide6.QtWidgets import QApplication

    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    screen = window.screens["bulanan"]
    assert window.stack.currentWidget() is screen
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)   # Bula&n
    assert QApplication.focusWidget() is screen.month_box
    qtbot.keyClick(screen.month_box, Qt.Key.Key_End)       # a month nobody reported yet
    period = screen.period()
    assert not MonthlyReport.select().where(MonthlyReport.period == period).exists()
    month = monthly.parse_month(period)
    for _ in range(10):
        if QApplication.focusWidget() is screen.grid:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.grid
    model, grid = screen.model, screen.grid
    assert model.cell_name(grid.currentIndex()).endswith(":received_on")
    # Received dates across the first three units: "5" is the 5th of the next month.
    for _ in range(3):
        _type(qtbot, screen, "5")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    third = model.units[2].unit
    assert grid.currentIndex().column() == 3
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert grid.currentIndex().column() == 2
    # Down the third unit's column: every typed line gets a figure until PUS.
    typed = {}
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    for step in range(80):
        name = model.cell_name(grid.currentIndex())
        key = name.split(":", 1)[1]
        if key == "pus":
            break
        value = str(60 - step)        # each line at most the one above it
        _type(qtbot, screen, value)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        typed[key] = int(value)
    assert name == monthly.cell(third.id, "pus")
    _type(qtbot, screen, "4")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert model.cell_name(grid.currentIndex()) == monthly.cell(third.id, "pb.iud")
    _type(qtbot, screen, "9")                               # 9 new acceptors, 4 PUS
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    total_cell = monthly.cell(third.id, "pb.total")
    assert total_cell in model.errors and "lebih besar dari" in model.errors[total_cell]
    assert not MonthlyReport.select().where(MonthlyReport.period == period).exists()
    assert "lebih besar dari" in screen.cell_help.text()
    # Everything typed is still there; correct the figure and save.
    for _ in range(20):
        if model.cell_name(grid.currentIndex()) == monthly.cell(third.id, "pb.iud"):
            break
        qtbot.keyClick(grid, Qt.Key.Key_Up)
    _type(qtbot, screen, "2")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not model.errors and not model.dirty
    saved = {u.unit.id: u for u in monthly.desa_month(screen.desa(), period).units}
    assert sum(1 for u in saved.values() if u.reported) == 3
    unit = saved[third.id]
    assert unit.received_on == month.next().start.replace(day=5)
    assert unit.figures == {**typed, "pus": 4, "pb.iud": 2}


def test_template_page_edits_a_line_and_saves_a_new_version(chain_db, qtbot, qtmodeltester,
                                                            answers):
    from imp_desktop.ui.screens.monthly.settings_page import COLUMNS, MonthlySettingsPage

    page = MonthlySettingsPage()
    qtbot.addWidget(page)
    page.refresh()
    qtmodeltester.check(page.model)
    assert not page.save_button.isEnabled()
    text = page.model.index(0, COLUMNS.index("text_id"))
    page.model.setData(text, "PPKBD terdaftar")
    page.view.setCurrentIndex(page.model.index(len(page.model.drafts) - 1, 0))
    page.add_line()
    new = len(page.model.drafts) - 1
    page.model.setData(page.model.index(new, COLUMNS.index("text_id")), "Ganti cara KB")
    page.model.setData(page.model.index(new, COLUMNS.index("kind")), "carried")
    assert page.save_button.isEnabled()
    qtmodeltester.check(page.model)
    page.save()
    template = monthly.current_template()
    assert template.version == 2 and template.lines[0].text_id == "PPKBD terdaftar"
    assert template.lines[-1].text_id == "Ganti cara KB" and template.lines[-1].kind == "carried"
    # A broken line is refused with its row marked, nothing saved.
    page.model.setData(page.model.index(1, COLUMNS.index("text_id")), "")
    page.save()
    assert answers and 1 in page.model.problems
    assert monthly.current_template().version == 2
    page.due_box.setValue(5)
    assert monthly.due_day() == 5
    page.paper_box.setCurrentIndex(page.paper_box.findData("A4"))
    assert monthly.paper_size() == "A4"


def test_a_computed_line_takes_its_source_from_a_list_by_name(chain_db, qtbot):
    """Pengaturan › Laporan bulanan: the source is picked by name, not typed as a code."""
    from PySide6.QtWidgets import QComboBox

    from imp_desktop.ui.screens.monthly.settings_page import COLUMNS, MonthlySettingsPage

    page = MonthlySettingsPage()
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    page.refresh()
    row = next(i for i, d in enumerate(page.model.drafts) if d.kind == "computed")
    index = page.model.index(row, COLUMNS.index("source"))
    page.view.setCurrentIndex(index)
    page.view.edit(index)
    box = page.view.findChild(QComboBox)
    assert box is not None and box.isVisible()
    labels = [box.itemText(i) for i in range(box.count())]
    assert "Kehadiran kader dalam kegiatan" in labels
    assert any(label.startswith("Jumlah Kelompok KB") for label in labels)
    box.setCurrentIndex(box.findData("attendance"))
    page.view.commitData(box)
    page.view.closeEditor(box, page.view.itemDelegate().EndEditHint.NoHint)
    assert page.model.drafts[row].source == "attendance"
    assert index.data() == "Kehadiran kader dalam kegiatan"   # shown by name, kept as its code
    page.save()
    saved = monthly.current_template().lines[row]
    assert saved.source == "attendance" and monthly.current_template().version == 2
