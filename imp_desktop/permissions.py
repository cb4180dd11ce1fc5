"""File permissions: what this program makes is private to the user (POSIX).

The lowest layer of file handling; ``fileio`` and ``paths`` build on it.
"""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) 0700 on POSIX if it does not exist."""
    folder = Path(folder)
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        if os.name != "nt":
            os.chmod(folder, PRIVATE_FOLDER)   # mkdir's mode is filtered by the umask
    return folder


def tighten(path: str | Path) -> None:
    """Make a file 0600 or a folder 0700 if this user owns it and others may read
    it (files made by an older version). Never used on folders the user chose."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        info = os.stat(path)
        if info.st_uid == os.geteuid() and info.st_mode & 0o077:
            os.chmod(path, PRIVATE_FOLDER if Path(path).is_dir() else PRIVATE_FILE)
    except OSError:
        pass


def make_private(path: str | Path) -> None:
    """Make an existing file 0600 on POSIX (the database and its sidecars)."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        os.chmod(path, PRIVATE_FILE)
    except OSError:
        pass
