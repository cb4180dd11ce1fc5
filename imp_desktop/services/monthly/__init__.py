"""Laporan bulanan: the units' monthly reports, their template, totals and coverage.

Every month each Kelompok KB reports to its Sub PPKBD, which reports to the
PPKBD, which reports to the officer (PKB) by a due day of the next month
(``monthly.due_day``, default the 3rd). This package holds every rule of it
(``periods``, ``templates``, ``figures``, ``entry``, ``coverage``, ``printouts``;
each imports only those before it):

- the **template** (sections and lines, in New SIGA's order) is versioned like
  the Peran Bakti catalogue: an edit makes a new version, a report keeps the
  version it was made with, and the version new reports use is a local
  setting (``monthly.template_in_use``);
- a **report** is one unit's figures for one month, by line key, with the
  date it arrived and draft/final. A desa's month is saved in one transaction
  and refused whole, with a message per cell, when a figure breaks a rule;
- lines of kind *carried* start from the unit's previous report; *computed*
  lines come from data the program holds (units, activities, attendance);
  *total* lines add other lines; cumulative ("to date") columns add the months
  from January: none of those is ever typed;
- **upward totals**: a unit's figure is the one it typed, else the sum of its
  units' (Kelompok KB -> Sub PPKBD -> PPKBD -> desa -> kecamatan). Where a
  unit typed its own figure and its units reported too, the difference is
  shown, never silently replaced;
- **coverage** (cakupan laporan): units that exist, reported, and reported by
  the due day, per desa and kecamatan, with the missing units and their
  PPKBD's phone number.

Everything returns plain dataclasses for the screen, the reports and the CLI.
"""
from __future__ import annotations

# The kinds of line and the unit levels, for the screens that show them.
from imp_desktop.data.models import (  # noqa: F401
    LEVEL_KELOMPOK,
    LINE_COMPUTED,
    LINE_KINDS,
    LINE_TOTAL,
    LINE_TYPED,
)
from imp_desktop.services.monthly.periods import (  # noqa: F401
    DEFAULT_DUE_DAY,
    DEFAULT_PAPER,
    DUE_DAY,
    LEVEL_ORDER,
    MAX_FIGURE,
    Month,
    PAPER,
    SECTIONS,
    SOURCES,
    TEMPLATE_IN_USE,
    due_date,
    due_day,
    month_choices,
    month_of,
    paper_size,
    parse_month,
    parse_received,
    set_due_day,
    set_paper_size,
)
from imp_desktop.services.monthly.templates import (  # noqa: F401
    Line,
    LineDraft,
    Template,
    TemplateVersion,
    check_template_draft,
    current_template,
    draft_signature,
    drafts_of,
    get_template,
    save_template,
    source_choices,
    template_versions,
    use_template,
)
from imp_desktop.services.monthly.figures import (  # noqa: F401
    DesaMonth,
    Figure,
    UnitMonth,
    UnitRef,
    desa_choices,
    desa_month,
    level_of,
    report_records,
    rollup,
)
from imp_desktop.services.monthly.entry import (  # noqa: F401
    Preview,
    UnitEntry,
    cell,
    check_entry,
    entry_of,
    finalize_month,
    preview,
    reopen_month,
    save_desa_month,
)
from imp_desktop.services.monthly.coverage import (  # noqa: F401
    Coverage,
    CoverageRow,
    LateUnit,
    MissingUnit,
    coverage,
    missing_reports,
    month_members,
)
from imp_desktop.services.monthly.printouts import (  # noqa: F401
    MonthlyRecap,
    RecapLine,
    ReportLine,
    UnitReport,
    monthly_recap,
    unit_report,
)
