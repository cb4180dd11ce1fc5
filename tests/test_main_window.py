from PySide6.QtCore import Qt

from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow
from imp_desktop.ui.screens import SCREENS


def make_window(qtbot, path, ui_settings):
    window = MainWindow(str(path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_every_navigation_entry_opens_its_screen(qtbot, demo_db, db_path, ui_settings):
    window = make_window(qtbot, db_path, ui_settings)
    assert str(db_path) in window.db_label.text()
    for row, entry in enumerate(SCREENS):
        window.nav.setCurrentRow(row)
        assert window.current_screen() is window.screens[entry.key]
        assert window.nav.item(row).text()
    assert set(window.screens) == {entry.key for entry in SCREENS}


def test_keyboard_shortcuts_switch_screens(qtbot, demo_db, db_path, ui_settings):
    window = make_window(qtbot, db_path, ui_settings)
    window.go_actions[2].trigger()
    assert window.current_screen() is window.screens[SCREENS[2].key]


def test_window_remembers_size_and_last_screen(qtbot, demo_db, db_path, ui_settings):
    window = make_window(qtbot, db_path, ui_settings)
    window.resize(1100, 700)
    window.show_screen("kegiatan")
    window.close()
    again = make_window(qtbot, db_path, ui_settings)
    assert again.current_screen() is again.screens["kegiatan"]
    assert again.width() == 1100


def test_language_switch_changes_visible_texts(qtbot, demo_db, db_path, ui_settings):
    from imp_desktop.i18n import set_language

    window = make_window(qtbot, db_path, ui_settings)
    assert window.nav.item(1).text() == "Kader"
    set_language("en")
    assert window.nav.item(1).text() == "Cadres"
    assert window.file_menu.title() == "&File"


def test_opening_a_bad_file_keeps_the_current_database(qtbot, demo_db, db_path, ui_settings,
                                                      tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    bad = tmp_path / "bad.sqlite"
    bad.write_text("garbage")
    window = make_window(qtbot, db_path, ui_settings)
    assert not window.switch_database(str(bad))
    assert warnings and "IMP Desktop" in warnings[0]
    assert window.db_path == str(db_path)
    good = tmp_path / "other.sqlite"
    assert window.switch_database(str(good))
    assert str(good) in window.db_label.text()
    assert ui_settings.recent_files[0] == str(good)
