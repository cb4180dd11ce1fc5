"""Shared fixtures: a fresh database per test, isolated Qt settings, offscreen Qt."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Screens are tested offscreen on a screen the size of an officer's laptop.
_SCREEN = Path(__file__).with_name("offscreen-1366x768.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REGION_FILE = SHARED / "data" / "wilayah_kemendagri_2025.sql"


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


@pytest.fixture
def demo_db(db):
    """A database with the default small demo data."""
    from imp_desktop.services.demo import generate_demo

    generate_demo(desa=3, cadres=300, seed=7)
    return db


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
