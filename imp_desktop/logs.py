"""The program's log: one rotating file in the data folder (stdlib ``logging``).

The window has no console on Windows, so whatever goes wrong unexpectedly (a
traceback from a service, an exception in a Qt slot, a Qt warning) is written
here; the officer sends it to the district with Bantuan › Laporkan masalah.
NIKs never reach the file: a 16-digit number is masked as it is written.
"""
from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER_NAME = "imp_desktop"
LOG_FILE_NAME = "imp-desktop.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3        # imp-desktop.log.1 ... .3 beside the current file

# A NIK: 16 digits not part of a longer number.
NIK_PATTERN = re.compile(r"(?<!\d)\d{16}(?!\d)")

log = logging.getLogger(LOGGER_NAME)


def mask_niks(text: str) -> str:
    """``3322010101900001`` → ``3322************``: the region part stays readable."""
    return NIK_PATTERN.sub(lambda match: match.group(0)[:4] + "*" * 12, text)


class _NikMask(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_niks(super().format(record))


_handler: RotatingFileHandler | None = None


def _default_folder() -> Path:
    from imp_desktop.paths import data_dir

    return data_dir() / "logs"


def log_path() -> Path:
    """The file the log is written to (``<data folder>/logs/imp-desktop.log`` unless
    ``setup_logging`` was given another folder)."""
    if _handler is not None:
        return Path(_handler.baseFilename)
    return _default_folder() / LOG_FILE_NAME


def log_files() -> list[Path]:
    """The current log and its rotated predecessors that exist, newest first."""
    current = log_path()
    candidates = [current] + [current.with_name(f"{current.name}.{n}")
                              for n in range(1, BACKUP_COUNT + 1)]
    return [path for path in candidates if path.is_file()]


def setup_logging(folder: Path | None = None) -> Path:
    """Send the program's log to the rotating file (once; a second call moves it)."""
    global _handler
    path = Path(folder or _default_folder()) / LOG_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    stop_logging()
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                  encoding="utf-8", delay=True)
    handler.setFormatter(_NikMask("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    _handler = handler
    return path


def stop_logging() -> None:
    global _handler
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
        _handler = None
