"""Pengaturan › Keamanan and the recovery key prompt, driven as an officer would."""
from __future__ import annotations

import os

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from imp_desktop.data.db import close_database
from imp_desktop.data.models import Cadre
from imp_desktop.services import encryption
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow
from imp_desktop.ui.tasks import task_runner

SHOTS = os.environ.get("IMP_SHOTS")


def _window(qtbot, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _page(window):
    from imp_desktop.ui.screens.settings.security_page import SecurityPage

    settings = window.show_screen("pengaturan")
    page = next(p for p in settings.pages if isinstance(p, SecurityPage))
    settings.tabs.setCurrentIndex(settings.pages.index(page))
    page.refresh()
    return page


def test_a_clear_database_is_encrypted_from_the_page_and_its_sheet_saved(
        qtbot, demo_db, db_path, tmp_path, ui_settings, monkeypatch):
    from imp_desktop.data import cipher

    count = Cadre.select().count()
    key = cipher.file_key(db_path)
    close_database()
    clear = tmp_path / "lama.sqlite"
    cipher.export_copy(db_path, key, clear, None)
    from imp_desktop.data.db import open_database as open_db

    open_db(clear)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append("WARN " + a[2]))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Yes)
    sheet = tmp_path / "kunci.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sheet), ""))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = _window(qtbot, clear, ui_settings)
    page = _page(window)
    assert "belum terenkripsi" in page.state_label.text()
    assert page.encrypt_button.isVisibleTo(page) and not page.recovery_box.isEnabled()
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "security_page_clear.png"))
    page.encrypt_button.click()
    qtbot.waitUntil(lambda: sheet.exists(), timeout=60000)
    qtbot.waitUntil(lambda: not task_runner().busy, timeout=20000)
    assert not [m for m in shown if str(m).startswith("WARN")], shown
    assert cipher.is_encrypted(clear) and Cadre.select().count() == count
    page = _page(window)            # the window reopened the file: a new page
    assert "terenkripsi" in page.state_label.text() and "belum" not in page.state_label.text()
    assert not page.encrypt_button.isVisibleTo(page)
    assert "terakhir disimpan" in page.printed_label.text()
    assert opened and sheet.read_bytes().startswith(b"%PDF")
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "security_page.png"))


def test_the_recovery_key_prompt_refuses_a_typo_then_takes_the_key(
        qtbot, demo_db, db_path, monkeypatch, other_account):
    from imp_desktop.data import cipher
    from imp_desktop.ui.key_prompts import ask_recovery_key

    recovery = encryption.recovery_key()
    close_database()
    other_account()
    answers = [(recovery[:-1] + ("B" if recovery[-1] != "B" else "C"), True), (recovery, True)]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: answers.pop(0))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    assert ask_recovery_key(None)
    assert len(warnings) == 1 and "tidak sah" in warnings[0]
    assert cipher.file_key(db_path) is not None
