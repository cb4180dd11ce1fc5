"""The window opens at once and quick-checks its file in the background."""
from imp_desktop.data.db import close_database
from imp_desktop.ui import app as app_module
from imp_desktop.ui.main_window import MainWindow
from imp_desktop.ui.tasks import task_runner


def _damage_the_middle(path):
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle + 100:middle + 3000] = b"\xff" * 2900
    path.write_bytes(bytes(data))


def test_a_damaged_file_found_after_opening_is_reported(qtbot, demo_db, db_path, ui_settings,
                                                      monkeypatch):
    close_database()
    _damage_the_middle(db_path)
    asked = []
    monkeypatch.setattr(app_module, "ask_about_refused_file",
                        lambda exc, path: asked.append(str(exc)) or None)
    app_module.open_database(str(db_path))      # does not wait for the check
    window = MainWindow(str(db_path), app_module.open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    backups = []
    app_module.start_integrity_check(window, on_sound=lambda: backups.append(True))
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert "rusak" in asked[0]
    assert not backups          # no rolling backup of a damaged file
    assert not window.isVisible()


def test_a_sound_file_goes_on_to_the_backup(qtbot, demo_db, db_path, ui_settings):
    window = MainWindow(str(db_path), app_module.open_database, ui_settings)
    qtbot.addWidget(window)
    sound = []
    app_module.start_integrity_check(window, on_sound=lambda: sound.append(True))
    qtbot.waitUntil(lambda: bool(sound), timeout=20000)
    assert task_runner().wait(5000)
