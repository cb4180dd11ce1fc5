"""Laporan bulanan: the units' monthly reports, their template, totals and coverage.

Every month each Kelompok KB reports to its Sub PPKBD, which reports to the
PPKBD, which reports to the officer (PKB) by a due day of the next month
(``monthly.due_day``, default the 3rd). This module holds every rule of it:

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

import datetime as dt
import json
import re
import uuid as uuid_module
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from peewee import fn

from imp_desktop.data.audit import audited_delete, audited_update
from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LEVEL_SUB_PPKBD,
    LEVELS,
    LINE_CARRIED,
    LINE_COMPUTED,
    LINE_KINDS,
    LINE_TOTAL,
    LINE_TYPED,
    REPORT_DRAFT,
    REPORT_FINAL,
    Activity,
    ActivityType,
    Cadre,
    Hamlet,
    MonthlyLine,
    MonthlyReport,
    MonthlyTemplate,
    Participant,
    Region,
    Unit,
    database,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import MONTHS, format_date, format_number
from imp_desktop.i18n import language, tr
from imp_desktop.services.text import clean_spaces

TEMPLATE_IN_USE = "monthly.template_in_use"   # local setting: a template uuid
DUE_DAY = "monthly.due_day"                   # day of the next month reports are due
PAPER = "monthly.paper_size"                  # paper of the monthly printouts
DEFAULT_DUE_DAY = 3
DEFAULT_PAPER = "F4"
MAX_FIGURE = 1_000_000                        # no unit reports a million of anything
SECTIONS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
SOURCES = ("units", "reporting", "activity_type", "attendance")
LEVEL_ORDER = {level: index for index, level in enumerate(LEVELS)}


# --- periods -------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def label(self, lang: str | None = None) -> str:
        return f"{MONTHS[lang or language()][self.month - 1]} {self.year}"

    def months_of_year(self) -> list["Month"]:
        """January up to this month: what a "to date" column adds."""
        return [Month(self.year, m) for m in range(1, self.month + 1)]


def parse_month(text: str | None) -> Month:
    """``2026-11``; anything else is refused with a sentence."""
    match = _PERIOD.match((text or "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return Month(year, month)
    raise UserError(tr("monthly.error.period", value=(text or "").strip()))


def month_of(day: dt.date) -> Month:
    return Month(day.year, day.month)


def due_day() -> int:
    from imp_desktop.services.settings import get_setting

    value = get_setting(DUE_DAY, DEFAULT_DUE_DAY)
    return value if isinstance(value, int) and 1 <= value <= 28 else DEFAULT_DUE_DAY


def set_due_day(day: int) -> None:
    from imp_desktop.services.settings import set_setting

    if not isinstance(day, int) or not 1 <= day <= 28:
        raise UserError(tr("monthly.error.due_day"))
    set_setting(DUE_DAY, day)


def due_date(month: Month, day: int | None = None) -> dt.date:
    """Reports of ``month`` are on time when received by this day of the next month."""
    return month.next().start.replace(day=day or due_day())


def paper_size() -> str:
    from imp_desktop.services.settings import PAPER_SIZES, get_setting

    value = get_setting(PAPER, DEFAULT_PAPER)
    return value if value in PAPER_SIZES else DEFAULT_PAPER


def set_paper_size(size: str) -> None:
    from imp_desktop.services.settings import PAPER_SIZES, set_setting

    if size not in PAPER_SIZES:
        raise UserError(tr("settings.error.paper", sizes=", ".join(PAPER_SIZES)))
    set_setting(PAPER, size)


def parse_received(text: str, month: Month, today: dt.date | None = None) -> dt.date | None:
    """A received date as typed in the grid: ``5`` (that day of the month after
    the report's month), ``5/12``, ``5/12/2026``, ``5-12-2026`` or ``2026-12-05``.
    Empty text is None; anything else is refused with a sentence."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in value.split("-")))
        parts = [int(p) for p in re.split(r"[/.-]", value) if p]
        if len(parts) == 1:
            following = month.next()
            return dt.date(following.year, following.month, parts[0])
        if len(parts) == 2:
            day, number = parts
            year = month.year + (1 if number < month.month else 0)
            return dt.date(year, number, day)
        if len(parts) == 3:
            day, number, year = parts
            return dt.date(year + 2000 if year < 100 else year, number, day)
    except ValueError:
        pass
    raise UserError(tr("monthly.error.received_format", value=value))


# --- the template ----------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    id: int
    key: str
    position: int
    section: str
    section_id: str
    section_en: str
    text_id: str
    text_en: str
    kind: str
    source: str | None = None
    cumulative: bool = False
    target: bool = False
    max_key: str | None = None
    levels: tuple[str, ...] = ()

    def text(self, lang: str | None = None) -> str:
        return self.text_en if (lang or language()) == "en" else self.text_id

    def section_title(self, lang: str | None = None) -> str:
        return self.section_en if (lang or language()) == "en" else self.section_id

    @property
    def typed(self) -> bool:
        """Typed by the officer (a monthly figure or a carried stock)."""
        return self.kind in (LINE_TYPED, LINE_CARRIED)

    @property
    def parts(self) -> tuple[str, ...]:
        """The keys a total line adds up."""
        if self.kind != LINE_TOTAL or not self.source:
            return ()
        return tuple(p.strip() for p in self.source.split(",") if p.strip())

    def applies_to(self, level: str) -> bool:
        return not self.levels or level in self.levels


@dataclass(frozen=True)
class Template:
    id: int
    version: int
    created_at: str
    note: str | None
    lines: tuple[Line, ...]

    def line(self, key: str) -> Line | None:
        return self._by_key().get(key)

    def _by_key(self) -> dict[str, Line]:
        found = self.__dict__.get("_keys")
        if found is None:
            found = {line.key: line for line in self.lines}
            object.__setattr__(self, "_keys", found)
        return found

    def sections(self) -> list[tuple[str, str, str, list[Line]]]:
        """(number, title id, title en, lines) in order."""
        found: dict[str, tuple[str, str, str, list[Line]]] = {}
        for line in self.lines:
            found.setdefault(line.section, (line.section, line.section_id, line.section_en, []))
            found[line.section][3].append(line)
        return list(found.values())

    def lines_for(self, level: str) -> list[Line]:
        return [line for line in self.lines if line.applies_to(level)]


@dataclass(frozen=True)
class TemplateVersion:
    id: int
    version: int
    created_at: str
    note: str | None
    line_count: int
    report_count: int
    in_use: bool = False


def _line(row: MonthlyLine) -> Line:
    levels = tuple(p for p in (row.levels or "").split(",") if p)
    return Line(row.id, row.key, row.position, row.section, row.section_id, row.section_en,
                row.text_id, row.text_en, row.kind, row.source, bool(row.cumulative),
                bool(row.target), row.max_key, levels)


_TEMPLATES: dict[tuple[int, str], Template] = {}


def _template(row: MonthlyTemplate) -> Template:
    # A version never changes once saved, so it is read once per process
    # (keyed by uuid too: a test or a restore may reuse an id).
    cached = _TEMPLATES.get((row.id, row.uuid))
    if cached is None:
        lines = tuple(_line(line) for line in MonthlyLine.select()
                      .where(MonthlyLine.template == row.id)
                      .order_by(MonthlyLine.position, MonthlyLine.id))
        cached = _TEMPLATES[(row.id, row.uuid)] = Template(row.id, row.version, row.created_at,
                                                           row.note, lines)
    return cached


def current_template() -> Template:
    """The template new reports use here (a local choice, else the newest)."""
    from imp_desktop.services.settings import get_setting

    chosen = get_setting(TEMPLATE_IN_USE)
    row = MonthlyTemplate.get_or_none(MonthlyTemplate.uuid == chosen) if chosen else None
    row = row or MonthlyTemplate.select().order_by(MonthlyTemplate.version.desc()).first()
    if row is None:   # the migration seeds version 1; an empty table is damage
        raise UserError(tr("monthly.error.no_template"))
    return _template(row)


def get_template(template_id: int) -> Template:
    row = MonthlyTemplate.get_or_none(MonthlyTemplate.id == template_id)
    if row is None:
        raise UserError(tr("monthly.error.no_version"))
    return _template(row)


def use_template(template_id: int) -> Template:
    """Make an existing version (e.g. one received in a package) the one in use."""
    from imp_desktop.services.settings import set_setting

    row = MonthlyTemplate.get_or_none(MonthlyTemplate.id == template_id)
    if row is None:
        raise UserError(tr("monthly.error.no_version"))
    set_setting(TEMPLATE_IN_USE, row.uuid)
    return _template(row)


def template_versions() -> list[TemplateVersion]:
    reports = dict(MonthlyReport.select(MonthlyReport.template, fn.COUNT(MonthlyReport.id))
                   .group_by(MonthlyReport.template).tuples())
    lines = dict(MonthlyLine.select(MonthlyLine.template, fn.COUNT(MonthlyLine.id))
                 .group_by(MonthlyLine.template).tuples())
    in_use = current_template().id
    return [TemplateVersion(row.id, row.version, row.created_at, row.note, lines.get(row.id, 0),
                            reports.get(row.id, 0), row.id == in_use)
            for row in MonthlyTemplate.select().order_by(MonthlyTemplate.version.desc())]


@dataclass
class LineDraft:
    """A line in the template editor; ``key`` None for a new one."""

    section: str
    section_id: str
    text_id: str
    kind: str = LINE_TYPED
    text_en: str = ""
    section_en: str = ""
    source: str | None = None
    cumulative: bool = False
    target: bool = False
    max_key: str | None = None
    levels: tuple[str, ...] = ()
    key: str | None = None


def drafts_of(template: Template) -> list[LineDraft]:
    return [LineDraft(line.section, line.section_id, line.text_id, line.kind, line.text_en,
                      line.section_en, line.source, line.cumulative, line.target, line.max_key,
                      line.levels, line.key) for line in template.lines]


def _source_ok(source: str | None) -> bool:
    if source == "attendance":
        return True
    name, _, value = (source or "").partition(":")
    if name in ("units", "reporting"):
        return value in LEVELS
    return name == "activity_type" and bool(value.strip())


def check_template_draft(drafts: list[LineDraft]) -> list[tuple[str, str]]:
    """(line number, message) for every problem of an edited template."""
    problems: list[tuple[str, str]] = []
    if not drafts:
        return [("lines", tr("monthly.error.template_empty"))]
    keys = [d.key for d in drafts if d.key]
    for key, seen in Counter(keys).items():
        if seen > 1:
            problems.append(("key", tr("monthly.error.key_twice", key=key)))
    known = set(keys)
    for number, draft in enumerate(drafts, 1):
        where = str(number)
        if not clean_spaces(draft.text_id):
            problems.append((where, tr("monthly.error.line_text", line=number)))
        if not clean_spaces(draft.section) or not clean_spaces(draft.section_id):
            problems.append((where, tr("monthly.error.line_section", line=number)))
        if draft.kind not in LINE_KINDS:
            problems.append((where, tr("monthly.error.line_kind", line=number)))
            continue
        if draft.kind == LINE_COMPUTED:
            if not _source_ok(draft.source):
                problems.append((where, tr("monthly.error.line_source", line=number)))
            if draft.cumulative or draft.target:
                problems.append((where, tr("monthly.error.line_computed_columns", line=number)))
        if draft.kind == LINE_TOTAL:
            parts = [p.strip() for p in (draft.source or "").split(",") if p.strip()]
            if not parts or any(p not in known or p == draft.key for p in parts):
                problems.append((where, tr("monthly.error.line_parts", line=number)))
        if draft.max_key and (draft.max_key not in known or draft.max_key == draft.key):
            problems.append((where, tr("monthly.error.line_max", line=number)))
        if any(level not in LEVELS for level in draft.levels):
            problems.append((where, tr("monthly.error.line_levels", line=number)))
    return problems


def save_template(drafts: list[LineDraft], note: str | None = None) -> Template:
    """Save an edited line list as a new template version, in the order given
    (New SIGA's order). A line left out is retired (past reports keep it); a
    reworded line keeps its key. Nothing changes when the list is the same."""
    problems = check_template_draft(drafts)
    if problems:
        raise ValidationError(tr("monthly.error.template_not_saved"), problems)
    current = current_template()
    cleaned = []
    for draft in drafts:
        text_id, section_id = clean_spaces(draft.text_id), clean_spaces(draft.section_id)
        cleaned.append(LineDraft(
            clean_spaces(draft.section), section_id, text_id, draft.kind,
            clean_spaces(draft.text_en) or text_id, clean_spaces(draft.section_en) or section_id,
            clean_spaces(draft.source or "") or None, bool(draft.cumulative), bool(draft.target),
            draft.max_key or None, tuple(draft.levels), draft.key))
    if [draft_signature(d) for d in cleaned] == [draft_signature(d) for d in drafts_of(current)]:
        return current
    from imp_desktop.services.settings import set_setting

    with database.atomic():
        version = (MonthlyTemplate.select(fn.MAX(MonthlyTemplate.version)).scalar() or 0) + 1
        row = MonthlyTemplate.create(version=version, note=clean_spaces(note or "") or None)
        set_setting(TEMPLATE_IN_USE, row.uuid)
        for position, draft in enumerate(cleaned, 1):
            MonthlyLine.create(
                template=row, key=draft.key or f"line.{uuid_module.uuid4().hex[:8]}",
                position=position, section=draft.section, section_id=draft.section_id,
                section_en=draft.section_en, text_id=draft.text_id, text_en=draft.text_en,
                kind=draft.kind, source=draft.source, cumulative=draft.cumulative,
                target=draft.target, max_key=draft.max_key, levels=",".join(draft.levels))
    return _template(row)


def draft_signature(draft: LineDraft) -> tuple:
    """What makes two line drafts the same (the editor compares against the saved list)."""
    return (draft.key, draft.section, draft.section_id, draft.section_en, draft.text_id,
            draft.text_en, draft.kind, draft.source or None, bool(draft.cumulative),
            bool(draft.target), draft.max_key or None, tuple(draft.levels))


# --- units -------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    level: str
    desa_code: str
    parent_id: int | None = None
    place: str = ""          # dusun/RW and RT


def _ordered(units: list[UnitRef]) -> list[UnitRef]:
    """A desa's units as the chain runs: each unit followed by the units under it."""
    by_id = {u.id: u for u in units}
    children: dict[int | None, list[UnitRef]] = defaultdict(list)
    for unit in units:
        parent = unit.parent_id if unit.parent_id in by_id else None
        children[parent].append(unit)
    for items in children.values():
        items.sort(key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.place, u.name.casefold(), u.id))
    result: list[UnitRef] = []

    def walk(parent):
        for unit in children.get(parent, ()):
            result.append(unit)
            walk(unit.id)

    walk(None)
    return result


