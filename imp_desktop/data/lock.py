"""One program at a time per database file: a lock file next to it.

``<db>.lock`` holds who opened the file (computer, process, time) and is
kept locked by the operating system (``flock`` on POSIX, ``msvcrt.locking``
on Windows) for as long as the program has the database open. The OS drops
that lock when the process ends, however it ends, so a lock file left behind
by a crash or a power cut is stale and simply taken over: only a live lock
means "in use".
"""
from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

_LOCK_OFFSET = 4096   # Windows locks a byte range; lock one past the text we write


class DatabaseInUse(UserError):
    """Another running program has this database open."""


@dataclass
class LockOwner:
    host: str = "?"
    pid: int = 0
    since: str = ""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _try_lock(handle) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        handle.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    if os.name == "nt":  # pragma: no cover
        import msvcrt

        handle.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_owner(db_path: Path) -> LockOwner:
    try:
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8") or "{}")
        return LockOwner(str(data.get("host", "?")), int(data.get("pid", 0)),
                         str(data.get("since", "")))
    except (OSError, ValueError):
        return LockOwner()


def live_owner(db_path: Path) -> LockOwner | None:
    """Who holds the lock of ``db_path`` right now (a running program), or None.

    Only looks: the lock file is not written, and a free lock is let go at once.
    """
    path = lock_path(Path(db_path))
    try:
        handle = open(path, "r", encoding="utf-8")
    except OSError:
        return None
    try:
        if _try_lock(handle):
            _unlock(handle)
            return None
        return read_owner(Path(db_path))
    finally:
        handle.close()


class DatabaseLock:
    """The lock on one database file, held until ``release()``."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> "DatabaseLock":
        if self._handle is not None:
            return self
        from imp_desktop.data.models import utc_now

        handle = open(self.path, "a+", encoding="utf-8")
        if not _try_lock(handle):
            handle.close()
            owner = read_owner(self.db_path)
            raise DatabaseInUse(tr("lock.in_use", path=str(self.db_path), host=owner.host,
                                   pid=owner.pid, since=owner.since or "?"))
        # A stale lock file (crash, power cut) is simply taken over here.
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                                 "since": utc_now()}))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.seek(0)
            handle.truncate()
            _unlock(handle)
        finally:
            handle.close()
        # The emptied file stays: unlinking it could remove a lock another
        # process has just taken on it.

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
