"""The main window: navigation, menus and status bar. Screens do the work."""
from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from imp_desktop import APP_NAME, __version__
from imp_desktop.errors import UserError
from imp_desktop.i18n import on_language_changed, remove_language_listener, tr
from imp_desktop.ui.operations import op, show_error
from imp_desktop.ui.screens import SCREENS, ScreenEntry
from imp_desktop.ui.settings import UiSettings
from imp_desktop.ui.tasks import task_runner

DB_FILTER = "IMP Desktop (*.sqlite *.db);;*"


class MainWindow(QMainWindow):
    database_changed = Signal(str)

    def __init__(self, db_path: str, open_database, settings: UiSettings | None = None):
        """``open_database(path)`` opens a file (raising UserError); it is passed in
        so the window never imports the data layer itself."""
        super().__init__()
        self.settings = settings or UiSettings()
        self._open_database = open_database
        self.db_path = db_path
        self.screens: dict[str, QWidget] = {}
        # 1366x768 at 125% leaves about 1093x545 logical pixels inside a window.
        self.setMinimumSize(QSize(960, 520))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(165)   # leaves room for the screens at 125% scaling
        self.nav.setSpacing(2)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setStyleSheet(
            "#navigation { background: #f1f4f2; border: none; border-right: 1px solid #d5dbd7;"
            " font-size: 11pt; padding-top: 8px; }"
            "#navigation::item { padding: 8px 12px; border-radius: 4px; margin: 0 6px; }"
            "#navigation::item:selected { background: #1f7a4d; color: white; }"
            "#screenHeading { font-size: 15pt; font-weight: 600; margin-bottom: 6px; }")
        for entry in SCREENS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setSizeHint(QSize(140, 36))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_row)

        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self.retranslate()
        on_language_changed(self._language_changed)

        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 720)
        start = self.settings.last_screen
        keys = [entry.key for entry in SCREENS]
        self.nav.setCurrentRow(keys.index(start) if start in keys else 0)
        self._show_database()

    # --- menus -------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_action = QAction(self, shortcut=QKeySequence("Ctrl+Shift+N"),
                                  triggered=self.new_database)
        self.open_action = QAction(self, shortcut=QKeySequence.StandardKey.Open,
                                   triggered=self.choose_database)
        self.server_action = QAction(self, triggered=self.open_server_database)
        self.recent_menu = QMenu(self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.quit_action = QAction(self, shortcut=QKeySequence("Ctrl+Q"), triggered=self.close)
        self.file_menu.addAction(self.new_action)
        self.file_menu.addAction(self.open_action)
        self.file_menu.addAction(self.server_action)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        self.go_menu = bar.addMenu("")
        self.go_actions: list[QAction] = []
        for row, entry in enumerate(SCREENS):
            action = QAction(self, shortcut=QKeySequence(entry.shortcut))
            action.triggered.connect(lambda _=False, r=row: self.nav.setCurrentRow(r))
            self.go_menu.addAction(action)
            self.go_actions.append(action)

        # Standard actions: dispatched to the current screen (see Screen.supports).
        self.action_menu = bar.addMenu("")
        self.screen_actions: dict[str, QAction] = {}
        for name, key in (("new_record", QKeySequence.StandardKey.New),
                          ("save_record", QKeySequence.StandardKey.Save),
                          ("find", QKeySequence.StandardKey.Find),
                          ("print_document", QKeySequence.StandardKey.Print)):
            action = QAction(self, shortcut=QKeySequence(key))
            action.triggered.connect(lambda _=False, n=name: self.run_screen_action(n))
            self.action_menu.addAction(action)
            self.screen_actions[name] = action
        self.action_menu.addSeparator()
        self.refresh_action = QAction(self, shortcut=QKeySequence("F5"),
                                      triggered=lambda: self.current_screen().refresh())
        self.action_menu.addAction(self.refresh_action)

        self.help_menu = bar.addMenu("")
        self.guide_action = QAction(self, shortcut=QKeySequence("F1"), triggered=self.show_guide)
        self.help_menu.addAction(self.guide_action)
        self.report_problem_action = QAction(self, triggered=self.report_problem)
        self.help_menu.addAction(self.report_problem_action)
        self.help_menu.addSeparator()
        self.about_action = QAction(self, triggered=self.show_about)
        self.help_menu.addAction(self.about_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.switch_database(p))
        if not files:
            empty = self.recent_menu.addAction(tr("menu.recent.empty"))
            empty.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction(tr("menu.recent.clear"))
            clear.triggered.connect(self.settings.clear_recent_files)

    def retranslate(self) -> None:
        self.file_menu.setTitle(tr("menu.file"))
        self.new_action.setText(tr("menu.file.new"))
        self.open_action.setText(tr("menu.file.open"))
        self.server_action.setText(tr("menu.file.server"))
        self.recent_menu.setTitle(tr("menu.file.recent"))
        self.quit_action.setText(tr("menu.file.quit"))
        self.go_menu.setTitle(tr("menu.go"))
        for action, entry in zip(self.go_actions, SCREENS):
            action.setText(tr(entry.title_key))
        self.action_menu.setTitle(tr("menu.action"))
        for name, action in self.screen_actions.items():
            action.setText(tr(f"menu.action.{name}"))
        self.refresh_action.setText(tr("menu.action.refresh"))
        self.help_menu.setTitle(tr("menu.help"))
        self.guide_action.setText(tr("menu.help.guide"))
        self.report_problem_action.setText(tr("problem.menu"))
        self.about_action.setText(tr("menu.help.about"))
        for row, entry in enumerate(SCREENS):
            item = self.nav.item(row)
            item.setText(tr(entry.title_key))
            item.setToolTip(f"{tr(entry.title_key)} ({entry.shortcut})")
        for screen in self.screens.values():
            screen.retranslate()
        for dialog in (getattr(self, "guide_window", None),
                       getattr(self, "first_run_wizard", None)):
            if dialog is not None:
                dialog.retranslate()
        self._show_database()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    # --- screens -----------------------------------------------------------
    def _create_screen(self, entry: ScreenEntry) -> QWidget:
        module = importlib.import_module(entry.module)
        screen = getattr(module, entry.class_name)(self)
        self.screens[entry.key] = screen
        self.stack.addWidget(screen)
        return screen

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        entry = SCREENS[row]
        screen = self.screens.get(entry.key) or self._create_screen(entry)
        self.stack.setCurrentWidget(screen)
        screen.refresh()
        self.settings.last_screen = entry.key
        self._update_screen_actions()

    def _update_screen_actions(self) -> None:
        screen = self.current_screen()
        for name, action in self.screen_actions.items():
            action.setEnabled(hasattr(screen, "supports") and screen.supports(name))

    def run_screen_action(self, name: str) -> None:
        """Ctrl+N/S/F/P: the current screen does it, if it can."""
        screen = self.current_screen()
        if hasattr(screen, "supports") and screen.supports(name):
            getattr(screen, name)()

    def show_screen(self, key: str) -> QWidget:
        """Go to a screen by key and return it (used by other screens and tests)."""
        row = [entry.key for entry in SCREENS].index(key)
        self.nav.setCurrentRow(row)
        return self.screens[key]

    def current_screen(self) -> QWidget:
        return self.stack.currentWidget()

    # --- database ----------------------------------------------------------
    def _show_database(self) -> None:
        from imp_desktop.services.server import redact

        self.db_path = redact(self.db_path) if "://" in self.db_path else self.db_path
        name = Path(self.db_path).name if "://" not in self.db_path else self.db_path
        self.setWindowTitle(f"{name} — {APP_NAME}")
        self.db_label.setText(tr("status.database", path=self.db_path))
        self.db_label.setToolTip(self.db_path)

    def switch_database(self, path: str) -> bool:
        """Open another database; on failure keep the current one and say why."""
        if not self.screens_can_close():
            return False
        if not task_runner().wait(10000):
            show_error(self, UserError(tr("db.busy")))
            return False
        if not op(self, lambda: self._open_database(path)).failure(
                lambda exc: self._reopen_current()).run_here():
            return False
        self.db_path = path
        self.settings.add_recent_file(path)
        current = SCREENS[self.nav.currentRow()].key if self.nav.currentRow() >= 0 else None
        for screen in self.screens.values():
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens.clear()
        if current:
            self._show_row(self.nav.currentRow())
        self._show_database()
        self.database_changed.emit(path)
        self.statusBar().showMessage(tr("status.opened", path=path), 5000)
        self.check_first_run()
        return True

    def _reopen_current(self) -> None:
        """After another file was refused: back to the one that was open."""
        try:
            self._open_database(self.db_path)
        except UserError:   # it went away meanwhile; the refusal was already shown
            pass

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("menu.file.new"), str(Path.home()),
                                              DB_FILTER)
        if path:
            if not Path(path).suffix:
                path += ".sqlite"
            if Path(path).exists():
                show_error(self, UserError(tr("db.exists", path=path)))
                return
            self.switch_database(path)

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("menu.file.open"),
                                              str(Path(self.db_path).parent), DB_FILTER)
        if path:
            self.switch_database(path)

    def open_server_database(self) -> bool:
        from imp_desktop.ui.server_dialog import open_server_database

        return open_server_database(self)

    # --- first run -----------------------------------------------------------
    def check_first_run(self) -> bool:
        """Offer the setup on an empty database without an officer profile."""
        from imp_desktop.services.first_run import needs_setup

        if "://" in self.db_path or not needs_setup():
            return False
        self.open_first_run()
        return True

    def open_first_run(self, reopen: bool = False) -> None:
        """The setup wizard, window-modal but not blocking (``open()``)."""
        from imp_desktop.ui.first_run import FirstRunWizard

        wizard = getattr(self, "first_run_wizard", None)
        if wizard is not None and wizard.isVisible():
            wizard.raise_()
            return
        self.first_run_wizard = FirstRunWizard(self, reopen=reopen)
        self.first_run_wizard.finished.connect(self._first_run_finished)
        self.first_run_wizard.open()

    def _first_run_finished(self, _result: int) -> None:
        from imp_desktop.ui.first_run import CHOICE_DEMO, CHOICE_SETUP

        wizard = self.first_run_wizard
        if wizard.choice == CHOICE_DEMO:
            self.open_demo_database()
        elif wizard.choice == CHOICE_SETUP:
            self.statusBar().showMessage(tr("setup.saved"), 5000)
            self.current_screen().refresh()

    def open_demo_database(self) -> bool:
        """Build (once) the demo file next to the current database and open it."""
        from imp_desktop.services.first_run import demo_database_path, prepare_demo_database

        folder = Path(self.db_path).parent if "://" not in self.db_path else Path.home()
        path = demo_database_path(folder)
        if not task_runner().wait(10000):
            show_error(self, UserError(tr("db.busy")))
            return False
        if not op(self, lambda: prepare_demo_database(path, restore=self.db_path)).run_here(
                wait_cursor=True):
            return False
        return self.switch_database(str(path))

    def show_guide(self) -> None:
        """F1: the illustrated user guide, in a window of its own."""
        from imp_desktop.ui.help import GuideWindow

        if getattr(self, "guide_window", None) is None:
            self.guide_window = GuideWindow(self)
        self.guide_window.show()
        self.guide_window.raise_()
        self.guide_window.activateWindow()

    def report_problem(self) -> None:
        """Bantuan › Laporkan masalah: the zip (log, versions, schema) for the district."""
        from imp_desktop.ui.problem_dialog import ProblemReportDialog

        ProblemReportDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, tr("menu.help.about"),
                          tr("about.text", name=APP_NAME, version=__version__))

    def screens_can_close(self) -> bool:
        """Ask screens holding unsaved work (``can_close()``) before closing or
        switching the database; any of them may keep the window open."""
        return all(screen.can_close() for screen in self.screens.values()
                   if hasattr(screen, "can_close"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.screens_can_close():
            event.ignore()
            return
        task_runner().wait(10000)
        self.settings.save_window_geometry(self.saveGeometry())
        self.settings.sync()
        remove_language_listener(self._language_changed)
        super().closeEvent(event)
