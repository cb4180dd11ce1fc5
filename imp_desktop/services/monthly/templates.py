"""Laporan bulanan: the versioned line template (sections and lines, in New SIGA's order).

An edit makes a new version; a report keeps the version it was made with.
"""
from __future__ import annotations

import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass

from peewee import fn

from imp_desktop.data.models import (
    LEVELS,
    LINE_CARRIED,
    LINE_COMPUTED,
    LINE_KINDS,
    LINE_TOTAL,
    LINE_TYPED,
    MonthlyLine,
    MonthlyReport,
    MonthlyTemplate,
    database,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.i18n import language, tr
from imp_desktop.services.monthly.periods import (
    TEMPLATE_IN_USE,
)
from imp_desktop.services.text import clean_spaces

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


def source_choices(kind: str, drafts: list[LineDraft] | None = None,
                   lang: str | None = None) -> list[tuple[str, str]]:
    """(source, label) a line of ``kind`` can take, for the template editor's list.

    A computed line: the units of a level, those of a level that reported, the
    activities of a kind (from Jenis kegiatan) or the attendance. A total: the keys
    of the other lines (several are joined with commas). Typed and carried lines
    have no source.
    """
    from imp_desktop.services.activity_types import activity_types
    from imp_desktop.services.settings import level_labels

    if kind == LINE_COMPUTED:
        labels = level_labels()
        choices = [(f"units:{level}", tr("monthly.source.units", lang, level=labels[level]))
                   for level in LEVELS]
        choices += [(f"reporting:{level}", tr("monthly.source.reporting", lang,
                                              level=labels[level])) for level in LEVELS]
        choices += [(f"activity_type:{t.name}", tr("monthly.source.activity_type", lang,
                                                   name=t.name)) for t in activity_types()]
        return choices + [("attendance", tr("monthly.source.attendance", lang))]
    if kind == LINE_TOTAL:
        return [(d.key, f"{d.key}: {d.text_id}") for d in drafts or [] if d.key]
    return []


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
