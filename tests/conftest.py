"""Shared fixtures: a fresh database per test, isolated Qt settings, offscreen Qt."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.safety_support import office_targets

# Screens are tested offscreen on a screen the size of an officer's laptop.
_SCREEN = Path(__file__).with_name("offscreen-1366x768.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

# Database keys go to a throw-away file, never to a real credential store;
# child processes (CLI and crash tests) find the same file through keyring's
# own environment variable.
_KEYRING_DIR = tempfile.mkdtemp(prefix="imp-test-keyring-")
atexit.register(shutil.rmtree, _KEYRING_DIR, True)
os.environ["IMP_KEYRING_FILE"] = str(Path(_KEYRING_DIR) / "keyring.json")
os.environ["PYTHON_KEYRING_BACKEND"] = "imp_desktop.data.keystore.FileKeyring"

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REGION_FILE = SHARED / "data" / "wilayah_kemendagri_2025.sql"


@pytest.fixture(scope="session", autouse=True)
def _qt_shutdown():
    """After the last test: close what is still open and stop the worker
    threads while Qt is alive (left to the interpreter's exit, their
    destruction order crashed or hung the process after a green run).
    Before the first: Qt's standard folders point at a test location, so no
    dialog or document ever lands in the machine's real Dokumen folder."""
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    yield
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    import gc

    import shiboken6

    from imp_desktop.ui.tasks import shutdown_tasks

    shutdown_tasks()
    gc.collect()
    # One at a time, asking again each time: deleting a window deletes the
    # dialogs it owns.
    for _ in range(1000):
        widgets = [w for w in app.topLevelWidgets() if shiboken6.isValid(w)]
        if not widgets:
            break
        widgets[0].close()
        shiboken6.delete(widgets[0])
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # deleteLater()s
    app.processEvents()


@pytest.fixture(scope="session", autouse=True)
def _test_keyring():
    """The keyring of the test "account" (see the top of this file)."""
    import keyring

    from imp_desktop.data.keystore import FileKeyring

    keyring.set_keyring(FileKeyring(os.environ["IMP_KEYRING_FILE"]))
    yield


@pytest.fixture
def other_account(tmp_path):
    """``other_account()`` switches to another user account: an empty keyring
    of its own, no keys remembered by this run. Back to the test account
    after the test."""
    import keyring

    from imp_desktop.data import cipher, keystore

    def switch(path):
        keyring.set_keyring(keystore.FileKeyring(path))
        keystore.use_store(None)
        keystore.forget_session()
        cipher.forget_found()

    yield lambda: switch(tmp_path / "other-account-keyring.json")
    switch(os.environ["IMP_KEYRING_FILE"])


@pytest.fixture(autouse=True)
def _default_language():
    from imp_desktop.i18n import set_language

    set_language("id")
    yield
    set_language("id")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "imp.sqlite"


@pytest.fixture
def db(db_path):
    """An opened, migrated, empty database bound to the models."""
    from imp_desktop.data.db import close_database, open_database

    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture(params=office_targets())
def two(request, tmp_path):
    """Two installations: an officer's laptop (demo data) and an office (SQLite,
    or PostgreSQL when a server is named). ``two("laptop")`` or ``two("office")``
    opens one; ``two.targets`` names both."""
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.settings import OfficerProfile, save_officer

    targets = {"laptop": str(tmp_path / "laptop.sqlite"), "office": request.param(tmp_path)}

    def use(name):
        open_database(targets[name])

    use("laptop")
    generate_demo(desa=2, cadres=60, seed=3)
    use("office")
    save_officer(OfficerProfile(name="Bu Kabid", kecamatan_code="33.22.02"))
    use.targets = targets
    yield use
    close_database()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    """The small demo database, generated once per test run and copied per test."""
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services.demo import generate_demo

    folder = tmp_path_factory.mktemp("demo-template")
    path = folder / "demo.sqlite"
    database = open_database(path)
    generate_demo(desa=3, cadres=300, seed=7)
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return path


@pytest.fixture
def demo_db(_demo_template, db_path):
    """A database with the default small demo data (a fresh copy for each test).

    Files the demo keeps beside the database (e.g. the photo store
    ``<db>.media``) are copied along.
    """
    import shutil

    from imp_desktop.data.db import close_database, open_database

    close_database()  # in case the test also asked for the empty ``db``
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(_demo_template, db_path)
    for extra in _demo_template.parent.iterdir():
        if extra.name.startswith(_demo_template.name) and extra.is_dir():
            shutil.copytree(extra, db_path.parent / (db_path.name + extra.name[len(_demo_template.name):]))
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def region_file() -> Path:
    if not REGION_FILE.exists():
        pytest.skip("the official region list is not in ../shared/data")
    return REGION_FILE


@pytest.fixture(scope="session")
def _qt_settings_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("qsettings")


@pytest.fixture
def ui_settings(qapp, _qt_settings_dir, tmp_path):
    """Window preferences in a throw-away INI file."""
    from PySide6.QtCore import QSettings

    from imp_desktop.ui.settings import UiSettings

    return UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, demo_db, db_path, ui_settings):
    """The main window on the demo data at 1366x768. Closed here rather than by
    qtbot: a test may leave unsaved edits, and closing then asks about them;
    the answer is "discard"."""
    from imp_desktop.ui.app import open_database
    from imp_desktop.ui.main_window import MainWindow

    win = MainWindow(str(db_path), open_database, ui_settings)
    win.resize(1366, 768)
    win.show()
    yield win
    screen = win.screens.get("kegiatan")
    if screen is not None:
        screen.editor._dirty = False
    win.close()
    win.deleteLater()
