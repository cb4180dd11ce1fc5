"""Tab "Rekap": a desa or the whole kecamatan by classification and level, the
roles fulfilled, and the indicators most often unmet (where coaching is needed)."""
from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.formatting import format_number
from imp_desktop.i18n import language, tr
from imp_desktop.services import roles
from imp_desktop.ui.operations import document_file_name, export_document, in_label, op
from imp_desktop.ui.screens.roles.models import (
    recap_count_model,
    recap_role_model,
    recap_unit_model,
    recap_unmet_model,
)
from imp_desktop.ui.screens.roles.parts import table
from imp_desktop.ui.widgets import fill_combo

# --- the recap ------------------------------------------------------------------------------

class RecapPanel(QWidget):
    def __init__(self, screen: QWidget):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(screen)
        self.screen = screen
        self.stale = True
        self._ticket = 0
        self.recap: roles.Recap | None = None
        self.scope_box = QComboBox()
        self.scope_box.setObjectName("recapScope")
        self.scope_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_box = QComboBox()
        self.period_box.setMinimumContentsLength(16)
        self.scope_label, self.period_label = QLabel(), QLabel()
        self.scope_box.currentIndexChanged.connect(self.show_recap)
        self.period_box.currentIndexChanged.connect(self.show_recap)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_recap)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #44524c;")

        self.levels = recap_count_model(self)
        self.desa = recap_count_model(self)
        self.role_model = recap_role_model(self)
        self.unmet = recap_unmet_model(self)
        self.level_table = table(self.levels)
        self.desa_table = table(self.desa)
        self.role_table = table(self.role_model)
        self.unmet_table = table(self.unmet, 0)
        self.unmet_table.setWordWrap(True)
        self.unmet_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.unmet_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Interactive)
        self.unmet_table.horizontalHeader().resizeSection(1, 130)
        self.unmet_table.horizontalHeader().sectionResized.connect(
            lambda *_: self.unmet_table.resizeRowsToContents())
        self.level_title, self.desa_title, self.role_title, self.unmet_title = (
            QLabel(), QLabel(), QLabel(), QLabel())
        self.unit_model = recap_unit_model(self)
        self.unit_table = table(self.unit_model, 1)
        self.unit_table.setObjectName("recapUnits")
        self.unit_table.doubleClicked.connect(self._open_unit)
        self.class_filter = QComboBox()
        self.level_filter = QComboBox()
        self.class_filter.currentIndexChanged.connect(self._filter_units)
        self.level_filter.currentIndexChanged.connect(self._filter_units)
        self.unit_caption = QLabel()
        self.unit_ids_filter: set[int] | None = None
        units_page = QWidget()
        units_layout = QVBoxLayout(units_page)
        units_layout.setContentsMargins(0, 4, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.class_filter)
        filters.addWidget(self.level_filter)
        filters.addWidget(self.unit_caption, 1)
        units_layout.addLayout(filters)
        units_layout.addWidget(self.unit_table, 1)
        unmet_page = QWidget()
        unmet_layout = QVBoxLayout(unmet_page)
        unmet_layout.setContentsMargins(0, 4, 0, 0)
        unmet_layout.addWidget(self.unmet_title)
        unmet_layout.addWidget(self.unmet_table, 1)
        self.right_tabs = QTabWidget()
        role_page = QWidget()
        role_layout = QVBoxLayout(role_page)
        role_layout.setContentsMargins(0, 4, 0, 0)
        role_layout.addWidget(self.role_title)
        role_layout.addWidget(self.role_table, 1)
        self.right_tabs.addTab(unmet_page, "")
        self.right_tabs.addTab(units_page, "")
        self.right_tabs.addTab(role_page, "")
        for title in (self.level_title, self.desa_title, self.role_title, self.unmet_title):
            title.setStyleSheet("font-weight: 600; margin-top: 4px;")
        self.level_table.setMaximumHeight(130)

        left = QVBoxLayout()
        left.addWidget(self.level_title)
        left.addWidget(self.level_table)
        left.addWidget(self.desa_title)
        left.addWidget(self.desa_table, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(self.right_tabs, 1)

        bar = QHBoxLayout()
        bar.addWidget(self.scope_label)
        bar.addWidget(self.scope_box)
        bar.addSpacing(12)
        bar.addWidget(self.period_label)
        bar.addWidget(self.period_box)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.caption)
        layout.addLayout(columns, 1)
        self.retranslate()

    def reload(self) -> None:
        scopes = roles.recap_scopes()
        items = [(code, name if scope == "desa" else tr("role.recap.kecamatan", name=name))
                 for code, scope, name in scopes]
        fill_combo(self.scope_box, items, self.scope_box.currentData())
        for i, (_, scope, _) in enumerate(scopes):
            if scope == "desa":
                self.scope_box.setItemText(i, "    " + self.scope_box.itemText(i))
        periods = [roles.parse_period(key) for key in roles.assessed_periods()]
        keep = self.period_box.currentData()
        fill_combo(self.period_box, [(p.key, p.label()) for p in periods], keep)
        self.stale = False
        self.show_recap()

    def show_recap(self) -> None:
        """Compute the recap off the main thread (a district has thousands of units)."""
        code, period = self.scope_box.currentData(), self.period_box.currentData()
        self._ticket += 1
        if not code or not period:
            self.recap = None
            for model in (self.levels, self.desa, self.role_model, self.unmet,
                          self.unit_model):
                model.set_rows([])
            self.caption.setText(tr("role.recap.empty"))
            self.print_button.setEnabled(False)
            return
        ticket, lang = self._ticket, language()
        self.caption.setText(tr("role.recap.loading"))
        self.print_button.setEnabled(False)
        op(self, lambda: roles.recap(code, period, lang)).success(
            lambda recap: self._show(ticket, recap)).failure(
            lambda exc: self._failed(ticket, exc)).run()

    def _failed(self, ticket: int, exc: Exception) -> bool:
        if ticket != self._ticket:
            return True      # an older request: nobody waits for it any more
        return in_label(self.caption)(exc)

    def _show(self, ticket: int, recap: roles.Recap) -> None:
        if ticket != self._ticket:   # an older request answering late
            return
        self.recap = recap
        self.levels.set_rows(list(recap.by_level) + [recap.total])
        self.desa.set_rows(list(recap.by_desa) + ([recap.total] if recap.by_desa else []))
        self.desa_title.setVisible(bool(recap.by_desa))
        self.desa_table.setVisible(bool(recap.by_desa))
        self.role_model.set_rows(list(recap.roles))
        self.unmet.set_rows(list(recap.unmet))
        self.unmet_table.resizeRowsToContents()
        self._filter_units()
        versions = ", ".join(str(v) for v in recap.rule_versions) or "-"
        self.caption.setText(tr("role.recap.caption", assessed=format_number(recap.total.assessed),
                                total=format_number(recap.total.total),
                                period=recap.period_label, rules=versions))
        self.print_button.setEnabled(True)

    # --- the unit list and links from Beranda ---------------------------------------
    def _fill_unit_filters(self) -> None:
        from imp_desktop.services.settings import level_labels

        fill_combo(self.class_filter, [("all", tr("role.recap.all_classes"))]
                   + [(c, roles.classification_label(c)) for c in roles.CLASSIFICATIONS]
                   + [("none", roles.classification_label(None))],
                   self.class_filter.currentData() or "all")
        fill_combo(self.level_filter, [("all", tr("role.recap.all_levels"))]
                   + list(level_labels().items()),
                   self.level_filter.currentData() or "all")

    def _filter_units(self) -> None:
        rows = list(self.recap.units) if self.recap else []
        wanted = self.class_filter.currentData() or "all"
        level = self.level_filter.currentData() or "all"
        if wanted != "all":
            rows = [u for u in rows if (u.classification or "none") == wanted]
        if level != "all":
            rows = [u for u in rows if u.level == level]
        if self.unit_ids_filter is not None:
            rows = [u for u in rows if u.unit_id in self.unit_ids_filter]
        self.unit_model.set_rows(rows)
        self.unit_caption.setText(self._unit_note + tr("role.recap.unit_count",
                                                       count=format_number(len(rows))))

    _unit_note = ""

    def show_units(self, classification: str | None = "all", level: str | None = None,
                   unit_ids: set[int] | None = None, note: str = "") -> None:
        """Show the unit list filtered (used by the links on Beranda)."""
        self.class_filter.blockSignals(True)
        self.class_filter.setCurrentIndex(max(self.class_filter.findData(
            "none" if classification is None else classification), 0))
        self.class_filter.blockSignals(False)
        self.level_filter.blockSignals(True)
        self.level_filter.setCurrentIndex(max(self.level_filter.findData(level or "all"), 0))
        self.level_filter.blockSignals(False)
        self.unit_ids_filter = unit_ids
        self._unit_note = f"{note} " if note else ""
        self.right_tabs.setCurrentIndex(1)
        self._filter_units()

    def _open_unit(self, index) -> None:
        row = self.unit_model.row_at(index.row()) if index.isValid() else None
        if row is not None and self.recap is not None:
            self.screen.open_unit(row.desa_code, row.unit_id, self.recap.period)

    def print_recap(self) -> None:
        recap = self.recap
        if recap is None:
            return
        from imp_desktop.services import reporting

        from imp_desktop.ui.tte_ui import sign_when_set

        signing: dict = {}   # the officer's signature, when Pengaturan › Dokumen says so
        # Exactly the recap on screen (any kecamatan, month or quarter).
        export_document(
            self, lambda: reporting.role_recap_pdf_from(recap, **signing),
            document_file_name(f"rekap-peran-bakti-{recap.region_name}-{recap.period}"),
            title=tr("role.print.recap_title"), open_after=False,
            on_started=sign_when_set(self, signing),
            on_saved=lambda path: self.screen.notify(tr("role.print.done", path=path)))

    def retranslate(self) -> None:
        self.scope_label.setText(tr("role.recap.scope"))
        self.period_label.setText(tr("role.pick.period"))
        self.print_button.setText(tr("role.action.print_recap"))
        self.level_title.setText(tr("role.recap.by_level"))
        self.desa_title.setText(tr("role.recap.by_desa"))
        self.role_title.setText(tr("role.recap.by_role"))
        self.unmet_title.setText(tr("role.recap.unmet"))
        self.right_tabs.setTabText(0, tr("role.recap.tab_unmet"))
        self.right_tabs.setTabText(1, tr("role.recap.tab_units"))
        self.right_tabs.setTabText(2, tr("role.recap.tab_roles"))
        self.unit_table.setToolTip(tr("role.recap.units_tip"))
        self._fill_unit_filters()
        for model in (self.levels, self.desa, self.role_model, self.unmet, self.unit_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        if self.recap is not None or not self.stale:
            self.show_recap()


