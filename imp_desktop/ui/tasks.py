"""The one helper that runs slow work off the main thread.

``task_runner().run(fn, on_done, on_error)`` runs ``fn`` in a worker thread and
calls ``on_done(result)`` or ``on_error(exception)`` back on the main thread. The
runnable is kept referenced until it has reported, so nothing is destroyed
while it still runs. Work that writes to the database goes through a
single-thread pool so writes never overlap.

Screens do not call it directly: ``imp_desktop.ui.operations.op`` builds on it
and shows failures the one way. An unexpected failure's traceback is written
to the log here, in the worker, as it is caught; a failure nobody handles goes
to ``sys.excepthook`` (the window's hook logs and shows it).
"""
from __future__ import annotations

import logging
import sys
import traceback
from imp_desktop.errors import UserError
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from imp_desktop.errors import UserError

log = logging.getLogger("imp_desktop.ui.tasks")


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Task(QRunnable):
    def __init__(self, fn: Callable, with_progress: bool):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.with_progress = with_progress
        self.signals = _Signals()

    @Slot()
    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(lambda done, total: self.signals.progress.emit(done, total))
            else:
                result = self.fn()
        except Exception as exc:  # reported to the caller on the main thread
            from imp_desktop.services.maintenance import explain_failure

            # A busy, full or read-only database is a sentence, not a bug.
            explained = explain_failure(exc) if not isinstance(exc, UserError) else None
            if explained is not None and explained is not exc:
                explained.__cause__ = exc
                exc = explained
            exc.traceback_text = traceback.format_exc()
            if not isinstance(exc, UserError):
                log.error("Unexpected error in a task\n%s", exc.traceback_text)
                exc.logged = True
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._running: set[_Task] = set()

    def run(self, fn: Callable, on_done: Callable | None = None,
            on_error: Callable | None = None, *, on_progress: Callable | None = None,
            writes: bool = False) -> None:
        task = _Task(fn, with_progress=on_progress is not None)
        self._running.add(task)

        def finish(callback, value):
            self._running.discard(task)
            if callback:
                callback(value)

        task.signals.finished.connect(lambda result: finish(on_done, result))
        task.signals.failed.connect(lambda exc: finish(on_error or _unhandled, exc))
        if on_progress:
            task.signals.progress.connect(on_progress)
        (self._writer if writes else self._readers).start(task)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for all work to finish (used at quit and by tests)."""
        return self._readers.waitForDone(msecs) and self._writer.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)


def _unhandled(exc: BaseException) -> None:
    """A failure the caller gave no ``on_error`` for: to the excepthook, never dropped."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


_runner: TaskRunner | None = None


def task_runner() -> TaskRunner:
    global _runner
    if _runner is None:
        _runner = TaskRunner()
    return _runner


def shutdown_tasks(msecs: int = 30000) -> None:
    """Wait for the work still running and destroy the pools while Qt is alive.

    Called when the application quits (and at the end of a test run). Left to
    the interpreter's exit, the thread pools would be destroyed after the
    application object, in no fixed order, and that crashes or hangs the
    process after everything has been saved.
    """
    global _runner
    if _runner is None:
        return
    runner, _runner = _runner, None
    runner.wait(msecs)
    import shiboken6

    if shiboken6.isValid(runner):
        shiboken6.delete(runner)
