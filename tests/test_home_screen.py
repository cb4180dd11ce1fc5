"""Beranda as the officer sees it: figures, reminders, and counts that open lists."""
from PySide6.QtCore import Qt

from imp_desktop.data.models import Cadre
from imp_desktop.services.cadres import CadreInput, save_cadre
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow


def open_window(qtbot, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    return window, window.show_screen("beranda")


def test_home_shows_the_figures_of_the_services(qtbot, demo_db, db_path, ui_settings):
    _, home = open_window(qtbot, db_path, ui_settings)
    active = Cadre.select().where(Cadre.active == True).count()  # noqa: E712
    assert home.cadre_card.figure.text() == str(active)
    assert "Sri Wahyuningsih" in home.greeting.text()
    assert "Kecamatan Tengaran, Kabupaten Semarang" in home.greeting.text()
    assert not home.empty_box.isVisible()
    texts = [w.text() for w in home.reminder_widgets if hasattr(w, "text")]
    assert any("Register kader (R/I)" in t for t in texts)
    assert any("New SIGA" in t for t in texts)
    assert home.class_card.isVisible()
    labels = [b.label.text() for b in home.class_card.buttons if b.isVisible()]
    assert labels[:3] == ["Dasar", "Berkembang", "Mandiri"]


def test_a_count_opens_the_matching_filtered_list(qtbot, demo_db, db_path, ui_settings):
    window, home = open_window(qtbot, db_path, ui_settings)
    button = next(b for b in home.cadre_card.buttons if b.link.filters.get("level") == "ppkbd")
    expected = int(button.figure.text())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    kader = window.current_screen()
    assert kader is window.screens["kader"]
    assert kader.cadres.level_box.currentData() == "ppkbd"
    assert kader.cadres.model.rowCount() == expected


def test_incomplete_count_opens_only_those_cadres(qtbot, demo_db, db_path, ui_settings):
    save_cadre(CadreInput(name="Belum Ada Nik", desa_code="33.22.02.2001"))
    window, home = open_window(qtbot, db_path, ui_settings)
    button = next(b for b in home.incomplete_card.buttons
                  if b.link.filters.get("problem") == "no_nik")
    assert button.figure.text() == "1"
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)       # by keyboard too
    panel = window.current_screen().cadres
    assert panel.model.rowCount() == 1
    assert panel.problem_button.isVisible() and "Tanpa NIK" in panel.problem_button.text()
    qtbot.mouseClick(panel.problem_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() > 1


def test_empty_database_says_what_to_do_first(qtbot, db, db_path, ui_settings):
    window, home = open_window(qtbot, db_path, ui_settings)
    assert home.empty_box.isVisible()
    assert "masih kosong" in home.empty_text.text()
    assert not home.activity_card.isVisible() or home.activity_card.figure.text() == "0"
    qtbot.mouseClick(home.setup_button, Qt.MouseButton.LeftButton)
    assert window.first_run_wizard.isVisible()


def test_classification_count_opens_the_role_recap(qtbot, demo_db, db_path, ui_settings):
    window, home = open_window(qtbot, db_path, ui_settings)
    button = next(b for b in home.class_card.buttons if b.label.text() == "Mandiri")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    roles_screen = window.current_screen()
    assert roles_screen is window.screens["peran"]
    assert roles_screen.tabs.currentWidget() is roles_screen.recap
    qtbot.waitUntil(lambda: roles_screen.recap.recap is not None, timeout=5000)
    units = roles_screen.recap.unit_model
    assert all(units.row_at(r).classification == "mandiri" for r in range(units.rowCount()))


def test_unassessed_reminder_lists_the_units_not_assessed(qtbot, demo_db, db_path, ui_settings):
    import datetime as dt

    from imp_desktop.services import roles

    window, home = open_window(qtbot, db_path, ui_settings)
    start = dt.date.today().replace(day=1)
    home.open_link(home_link("peran", {"not_assessed_since": start.isoformat()}))
    screen = window.current_screen()
    assert screen.tabs.currentWidget() is screen.recap
    units = screen.recap.unit_model
    qtbot.waitUntil(lambda: screen.recap.recap is not None, timeout=5000)
    shown = {units.row_at(r).unit_id for r in range(units.rowCount())}
    assert shown == roles.units_not_assessed_since(start)


def home_link(screen, filters):
    from imp_desktop.services.home import Link

    return Link(screen, filters)


def test_activity_links_open_the_month_and_the_activity(qtbot, demo_db, db_path, ui_settings):
    import datetime as dt

    from imp_desktop.services.activities import ActivityInput, save_activity

    today = dt.date.today()
    activity_id = save_activity(ActivityInput(title="Pembinaan bulan ini", date=today))
    window, home = open_window(qtbot, db_path, ui_settings)
    assert home.activity_card.isVisible()
    month_button = home.activity_card.buttons[0]
    assert month_button.figure.text() == "1"
    qtbot.mouseClick(month_button, Qt.MouseButton.LeftButton)
    screen = window.current_screen()
    assert screen is window.screens["kegiatan"]
    assert screen.list_page.month_box.currentData() == (today.year, today.month)
    assert screen.list_page.model.rowCount() == 1
    window.show_screen("beranda")
    home.open_link(home_link("kegiatan", {"activity_id": activity_id}))
    assert screen.editing and screen.editor.activity_id == activity_id


def test_after_the_setup_beranda_points_to_the_cadres_then_goes_quiet(qtbot, db, db_path,
                                                                        ui_settings):
    from imp_desktop.services import first_run

    first_run.save_setup(first_run.SetupInput(
        name="Sri Wahyuningsih", kecamatan_code="33.22.02",
        desa=[first_run.DesaChoice("Duren", "2001")]))
    window, home = open_window(qtbot, db_path, ui_settings)
    assert home.empty_box.isVisible()
    assert "masih kosong" not in home.empty_text.text()
    assert "Pengaturan awal sudah selesai" in home.empty_text.text()
    assert not home.setup_button.isVisible() and home.first_cadre_button.isVisible()
    save_cadre(CadreInput(name="Siti Aminah", desa_code="33.22.02.2001"))
    window.show_screen("kader")
    window.show_screen("beranda")
    assert not home.empty_box.isVisible()
