"""The cadre import, step by step: file, column mapping with preview, report, import.

Reading, checking and writing run off the main thread (``task_runner``) with
a progress bar; nothing is written before the user presses Import on a
report without errors, and then all rows are written in one transaction.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.i18n import tr
from imp_desktop.services.cadre_import import (
    FIELDS,
    ImportReport,
    SheetTable,
    check_import,
    guess_mapping,
    read_table,
    write_import,
)
from imp_desktop.ui.operations import in_label, op

PAGE_FILE, PAGE_MAPPING, PAGE_REPORT = range(3)
MAX_REPORT_LINES = 2000


class ImportWizard(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("wizard.title"))
        self.table: SheetTable | None = None
        self.report: ImportReport | None = None
        self.imported = 0
        self.busy = False

        # Step 1: the file.
        self.path = QLineEdit()
        self.path.setPlaceholderText(tr("wizard.file.placeholder"))
        browse = QPushButton(tr("wizard.file.browse"))
        browse.clicked.connect(self.choose_file)
        file_page = QWidget()
        file_layout = QVBoxLayout(file_page)
        intro = QLabel(tr("wizard.file.intro"))
        intro.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        file_layout.addWidget(intro)
        file_layout.addLayout(row)
        file_layout.addStretch(1)

        # Step 2: which column holds what, with a preview.
        self.mapping_intro = QLabel()
        self.mapping_intro.setWordWrap(True)
        self.preview = QTableWidget()
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.combos: list[QComboBox] = []
        mapping_page = QWidget()
        mapping_layout = QVBoxLayout(mapping_page)
        mapping_layout.addWidget(self.mapping_intro)
        mapping_layout.addWidget(self.preview, 1)

        # Step 3: the row-by-row report.
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.lines = QTableWidget(0, 4)
        self.lines.verticalHeader().setVisible(False)
        self.lines.setWordWrap(True)
        self.lines.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.lines.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((70, 110, 130)):
            self.lines.setColumnWidth(column, width)
        report_page = QWidget()
        report_layout = QVBoxLayout(report_page)
        report_layout.addWidget(self.summary)
        report_layout.addWidget(self.lines, 1)

        self.pages = QStackedWidget()
        for page in (file_page, mapping_page, report_page):
            self.pages.addWidget(page)
        self.progress = QProgressBar()
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.back_button = QPushButton(tr("wizard.back"))
        self.next_button = QPushButton(tr("wizard.next"))
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton(tr("cadre.dialog.cancel"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(1000, 600)
        self._update_buttons()

    # --- navigation -----------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("wizard.file.browse"), str(Path.home()),
                                              tr("wizard.file.filter"))
        if path:
            self.path.setText(path)

    def _update_buttons(self) -> None:
        page = self.pages.currentIndex()
        self.back_button.setEnabled(page > PAGE_FILE and not self.busy)
        self.cancel_button.setEnabled(not self.busy)
        if page == PAGE_REPORT:
            ready = bool(self.report and self.report.ok)
            count = len(self.report.rows) if self.report else 0
            self.next_button.setText(tr("wizard.import", count=count))
            self.next_button.setEnabled(ready and not self.busy)
        else:
            self.next_button.setText(tr("wizard.next"))
            self.next_button.setEnabled(not self.busy)

    def back(self) -> None:
        self.message.clear()
        self.pages.setCurrentIndex(max(self.pages.currentIndex() - 1, 0))
        self._update_buttons()

    def next(self) -> None:
        self.message.clear()
        page = self.pages.currentIndex()
        if page == PAGE_FILE:
            self.load_file(self.path.text().strip())
        elif page == PAGE_MAPPING:
            self.check()
        else:
            self.write()

    def _start(self) -> None:
        self.busy = True
        self.progress.setRange(0, 0)
        self.progress.show()
        self._update_buttons()

    def _stop(self) -> None:
        self.busy = False
        self.progress.hide()
        self._update_buttons()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, exc: BaseException) -> bool:
        """A refused file or import is explained on the page; a bug is shown the one way."""
        self._stop()
        return in_label(self.message)(exc)

    # --- step 1 -> 2 ------------------------------------------------------------------
    def load_file(self, path: str) -> None:
        if not path:
            self.message.setText(tr("wizard.file.none"))
            return
        self._start()
        op(self, lambda: read_table(path)).success(self._loaded).failure(self._failed).run()

    def _loaded(self, table: SheetTable) -> None:
        self._stop()
        self.table = table
        self.mapping_intro.setText(tr("wizard.mapping.intro", row=table.header_row,
                                      file=Path(table.path).name))
        headers = table.headers
        preview = table.preview()
        self.preview.clear()
        self.preview.setColumnCount(len(headers))
        self.preview.setRowCount(len(preview) + 1)
        self.preview.setHorizontalHeaderLabels([h or "—" for h in headers])
        self.combos = []
        for column, key in enumerate(guess_mapping(table)):
            combo = QComboBox()
            combo.addItem(tr("wizard.mapping.ignore"), None)
            for field in FIELDS:
                combo.addItem(tr(f"import.field.{field}"), field)
            combo.setCurrentIndex(max(combo.findData(key), 0))
            self.preview.setCellWidget(0, column, combo)
            self.combos.append(combo)
            self.preview.setColumnWidth(column, 150)
        for row, values in enumerate(preview, start=1):
            for column, value in enumerate(values[:len(headers)]):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.preview.setItem(row, column, item)
        self.preview.setRowHeight(0, 32)
        self.pages.setCurrentIndex(PAGE_MAPPING)
        self._update_buttons()

    def mapping(self) -> list[str | None]:
        return [combo.currentData() for combo in self.combos]

    # --- step 2 -> 3 ------------------------------------------------------------------
    def check(self) -> None:
        table, mapping = self.table, self.mapping()
        self._start()
        op(self, lambda progress: check_import(table, mapping, progress)).success(
            self._checked).failure(self._failed).run(progress=self._progress)

    def _checked(self, report: ImportReport) -> None:
        self._stop()
        self.report = report
        text = report.summary()
        if report.errors:
            text += " " + tr("wizard.report.fix")
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #b3261e;" if report.errors else "")
        self._fill_report(report)
        self.pages.setCurrentIndex(PAGE_REPORT)
        self._update_buttons()

    def _fill_report(self, report: ImportReport) -> None:
        entries = [(str(p.row), tr("import.report.error") if p.error else
                    tr("import.report.warning"),
                    tr(f"import.field.{p.field}") if p.field else "", p.message)
                   for p in sorted(report.problems, key=lambda p: (p.row, not p.error))]
        entries += [(str(row), tr("import.report.skipped"), "", reason)
                    for row, reason in report.skipped]
        if not entries:
            entries = [("", "", "", tr("wizard.report.clean"))]
        shown = entries[:MAX_REPORT_LINES]
        if len(entries) > len(shown):
            shown.append(("", "", "", tr("wizard.report.more", count=len(entries) - len(shown))))
        self.lines.setHorizontalHeaderLabels([tr("wizard.report.row"), tr("wizard.report.kind"),
                                              tr("wizard.report.field"),
                                              tr("wizard.report.reason")])
        self.lines.setRowCount(len(shown))
        for row, values in enumerate(shown):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if values[1] == tr("import.report.error"):
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.lines.setItem(row, column, item)
        if len(shown) <= 300:
            self.lines.resizeRowsToContents()

    def report_text(self) -> str:
        """What the report table shows, one line per row (for tests and copying)."""
        return "\n".join(" | ".join(self.lines.item(r, c).text() for c in range(4))
                         for r in range(self.lines.rowCount()))

    # --- step 3: write ----------------------------------------------------------------
    def write(self) -> None:
        report = self.report
        if report is None or not report.ok:
            return
        self._start()
        op(self, lambda progress: write_import(report, progress)).success(
            self._written).failure(self._failed).run(progress=self._progress, writes=True)

    def _written(self, count: int) -> None:
        self._stop()
        self.imported = count
        self.accept()

    def reject(self) -> None:
        if self.busy:      # a running task finishes first; nothing half-done is left
            return
        super().reject()

    @classmethod
    def run(cls, parent: QWidget | None) -> int:
        """Show the wizard; the number of cadres imported (0 when cancelled)."""
        wizard = cls(parent)
        wizard.exec()
        return wizard.imported
