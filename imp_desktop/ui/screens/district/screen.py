"""The Kabupaten screen: the kabupaten view of one month (``services/district``).

At the district office (PostgreSQL) it covers every kecamatan of the
kabupaten; on an officer's laptop only the officer's own kecamatan. The view
is counted off the main thread; F5 counts again (other staff's merges show
then). Ctrl+P saves it as PDF; "Simpan Excel…" as XLSX.
"""
from __future__ import annotations

import datetime as dt
import re

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.errors import UserError
from imp_desktop.formatting import format_month, format_number
from imp_desktop.i18n import tr
from imp_desktop.services import district
from imp_desktop.ui.screens.base import Screen
from imp_desktop.ui.screens.district.models import DistrictTableModel
from imp_desktop.ui.operations import op, work_folder


def recent_months(today: dt.date | None = None, count: int = 13) -> list[str]:
    today = today or dt.date.today()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


class DistrictScreen(Screen):
    title_key = "nav.district"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = None
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        self.period_label = QLabel()
        self.period = QComboBox()
        self.period.setObjectName("districtPeriod")
        for key in recent_months():
            year, month = map(int, key.split("-"))
            self.period.addItem(format_month(year, month), key)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.pdf_button = QPushButton(clicked=self.print_document)
        self.xlsx_button = QPushButton(clicked=self.save_xlsx)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.models: dict[str, DistrictTableModel] = {}
        self.tables: dict[str, QTableView] = {}
        for key in ("handover", "cadres", "units", "roles", "activities", "monthly"):
            model = DistrictTableModel(self)
            table = QTableView()
            table.setObjectName(f"district_{key}")
            table.setModel(model)
            table.setAlternatingRowColors(True)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(0, 200)
            table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
            self.models[key], self.tables[key] = model, table
            self.tabs.addTab(table, "")
        top = QHBoxLayout()
        top.addWidget(self.period_label)
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.scope_label)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self._generation = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(tr("nav.district"))
        self.period_label.setText(tr("district.ui.period"))
        self.pdf_button.setText(tr("district.ui.pdf"))
        self.xlsx_button.setText(tr("district.ui.xlsx"))
        for index, key in enumerate(self.models):
            self.tabs.setTabText(index, tr(f"district.sheet.{key}"))
        if self.view is not None:
            self._show(self.view)

    def selected_period(self) -> str:
        return self.period.currentData()

    def refresh(self) -> None:
        """Count again (F5): what other staff merged since shows now."""
        self._generation += 1
        generation, period = self._generation, self.selected_period()
        self.status.setText(tr("district.ui.counting"))
        self.status.show()
        (op(self, lambda: district.district_view(period))
         .success(lambda view: self._counted(generation, view))
         .failure(lambda exc: self._failed(generation, exc))
         .run())

    def _counted(self, generation: int, view) -> None:
        if generation != self._generation:
            return
        self.view = view
        self._show(view)

    def _failed(self, generation: int, exc: Exception) -> bool:
        """A sentence goes into the status line (a bug is shown the one way)."""
        if not isinstance(exc, UserError):
            return False
        if generation == self._generation:
            self.view = None
            for model in self.models.values():
                model.set_table(type("T", (), {"header": [], "rows": [], "total": None})())
            self.status.setText(str(exc))
            self.status.show()
        return True

    def _show(self, view) -> None:
        for table in district.district_tables(view):
            self.models[table.key].set_table(table)
        self.scope_label.setText(tr(f"district.ui.scope.{view.scope}", name=view.region_name,
                                    count=len(view.rows)))
        arrived = sum(1 for r in view.rows if r.this_month)
        self.status.setText(tr("district.ui.summary", arrived=arrived, total=len(view.rows),
                               period=view.period_label,
                               cadres=format_number(view.total.cadre_total)))

    def _save_path(self, suffix: str, filter_text: str) -> str | None:
        name = re.sub(r"[^\w.-]+", "-", f"{tr('district.report.title')} {self.selected_period()}")
        path, _ = QFileDialog.getSaveFileName(self, tr("district.ui.save_as"),
                                              str(work_folder() / (name.lower() + suffix)),
                                              filter_text)
        return path or None

    def print_document(self) -> None:
        """Ctrl+P: the view as a PDF."""
        if self.view is None:
            return
        path = self._save_path(".pdf", "PDF (*.pdf)")
        if path:
            self._write(lambda: self._write_pdf(self.view, path))

    def save_xlsx(self) -> None:
        if self.view is None:
            return
        path = self._save_path(".xlsx", "Excel (*.xlsx)")
        if path:
            view = self.view
            self._write(lambda: district.district_xlsx(view, path))

    @staticmethod
    def _write_pdf(view, path):
        from imp_desktop.services.reporting import write_pdf

        return write_pdf(district.district_view_pdf(view), path)

    def _write(self, work) -> None:
        def done(path) -> None:
            self.notify(tr("district.written", period=self.view.period_label, path=str(path)))

        op(self, work).success(done).run(wait_cursor=True)
