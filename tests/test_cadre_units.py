from PySide6.QtWidgets import QMessageBox

from imp_desktop.data.models import Cadre, Unit
from imp_desktop.services.regions import add_hamlet
from imp_desktop.services.units import unit_board, unit_rows
from imp_desktop.ui.screens.cadres.unit_dialog import UnitDialog
from imp_desktop.ui.screens.cadres.unit_panel import UnitTableModel

DESA = "33.22.02.2001"


def test_unit_rows_count_active_members_and_board_comes_first(demo_db):
    rows = {r.id: r for r in unit_rows()}
    assert len(rows) == Unit.select().count()
    unit = Unit.select().where(Unit.level == "ppkbd").first()
    active = Cadre.select().where((Cadre.unit == unit.id) & (Cadre.active == True)).count()  # noqa: E712
    assert rows[unit.id].members == active
    board = unit_board(unit.id)
    assert [m.position for m in board[:3]] == ["ketua", "sekretaris", "bendahara"][:len(board[:3])]
    assert all(r.level == "kelompok_kb" for r in unit_rows(level="kelompok_kb"))


def test_unit_model_passes_qtmodeltester(qtmodeltester, demo_db):
    model = UnitTableModel()
    model.load(DESA)
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_unit_dialog_cascades_and_proposes_a_name(qtbot, demo_db):
    hamlet = add_hamlet(DESA, "Dusun Cemara", "009")
    dialog = UnitDialog(None, desa_code=DESA)
    qtbot.addWidget(dialog)
    dialog.level.setCurrentIndex(dialog.level.findData("sub_ppkbd"))
    dialog.hamlet.setCurrentIndex(dialog.hamlet.findData(hamlet.id))
    assert dialog.name.text() == "Sub PPKBD Cemara"
    ppkbd = Unit.get((Unit.desa == DESA) & (Unit.level == "ppkbd"))
    assert dialog.parent_unit.currentData() == ppkbd.id
    dialog.sk_number.setText("400/12/2026")
    assert dialog.save()
    saved = Unit.get_by_id(dialog.saved_id)
    assert (saved.name, saved.hamlet_id, saved.parent_id) == ("Sub PPKBD Cemara", hamlet.id, ppkbd.id)


def test_unit_dialog_refuses_a_kelompok_without_rt(qtbot, demo_db):
    dialog = UnitDialog(None, desa_code=DESA)
    qtbot.addWidget(dialog)
    dialog.level.setCurrentIndex(dialog.level.findData("kelompok_kb"))
    dialog.name.setText("Pok KB Baru")
    assert not dialog.save()
    assert "RT" in dialog.problems.text()
    assert dialog.name.text() == "Pok KB Baru"


def test_unit_tab_shows_board_and_jumps_to_members(qtbot, demo_db, db_path, ui_settings,
                                                   monkeypatch):
    from imp_desktop.ui.app import open_database
    from imp_desktop.ui.main_window import MainWindow

    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("kader")
    panel = screen.units
    screen.tabs.setCurrentWidget(panel)
    panel.desa_box.setCurrentIndex(panel.desa_box.findData(DESA))
    panel.table.selectRow(0)
    unit = panel.current_unit()
    assert unit.level == "ppkbd" and panel.board.rowCount() == unit.members
    assert panel.board.item(0, 0).text() == "Ketua"
    panel.members_button.click()
    assert screen.tabs.currentWidget() is screen.cadres
    assert screen.cadres.model.rowCount() == unit.members
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    screen.tabs.setCurrentWidget(panel)
    panel.select_unit(unit.id)
    panel.toggle_active()
    assert not Unit.get_by_id(unit.id).active


def test_no_blank_button_on_the_unit_tab_before_a_unit_is_chosen(qtbot, window):
    from PySide6.QtWidgets import QPushButton

    kader = window.show_screen("kader")
    panel = kader.units if hasattr(kader, "units") else None
    if panel is None:
        from imp_desktop.ui.screens.cadres.unit_panel import UnitPanel

        panel = next(w for w in kader.findChildren(UnitPanel))
    panel.table.clearSelection()
    panel._show_unit()
    blank = [b for b in panel.findChildren(QPushButton) if not b.text().strip()]
    assert not blank
