"""Starting the window: the QApplication, the database and the main window."""
from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from imp_desktop import APP_ID, APP_NAME, __version__
from imp_desktop.errors import UserError
from imp_desktop.i18n import set_language, tr
from imp_desktop.paths import default_db_path


def open_database(path: str) -> None:
    """Open a file for the window. The quick check runs right after, in the
    background (``start_integrity_check``), so a large file opens at once."""
    from imp_desktop.services.maintenance import open_for_window

    open_for_window(path)


def start_integrity_check(window, on_sound=None) -> None:
    """Quick-check the window's database off the main thread; a damaged file
    is reported with the same choices as at start (restore the latest backup,
    choose another file, quit) and nothing more is written to it."""
    from imp_desktop.services.maintenance import verify_database_file
    from imp_desktop.ui.operations import op

    path = window.db_path

    def sound(_result) -> None:
        if on_sound is not None and window.db_path == path:
            on_sound()

    def damaged(exc: Exception) -> bool:
        if not isinstance(exc, UserError):
            return False        # a bug: logged and shown the one way
        if window.db_path != path:
            return True
        from imp_desktop.services.maintenance import close_current

        close_current()
        replacement = ask_about_refused_file(exc, path)
        if replacement is None:
            window.close()
            QApplication.instance().quit()
        else:
            window.switch_database(replacement)
        return True

    op(window, lambda: verify_database_file(path)).success(sound).failure(damaged).run()


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(APP_ID)
        QCoreApplication.setApplicationName(APP_ID)
        app = QApplication(argv or sys.argv[:1])
        app.setApplicationDisplayName(APP_NAME)
        app.setApplicationVersion(__version__)
        from imp_desktop.ui.qt_texts import install_standard_texts

        install_standard_texts(app)
    return app


def ask_about_refused_file(exc: UserError, path: str) -> str | None:
    """Explain why ``path`` was refused and return the file to try next
    (the same file after restoring its latest backup, or another one), or
    None when the user chose to quit."""
    from imp_desktop.services.encryption import KeyNotFound, KeyStoreUnavailable
    from imp_desktop.ui.key_prompts import ask_recovery_key, ensure_passphrase

    if isinstance(exc, KeyStoreUnavailable):
        return path if ensure_passphrase(None) else None
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, str(exc))
    if getattr(exc, "details", ""):
        box.setDetailedText(exc.details)      # behind "Rincian…"
    restore = None
    if getattr(exc, "latest_backup", None):
        restore = box.addButton(tr("backup.restore_latest"), QMessageBox.ButtonRole.ActionRole)
    recovery = None
    if isinstance(exc, KeyNotFound):
        recovery = box.addButton(tr("security.button.recovery"),
                                 QMessageBox.ButtonRole.ActionRole)
    choose = box.addButton(tr("db.choose_other"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("button.quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if recovery is not None and box.clickedButton() is recovery:
        ask_recovery_key(None)
        return path
    if restore is not None and box.clickedButton() is restore:
        from imp_desktop.ui.backup_dialogs import restore_damaged_file

        restore_damaged_file(None, exc.latest_backup, path)
        return path
    if box.clickedButton() is not choose:
        return None
    other, _ = QFileDialog.getOpenFileName(None, tr("menu.file.open"))
    return other or None


def open_first_database(path: str) -> str | None:
    """Open ``path``; when refused, explain and let the user choose another file."""
    while True:
        try:
            open_database(path)
            return path
        except UserError as exc:   # refused: the officer chooses what to open instead
            path = ask_about_refused_file(exc, path)
            if path is None:
                return None


def run_window(db_path: str | None = None) -> int:
    app = application()
    from imp_desktop.logs import setup_logging
    from imp_desktop.ui.operations import install_error_hooks

    try:
        setup_logging()
    except OSError:     # a read-only data folder: the program still runs, unlogged
        pass
    install_error_hooks()
    from imp_desktop.ui.main_window import MainWindow
    from imp_desktop.ui.settings import UiSettings

    settings = UiSettings()
    set_language(settings.language)
    path = open_first_database(db_path or default_db_path())
    if path is None:
        return 1
    settings.add_recent_file(path)
    window = MainWindow(path, open_database, settings)
    window.show()
    from imp_desktop.ui.backup_dialogs import start_auto_backup

    # The rolling backup waits for a sound check: a damaged file must never
    # push a good backup out of the rotation.
    start_integrity_check(window, on_sound=lambda: start_auto_backup(window))
    window.database_changed.connect(lambda _path: start_integrity_check(window))
    window.check_first_run()
    from imp_desktop.ui.tasks import shutdown_tasks

    app.aboutToQuit.connect(shutdown_tasks)
    code = app.exec()
    # The window goes while Qt is still alive, not in the interpreter's exit
    # (whose order of destruction can crash the process after a clean quit).
    import shiboken6

    if shiboken6.isValid(window):
        shiboken6.delete(window)
    return code
