"""Where the operating system has no credential store, the window asks for a
passphrase (issue 20): driven as the officer would, at the start of the program."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from imp_desktop.data import cipher, keystore
from imp_desktop.data.db import close_database
from imp_desktop.data.models import database
from imp_desktop.ui.app import open_first_database
from imp_desktop.ui.passphrase_dialog import PassphraseDialog


@pytest.fixture
def no_credential_store(tmp_path, monkeypatch):
    key_file = tmp_path / "data" / "kunci.imp"
    key_file.parent.mkdir()
    monkeypatch.setattr(keystore, "passphrase_file", lambda: key_file)
    monkeypatch.setattr(keystore.KeyringStore, "available", staticmethod(lambda: False))
    keystore.use_store(None)
    cipher.forget_found()
    yield key_file
    close_database()
    keystore.use_store(None)
    cipher.forget_found()


def _answer(qtbot, steps):
    """Run ``steps(dialog)`` on the passphrase dialog once it is up (it is modal:
    ``open_first_database`` waits in it). A failing step closes it, so the test
    fails instead of waiting forever."""
    seen = {}

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None:                    # not up yet
            QTimer.singleShot(20, act)
            return
        if not isinstance(dialog, PassphraseDialog):
            seen["failure"] = AssertionError(f"another question: {dialog.windowTitle()} "
                                             f"{getattr(dialog, 'text', lambda: '')()}")
            dialog.reject()
            return
        try:
            seen["errors"] = steps(dialog)
        except BaseException as exc:        # reported after the dialog is gone
            seen["failure"] = exc
            dialog.reject()

    QTimer.singleShot(0, act)
    return seen


def _type(qtbot, field, text):
    field.clear()
    qtbot.keyClicks(field, text)


def test_the_first_start_chooses_a_passphrase_typed_twice(qtbot, tmp_path, no_credential_store):
    path = tmp_path / "imp.sqlite"

    def choose(dialog):
        errors = []
        assert dialog.again.isVisibleTo(dialog)              # new: asked twice
        _type(qtbot, dialog.passphrase, "pendek")
        _type(qtbot, dialog.again, "pendek")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        errors.append(dialog.error.text())
        _type(qtbot, dialog.passphrase, "gunung merapi 2026")
        _type(qtbot, dialog.again, "gunung merapi 2062")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        errors.append(dialog.error.text())
        assert dialog.isVisible() and dialog.passphrase.text() == "gunung merapi 2026"
        _type(qtbot, dialog.again, "gunung merapi 2026")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return errors

    seen = _answer(qtbot, choose)
    assert open_first_database(str(path)) == str(path)
    assert "failure" not in seen, seen.get("failure")
    assert seen["errors"] == ["Frasa sandi minimal 8 karakter.", "Kedua frasa sandi tidak sama."]
    # The database opened, encrypted, and its key is kept in the passphrase file only.
    assert database.obj.encrypted and cipher.is_encrypted(path)
    key = cipher.file_key(path)
    saved = no_credential_store.read_bytes()
    assert saved and key not in saved and key.hex().encode() not in saved


def test_the_next_start_asks_the_passphrase_and_a_wrong_one_is_a_sentence(
        qtbot, tmp_path, no_credential_store):
    path = tmp_path / "imp.sqlite"
    keystore.unlock("gunung merapi 2026")
    open_first_database(str(path))
    close_database()
    keystore.use_store(None)                 # the program starts again
    cipher.forget_found()

    def unlock(dialog):
        errors = []
        assert not dialog.again.isVisibleTo(dialog)          # asked once
        _type(qtbot, dialog.passphrase, "gunung salah 2026")
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
        errors.append(dialog.error.text())
        assert dialog.isVisible()
        assert dialog.passphrase.selectedText() == "gunung salah 2026"   # to retype
        qtbot.keyClicks(dialog.passphrase, "gunung merapi 2026")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return errors

    seen = _answer(qtbot, unlock)
    assert open_first_database(str(path)) == str(path)
    assert "failure" not in seen, seen.get("failure")
    assert seen["errors"] == ["Frasa sandi salah; kunci basis data tidak dapat dibuka."]
    assert database.obj.encrypted
    assert database.obj.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"


def test_cancelling_the_passphrase_opens_nothing(qtbot, tmp_path, no_credential_store):
    seen = _answer(qtbot, lambda dialog: dialog.reject())
    assert open_first_database(str(tmp_path / "imp.sqlite")) is None
    assert "failure" not in seen and "errors" in seen
    assert not (tmp_path / "imp.sqlite").exists() and not no_credential_store.exists()
