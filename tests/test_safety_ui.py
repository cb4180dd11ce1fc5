"""The backup and hand-over page, driven like a user."""
import os

from PySide6.QtWidgets import QFileDialog, QMessageBox

from imp_desktop.data import backup as store
from imp_desktop.data.models import Cadre
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow
from imp_desktop.ui.tasks import task_runner

SHOTS = os.environ.get("IMP_SCREENSHOTS")


def _window(qtbot, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _page(window):
    settings = window.show_screen("pengaturan")
    from imp_desktop.ui.backup_dialogs import BackupPage

    page = next(p for p in settings.pages if isinstance(p, BackupPage))
    settings.tabs.setCurrentWidget(page)
    return page


def _wait(qtbot):
    qtbot.waitUntil(lambda: not task_runner().busy, timeout=20000)


def test_backup_to_a_folder_and_restore_from_the_list(qtbot, qtmodeltester, demo_db, db_path,
                                                      ui_settings, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append("WARN " + a[2]))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = _window(qtbot, db_path, ui_settings)
    page = _page(window)
    page.backup_button.click()
    _wait(qtbot)
    assert len(list(usb.glob("IMP-Desktop-cadangan-*.zip"))) == 1
    assert shown and "Cadangan dibuat" in shown[-1]

    from imp_desktop.services.backup import auto_backup_if_due

    auto_backup_if_due()
    page.refresh()
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 1
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "safety_page.png"))
    Cadre.update(name="BERUBAH").execute()
    page.table.selectRow(0)
    page.restore_selected_button.click()
    _wait(qtbot)
    assert "Dipulihkan" in shown[-1], shown
    assert Cadre.select().where(Cadre.name == "BERUBAH").count() == 0
    # the safety copy of the state before the restore is listed now
    settings = window.screens["pengaturan"]
    page = next(p for p in settings.pages if p.__class__.__name__ == "BackupPage")
    page.refresh()
    assert page.model.rowCount() == 2
    assert any(p.name.startswith(store.SAFETY_PREFIX) for p in
               store.backups_dir(db_path).iterdir())


def test_keep_count_is_saved(qtbot, db, db_path, ui_settings):
    from imp_desktop.services.backup import keep_count

    window = _window(qtbot, db_path, ui_settings)
    page = _page(window)
    page.keep.setValue(12)
    assert keep_count() == 12
