"""One way for the window to call the services, and one way to show what failed.

An operation (in the spirit of Anki's ``CollectionOp``/``QueryOp``)::

    op(self, lambda: service.save(data)).success(self._saved).failure(self._kept).run(
        writes=True, busy=self.save_button)

runs the service off the main thread through the one ``TaskRunner`` (writes on
its single writer thread), disables ``busy`` meanwhile, shows a progress dialog
when ``progress`` is a text (``fn`` then receives a ``progress(done, total)``
callback; a callable ``progress`` receives those calls itself) and calls
``success(result)`` back on the main thread. A quick write whose outcome the
caller needs at once (a dialog that stays open with what was typed) uses
``run_here()`` instead, which returns True when it succeeded, or ``call()``, which
returns the result (None when it failed).

Every failure goes to ``failure(exc)`` first (to put buttons back, or to show a
``ValidationError`` beside its fields: return True when it showed it), then to
``show_error``: a ``UserError`` shows its sentence; anything else is a bug,
written to the log with its traceback and shown as one "Terjadi kesalahan tak
terduga" dialog with "Salin detail". ``install_error_hooks()`` sends
``sys.excepthook``, ``threading.excepthook`` and Qt's own messages to the same
log. ``export_document`` is the one way to save a PDF from a screen.
"""
from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import (
    QStandardPaths,
    Qt,
    QThread,
    QtMsgType,
    QUrl,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME, __version__
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.i18n import tr
from imp_desktop.ui.tasks import task_runner

log = logging.getLogger("imp_desktop.ui")


# --- showing a failure ---------------------------------------------------------

def user_message(exc: UserError) -> str:
    """The sentence of a UserError; a ValidationError adds its problems as a list."""
    problems = [message for _, message in getattr(exc, "problems", None) or []
                if message and message != str(exc)]
    if isinstance(exc, ValidationError) and problems:
        return f"{exc}\n\n" + "\n".join(f"• {message}" for message in dict.fromkeys(problems))
    return str(exc)


def error_details(exc: BaseException) -> str:
    """The traceback of ``exc`` (the worker's, when it failed in a task), with the version."""
    text = getattr(exc, "traceback_text", None) or "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"{APP_NAME} {__version__}\n{text.rstrip()}"


def log_unexpected(exc: BaseException) -> str:
    """Write an unexpected error and its traceback to the log (once); return the details."""
    details = error_details(exc)
    if not getattr(exc, "logged", False):
        log.error("Unexpected error\n%s", details)
        try:
            exc.logged = True
        except AttributeError:      # an exception type without a __dict__
            pass
    return details


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """The one way a failure reaches the officer (and the log)."""
    if isinstance(exc, UserError):
        log.info("Shown to the user: %s", exc)
        QMessageBox.warning(parent, APP_NAME, user_message(exc))
        return
    details = log_unexpected(exc)
    UnexpectedErrorDialog(parent, details).exec()


class UnexpectedErrorDialog(QDialog):
    """"Terjadi kesalahan tak terduga": one sentence, and the details to copy."""

    def __init__(self, parent: QWidget | None, details: str):
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(APP_NAME)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        self.title = QLabel(f"<b>{tr('error.unexpected.title')}</b>")
        self.text = QLabel(tr("error.unexpected.text"))
        self.text.setWordWrap(True)
        self.copied = QLabel()
        texts = QVBoxLayout()
        texts.addWidget(self.title)
        texts.addWidget(self.text)
        texts.addWidget(self.copied)
        texts.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addLayout(texts, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(tr("error.unexpected.copy"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copied.setText(tr("error.unexpected.copied"))


# --- operations --------------------------------------------------------------------

class Operation:
    """A call from a widget to a service; build it with ``op(parent, fn)``."""

    def __init__(self, parent: QWidget | None, fn: Callable):
        self.parent = parent
        self.fn = fn
        self._on_success: Callable | None = None
        self._on_failure: Callable | None = None
        self._busy: list[QWidget] = []
        self._dialog: QProgressDialog | None = None
        self._cursor = False

    def success(self, callback: Callable) -> "Operation":
        """``callback(result)`` on the main thread when ``fn`` returned."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable) -> "Operation":
        """``callback(exc)`` first on any failure; returning True means it was shown."""
        self._on_failure = callback
        return self

    def run(self, *, writes: bool = False, progress: str | Callable | None = None,
            busy: QWidget | Iterable[QWidget] | None = None,
            wait_cursor: bool = False) -> QProgressDialog | None:
        """Run off the main thread; returns the progress dialog when one is shown."""
        self._set_busy(busy, wait_cursor)
        on_progress = None
        if isinstance(progress, str):
            self._dialog = _progress_dialog(self.parent, progress)
            on_progress = self._show_progress
        elif progress is not None:
            on_progress = progress
        task_runner().run(self.fn, self._succeed, self._fail, on_progress=on_progress,
                          writes=writes)
        return self._dialog

    def run_here(self, busy: QWidget | Iterable[QWidget] | None = None,
                 wait_cursor: bool = False) -> bool:
        """Run now on the main thread (a quick call); True when it succeeded."""
        self._set_busy(busy, wait_cursor)
        try:
            result = self.fn()
        except Exception as exc:  # every failure is shown: UserError or a logged bug
            self._fail(exc)
            return False
        self._succeed(result)
        return True

    def call(self, busy: QWidget | Iterable[QWidget] | None = None, wait_cursor: bool = False):
        """Run now on the main thread; ``fn``'s result, or None when it failed (shown)."""
        results = []
        then = self._on_success

        def keep(result) -> None:
            results.append(result)
            if then is not None:
                then(result)

        self._on_success = keep
        self.run_here(busy, wait_cursor)
        return results[0] if results else None

    def _set_busy(self, busy, wait_cursor: bool) -> None:
        if wait_cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self._cursor = True
        if busy is None:
            return
        self._busy = [busy] if isinstance(busy, QWidget) else list(busy)
        for widget in self._busy:
            widget.setEnabled(False)

    def _done(self) -> None:
        """Before any callback: buttons back, cursor back, progress dialog closed."""
        for widget in self._busy:
            widget.setEnabled(True)
        if self._cursor:
            QApplication.restoreOverrideCursor()
            self._cursor = False
        if self._dialog is not None:
            self._dialog.close()

    def _show_progress(self, done: int, total: int) -> None:
        self._dialog.setMaximum(max(total, 1))
        self._dialog.setValue(min(done, max(total, 1)))

    def _succeed(self, result) -> None:
        self._done()
        if self._on_success is not None:
            self._on_success(result)

    def _fail(self, exc: BaseException) -> None:
        self._done()
        if self._on_failure is not None and self._on_failure(exc) is True:
            if not isinstance(exc, UserError):
                log_unexpected(exc)
            return
        show_error(self.parent, exc)


def op(parent: QWidget | None, fn: Callable) -> Operation:
    return Operation(parent, fn)


def in_label(label: QLabel, focus: QWidget | None = None) -> Callable[[BaseException], bool]:
    """A ``failure`` callback for a form: a UserError's sentence goes into ``label``
    (and ``focus`` gets the focus) instead of a message box; anything else is shown
    the one way."""
    def show(exc: BaseException) -> bool:
        if not isinstance(exc, UserError):
            return False
        label.setText(str(exc))
        if focus is not None:
            focus.setFocus()
        return True
    return show


def _progress_dialog(parent: QWidget | None, title: str) -> QProgressDialog:
    dialog = QProgressDialog(title, None, 0, 0, parent)
    dialog.setWindowTitle(APP_NAME)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


# --- documents ---------------------------------------------------------------------

def document_file_name(text: str) -> str:
    """A file name from a document's title: ``Rekap Peran Bakti 2026-11`` →
    ``rekap-peran-bakti-2026-11.pdf``."""
    cleaned = re.sub(r"[^\w.-]+", "-", text.lower()).strip("-")
    return (cleaned or "laporan")[:80] + ".pdf"


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home()))


def work_folder() -> Path:
    """The one folder every save and open dialog starts in: Dokumen/IMP Desktop
    (documents, packages, backups, exports), made when first needed."""
    folder = documents_folder() / "IMP Desktop"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return documents_folder()
    return folder


def export_document(parent: QWidget, build: Callable[[], bytes], name: str, *,
                    title: str | None = None, path: str | Path | None = None,
                    choose_path: Callable[[str], str | None] | None = None,
                    open_after: bool = True, open_file: Callable[[str], object] | None = None,
                    on_started: Callable[[str], None] | None = None,
                    on_saved: Callable[[str], None] | None = None,
                    on_failed: Callable[[BaseException], object] | None = None,
                    busy: QWidget | Iterable[QWidget] | None = None) -> None:
    """The one way a screen saves a PDF.

    Unless ``path`` is given, asks where (``name``, a file name, suggested in the
    Documents folder; ``choose_path(suggested)`` stands in for the dialog in tests).
    ``build()`` makes the bytes off the main thread and ``services.reporting.write_pdf``
    writes them in one go; then ``on_saved(path)`` and, with ``open_after``, the
    system's viewer (or ``open_file(path)``). A failure goes to ``on_failed`` and is
    shown with ``show_error`` (a disk refusing the file is the officer's to fix).
    """
    from imp_desktop.services.reporting import write_pdf

    if path is None:
        folder = work_folder()     # the one folder documents are offered in
        suggested = str(Path(name) if Path(name).is_absolute() else folder / name)
        if choose_path is None:
            caption = (title or tr("document.save_title")).replace("&", "").rstrip("…")
            path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, "PDF (*.pdf)")
        else:
            path = choose_path(suggested)
        if not path:
            return
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")

    def work() -> str:
        target.parent.mkdir(parents=True, exist_ok=True)
        return str(write_pdf(build(), target))

    def saved(written: str) -> None:
        if on_saved is not None:
            on_saved(written)
        if open_after:
            opened = (open_file or (lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(p))))(
                written)
            if opened is False:     # no PDF viewer on this computer: say where the file is
                QMessageBox.information(parent, APP_NAME, tr("report.ui.no_viewer", path=written))

    def failed(exc: BaseException) -> bool:
        if isinstance(exc, OSError):    # the disk refused the file: the officer's to fix
            exc = UserError(tr("document.os_error", detail=exc.strerror or str(exc)))
        if on_failed is not None:
            on_failed(exc)
        show_error(parent, exc)
        return True

    if on_started is not None and on_started(str(target)) is False:
        return          # e.g. the officer cancelled a question asked after the path
    op(parent, work).success(saved).failure(failed).run(busy=busy)