def _unit_refs(desa_codes: list[str] | None, unit_ids: set[int] | None = None) -> list[UnitRef]:
    """Active units of the desa given (and any unit in ``unit_ids``), in chain order per desa."""
    sql = ('SELECT u.id, u.name, u.level, u.desa_code, u.parent_id, u.active, h.name '
           'FROM unit u LEFT JOIN hamlet h ON h.id = u.hamlet_id')
    rows = []
    if desa_codes is None:
        rows = database.execute_sql(sql).fetchall()
    else:
        from imp_desktop.data.sync import chunks

        for part in chunks(desa_codes):
            rows += database.execute_sql(
                f"{sql} WHERE u.desa_code IN ({', '.join([database.param] * len(part))})",
                part).fetchall()
    refs_by_desa: dict[str, list[UnitRef]] = defaultdict(list)
    for uid, name, level, desa, parent, active, hamlet in rows:
        if not active and not (unit_ids and uid in unit_ids):
            continue
        refs_by_desa[desa].append(UnitRef(uid, name, level, desa, parent, hamlet or ""))
    result = []
    for desa in sorted(refs_by_desa):
        result += _ordered(refs_by_desa[desa])
    return result


def desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa that have units, the officer's own first."""
    from imp_desktop.services.first_run import work_desa_choices

    return work_desa_choices()


