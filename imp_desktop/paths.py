"""Where the program finds its resources and keeps its data."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from imp_desktop import APP_ID
from imp_desktop.permissions import private_folder, tighten

DB_ENV_VAR = "IMP_DESKTOP_DB"
DB_FILE_NAME = "imp-desktop.sqlite"


def resources_dir() -> Path:
    """The resources folder inside the package (``imp_desktop/resources``)."""
    return Path(__file__).resolve().parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def _data_location() -> Path:
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def data_dir() -> Path:
    """The user's data folder for this program (created on demand, 0700 on POSIX;
    a folder made open by an older version is closed again)."""
    folder = private_folder(_data_location())
    tighten(folder)
    return folder


def default_db_path() -> str:
    """``--db`` wins over ``IMP_DESKTOP_DB``, which wins over the data folder.
    Nothing is created here: only opening with ``CREATE`` makes the folder."""
    return os.environ.get(DB_ENV_VAR) or str(_data_location() / DB_FILE_NAME)
