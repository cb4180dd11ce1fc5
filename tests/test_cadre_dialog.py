import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from imp_desktop.data.models import Cadre, Unit
from imp_desktop.services.cadres import CadreInput, save_cadre
from imp_desktop.services.regions import add_hamlet, add_neighbourhood
from imp_desktop.ui.screens.cadres.cadre_dialog import CadreDialog, LeaveDialog, MergeDialog

DESA = "33.22.02.2001"


def make_dialog(qtbot, cadre_id=None):
    dialog = CadreDialog(None, cadre_id)
    qtbot.addWidget(dialog)
    return dialog


def choose(box, data):
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)


def test_nik_proposes_sex_and_birth_date(qtbot, demo_db):
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.nik, "3322024512900003")
    assert dialog.sex.currentData() == "P"
    assert dialog.birth_date.value() == dt.date(1990, 12, 5)
    assert "Diisi dari NIK" in dialog.nik_message.text()


def test_bad_nik_blocks_saving_and_keeps_what_was_typed(qtbot, demo_db):
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.name, "Rina Marlina")
    qtbot.keyClicks(dialog.nik, "3322029912900003")   # month 12, day 99: impossible
    choose(dialog.desa, DESA)
    assert not dialog.save()
    assert dialog.saved_id is None and dialog.result() != QDialog.DialogCode.Accepted
    assert "NIK" in dialog.problems.text() or dialog.problems.text()
    assert dialog.name.text() == "Rina Marlina" and dialog.nik.text() == "3322029912900003"
    assert not Cadre.select().where(Cadre.name == "Rina Marlina").exists()


def test_name_and_desa_are_required(qtbot, demo_db):
    dialog = make_dialog(qtbot)
    dialog.desa.setCurrentIndex(0)          # the last desa used is offered; cleared here
    assert not dialog.save()
    assert "Nama kader wajib diisi" in dialog.problems.text()
    assert "desa" in dialog.problems.text().lower()


def test_pickers_cascade_from_desa_to_unit(qtbot, demo_db):
    hamlet = add_hamlet(DESA, "Dusun Cemara", "009")
    rt = add_neighbourhood(hamlet.id, "2")
    from imp_desktop.services.units import UnitInput, save_unit

    ppkbd = Unit.get((Unit.desa == DESA) & (Unit.level == "ppkbd"))
    sub = save_unit(UnitInput("sub_ppkbd", "Sub PPKBD Cemara", DESA, hamlet.id, None, ppkbd.id))
    pok = save_unit(UnitInput("kelompok_kb", "Pok KB Cemara RT 002", DESA, hamlet.id, rt.id, sub))
    dialog = make_dialog(qtbot)
    choose(dialog.desa, DESA)
    assert dialog.hamlet.findData(hamlet.id) > 0
    choose(dialog.hamlet, hamlet.id)
    assert dialog.rw.text() == "009"
    choose(dialog.neighbourhood, rt.id)
    assert dialog.rt.text() == "002"
    offered = {dialog.unit.itemData(i) for i in range(dialog.unit.count())}
    assert {ppkbd.id, sub, pok} <= offered
    other_sub = Unit.select().where((Unit.desa == DESA) & (Unit.level == "sub_ppkbd")
                                    & (Unit.id != sub)).first()
    assert other_sub.id not in offered


def test_similar_person_warns_then_saves_on_second_press(qtbot, demo_db):
    save_cadre(CadreInput(name="Siti Nurul Hidayah", desa_code=DESA,
                          birth_date=dt.date(1988, 4, 2)))
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.name, "St. Nur Hidayah")
    choose(dialog.desa, DESA)
    dialog.birth_date.set_value(dt.date(1988, 4, 2))
    assert not dialog.save()
    assert dialog.similar.isVisible() or "Siti Nurul Hidayah" in dialog.similar.text()
    assert dialog.save_button.text() == "Tetap simpan"
    assert dialog.save()
    assert Cadre.get_by_id(dialog.saved_id).name == "St. Nur Hidayah"


def test_edit_loads_and_saves_changes(qtbot, demo_db):
    cadre = Cadre.select().first()
    dialog = make_dialog(qtbot, cadre.id)
    assert dialog.name.text() == cadre.name and dialog.nik.text() == cadre.nik
    assert dialog.unit.currentData() == cadre.unit_id
    dialog.phone.setText("0811-222-333")
    assert dialog.save()
    assert Cadre.get_by_id(cadre.id).phone == "0811222333"