def month_choices(count: int = 13, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The last months (newest first) plus any month that has reports."""
    current = month_of(today or dt.date.today())
    months = {current}
    step = current
    for _ in range(count - 1):
        step = step.previous()
        months.add(step)
    for (period,) in MonthlyReport.select(MonthlyReport.period).distinct().tuples():
        try:
            months.add(parse_month(period))
        except UserError:
            continue
    return [(m.key, m.label()) for m in sorted(months, reverse=True)]


# --- reports: reading ----------------------------------------------------------------

def _decode(text: str | None) -> dict[str, int]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {k: int(v) for k, v in value.items() if isinstance(v, (int, float))} \
        if isinstance(value, dict) else {}


def _encode(values: dict[str, int]) -> str:
    return json.dumps({k: values[k] for k in sorted(values)}, separators=(",", ":"))


@dataclass
class UnitMonth:
    """One unit's row in a desa's month: what is stored, or what a new report starts with."""

    unit: UnitRef
    report_id: int | None = None
    status: str | None = None           # None: no report yet
    received_on: dt.date | None = None
    figures: dict[str, int] = field(default_factory=dict)    # typed and carried lines
    targets: dict[str, int] = field(default_factory=dict)    # yearly targets
    carried: set[str] = field(default_factory=set)           # keys filled from an earlier report
    computed: dict[str, int] = field(default_factory=dict)   # computed and total lines
    cumulative: dict[str, int] = field(default_factory=dict) # "to date", since January
    template_id: int | None = None

    @property
    def reported(self) -> bool:
        return self.report_id is not None

    @property
    def final(self) -> bool:
        return self.status == REPORT_FINAL

    def value(self, key: str) -> int | None:
        if key in self.computed:
            return self.computed[key]
        return self.figures.get(key)


@dataclass
class DesaMonth:
    desa_code: str
    desa_name: str
    month: Month
    template: Template
    units: list[UnitMonth]
    due: dt.date

    @property
    def final(self) -> bool:
        """Locked: every stored report of the month is final (and there is one)."""
        stored = [u for u in self.units if u.reported]
        return bool(stored) and all(u.final for u in stored)

    @property
    def has_final(self) -> bool:
        return any(u.final for u in self.units)


def _is_postgres() -> bool:
    from peewee import PostgresqlDatabase

    return isinstance(database.obj, PostgresqlDatabase)


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _reports(unit_ids: list[int], periods: list[str]) -> list[tuple]:
    """(id, unit id, period, template id, received_on, status, figures, targets) rows,
    read with plain SQL (a recap reads thousands)."""
    if not unit_ids or not periods:
        return []
    from imp_desktop.data.sync import chunks

    p = database.param
    rows = []
    for part in chunks(unit_ids):
        sql = ("SELECT id, unit_id, period, template_id, received_on, status, figures, targets "
               f"FROM monthly_report WHERE unit_id IN ({', '.join([p] * len(part))}) "
               f"AND period IN ({', '.join([p] * len(periods))})")
        rows += [(i, u, per, t, _day(day), st, f, tg) for i, u, per, t, day, st, f, tg
                 in database.execute_sql(sql, [*part, *periods]).fetchall()]
    return rows


def _figure_rows(unit_ids: list[int], periods: list[str], keys: list[str]) -> list[tuple]:
    """(unit id, period, key, value) of the given line keys in the reports, picked
    out of the JSON by the database itself (SQLite json_each, PostgreSQL
    json_each_text): a year of a kecamatan's reports holds ~200,000 figures and
    the "to date" columns need a few thousand of them."""
    if not unit_ids or not periods or not keys:
        return []
    from imp_desktop.data.sync import chunks

    p = database.param
    each = "json_each_text(r.figures::json)" if _is_postgres() else "json_each(r.figures)"
    rows = []
    for part in chunks(unit_ids):
        sql = (f"SELECT r.unit_id, r.period, j.key, j.value FROM monthly_report r, {each} j "
               f"WHERE r.unit_id IN ({', '.join([p] * len(part))}) "
               f"AND r.period IN ({', '.join([p] * len(periods))}) "
               f"AND j.key IN ({', '.join([p] * len(keys))})")
        for unit, period, key, value in database.execute_sql(
                sql, [*part, *periods, *keys]).fetchall():
            try:
                rows.append((unit, period, key, int(value)))
            except (TypeError, ValueError):
                continue   # not a whole number: never written by this program
    return rows


def _previous_reports(unit_ids: list[int], month: Month) -> dict[int, tuple[str, dict, dict]]:
    """The latest report before ``month`` of each unit: (period, figures, targets)."""
    found: dict[int, tuple[str, dict, dict]] = {}
    if not unit_ids:
        return found
    from imp_desktop.data.sync import chunks

    for part in chunks(unit_ids):
        latest = (MonthlyReport.select(MonthlyReport.unit, fn.MAX(MonthlyReport.period))
                  .where(MonthlyReport.unit.in_(part), MonthlyReport.period < month.key)
                  .group_by(MonthlyReport.unit).tuples())
        wanted = {(unit, period) for unit, period in latest}
        if not wanted:
            continue
        periods = sorted({p for _, p in wanted})
        for unit, period, figures, targets in (
                MonthlyReport.select(MonthlyReport.unit, MonthlyReport.period,
                                     MonthlyReport.figures, MonthlyReport.targets)
                .where(MonthlyReport.unit.in_(part), MonthlyReport.period.in_(periods)).tuples()):
            if (unit, period) in wanted:
                found[unit] = (period, _decode(figures), _decode(targets))
    return found


def _children(units: list[UnitRef]) -> dict[int | None, list[int]]:
    ids = {u.id for u in units}
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit.id)
    return children


def _descendants(unit_id: int, children: dict) -> list[int]:
    result, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        result.append(current)
        stack.extend(children.get(current, ()))
    return result


def _activity_counts(desa_codes: list[str], month: Month) -> dict[tuple[str, str], int]:
    """(desa code, activity type name folded) -> activities held in the month."""
    query = (Activity.select(Activity.desa, ActivityType.name, fn.COUNT(Activity.id))
             .join(ActivityType)
             .where(Activity.desa.in_(desa_codes), Activity.date >= month.start,
                    Activity.date <= month.end)
             .group_by(Activity.desa, ActivityType.name).tuples())
    return {(desa, name.casefold()): count for desa, name, count in query}


def _attendance(desa_codes: list[str], month: Month) -> tuple[dict, dict]:
    """Present cadres in the month's activities: per unit and per activity desa."""
    from imp_desktop.data.models import STATUS_PRESENT

    per_unit: Counter = Counter()
    per_desa: Counter = Counter()
    query = (Participant.select(Cadre.unit, Activity.desa)
             .join(Activity).switch(Participant).join(Cadre)
             .where(Activity.desa.in_(desa_codes), Activity.date >= month.start,
                    Activity.date <= month.end, Participant.status == STATUS_PRESENT).tuples())
    for unit, desa in query:
        if unit is not None:
            per_unit[unit] += 1
        per_desa[desa] += 1
    return per_unit, per_desa


def _unit_activity_types(unit_ids: list[int], month: Month) -> dict[int, dict[str, set]]:
    """Per unit: the month's activities (ids by type name folded) one of its cadres attended."""
    from imp_desktop.data.models import STATUS_PRESENT

    found: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    query = (Participant.select(Cadre.unit, Activity.id, ActivityType.name)
             .join(Activity).join(ActivityType).switch(Participant).join(Cadre)
             .where(Cadre.unit.in_(unit_ids), Activity.date >= month.start,
                    Activity.date <= month.end, Participant.status == STATUS_PRESENT).tuples())
    for unit, activity, name in query:
        found[unit][name.casefold()].add(activity)
    return found


class _Computer:
    """The computed lines of the units of some desa in one month. What only a
    unit's own line needs (its cadres' attendance) is read on first use: a
    recap needs the desa figures alone."""

    def __init__(self, units: list[UnitRef], month: Month, reported: set[int]):
        self.units = {u.id: u for u in units}
        self.children = _children(units)
        self.reported = reported
        self.month = month
        self.desa_codes = sorted({u.desa_code for u in units})
        self.activities = _activity_counts(self.desa_codes, month) if self.desa_codes else {}
        self._attendance = None
        self._unit_types = None

    @property
    def attendance_unit(self) -> dict:
        return self._attendance_counts()[0]

    @property
    def attendance_desa(self) -> dict:
        return self._attendance_counts()[1]

    def _attendance_counts(self):
        if self._attendance is None:
            self._attendance = (_attendance(self.desa_codes, self.month) if self.desa_codes
                                else ({}, {}))
        return self._attendance

    @property
    def unit_types(self) -> dict:
        if self._unit_types is None:
            self._unit_types = (_unit_activity_types(list(self.units), self.month)
                                if self.units else {})
        return self._unit_types

    def value(self, line: Line, unit_id: int | None, desa_code: str) -> int:
        """``unit_id`` None: the whole desa."""
        name, _, argument = (line.source or "").partition(":")
        if unit_id is None:
            scope = [u.id for u in self.units.values() if u.desa_code == desa_code]
        else:
            scope = _descendants(unit_id, self.children)
        if name == "units":
            return sum(1 for uid in scope if self.units[uid].level == argument)
        if name == "reporting":
            return sum(1 for uid in scope if self.units[uid].level == argument
                       and uid in self.reported)
        if name == "activity_type":
            wanted = argument.strip().casefold()
            if unit_id is None or self.units[unit_id].level == LEVEL_PPKBD:
                return self.activities.get((desa_code, wanted), 0)
            held = set()
            for uid in scope:
                held |= self.unit_types.get(uid, {}).get(wanted, set())
            return len(held)
        if name == "attendance":
            if unit_id is None or self.units[unit_id].level == LEVEL_PPKBD:
                return self.attendance_desa.get(desa_code, 0)
            return sum(self.attendance_unit.get(uid, 0) for uid in scope)
        return 0


def _totals(template: Template, values: dict[str, int | None]) -> dict[str, int]:
    """Total lines from their parts (a total of nothing typed stays empty)."""
    result = {}
    for line in template.lines:
        if line.kind == LINE_TOTAL:
            parts = [values.get(key) for key in line.parts]
            if any(p is not None for p in parts):
                result[line.key] = sum(p or 0 for p in parts)
    return result


def desa_month(desa_code: str, period: str) -> DesaMonth:
    """A desa's month: each unit's stored report, or what a new one starts with
    (carried lines from the unit's previous report), with computed lines."""
    month = parse_month(period)
    desa_name = Region.select(Region.name).where(Region.code == desa_code).scalar()
    if desa_name is None:
        raise UserError(tr("monthly.error.desa", code=desa_code))
    stored_rows = MonthlyReport.select(MonthlyReport.unit).join(Unit).where(
        Unit.desa == desa_code, MonthlyReport.period == month.key).tuples()
    units = _unit_refs([desa_code], {uid for (uid,) in stored_rows})
    template = current_template()
    stored = {row[1]: row for row in _reports([u.id for u in units], [month.key])}
    previous = _previous_reports([u.id for u in units if u.id not in stored], month)
    computer = _Computer(units, month, set(stored))
    cumulative = _cumulative_figures(units, month)
    result = []
    for unit in units:
        row = stored.get(unit.id)
        entry = UnitMonth(unit)
        if row is not None:
            entry.report_id, entry.template_id = row[0], row[3]
            entry.received_on, entry.status = row[4], row[5]
            entry.figures, entry.targets = _decode(row[6]), _decode(row[7])
        else:
            entry.template_id = template.id
            earlier = previous.get(unit.id)
            if earlier:
                lines = {line.key: line for line in template.lines}
                entry.figures = {k: v for k, v in earlier[1].items()
                                 if k in lines and lines[k].kind == LINE_CARRIED}
                entry.carried = set(entry.figures)
                if earlier[0][:4] == month.key[:4]:   # yearly targets, same year
                    entry.targets = dict(earlier[2])
        used = get_template(entry.template_id) if entry.template_id != template.id else template
        for line in used.lines_for(unit.level):
            if line.kind == LINE_COMPUTED:
                entry.computed[line.key] = computer.value(line, unit.id, desa_code)
        entry.computed.update(_totals(used, {**entry.figures, **entry.computed}))
        entry.cumulative = cumulative.get(unit.id, {})
        result.append(entry)
    return DesaMonth(desa_code, desa_name, month, template, result, due_date(month))


def _cumulative_figures(units: list[UnitRef], month: Month) -> dict[int, dict[str, int]]:
    """Per unit: the sum of its own effective figures (own, else its units' sum)
    from January to ``month`` for every line that has a "to date" column."""
    rollups = _year_rollups(units, month)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for per_month in rollups.values():
        for unit_id, values in per_month.items():
            target = result[unit_id]
            for key, value in values.items():
                target[key] = target.get(key, 0) + value
    return result


def _cumulative_keys() -> dict[str, tuple[str, ...]]:
    """Keys of lines with a "to date" column (of any template version), and the
    parts of those that are totals."""
    keys: dict[str, tuple[str, ...]] = {}
    for key, kind, source in (MonthlyLine.select(MonthlyLine.key, MonthlyLine.kind,
                                                 MonthlyLine.source)
                              .where(MonthlyLine.cumulative == True).tuples()):  # noqa: E712
        keys[key] = tuple(p.strip() for p in (source or "").split(",") if p.strip()) \
            if kind == LINE_TOTAL else ()
    return keys


def _year_rollups(units: list[UnitRef], month: Month) -> dict[str, dict[int, dict[str, int]]]:
    """period -> unit id -> {key: effective value} for the "to date" lines,
    January to ``month``."""
    keys = _cumulative_keys()
    if not keys or not units:
        return {}
    periods = [m.key for m in month.months_of_year()]
    wanted = sorted(set(keys) | {p for parts in keys.values() for p in parts})
    values: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for unit, period, key, value in _figure_rows([u.id for u in units], periods, wanted):
        values[(period, unit)][key] = value
    totals = [(key, parts) for key, parts in keys.items() if parts]
    by_period: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    for (period, unit), found in values.items():
        own = {k: v for k, v in found.items() if k in keys}
        for key, parts in totals:
            if key not in own:
                present = [found[p] for p in parts if p in found]
                if present:
                    own[key] = sum(present)
        by_period[period][unit] = own
    children = _children(units)
    return {period: _rolled_values(children, own) for period, own in by_period.items()}


def _rolled_values(children: dict, own: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    """Each unit's effective figures: its own, else the sum of its units'."""
    result: dict[int, dict[str, int]] = {}

    def visit(unit_id: int) -> dict[str, int]:
        total: dict[str, int] = {}
        for child in children.get(unit_id, ()):
            for key, value in visit(child).items():
                total[key] = total.get(key, 0) + value
        total.update(own.get(unit_id, {}))
        result[unit_id] = total
        return total

    for root in children.get(None, ()):
        visit(root)
    return result


# --- upward totals ---------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A unit's figure for a line: what it typed, its units' sum, and the one used."""

    own: int | None = None
    units_sum: int | None = None

    @property
    def value(self) -> int | None:
        return self.own if self.own is not None else self.units_sum

    @property
    def difference(self) -> int | None:
        """Own figure minus its units' sum, where both exist and differ."""
        if self.own is None or self.units_sum is None or self.own == self.units_sum:
            return None
        return self.own - self.units_sum


def _rollup(children: dict, own: dict[int, dict[str, int]], keys: list[str]
            ) -> dict[int, dict[str, Figure]]:
    """Every unit's Figure per key, adding each level's effective figures upward."""
    result: dict[int, dict[str, Figure]] = {}
    wanted = set(keys)

    def visit(unit_id: int) -> dict[str, Figure]:
        sums: dict[str, int] = {}
        for child in children.get(unit_id, ()):
            for key, figure in visit(child).items():
                value = figure.value
                if value is not None:
                    sums[key] = sums.get(key, 0) + value
        mine = {k: v for k, v in own.get(unit_id, {}).items() if v is not None}
        figures = {key: Figure(mine.get(key), sums.get(key))
                   for key in wanted.intersection(mine.keys() | sums.keys())}
        result[unit_id] = figures
        return figures

    for root in children.get(None, ()):
        visit(root)
    return result


def rollup(desa_code: str, period: str) -> dict[int | None, dict[str, Figure]]:
    """Each unit's figures with its units' sums (key None: the whole desa, the sum
    of its top units), for the typed and carried lines of the month."""
    data = desa_month(desa_code, period)
    return _desa_rollup(data)


def _desa_rollup(data: DesaMonth) -> dict[int | None, dict[str, Figure]]:
    keys = [line.key for line in data.template.lines if line.typed]
    own = {u.unit.id: dict(u.figures) for u in data.units if u.reported}
    children = _children([u.unit for u in data.units])
    result: dict[int | None, dict[str, Figure]] = dict(_rollup(children, own, keys))
    desa: dict[str, Figure] = {}
    for key in keys:
        values = [result[root][key].value for root in children.get(None, ())
                  if key in result.get(root, {}) and result[root][key].value is not None]
        if values:
            desa[key] = Figure(None, sum(values))
    result[None] = desa
    return result


@dataclass
class Preview:
    """What the grid shows while the officer types, before anything is saved:
    each unit's figures with its units' sums, and its total lines."""

    figures: dict[int, dict[str, Figure]]
    totals: dict[int, dict[str, int]]


def preview(data: DesaMonth, entries: dict[int, "UnitEntry"]) -> Preview:
    """Upward sums and totals of typed-but-unsaved figures (no database access)."""
    keys = [line.key for line in data.template.lines if line.typed]
    own = {uid: {k: v for k, v in e.figures.items() if isinstance(v, int)
                 and not isinstance(v, bool)}
           for uid, e in entries.items()}
    children = _children([u.unit for u in data.units])
    figures = _rollup(children, own, keys)
    totals = {}
    for unit in data.units:
        values = {k: f.value for k, f in figures.get(unit.unit.id, {}).items()}
        values.update({k: v for k, v in unit.computed.items()
                       if data.template.line(k) and data.template.line(k).kind == LINE_COMPUTED})
        totals[unit.unit.id] = _totals(data.template, values)
    return Preview(figures, totals)


# --- reports: saving -------------------------------------------------------------------

@dataclass
class UnitEntry:
    """What the officer typed for one unit in the desa's grid."""

    unit_id: int
    received_on: dt.date | None = None
    figures: dict[str, int | None] = field(default_factory=dict)
    targets: dict[str, int | None] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.received_on is None and not any(
            v is not None for v in (*self.figures.values(), *self.targets.values()))


def cell(unit_id: int, key: str) -> str:
    """The name of a grid cell in a ValidationError's problems."""
    return f"{unit_id}:{key}"


def _check_number(value, unit: UnitRef, label: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return tr("monthly.error.not_number", unit=unit.name, line=label)
    if value < 0:
        return tr("monthly.error.negative", unit=unit.name, line=label)
    if value > MAX_FIGURE:
        return tr("monthly.error.too_big", unit=unit.name, line=label,
                  max=format_number(MAX_FIGURE))
    return None


def check_entry(entry: UnitEntry, unit: UnitRef, template: Template, month: Month,
                computed: dict[str, int], today: dt.date | None = None
                ) -> list[tuple[str, str]]:
    """Problems of one unit's row, each named by its cell."""
    today = today or dt.date.today()
    problems = []
    for key, value in {**entry.figures, **{f"target:{k}": v for k, v in entry.targets.items()}
                       }.items():
        line_key = key.partition("target:")[2] or key
        line = template.line(line_key)
        if line is None or not line.applies_to(unit.level):
            problems.append((cell(unit.id, key), tr("monthly.error.unknown_line", key=line_key,
                                                    unit=unit.name)))
            continue
        if key.startswith("target:") and not line.target:
            problems.append((cell(unit.id, key), tr("monthly.error.no_target",
                                                    line=line.text())))
            continue
        if not key.startswith("target:") and not line.typed and value is not None:
            problems.append((cell(unit.id, key), tr("monthly.error.computed",
                                                    line=line.text())))
            continue
        message = _check_number(value, unit, line.text())
        if message:
            problems.append((cell(unit.id, key), message))
    if problems:
        return problems
    has_figures = any(v is not None for v in entry.figures.values())
    if has_figures and entry.received_on is None:
        problems.append((cell(unit.id, "received_on"),
                         tr("monthly.error.received_missing", unit=unit.name)))
    if entry.received_on is not None:
        if entry.received_on < month.start:
            problems.append((cell(unit.id, "received_on"), tr(
                "monthly.error.received_early", unit=unit.name,
                date=format_date(entry.received_on), month=month.label())))
        elif entry.received_on > today:
            problems.append((cell(unit.id, "received_on"), tr(
                "monthly.error.received_future", unit=unit.name,
                date=format_date(entry.received_on))))
    figures = {k: v for k, v in entry.figures.items() if v is not None}
    values = {**figures, **computed}
    values.update(_totals(template, values))
    for line in template.lines_for(unit.level):
        if not line.max_key or values.get(line.key) is None:
            continue
        limit = values.get(line.max_key)
        other = template.line(line.max_key)
        if limit is not None and other is not None and values[line.key] > limit:
            problems.append((cell(unit.id, line.key), tr(
                "monthly.error.over_limit", unit=unit.name, line=line.text(),
                value=format_number(values[line.key]), other=other.text(),
                limit=format_number(limit))))
    return problems


def save_desa_month(desa_code: str, period: str, entries: list[UnitEntry],
                    today: dt.date | None = None) -> list[int]:
    """Save a desa's month in one transaction; refused whole, with a message per
    cell, when any figure breaks a rule or the month is final. A unit whose row
    is left empty has no report (an existing draft of it is removed)."""
    data = desa_month(desa_code, period)
    if data.has_final:
        raise UserError(tr("monthly.error.locked", desa=data.desa_name, month=data.month.label()))
    by_unit = {u.unit.id: u for u in data.units}
    problems: list[tuple[str, str]] = []
    for entry in entries:
        current = by_unit.get(entry.unit_id)
        if current is None:
            raise UserError(tr("monthly.error.unit_not_in_desa", id=entry.unit_id,
                               desa=data.desa_name))
        template = get_template(current.template_id) if current.template_id else data.template
        computed = {k: v for k, v in current.computed.items()
                    if (template.line(k) and template.line(k).kind == LINE_COMPUTED)}
        problems += check_entry(entry, current.unit, template, data.month, computed, today)
    if problems:
        raise ValidationError(tr("monthly.error.not_saved", count=len(problems)), problems)
    saved = []
    with database.atomic():
        for entry in entries:
            current = by_unit[entry.unit_id]
            figures = {k: v for k, v in entry.figures.items() if v is not None}
            targets = {k: v for k, v in entry.targets.items() if v is not None}
            if entry.empty or (not figures and entry.received_on is None):
                if current.report_id is not None:
                    audited_delete(MonthlyReport, MonthlyReport.id == current.report_id)
                continue
            if current.report_id is None:
                row = MonthlyReport.create(unit=entry.unit_id, period=data.month.key,
                                           template=data.template.id,
                                           received_on=entry.received_on,
                                           figures=_encode(figures), targets=_encode(targets))
            else:
                row = MonthlyReport.get_by_id(current.report_id)
                row.received_on = entry.received_on
                row.figures, row.targets = _encode(figures), _encode(targets)
                row.save()
            saved.append(row.id)
    return saved


def entry_of(unit: UnitMonth) -> UnitEntry:
    """A unit's row as the grid starts it: stored figures or the carried ones."""
    return UnitEntry(unit.unit.id, unit.received_on, dict(unit.figures), dict(unit.targets))


def finalize_month(desa_code: str, period: str) -> int:
    """Mark a desa's month final: its reports are locked and print as official.
    Returns the number of reports marked."""
    data = desa_month(desa_code, period)
    ids = [u.report_id for u in data.units if u.reported and not u.final]
    if not any(u.reported for u in data.units):
        raise UserError(tr("monthly.error.nothing_to_finalize", desa=data.desa_name,
                           month=data.month.label()))
    if ids:
        with database.atomic():
            audited_update(MonthlyReport, {"status": REPORT_FINAL}, MonthlyReport.id.in_(ids))
    return len(ids)


def reopen_month(desa_code: str, period: str) -> int:
    """Open a final month again for corrections; the audit trail records who and when."""
    data = desa_month(desa_code, period)
    ids = [u.report_id for u in data.units if u.final]
    if not ids:
        raise UserError(tr("monthly.error.not_final", desa=data.desa_name,
                           month=data.month.label()))
    with database.atomic():
        audited_update(MonthlyReport, {"status": REPORT_DRAFT}, MonthlyReport.id.in_(ids))
    return len(ids)


# --- one unit's report, as printed ------------------------------------------------------

@dataclass(frozen=True)
class ReportLine:
    line: Line
    figure: Figure                  # this month: own, units' sum, value
    cumulative: int | None = None
    target: int | None = None

    @property
    def remaining(self) -> int | None:
        if self.target is None:
            return None
        return max(0, self.target - (self.cumulative or 0))


@dataclass
class UnitReport:
    """A unit's month with its units' sums: what R/I/PPKBD (or R/I/Sub PPKBD,
    R/I/KKB) prints."""

    unit: UnitRef
    desa_name: str
    kecamatan_name: str
    month: Month
    template: Template
    lines: list[ReportLine]
    received_on: dt.date | None
    status: str | None
    reported_units: int = 0
    units_below: int = 0
    final: bool = False             # the desa's month is final: the official report


def unit_report(unit_id: int, period: str) -> UnitReport:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise UserError(tr("monthly.error.unit", id=unit_id))
    data = desa_month(unit.desa_code, period)
    entry = next((u for u in data.units if u.unit.id == unit_id), None)
    if entry is None:
        raise UserError(tr("monthly.error.unit", id=unit_id))
    rolled = _desa_rollup(data)
    target_keys = [line.key for line in data.template.lines if line.target]
    targets = _rollup(_children([u.unit for u in data.units]),
                      {u.unit.id: u.targets for u in data.units if u.reported},
                      target_keys).get(unit_id, {})
    template = get_template(entry.template_id) if entry.template_id else data.template
    children = _children([u.unit for u in data.units])
    below = [uid for uid in _descendants(unit_id, children) if uid != unit_id]
    reported = {u.unit.id for u in data.units if u.reported}
    lines = []
    figures = rolled.get(unit_id, {})
    values: dict[str, int | None] = {}
    for line in template.lines_for(entry.unit.level):
        if line.typed:
            figure = figures.get(line.key, Figure())
        elif line.kind == LINE_COMPUTED:
            figure = Figure(entry.computed.get(line.key))
        else:
            figure = Figure()
        values[line.key] = figure.value
        lines.append(ReportLine(line, figure))
    totals = _totals(template, values)
    result = []
    for item in lines:
        figure = Figure(totals.get(item.line.key)) if item.line.kind == LINE_TOTAL else item.figure
        result.append(ReportLine(
            item.line, figure,
            entry.cumulative.get(item.line.key) if item.line.cumulative else None,
            targets[item.line.key].value if item.line.target and item.line.key in targets
            else None))
    kecamatan = Region.select(Region.name).where(
        Region.code == unit.desa_code.rsplit(".", 1)[0]).scalar() or ""
    return UnitReport(entry.unit, data.desa_name, kecamatan, data.month, template, result,
                      entry.received_on, entry.status, len(reported & set(below)), len(below),
                      data.final)


# --- coverage (cakupan laporan) ------------------------------------------------------------

@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    existing: int
    reported: int
    on_time: int
    level: int = 4                  # region level: 3 kecamatan, 4 desa

    @property
    def percent(self) -> float | None:
        return 100.0 * self.reported / self.existing if self.existing else None

    @property
    def on_time_percent(self) -> float | None:
        return 100.0 * self.on_time / self.existing if self.existing else None


@dataclass(frozen=True)
class MissingUnit:
    unit_id: int
    unit_name: str
    level: str
    desa_code: str
    desa_name: str
    ppkbd_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class LateUnit:
    unit_id: int
    unit_name: str
    level: str
    desa_name: str
    received_on: dt.date


@dataclass
class Coverage:
    month: Month
    due: dt.date
    scope: str                      # "Kecamatan Tengaran" / "Desa Duren"
    rows: list[CoverageRow]         # desa (and kecamatan, for a district) in order
    total: CoverageRow
    missing: list[MissingUnit]
    late: list[LateUnit]


def _scope_desa(region_code: str | None) -> tuple[list[str], str]:
    """The desa codes of a desa, kecamatan or kabupaten (default: every desa with units)."""
    if region_code:
        region = Region.get_or_none(Region.code == region_code)
        if region is None:
            raise UserError(tr("monthly.error.region", code=region_code))
        if region.level == 4:
            return [region.code], tr("monthly.scope.desa", name=region.name)
        prefix = region.code + "."
        codes = [code for (code,) in Unit.select(Unit.desa).distinct()
                 .where(Unit.desa.startswith(prefix)).tuples()]
        key = "monthly.scope.kecamatan" if region.level == 3 else "monthly.scope.region"
        return sorted(codes), tr(key, name=region.name)
    codes = sorted(code for (code,) in Unit.select(Unit.desa).distinct().tuples())
    kecamatan = {code.rsplit(".", 1)[0] for code in codes}
    if len(kecamatan) == 1:
        name = Region.select(Region.name).where(Region.code == next(iter(kecamatan))).scalar()
        return codes, tr("monthly.scope.kecamatan", name=name or "")
    return codes, tr("monthly.scope.all")


def _ppkbd_contacts(desa_codes: list[str]) -> dict[str, tuple[str, str]]:
    """desa code -> (PPKBD name, the phone of its head or first cadre with one)."""
    rank = {"ketua": 0, "sekretaris": 1, "bendahara": 2}
    found: dict[str, tuple[int, str, str]] = {}
    query = (Cadre.select(Unit.desa, Unit.name, Cadre.position, Cadre.phone, Cadre.id)
             .join(Unit).where(Unit.level == LEVEL_PPKBD, Unit.desa.in_(desa_codes),
                               Cadre.active == True)  # noqa: E712
             .order_by(Cadre.id).tuples())
    names = dict(Unit.select(Unit.desa, Unit.name)
                 .where(Unit.level == LEVEL_PPKBD, Unit.desa.in_(desa_codes)).tuples())
    for desa, unit_name, position, phone, _ in query:
        if not phone:
            continue
        order = rank.get(position or "", 3)
        if desa not in found or order < found[desa][0]:
            found[desa] = (order, unit_name, phone)
    return {code: (names.get(code, ""), found[code][2] if code in found else "")
            for code in desa_codes}


def coverage(period: str, region_code: str | None = None, due_on: int | None = None
             ) -> Coverage:
    """Units that exist, reported and reported by the due day, per desa (and per
    kecamatan when the scope spans several), with the missing and late units."""
    month = parse_month(period)
    due = due_date(month, due_on)
    desa_codes, scope = _scope_desa(region_code)
    received: dict[int, dt.date | None] = {}
    from imp_desktop.data.sync import chunks

    for part in chunks(desa_codes):
        received.update(dict(
            MonthlyReport.select(MonthlyReport.unit, MonthlyReport.received_on).join(Unit)
            .where(Unit.desa.in_(part), MonthlyReport.period == month.key).tuples()))
    units = _unit_refs(desa_codes, set(received))
    return _coverage(month, due, desa_codes, scope, units, received)


def _coverage(month: Month, due: dt.date, desa_codes: list[str], scope: str,
              units: list[UnitRef], received: dict[int, dt.date | None]) -> Coverage:
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(desa_codes + sorted(
                     {c.rsplit(".", 1)[0] for c in desa_codes}))).tuples())
    counts: dict[str, list[int]] = {code: [0, 0, 0] for code in desa_codes}
    missing_units, late = [], []
    for unit in units:
        row = counts[unit.desa_code]
        row[0] += 1
        if unit.id in received:
            row[1] += 1
            day = received[unit.id]
            if day is not None and day <= due:
                row[2] += 1
            elif day is not None:
                late.append(LateUnit(unit.id, unit.name, unit.level,
                                     names.get(unit.desa_code, ""), day))
        else:
            missing_units.append(unit)
    contacts = _ppkbd_contacts(desa_codes) if missing_units else {}
    missing = [MissingUnit(u.id, u.name, u.level, u.desa_code, names.get(u.desa_code, ""),
                           *contacts.get(u.desa_code, ("", ""))) for u in missing_units]
    rows: list[CoverageRow] = []
    kecamatan_codes = sorted({code.rsplit(".", 1)[0] for code in desa_codes})
    several = len(kecamatan_codes) > 1
    for kecamatan in kecamatan_codes:
        members = [c for c in desa_codes if c.rsplit(".", 1)[0] == kecamatan]
        if several:
            rows.append(CoverageRow(kecamatan, names.get(kecamatan, kecamatan),
                                    *[sum(counts[c][i] for c in members) for i in range(3)],
                                    level=3))
        rows += [CoverageRow(c, names.get(c, c), *counts[c]) for c in members]
    total = CoverageRow("", scope, *[sum(v[i] for v in counts.values()) for i in range(3)],
                        level=2 if several else 3)
    return Coverage(month, due, scope, rows, total, missing, late)


def missing_reports(period: str) -> int:
    """How many units have not reported for the month (for Beranda)."""
    return len(coverage(period).missing)


# --- the kecamatan recap: every desa's lines side by side ------------------------------------

@dataclass(frozen=True)
class RecapLine:
    line: Line
    values: tuple[int | None, ...]            # per desa, this month
    total: int | None
    cumulative: tuple[int | None, ...] = ()   # per desa, when the line has the column
    cumulative_total: int | None = None
    target_total: int | None = None

    @property
    def remaining_total(self) -> int | None:
        if self.target_total is None:
            return None
        return max(0, self.target_total - (self.cumulative_total or 0))


@dataclass
class MonthlyRecap:
    month: Month
    scope: str
    desa: list[tuple[str, str]]               # (code, name) in column order
    template: Template
    lines: list[RecapLine]
    coverage: Coverage
    final: bool                               # every stored report of the scope is final
    differences: list[tuple[str, str, str, int]] = field(default_factory=list)
    # (desa name, unit name, line text, own minus units' sum)


def monthly_recap(period: str, desa_code: str | None = None,
                  region_code: str | None = None) -> MonthlyRecap:
    """Every desa's figures (the sum of its top units, else nothing) line by line,
    with the kecamatan total and coverage. One read of the month and of the
    year's "to date" lines for all desa."""
    month = parse_month(period)
    desa_codes, scope = _scope_desa(desa_code or region_code)
    template = current_template()
    all_units = _unit_refs(desa_codes)
    unit_ids = [u.id for u in all_units]
    rows = _reports(unit_ids, [month.key])
    reported = {row[1] for row in rows}
    extra = reported - set(unit_ids)
    if extra:
        all_units = _unit_refs(desa_codes, extra)
    typed = {line.key for line in template.lines if line.typed}
    own = {row[1]: {k: v for k, v in _decode(row[6]).items() if k in typed} for row in rows}
    targets = {row[1]: _decode(row[7]) for row in rows}
    children = _children(all_units)
    figures = _rolled_values(children, own)
    computer = _Computer(all_units, month, reported)
    year = _year_rollups(all_units, month)
    units_by_desa: dict[str, list[UnitRef]] = defaultdict(list)
    for unit in all_units:
        units_by_desa[unit.desa_code].append(unit)
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(desa_codes)).tuples())
    roots = {code: [u.id for u in items if u.id in children.get(None, ())]
             for code, items in units_by_desa.items()}
    differences = []
    for unit in all_units:   # own figures of units whose units reported too
        mine = own.get(unit.id)
        kids = children.get(unit.id, ())
        if not mine or not kids:
            continue
        for key, value in mine.items():
            below = [figures[kid][key] for kid in kids if key in figures.get(kid, {})]
            if below and value != sum(below):
                line = template.line(key)
                differences.append((names.get(unit.desa_code, ""), unit.name,
                                    line.text() if line else key, value - sum(below)))

    def desa_value(code: str, key: str, source: dict) -> int | None:
        values = [source[root][key] for root in roots.get(code, ())
                  if key in source.get(root, {})]
        return sum(values) if values else None

    per_desa: dict[str, dict[str, int | None]] = {}
    for code in desa_codes:
        values: dict[str, int | None] = {}
        for line in template.lines:
            if line.typed:
                values[line.key] = desa_value(code, line.key, figures)
            elif line.kind == LINE_COMPUTED:
                values[line.key] = computer.value(line, None, code)
        values.update(_totals(template, values))
        per_desa[code] = values
    cumulative_desa: dict[str, dict[str, int]] = {code: defaultdict(int) for code in desa_codes}
    for per_unit in year.values():
        for code in desa_codes:
            for root in roots.get(code, ()):
                for key, value in per_unit.get(root, {}).items():
                    cumulative_desa[code][key] += value
    target_figures = _rolled_values(children, targets)
    target_sum: dict[str, int] = defaultdict(int)
    for unit_id in children.get(None, ()):
        for key, value in target_figures.get(unit_id, {}).items():
            target_sum[key] += value
    lines = []
    for line in template.lines:
        values = tuple(per_desa[code].get(line.key) for code in desa_codes)
        present = [v for v in values if v is not None]
        total = sum(present) if present else None
        cumulative: tuple = ()
        cumulative_total = target_total = None
        if line.cumulative:
            cumulative = tuple(cumulative_desa[code].get(line.key) for code in desa_codes)
            known = [v for v in cumulative if v is not None]
            cumulative_total = sum(known) if known else None
        if line.target:
            target_total = target_sum.get(line.key)
        lines.append(RecapLine(line, values, total, cumulative, cumulative_total, target_total))
    statuses = {row[5] for row in rows}
    cover = _coverage(month, due_date(month), desa_codes, scope, all_units,
                      {row[1]: row[4] for row in rows})
    return MonthlyRecap(month, scope, [(code, names.get(code, code)) for code in desa_codes],
                        template, lines, cover, bool(rows) and statuses == {REPORT_FINAL},
                        differences)


# --- for other screens and the package ----------------------------------------------------

def level_of(unit_id: int) -> str:
    return Unit.select(Unit.level).where(Unit.id == unit_id).scalar() or LEVEL_KELOMPOK


def report_records() -> list[dict]:
    """``list monthly --json``: every stored report, plainly."""
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    return [{"id": row.id, "uuid": row.uuid, "unit_id": row.unit_id,
             "unit": units.get(row.unit_id, ""), "period": row.period,
             "received_on": row.received_on.isoformat() if row.received_on else None,
             "status": row.status, "figures": _decode(row.figures)}
            for row in MonthlyReport.select().order_by(MonthlyReport.period, MonthlyReport.id)]

