"""The "Riwayat perubahan" button of the activity editor, the unit dialog and the
Peran Bakti checklist: each opens the record's history with its children's."""
import dataclasses
import datetime as dt
import os

import pytest
from PySide6.QtCore import Qt

from imp_desktop.data.models import Assessment, Cadre
from imp_desktop.services import activities as service
from imp_desktop.services import roles
from imp_desktop.services.units import UnitInput, save_unit
from imp_desktop.ui import audit_dialog
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow

SHOTS = os.environ.get("IMP_SCREENSHOTS")
DESA = "33.22.02.2001"


@pytest.fixture
def opened(monkeypatch, qtbot):
    """The history dialogs the buttons open (shown, not run modally)."""
    dialogs = []

    def show(dialog):   # owned by the widget that opened it
        dialog.show()
        dialogs.append(dialog)

    monkeypatch.setattr(audit_dialog.AuditTrailDialog, "exec", show)
    return dialogs


def _rows(dialog):
    model = dialog.trail.model
    return [[model.index(r, c).data() for c in range(2, 6)] for r in range(model.rowCount())]


def _shot(dialog, name):
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, name))



def test_the_activity_editor_shows_the_history_of_the_activity_and_its_participants(
        qtbot, window, opened):
    cadre = service.cadres_for_invitation(desa_code=DESA)[0]
    name = Cadre.get_by_id(cadre.cadre_id).name
    activity = service.save_activity(service.ActivityInput(title="Rapat kader", desa_code=DESA,
                                                           date=dt.date(2026, 10, 12)),
                                     [cadre])
    detail = service.get_activity(activity)
    service.save_activity(detail.input, [dataclasses.replace(detail.participants[0],
                                                             status="sakit")],
                          [], activity_id=activity)
    screen = window.show_screen("kegiatan")
    screen.list_page.new_button.click()
    assert screen.editor.history_button.isHidden()          # a new activity: no history yet
    screen.editor._dirty = False
    screen.open_activity(activity)
    editor = screen.editor
    assert editor.history_button.isVisible()
    _shot(window, "audit_activity_editor.png")
    qtbot.mouseClick(editor.history_button, Qt.MouseButton.LeftButton)

    dialog, = opened
    assert dialog.windowTitle() == "Riwayat perubahan: Rapat kader"
    assert ["Diubah", f"Peserta {name} · Kehadiran", "—", "Sakit"] in _rows(dialog)
    assert ["Dibuat", "Judul", "—", "Rapat kader"] in _rows(dialog)
    _shot(dialog, "audit_activity.png")


def test_the_unit_dialog_shows_the_units_history(qtbot, db, opened):
    from imp_desktop.services.regions import upsert_regions
    from imp_desktop.ui.screens.cadres.unit_dialog import UnitDialog

    upsert_regions([(DESA, "Duren")])
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))
    save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA,
                        sk_number="400/12/2026"), unit)
    assert not hasattr(UnitDialog(None), "history_button")   # a new unit: nothing yet
    dialog = UnitDialog(None, unit)
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "audit_unit_dialog.png")
    qtbot.mouseClick(dialog.history_button, Qt.MouseButton.LeftButton)

    trail, = opened
    assert ["Diubah", "Nomor SK", "—", "400/12/2026"] in _rows(trail)
    _shot(trail, "audit_unit.png")


def test_the_checklist_shows_the_assessments_history_with_its_answers(
        qtbot, db, db_path, ui_settings, opened):
    from imp_desktop.services.regions import upsert_regions

    upsert_regions([(DESA, "Duren")])
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    checklist = window.show_screen("peran").assessment.checklist
    assert checklist.unit_id == unit
    assert checklist.history_button.isHidden()             # not saved yet
    model, tree = checklist.model, checklist.tree
    first = model.index(0, 0, model.index(0, 0))
    tree.setCurrentIndex(first)
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    qtbot.mouseClick(checklist.save_button, Qt.MouseButton.LeftButton)
    tree.setCurrentIndex(first)
    qtbot.keyClick(tree, Qt.Key.Key_Space)                  # and untick it again
    qtbot.mouseClick(checklist.save_button, Qt.MouseButton.LeftButton)
    assert Assessment.select().count() == 1
    assert checklist.history_button.isVisible()
    _shot(window, "audit_checklist.png")
    qtbot.mouseClick(checklist.history_button, Qt.MouseButton.LeftButton)

    trail, = opened
    text = roles.current_catalogue().roles[0].indicators[0].text_id
    assert ["Diubah", f"Indikator {text} · Terpenuhi", "Ya", "Tidak"] in _rows(trail)
    assert "PPKBD Duren" in trail.windowTitle()
    _shot(trail, "audit_assessment.png")
