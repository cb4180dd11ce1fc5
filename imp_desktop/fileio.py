"""Writing files safely: whole or not at all, private, never over the open database.

- ``atomic_write(path)`` (a context manager giving a binary handle) and
  ``write_bytes_atomically(path, data)``: the data goes to a temporary file
  beside ``path`` (``.<name>.<pid>.imp-part``), is flushed to the disk and
  renamed over ``path`` only when complete. A power cut or a killed program
  never leaves a half-written file under the real name. The file is created
  0600 on POSIX (``mkstemp``): backups, packages, exports and reports hold
  personal data (NIKs).
- ``remove_leftovers(folder)``: temporary files a killed program left in a
  folder (its process is gone) are deleted; every atomic write does this for
  its folder first, and the program does it at start for the database's
  folders and the local temporary folder (``cleanup_at_start``).
- ``refuse_database_target(out, db_path)``: an ``--out`` that names the open
  database, its ``-wal``/``-shm``/``-journal``/``.lock`` file or a file in its
  photo folder is refused before anything is written.
- ``disk_full(exc)``: an OSError or SQLite error meaning "no space left".

No Qt here: used by the data layer, the services and the command line.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.permissions import (  # noqa: F401  (re-exported: one place for file helpers)
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    make_private,
    private_folder,
    tighten,
)

TEMP_SUFFIX = ".imp-part"
# Staging folders in the local temporary folder: ``imp-backup-<pid>-…``.
STAGING_PREFIXES = ("imp-backup-", "imp-restore-")
SIDECARS = ("-wal", "-shm", "-journal", ".lock")
# On a system where we cannot ask whether a process lives, a leftover is old after this.
_STALE_SECONDS = 24 * 3600
# Tests set this to a step name to make the process kill itself there (``crash_point``).
CRASH_ENV = "IMP_CRASH_AT"


class DiskFull(UserError):
    """No space left on the disk (or the medium) being written."""


_crash_counts: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL at step ``name`` when ``IMP_CRASH_AT`` names it.

    ``IMP_CRASH_AT=name`` kills the first time the step is reached,
    ``name#N`` the N-th time. The crash tests use it to stop a child at a known
    point instead of after a guessed delay; in normal use the variable is
    unset and this does nothing.
    """
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    step, _, count = wanted.partition("#")
    if step != name:
        return
    _crash_counts[name] = _crash_counts.get(name, 0) + 1
    if _crash_counts[name] >= int(count or 1):
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def disk_full(exc: BaseException) -> bool:
    """True for "no space left on device" and SQLite's "database or disk is full"."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return True
    text = str(exc).lower()
    return "database or disk is full" in text or "no space left on device" in text


def disk_full_error(where: str | Path | None = None) -> DiskFull:
    if where:
        return DiskFull(tr("file.error.disk_full_at", path=str(where)))
    return DiskFull(tr("file.error.disk_full"))


def read_chosen_file(path: str | Path, message: str) -> bytes:
    """The bytes of a file the officer chose (to import, verify, trust, merge). One
    that cannot be read is a UserError: ``message``, a text key given ``path`` and
    the system's ``detail``."""
    path = Path(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(tr(message, path=str(path), detail=exc.strerror or str(exc))) from exc


def write_error(path: Path, exc: OSError) -> UserError:
    """The sentence for a file that could not be written."""
    if disk_full(exc):
        return disk_full_error(path.parent)
    if exc.errno == errno.EROFS:
        return UserError(tr("file.error.read_only_medium", path=str(path)))
    if isinstance(exc, PermissionError):
        return UserError(tr("file.error.denied", path=str(path)))
    return UserError(tr("file.error.write", path=str(path), detail=exc.strerror or str(exc)))


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - no cheap, safe probe: the caller ages instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftover_pid(name: str) -> int | None:
    """The process number in a temporary name (``.<file>.<pid>.<random>.imp-part`` or
    ``imp-backup-<pid>-<random>``), or None if the name is not one of ours."""
    if name.startswith(".") and name.endswith(TEMP_SUFFIX):
        parts = name[:-len(TEMP_SUFFIX)].rsplit(".", 2)
        pid = parts[1] if len(parts) == 3 else ""
    else:
        prefix = next((p for p in STAGING_PREFIXES if name.startswith(p)), None)
        if prefix is None:
            return None
        pid = name[len(prefix):].split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def _is_stale(path: Path, pid: int | None) -> bool:
    if pid is None:
        return False
    if os.name == "nt":  # pragma: no cover
        try:
            return time.time() - path.stat().st_mtime > _STALE_SECONDS
        except OSError:
            return False
    return not _pid_alive(pid)


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Delete temporary files (and staging folders) that a killed program left in ``folder``."""
    folder = Path(folder)
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.is_dir() != entry.name.startswith(STAGING_PREFIXES):
            continue
        pid = _leftover_pid(entry.name)
        if not _is_stale(entry, pid):
            continue
        try:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            continue
    return removed


def cleanup_at_start(db_path: str | Path | None) -> list[Path]:
    """What killed runs left: beside the database, in its photo and backup folders,
    and in the local temporary folder."""
    folders = [Path(tempfile.gettempdir())]
    if db_path:
        db_path = Path(db_path)
        folders += [db_path.parent, db_path.with_name(db_path.name + ".media"),
                    db_path.with_name(db_path.name + ".backups")]
    removed = []
    for folder in folders:
        removed += remove_leftovers(folder)
    return removed


def staging_folder(kind: str, parent: str | Path | None = None) -> Path:
    """A private folder for one run's work files (``imp-backup-<pid>-…``), in the local
    temporary folder unless ``parent`` is given; removed by the caller, or by
    ``cleanup_at_start`` after a crash."""
    return Path(tempfile.mkdtemp(prefix=f"imp-{kind}-{os.getpid()}-",
                                 dir=str(parent) if parent else None))


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# The data layer tells which file is the open database (``watch_database_file``);
# this module sits below it and never imports it.
_database_file: Callable[[], Path | None] = lambda: None


def watch_database_file(source: Callable[[], Path | None]) -> None:
    """Register the function that names the open database's file."""
    global _database_file
    _database_file = source


def open_database_file() -> Path | None:
    """The file of the database this program has open (None for PostgreSQL or none)."""
    return _database_file()


@contextmanager
def atomic_write(path: str | Path, *, guard: bool = True) -> Iterator[BinaryIO]:
    """Write ``path`` whole or not at all: ``with atomic_write(p) as handle: …``.

    The folder must exist (a missing one is a UserError naming it). Failures to
    write become a UserError sentence ("disk penuh" for a full disk); the
    temporary file is removed and an existing ``path`` stays as it was. With
    ``guard`` (the default; off only for the program's own photo store) a path
    naming the open database or one of its parts is refused.
    """
    path = Path(path)
    if guard:
        refuse_database_target(path, open_database_file())
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(tr("file.error.no_folder", path=str(folder)))
    if path.is_dir():
        raise UserError(tr("file.error.is_folder", path=str(path)))
    remove_leftovers(folder)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX,
                                    dir=folder)   # mkstemp: 0600 on POSIX
    except OSError as exc:
        raise write_error(path, exc) from exc
    temp = Path(temp)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        crash_point("atomic_write.before_rename")
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise write_error(path, exc) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def write_bytes_atomically(path: str | Path, data: bytes, *, guard: bool = True) -> Path:
    with atomic_write(path, guard=guard) as handle:
        handle.write(data)
    return Path(path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_database_target(out: str | Path, db_path: str | Path | None) -> None:
    """Refuse an output file that would overwrite the open database or its parts."""
    if db_path is None:
        return
    out = Path(out).expanduser()
    db_path = Path(db_path).expanduser()
    resolved_out = out.resolve()
    resolved_db = db_path.resolve()
    protected = [resolved_db] + [resolved_db.with_name(resolved_db.name + s) for s in SIDECARS]
    media = resolved_db.with_name(resolved_db.name + ".media")
    if (resolved_out in protected or _same_file(out, db_path)
            or any(_same_file(out, p) for p in protected[1:])
            or media in resolved_out.parents or resolved_out == media):
        raise UserError(tr("file.error.database_target", path=str(out), db=str(db_path)))
