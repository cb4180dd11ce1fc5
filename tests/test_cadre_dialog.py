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