def test_leave_dialog_requires_a_reason(qtbot, demo_db):
    dialog = LeaveDialog(None, "Siti")
    qtbot.addWidget(dialog)
    dialog._check()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.problem.text()
    dialog.reason.setCurrentIndex(1)
    dialog._check()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.values()[0] == "Pindah domisili"


def test_merge_dialog_lets_the_user_pick_the_kept_record(qtbot, demo_db):
    a, b = [c.id for c in Cadre.select().limit(2)]
    dialog = MergeDialog(None, a, b)
    qtbot.addWidget(dialog)
    assert dialog.kept_and_merged() == (a, b)
    dialog.choices[1].setChecked(True)
    assert dialog.kept_and_merged() == (b, a)


def test_add_a_cadre_through_the_dialog_then_find_it(qtbot, demo_db, db_path, ui_settings,
                                                      monkeypatch):
    from imp_desktop.ui.app import open_database
    from imp_desktop.ui.main_window import MainWindow

    def fill_and_save(dialog):
        qtbot.keyClicks(dialog.name, "Kusumawardani Larasati")
        qtbot.keyClicks(dialog.nik, "3322026307910002")
        choose(dialog.desa, DESA)
        dialog.unit.setCurrentIndex(1)
        dialog.position.setCurrentIndex(dialog.position.findData("anggota"))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(CadreDialog, "exec", fill_and_save)
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    panel = window.show_screen("kader").cadres
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    saved = Cadre.get(Cadre.name == "Kusumawardani Larasati")
    assert saved.sex == "P" and saved.birth_date == dt.date(1991, 7, 23)
    assert panel.selected_ids() == [saved.id]

    panel.search.clear()
    qtbot.keyClicks(panel.search, "wardani lara")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=2000)
    assert panel.model.index(0, 0).data() == "Kusumawardani Larasati"
    assert panel.model.index(0, 1).data() == "3322026307910002"
    assert panel.count_label.text() == "1 kader"


def _blank_with_setup():
    from imp_desktop.services import first_run

    first_run.save_setup(first_run.SetupInput(
        name="Sri Wahyuningsih", kecamatan_code="33.22.02",
        desa=[first_run.DesaChoice("Duren", "2001")]))


def test_first_cadres_make_their_unit_and_dusun_from_the_dialog(qtbot, db):
    _blank_with_setup()
    dialog = make_dialog(qtbot)
    assert dialog.desa.currentData() == DESA               # the officer's only desa
    assert dialog.unit.currentText() == "+ PPKBD Duren (unit baru)"
    assert "belum punya unit" in dialog.unit_hint.text()
    qtbot.keyClicks(dialog.name, "Siti Aminah")
    assert dialog.save()
    ppkbd = Unit.get(Unit.name == "PPKBD Duren")
    assert Cadre.get_by_id(dialog.saved_id).unit_id == ppkbd.id

    second = make_dialog(qtbot)
    assert second.unit.currentData() == ppkbd.id           # made: now picked as it is
    qtbot.keyClicks(second.name, "Dewi Rahayu")
    qtbot.keyClicks(second.hamlet.lineEdit(), "Krajan")    # a dusun not in the list yet
    qtbot.keyClicks(second.rw, "5")
    assert second.unit.currentText() == "+ Sub PPKBD Krajan (unit baru)"
    assert second.save()
    cadre = Cadre.get_by_id(second.saved_id)
    unit = Unit.get_by_id(cadre.unit_id)
    assert (unit.name, unit.level, unit.parent_id) == ("Sub PPKBD Krajan", "sub_ppkbd", ppkbd.id)
    assert cadre.hamlet.name == "Krajan" and cadre.hamlet.rw == "005"


def test_batal_on_a_filled_form_asks_and_the_nik_hint_keeps_its_place(qtbot, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    _blank_with_setup()
    dialog = make_dialog(qtbot)
    dialog.show()
    top = dialog.sex.mapTo(dialog, dialog.sex.rect().topLeft()).y()
    qtbot.keyClicks(dialog.nik, "33220245129")
    assert dialog.sex.mapTo(dialog, dialog.sex.rect().topLeft()).y() == top
    dialog.nik.setText("3322024512")
    dialog.nik.setText("33.22.02.45.12.90.00.03 salah")
    assert dialog.sex.mapTo(dialog, dialog.sex.rect().topLeft()).y() == top
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2])
                        or QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert asked and dialog.isVisible()                    # kept open, nothing lost
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible()
    empty = make_dialog(qtbot)
    empty.show()
    asked.clear()
    empty.reject()                                          # nothing typed: no question
    assert not asked and not empty.isVisible()