# --- hooks: nothing goes unnoticed -----------------------------------------------------

_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
_showing = False


def _excepthook(kind, exc, tb) -> None:
    """An exception nobody caught (e.g. raised in a Qt slot): logged and shown."""
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc is None:
        exc = kind()
    if getattr(exc, "traceback_text", None) is None and tb is not None:
        try:
            exc.traceback_text = "".join(traceback.format_exception(kind, exc, tb))
        except AttributeError:
            pass
    app = QApplication.instance()
    on_main_thread = app is not None and QThread.currentThread() is app.thread()
    if not on_main_thread or _showing:
        log_unexpected(exc) if not isinstance(exc, UserError) else log.info("%s", exc)
        return
    _showing = True
    try:
        show_error(QApplication.activeWindow(), exc)
    except Exception:  # the dialog itself failed: at least the log has it
        log.exception("Showing an error failed")
    finally:
        _showing = False


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    log.error("Unexpected error in thread %s\n%s",
              getattr(args.thread, "name", "?"),
              "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                 args.exc_traceback)))


def _qt_message(kind, context, message: str) -> None:
    log.log(_QT_LEVELS.get(kind, logging.WARNING), "Qt: %s", message)


def install_error_hooks() -> None:
    """Send uncaught exceptions (main thread, other threads) and Qt's messages to the log."""
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
    qInstallMessageHandler(_qt_message)
