"""Backups in the window: the automatic one at start, the Pengaturan page
"Cadangan & Kirim Data", and restoring (also offered for a damaged file).

Slow work (backup, restore) runs as an operation (``ui/operations.py``) behind a
progress dialog; the services do everything, this module only asks and shows.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import UserError
from imp_desktop.formatting import format_number
from imp_desktop.i18n import tr
from imp_desktop.ui.list_model import RowListModel
from imp_desktop.ui.operations import op, work_folder
from imp_desktop.ui.package_dialogs import PackagePanel
from imp_desktop.ui.widgets import table_view

BACKUP_FILTER = "IMP Desktop (*.zip);;*"


def start_auto_backup(window) -> None:
    """The rolling backup at start, in the background; reported in the status bar."""
    from imp_desktop.services.backup import auto_backup_if_due

    def done(result):
        if result.made is not None:
            window.statusBar().showMessage(tr("backup.auto_done", when=result.made.label), 8000)

    def in_the_status_bar(exc) -> bool:
        if not isinstance(exc, UserError):
            return False       # a bug: logged and shown like any other
        window.statusBar().showMessage(tr("backup.auto_failed", detail=str(exc)), 15000)
        return True

    op(window, auto_backup_if_due).success(done).failure(in_the_status_bar).run()


def restore_damaged_file(parent, backup: Path, db_path: str) -> bool:
    """Restore the offered backup over a file that was refused as damaged."""
    from imp_desktop.services.backup import restore

    answer = QMessageBox.question(parent, APP_NAME, tr("backup.confirm_restore_damaged",
                                                       path=str(db_path)))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    return op(parent, lambda: restore(backup, db_path)).success(
        lambda result: QMessageBox.information(parent, APP_NAME, _restored_text(result))
    ).run_here(wait_cursor=True)


def _restored_text(result) -> str:
    from imp_desktop.services.backup import restored_text

    return restored_text(result)


class BackupListModel(RowListModel):
    """The automatic and safety backups next to the open database."""

    COLUMNS = ("backup.col.when", "backup.col.kind", "backup.col.size", "backup.col.photos")

    def reload(self) -> None:
        from imp_desktop.services.backup import list_backups

        try:
            rows = list_backups()
        except UserError:   # no open database file: nothing to list
            rows = []
        self.set_rows(rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        info = self.row_at(index)
        if info is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return info.label
            if column == 1:
                from imp_desktop.services.backup import is_automatic

                key = "auto" if is_automatic(info) else "safety"
                return tr(f"backup.kind.{key}")
            if column == 2:
                return f"{format_number(info.database_bytes / 1_048_576, 1)} MB"
            return format_number(info.media_files)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(info.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BackupPage(QWidget):
    """Pengaturan › Cadangan & Kirim Data."""

    title_key = "safety.page"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)

        self.backup_box = QGroupBox()
        box = QVBoxLayout(self.backup_box)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        box.addWidget(self.explain)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(clicked=self.backup_now)
        self.restore_file_button = QPushButton(clicked=self.restore_from_file)
        self.restore_selected_button = QPushButton(clicked=self.restore_selected)
        for button in (self.backup_button, self.restore_file_button,
                       self.restore_selected_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.keep_label = QLabel()
        self.keep = QSpinBox()
        self.keep.setRange(1, 100)
        self.keep.valueChanged.connect(self._keep_changed)
        self.keep_label.setBuddy(self.keep)
        buttons.addWidget(self.keep_label)
        buttons.addWidget(self.keep)
        box.addLayout(buttons)
        self.model = BackupListModel(self)
        self.table = table_view(self.model, editable=True, alternating=False,
                                columns="stretch")
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        box.addWidget(self.table, 1)
        layout.addWidget(self.backup_box, 1)

        self.package_panel = PackagePanel(self)
        layout.addWidget(self.package_panel)
        self.retranslate()

    # --- Pengaturan page protocol ------------------------------------------
    def refresh(self) -> None:
        from imp_desktop.services.backup import keep_count

        self.keep.blockSignals(True)
        try:
            self.keep.setValue(keep_count())
        finally:
            self.keep.blockSignals(False)
        self.model.reload()
        self.package_panel.refresh()

    def retranslate(self) -> None:
        self.backup_box.setTitle(tr("backup.box"))
        self.explain.setText(tr("backup.explain"))
        self.backup_button.setText(tr("backup.button.now"))
        self.restore_file_button.setText(tr("backup.button.restore_file"))
        self.restore_selected_button.setText(tr("backup.button.restore_selected"))
        self.keep_label.setText(tr("backup.keep"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)
        self.package_panel.retranslate()

    # --- actions -------------------------------------------------------------
    def _keep_changed(self, value: int) -> None:
        from imp_desktop.services.backup import set_keep_count

        op(self, lambda: set_keep_count(value)).run_here()

    def backup_now(self) -> None:
        from imp_desktop.services.backup import backup_to_folder

        folder = QFileDialog.getExistingDirectory(self, tr("backup.choose_folder"),
                                                  str(work_folder()))
        if not folder:
            return
        op(self, lambda progress: backup_to_folder(folder, progress)).success(
            self._backup_done).run(progress=tr("backup.working"))

    def _backup_done(self, info) -> None:
        self.model.reload()
        QMessageBox.information(self, APP_NAME, tr("backup.done", path=str(info.path),
                                                   photos=info.media_files))

    def restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("backup.button.restore_file"),
                                              str(work_folder()), BACKUP_FILTER)
        if path:
            self.restore(Path(path))

    def restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, APP_NAME, tr("backup.select_first"))
            return
        self.restore(self.model.rows[rows[0].row()].path)

    def restore(self, backup: Path) -> None:
        from imp_desktop.services.backup import current_file, read_backup_info

        op(self, lambda: (read_backup_info(backup), current_file())).success(
            lambda found: self._confirm_restore(backup, *found)).run_here()

    def _confirm_restore(self, backup: Path, info, db_path) -> None:
        answer = QMessageBox.question(self, APP_NAME, tr("backup.confirm_restore",
                                                         when=info.label, path=str(db_path)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._run_restore(backup, db_path)

    def _run_restore(self, backup: Path, db_path: Path) -> None:
        from imp_desktop.services.backup import restore
        from imp_desktop.services.encryption import KeyNotFound

        def key_missing(exc) -> bool:
            # A backup from another laptop or account: its recovery key opens it.
            if not isinstance(exc, KeyNotFound):
                return False
            from imp_desktop.ui.key_prompts import ask_recovery_key

            QMessageBox.information(self, APP_NAME, str(exc))
            if ask_recovery_key(self):
                self._run_restore(backup, db_path)
            return True

        window = self.window()
        op(self, lambda progress: restore(backup, db_path, progress)).success(
            lambda result: self._restored(window, db_path, result)).failure(key_missing).run(
            writes=True, progress=tr("backup.restoring"))

    def _restored(self, window, db_path, result) -> None:
        QMessageBox.information(self, APP_NAME, _restored_text(result))
        if hasattr(window, "switch_database"):
            window.switch_database(str(db_path))   # every screen reloads
        else:
            self.refresh()
