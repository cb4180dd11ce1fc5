"""Activities (kegiatan): coaching sessions with their attendance, scores and photos.

The editor holds a whole activity in plain values (``ActivityInput``, a list of
``ParticipantRow`` and a list of ``PhotoInfo``) and ``save_activity`` writes them
in one transaction. ``get_activity`` returns everything a report needs
(``ActivityDetail``: every section text, participants with their unit and level,
photos with their stored path, counts by status and level, score averages).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, fields

from peewee import JOIN, Case, fn

from imp_desktop.data.audit import audited_delete, audited_insert, audited_update
from imp_desktop.data.models import (
    ATTENDANCE_STATUSES,
    LEVELS,
    STATUS_PRESENT,
    Activity,
    ActivityPhoto,
    ActivityType,
    AssessmentAnswer,
    Cadre,
    Participant,
    Region,
    Unit,
    database,
    new_uuid,
)
from imp_desktop.data.sync import chunks
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import TIME_ZONES, format_time
from imp_desktop.i18n import tr
from imp_desktop.services.activity_types import (  # noqa: F401  (re-exported)
    ActivityTypeInfo,
    activity_types,
    delete_activity_type,
    move_activity_type,
    save_activity_type,
    set_activity_type_active,
)
from imp_desktop.services.text import clean_spaces, control_problems, fold, search_key

DEFAULT_TITLE = "Pembinaan pada Kader IMP Bangga Kencana"
ENGAGEMENT_RATINGS = (1, 2, 3, 4, 5)
SCORE_MIN, SCORE_MAX = 0.0, 100.0
POSITION_RANK = {"ketua": 0, "sekretaris": 1, "bendahara": 2, "anggota": 3}
LEVEL_RANK = {level: index for index, level in enumerate(LEVELS)}

# The report sections, in the order of the Laporan Kegiatan (field, i18n label key).
TEXT_SECTIONS = [
    ("background", "activity.field.background"),
    ("aims", "activity.field.aims"),
    ("legal_basis", "activity.field.legal_basis"),
    ("agenda", "activity.field.agenda"),
    ("speakers", "activity.field.speakers"),
    ("participants_note", "activity.field.participants_note"),
    ("results", "activity.field.results"),
    ("supporting_factors", "activity.field.supporting_factors"),
    ("inhibiting_factors", "activity.field.inhibiting_factors"),
    ("conclusions", "activity.field.conclusions"),
    ("suggestions", "activity.field.suggestions"),
    ("follow_up", "activity.field.follow_up"),
    ("closing", "activity.field.closing"),
]
# What a copy for next month keeps besides the invitation list.
CARRIED_OVER = ("title", "type_id", "start_time", "end_time", "time_zone", "place",
                "desa_code", "background", "aims", "legal_basis", "agenda", "speakers",
                "closing", "funding_source", "scores_enabled", "agenda_roles")


def status_label(status: str | None) -> str:
    """"Hadir", "Izin", "Sakit", "Tanpa keterangan" or "Belum dicatat" (None)."""
    return tr(f"activity.status.{status or 'none'}")


def engagement_label(rating: int | None) -> str:
    return tr(f"activity.engagement.{rating}") if rating in ENGAGEMENT_RATINGS else ""


# --- plain values ------------------------------------------------------------

@dataclass
class ActivityInput:
    """Everything the editor's form holds (not the attendance list or photos)."""

    title: str = DEFAULT_TITLE
    type_id: int | None = None
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    time_zone: str = "WIB"
    place: str = ""
    desa_code: str | None = None
    background: str = ""
    aims: str = ""
    legal_basis: str = ""
    agenda: str = ""
    speakers: str = ""
    participants_note: str = ""
    results: str = ""
    supporting_factors: str = ""
    inhibiting_factors: str = ""
    conclusions: str = ""
    suggestions: str = ""
    follow_up: str = ""
    closing: str = ""
    funding_source: str = ""
    funding_amount: int | None = None
    engagement_rating: int | None = None
    engagement_note: str = ""
    scores_enabled: bool = False
    # The roles (codes) chosen as the agenda, and each drafted section's text as the
    # program last drafted it (services/drafting.py).
    agenda_roles: list[str] = field(default_factory=list)
    drafted: dict[str, str] = field(default_factory=dict)
    # The row version read with the activity (``get_activity``): a save finding
    # another one (someone else saved it meanwhile, on a shared database) is refused.
    version: str | None = field(default=None, compare=False)


@dataclass
class ParticipantRow:
    """One line of the attendance list: a cadre or a guest.

    ``id`` is None until saved. For a cadre, name, position, unit, level and
    desa come from the registry; for a guest, ``name`` and ``position`` are typed.
    """

    id: int | None = None
    cadre_id: int | None = None
    name: str = ""
    position: str = ""              # "Ketua" / "Anggota" for cadres; "Kepala Desa" for guests
    position_code: str | None = None  # the cadre's board position code ("ketua")
    unit_id: int | None = None
    unit_name: str = ""
    level: str | None = None        # unit level code, None for guests
    level_label: str = ""
    desa_code: str | None = None
    desa_name: str = ""
    address: str = ""
    status: str | None = None       # None = not marked yet
    pre_score: float | None = None
    post_score: float | None = None
    note: str = ""

    @property
    def is_guest(self) -> bool:
        return self.cadre_id is None

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def role_text(self) -> str:
        """What the Jabatan/Unsur column shows: "Ketua Sub PPKBD Dusun Krajan" or "Bidan desa"."""
        if self.is_guest:
            return self.position
        parts = [self.position, self.unit_name or self.level_label]
        return " ".join(p for p in parts if p)

    @property
    def gain(self) -> float | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


@dataclass
class PhotoInfo:
    id: int | None = None
    file_name: str = ""
    caption: str = ""
    original_name: str = ""
    width: int | None = None
    height: int | None = None

    @property
    def exists(self) -> bool:
        from imp_desktop.services.photos import has_photo

        return has_photo(self.file_name)


@dataclass
class AttendanceCounts:
    invited: int = 0
    cadres: int = 0
    guests: int = 0
    by_status: dict[str | None, int] = field(default_factory=dict)   # None = not marked
    present_by_level: dict[str, int] = field(default_factory=dict)   # level code -> present
    invited_by_level: dict[str, int] = field(default_factory=dict)
    present_guests: int = 0

    @property
    def present(self) -> int:
        return self.by_status.get(STATUS_PRESENT, 0)

    @property
    def unmarked(self) -> int:
        return self.by_status.get(None, 0)

    @property
    def present_percent(self) -> float | None:
        return 100.0 * self.present / self.invited if self.invited else None


@dataclass
class ScoreSummary:
    pre_count: int = 0
    post_count: int = 0
    paired: int = 0               # participants with both scores
    pre_average: float | None = None
    post_average: float | None = None
    gain_average: float | None = None   # over the paired participants
    improved: int = 0

    @property
    def any(self) -> bool:
        return bool(self.pre_count or self.post_count)


@dataclass
class ActivityDetail(ActivityInput):
    """A saved activity with everything a report or the editor needs."""

    id: int = 0
    uuid: str = ""
    type_name: str = ""
    desa_name: str = ""
    kecamatan_code: str | None = None
    kecamatan_name: str = ""
    participants: list[ParticipantRow] = field(default_factory=list)
    photos: list[PhotoInfo] = field(default_factory=list)
    counts: AttendanceCounts = field(default_factory=AttendanceCounts)
    scores: ScoreSummary = field(default_factory=ScoreSummary)
    copied_from_id: int | None = None
    created_at: str = ""
    updated_at: str = ""

    @property
    def input(self) -> ActivityInput:
        return ActivityInput(**{f.name: getattr(self, f.name) for f in fields(ActivityInput)})

    @property
    def time_text(self) -> str:
        """``pukul 09.00–12.00 WIB`` (or ``pukul 09.00 WIB–selesai``)."""
        if self.start_time is None:
            return ""
        start = format_time(self.start_time)
        if self.end_time is None:
            return f"{start} {self.time_zone} – {tr('activity.until_done')}"
        return f"{start}–{format_time(self.end_time, self.time_zone, prefix=False)}"

    @property
    def engagement_label(self) -> str:
        return engagement_label(self.engagement_rating)

    @property
    def guests(self) -> list[ParticipantRow]:
        return [p for p in self.participants if p.is_guest]


@dataclass(frozen=True)
class ActivitySummary:
    """One row of the activity list."""

    id: int
    date: dt.date
    title: str
    type_name: str
    desa_name: str
    place: str
    invited: int
    present: int
    photos: int


@dataclass
class ActivityFilter:
    text: str = ""
    year: int | None = None
    month: int | None = None
    desa_code: str | None = None
    type_id: int | None = None


# --- reading -----------------------------------------------------------------

def _time(text: str | None) -> dt.time | None:
    if not text:
        return None
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _time_text(value: dt.time | None) -> str | None:
    return f"{value.hour:02d}:{value.minute:02d}" if value else None


def _desa_names(codes) -> dict[str, str]:
    codes = [c for c in set(codes) if c]
    if not codes:
        return {}
    return dict(Region.select(Region.code, Region.name).where(Region.code.in_(codes)).tuples())


def _cadre_rows(query) -> list[ParticipantRow]:
    """ParticipantRows (unsaved) for cadres selected by ``query`` on Cadre."""
    from imp_desktop.services.settings import level_labels

    labels = level_labels()
    rows = list(query.select(Cadre.id, Cadre.name, Cadre.position, Cadre.desa, Cadre.address,
                             Unit.id, Unit.name, Unit.level)
                .join(Unit, JOIN.LEFT_OUTER, on=(Cadre.unit == Unit.id)).tuples())
    desa = _desa_names(r[3] for r in rows)
    return [ParticipantRow(cadre_id=cid, name=name,
                           position=tr(f"position.{position}") if position else "",
                           position_code=position,
                           unit_id=unit_id, unit_name=unit_name or "", level=level,
                           level_label=labels.get(level, "") if level else "",
                           desa_code=desa_code, desa_name=desa.get(desa_code, ""),
                           address=address or "")
            for cid, name, position, desa_code, address, unit_id, unit_name, level in rows]


def _sort_key(row: ParticipantRow):
    return (row.is_guest, row.desa_name, LEVEL_RANK.get(row.level, 9), row.unit_name,
            POSITION_RANK.get(row.position_code, 9),
            fold(row.name))


def participants_of(activity_id: int) -> list[ParticipantRow]:
    """The attendance list in its saved order, cadres with their unit, level and desa."""
    from imp_desktop.services.settings import level_labels

    labels = level_labels()
    records = list(Participant
                   .select(Participant.id, Participant.cadre, Participant.guest_name,
                           Participant.guest_position, Participant.status,
                           Participant.pre_score, Participant.post_score, Participant.note,
                           Cadre.name, Cadre.position, Cadre.desa, Cadre.address,
                           Unit.id, Unit.name, Unit.level)
                   .join(Cadre, JOIN.LEFT_OUTER, on=(Participant.cadre == Cadre.id))
                   .join(Unit, JOIN.LEFT_OUTER, on=(Cadre.unit == Unit.id))
                   .where(Participant.activity == activity_id)
                   .order_by(Participant.sort_order, Participant.id).tuples())
    desa = _desa_names(r[10] for r in records)
    result = []
    for (ident, cadre_id, guest_name, guest_position, status, pre, post, note, name, position,
         desa_code, address, unit_id, unit_name, level) in records:
        if cadre_id:
            row = ParticipantRow(cadre_id=cadre_id, name=name or "",
                                 position=tr(f"position.{position}") if position else "",
                                 position_code=position, unit_id=unit_id,
                                 unit_name=unit_name or "", level=level,
                                 level_label=labels.get(level, "") if level else "",
                                 desa_code=desa_code, desa_name=desa.get(desa_code, ""),
                                 address=address or "")
        else:
            row = ParticipantRow(name=guest_name or "", position=guest_position or "")
        row.id = ident
        row.status = status
        row.pre_score, row.post_score = pre, post
        row.note = note or ""
        result.append(row)
    return result


def photos_of(activity_id: int) -> list[PhotoInfo]:
    return [PhotoInfo(p.id, p.file_name, p.caption or "", p.original_name or "", p.width,
                      p.height)
            for p in ActivityPhoto.select().where(ActivityPhoto.activity == activity_id)
            .order_by(ActivityPhoto.sort_order, ActivityPhoto.id)]


def count_attendance(rows: list[ParticipantRow]) -> AttendanceCounts:
    counts = AttendanceCounts(by_status={status: 0 for status in ATTENDANCE_STATUSES} | {None: 0},
                              present_by_level={level: 0 for level in LEVELS},
                              invited_by_level={level: 0 for level in LEVELS})
    for row in rows:
        counts.invited += 1
        counts.by_status[row.status] = counts.by_status.get(row.status, 0) + 1
        if row.is_guest:
            counts.guests += 1
            counts.present_guests += row.status == STATUS_PRESENT
            continue
        counts.cadres += 1
        if row.level:
            counts.invited_by_level[row.level] += 1
            if row.status == STATUS_PRESENT:
                counts.present_by_level[row.level] += 1
    return counts


def summarize_scores(rows: list[ParticipantRow]) -> ScoreSummary:
    pre = [r.pre_score for r in rows if r.pre_score is not None]
    post = [r.post_score for r in rows if r.post_score is not None]
    gains = [r.gain for r in rows if r.gain is not None]
    return ScoreSummary(
        pre_count=len(pre), post_count=len(post), paired=len(gains),
        pre_average=sum(pre) / len(pre) if pre else None,
        post_average=sum(post) / len(post) if post else None,
        gain_average=sum(gains) / len(gains) if gains else None,
        improved=sum(1 for g in gains if g > 0))


def attendance_counts(activity_id: int) -> AttendanceCounts:
    return count_attendance(participants_of(activity_id))


def score_summary(activity_id: int) -> ScoreSummary:
    return summarize_scores(participants_of(activity_id))


def get_activity(activity_id: int) -> ActivityDetail:
    record = Activity.get_or_none(Activity.id == activity_id)
    if record is None:
        raise UserError(tr("activity.error.not_found", id=activity_id))
    values = {f.name: getattr(record, f.name) for f in fields(ActivityInput)
              if hasattr(Activity, f.name) and f.name not in ("start_time", "end_time")}
    values["type_id"] = record.activity_type_id
    values["desa_code"] = record.desa_code
    values["start_time"], values["end_time"] = _time(record.start_time), _time(record.end_time)
    values["agenda_roles"] = _role_codes(getattr(record, "agenda_roles", ""))
    values["drafted"] = _drafted(getattr(record, "drafted", "{}"))
    for key in ("place", "funding_source"):
        values[key] = values[key] or ""
    from imp_desktop.data.row_versions import row_version

    values["version"] = row_version(Activity, activity_id)
    detail = ActivityDetail(**values, id=record.id, uuid=record.uuid,
                            copied_from_id=record.copied_from_id,
                            created_at=record.created_at, updated_at=record.updated_at)
    if record.activity_type_id:
        detail.type_name = ActivityType.get_by_id(record.activity_type_id).name
    if record.desa_code:
        kecamatan = record.desa_code.rsplit(".", 1)[0]
        names = _desa_names([record.desa_code, kecamatan])
        detail.desa_name = names.get(record.desa_code, "")
        detail.kecamatan_code, detail.kecamatan_name = kecamatan, names.get(kecamatan, "")
    detail.participants = participants_of(record.id)
    detail.photos = photos_of(record.id)
    detail.counts = count_attendance(detail.participants)
    detail.scores = summarize_scores(detail.participants)
    return detail


def list_activities(filters: ActivityFilter | None = None) -> list[ActivitySummary]:
    """Activities matching the filters, newest first, with invited and present counts."""
    filters = filters or ActivityFilter()
    query = Activity.select(Activity.id, Activity.date, Activity.title, Activity.place,
                            Activity.desa, Activity.activity_type)
    if filters.text:
        for word in fold(clean_spaces(filters.text)).split():
            query = query.where(Activity.search_text.contains(word))
    if filters.year and filters.month:
        last = calendar.monthrange(filters.year, filters.month)[1]
        query = query.where(Activity.date.between(dt.date(filters.year, filters.month, 1),
                                                  dt.date(filters.year, filters.month, last)))
    elif filters.year:
        query = query.where(Activity.date.between(dt.date(filters.year, 1, 1),
                                                  dt.date(filters.year, 12, 31)))
    if filters.desa_code:
        query = query.where(Activity.desa == filters.desa_code)
    if filters.type_id:
        query = query.where(Activity.activity_type == filters.type_id)
    records = list(query.order_by(Activity.date.desc(), Activity.id.desc()).tuples())
    ids = [r[0] for r in records]
    invited, present, photos = {}, {}, {}
    for chunk in chunks(ids):
        for ident, total, here in (Participant
                                   .select(Participant.activity,
                                           fn.COUNT(Participant.id),
                                           fn.SUM(Case(None, [(Participant.status
                                                               == STATUS_PRESENT, 1)], 0)))
                                   .where(Participant.activity.in_(chunk))
                                   .group_by(Participant.activity).tuples()):
            invited[ident], present[ident] = total, int(here or 0)
        photos.update(ActivityPhoto.select(ActivityPhoto.activity, fn.COUNT(ActivityPhoto.id))
                      .where(ActivityPhoto.activity.in_(chunk))
                      .group_by(ActivityPhoto.activity).tuples())
    types = dict(ActivityType.select(ActivityType.id, ActivityType.name).tuples())
    desa = _desa_names(r[4] for r in records)
    return [ActivitySummary(ident, date, title, types.get(type_id, ""), desa.get(desa_code, ""),
                            place or "", invited.get(ident, 0), present.get(ident, 0),
                            photos.get(ident, 0))
            for ident, date, title, place, desa_code, type_id in records]


def activity_months() -> list[tuple[int, int]]:
    """(year, month) pairs that have activities, newest first (for the month filter)."""
    dates = Activity.select(Activity.date).distinct().tuples()
    months = {(d.year, d.month) for (d,) in dates if d}
    return sorted(months, reverse=True)


def activity_desa() -> list[tuple[str, str]]:
    """(code, name) of the officer's desa and those that have cadres or activities
    (for pickers): the officer's own first, then by name."""
    from imp_desktop.services.first_run import officer_desa_first, work_desa_codes

    codes = {c for (c,) in Cadre.select(Cadre.desa).distinct().tuples() if c}
    codes |= {c for (c,) in Activity.select(Activity.desa).distinct().tuples() if c}
    codes |= set(work_desa_codes())
    names = _desa_names(codes)
    return officer_desa_first(sorted(names.items(), key=lambda item: fold(item[1])))


# --- invitations -------------------------------------------------------------

def _invitable():
    """Active, not merged cadres. Written so SQLite does not pick the (unselective)
    indexes on ``active`` or ``merged_into`` over the one on desa or unit."""
    return Cadre.select().where((Cadre.active != False)  # noqa: E712
                                & (fn.COALESCE(Cadre.merged_into, 0) == 0))


def cadres_for_invitation(desa_code: str | None = None, unit_id: int | None = None,
                          level: str | None = None, with_sub_units: bool = False,
                          positions: tuple[str, ...] | None = None) -> list[ParticipantRow]:
    """Active cadres of a desa, a unit (optionally with the units below it) or a level,
    optionally only those with one of ``positions`` ("ketua", "sekretaris"...).

    Returned as unsaved rows, sorted by desa, level, unit and board position.
    """
    if not (desa_code or unit_id or level):
        raise UserError(tr("activity.error.invite_choice"))
    query = _invitable()
    if unit_id:
        unit_ids = {unit_id}
        if with_sub_units:
            frontier = {unit_id}
            while frontier:
                frontier = {u for (u,) in Unit.select(Unit.id)
                            .where(Unit.parent.in_(list(frontier))).tuples()} - unit_ids
                unit_ids |= frontier
        query = query.where(Cadre.unit.in_(list(unit_ids)))
    if desa_code:
        query = query.where(Cadre.desa == desa_code)
    if level:
        query = query.where(Cadre.unit.in_(Unit.select(Unit.id).where(Unit.level == level)))
    if positions:
        query = query.where(Cadre.position.in_(list(positions)))
    return sorted(_cadre_rows(query), key=_sort_key)


def find_cadres(text: str, limit: int = 50) -> list[ParticipantRow]:
    """Active cadres whose name, NIK, phone or desa contains every word of ``text``."""
    words = fold(clean_spaces(text)).split()
    if not words:
        return []
    query = _invitable()
    for word in words:
        query = query.where(Cadre.search_text.contains(word))
    return sorted(_cadre_rows(query.order_by(Cadre.name).limit(limit)), key=lambda r: fold(r.name))


def add_invitations(current: list[ParticipantRow], new: list[ParticipantRow]
                    ) -> tuple[list[ParticipantRow], int]:
    """``current`` with the cadres of ``new`` it lacks appended; returns (rows, added)."""
    present = {row.cadre_id for row in current if row.cadre_id}
    added = [row for row in new if row.cadre_id is None or row.cadre_id not in present]
    return current + added, len(added)


def guest_row(name: str, position: str) -> ParticipantRow:
    name = clean_spaces(name)
    if not name:
        raise ValidationError(tr("activity.error.guest_name"),
                              [("guest_name", tr("activity.error.guest_name"))])
    return ParticipantRow(name=name, position=clean_spaces(position))


# --- checking and saving -----------------------------------------------------

def next_month(day: dt.date) -> dt.date:
    """The same day next month (the last day when that month is shorter)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _clean(data: ActivityInput) -> ActivityInput:
    values = {f.name: getattr(data, f.name) for f in fields(ActivityInput)}
    for key in ("title", "place", "funding_source"):
        values[key] = clean_spaces(values[key])
    for key, _ in TEXT_SECTIONS:
        values[key] = (values[key] or "").strip()
    values["engagement_note"] = (values["engagement_note"] or "").strip()
    values["time_zone"] = (values["time_zone"] or "WIB").upper()
    values["agenda_roles"] = list(dict.fromkeys(values["agenda_roles"] or []))
    # A drafted text is remembered as saved (trimmed), so an untouched section
    # still equals it when the activity is opened again.
    values["drafted"] = {key: (text or "").strip()
                         for key, text in (values["drafted"] or {}).items()}
    return ActivityInput(**values)


def check_activity(data: ActivityInput, participants: list[ParticipantRow] | None = None
                   ) -> list[tuple[str, str]]:
    """Every problem that stops saving, as (field, message) pairs."""
    errors = control_problems({f.name: getattr(data, f.name) for f in fields(ActivityInput)},
                              labels="activity.field.")
    errors += control_problems({"drafted": list((data.drafted or {}).values())},
                               labels="activity.field.")
    if not data.title:
        errors.append(("title", tr("activity.error.title")))
    if data.date is None:
        errors.append(("date", tr("activity.error.date")))
    if data.start_time and data.end_time and data.end_time < data.start_time:
        errors.append(("end_time", tr("activity.error.end_time")))
    if data.end_time and not data.start_time:
        errors.append(("start_time", tr("activity.error.start_time")))
    if data.time_zone not in TIME_ZONES:
        errors.append(("time_zone", tr("activity.error.time_zone")))
    if data.type_id is not None and not ActivityType.select().where(
            ActivityType.id == data.type_id).exists():
        errors.append(("type_id", tr("activity.error.type")))
    if data.desa_code and not Region.select().where(Region.code == data.desa_code).exists():
        errors.append(("desa_code", tr("activity.error.desa", code=data.desa_code)))
    if data.funding_amount is not None and data.funding_amount < 0:
        errors.append(("funding_amount", tr("activity.error.funding")))
    if data.engagement_rating is not None and data.engagement_rating not in ENGAGEMENT_RATINGS:
        errors.append(("engagement_rating", tr("activity.error.rating")))
    from imp_desktop.services.roles.scoring import ROLE_CODES

    for code in data.agenda_roles or []:
        if code not in ROLE_CODES:
            errors.append(("agenda_roles", tr("activity.error.agenda_role", code=code)))
    seen = set()
    for number, row in enumerate(participants or [], 1):
        if row.is_guest and not clean_spaces(row.name):
            errors.append(("participants", tr("activity.error.guest_row", row=number)))
        typed = {"note": row.note, **({"name": row.name, "position": row.position}
                                      if row.is_guest else {})}
        if control_problems(typed):
            errors.append(("participants", tr("activity.error.guest_control", row=number)))
        if row.cadre_id is not None:
            if row.cadre_id in seen:
                errors.append(("participants", tr("activity.error.twice", name=row.name)))
            seen.add(row.cadre_id)
        if row.status is not None and row.status not in ATTENDANCE_STATUSES:
            errors.append(("participants", tr("activity.error.status", row=number)))
        for score in (row.pre_score, row.post_score):
            if score is not None and not SCORE_MIN <= score <= SCORE_MAX:
                errors.append(("participants", tr("activity.error.score", name=row.name)))
    return errors


def _role_codes(text: str | None) -> list[str]:
    return [code for code in (text or "").split(",") if code]


def _drafted(text: str | None) -> dict[str, str]:
    import json

    try:
        value = json.loads(text or "{}")
    except ValueError:       # a damaged value only means every section counts as typed
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _apply(record: Activity, data: ActivityInput) -> None:
    import json

    for f in fields(ActivityInput):
        if f.name in ("type_id", "desa_code", "start_time", "end_time", "agenda_roles",
                      "drafted", "version"):
            continue
        setattr(record, f.name, getattr(data, f.name))
    record.agenda_roles = ",".join(data.agenda_roles or [])
    record.drafted = json.dumps(data.drafted or {}, ensure_ascii=False, sort_keys=True)
    record.place = data.place or None
    record.funding_source = data.funding_source or None
    record.activity_type = data.type_id
    record.desa = data.desa_code
    record.start_time, record.end_time = _time_text(data.start_time), _time_text(data.end_time)
    type_name = ActivityType.get_by_id(data.type_id).name if data.type_id else None
    desa_name = _desa_names([data.desa_code]).get(data.desa_code) if data.desa_code else None
    record.search_text = search_key(data.title, type_name, data.place, desa_name)


def _attendance_order(rows: list[ParticipantRow], existing: dict) -> list[int]:
    """The ``sort_order`` of each row. When the rows kept are still in their
    order and the new ones come after them (an attendee taken off, people
    invited), the kept rows keep their numbers and the new ones follow: numbering
    the rest again would write (audit, and send in packages) one change per
    attendee for nothing. Otherwise (rows moved, or put between): 0, 1, 2…"""
    kept = [existing[row.id].sort_order for row in rows if row.id in existing]
    positions = [n for n, row in enumerate(rows) if row.id in existing]
    first_new = next((n for n, row in enumerate(rows) if row.id not in existing), len(rows))
    if all(a < b for a, b in zip(kept, kept[1:])) and (not positions
                                                        or positions[-1] < first_new):
        following = (kept[-1] + 1) if kept else 0
        return kept + list(range(following, following + len(rows) - len(kept)))
    return list(range(len(rows)))


def _save_participants(activity_id: int, rows: list[ParticipantRow]) -> None:
    existing = {p.id: p for p in Participant.select().where(Participant.activity == activity_id)}
    keep = {row.id for row in rows if row.id in existing}
    gone = [ident for ident in existing if ident not in keep]
    for chunk in chunks(gone):
        audited_delete(Participant, Participant.id.in_(chunk))
    new: list[dict] = []
    for order, row in zip(_attendance_order(rows, existing), rows):
        values = dict(cadre=row.cadre_id,
                      guest_name=None if row.cadre_id else clean_spaces(row.name),
                      guest_position=None if row.cadre_id else (clean_spaces(row.position) or None),
                      status=row.status, pre_score=row.pre_score, post_score=row.post_score,
                      note=clean_spaces(row.note) or None, sort_order=order)
        record = existing.get(row.id)
        if record is None:
            new.append({"uuid": new_uuid(), "activity": activity_id, **values})
            continue
        for key, value in values.items():
            setattr(record, key if key != "cadre" else "cadre_id", value)
        if record.is_dirty():
            record.save()
    # One prepared statement for every new row: inviting 300 people saves at once.
    audited_insert(Participant, new)


def _save_photos(activity_id: int, photos: list[PhotoInfo]) -> set[str]:
    """Write the photo rows; returns the file names of photos removed."""
    existing = {p.id: p for p in ActivityPhoto.select().where(ActivityPhoto.activity == activity_id)}
    keep = {photo.id for photo in photos if photo.id in existing}
    removed = {existing[i].file_name for i in existing if i not in keep}
    audited_delete(ActivityPhoto, ActivityPhoto.id.in_([i for i in existing if i not in keep]))
    for order, photo in enumerate(photos):
        record = existing.get(photo.id) or ActivityPhoto(activity=activity_id)
        record.file_name = photo.file_name
        record.caption = (photo.caption or "").strip()
        record.original_name = photo.original_name or None
        record.width, record.height = photo.width, photo.height
        record.sort_order = order
        if record.id is None or record.is_dirty():
            record.save()
    return removed


def save_activity(data: ActivityInput, participants: list[ParticipantRow] | None = None,
                  photos: list[PhotoInfo] | None = None, activity_id: int | None = None) -> int:
    """Create or update an activity with its attendance list and photos, in one transaction.

    ``participants`` or ``photos`` None leaves those untouched. Raises
    ValidationError listing every problem; then nothing is written.
    """
    data = _clean(data)
    errors = check_activity(data, participants)
    if errors:
        raise ValidationError(tr("activity.error.not_saved", first=errors[0][1]), errors)
    removed: set[str] = set()
    with database.atomic():
        if activity_id is None:
            record = Activity()
        else:
            if data.version is not None:
                from imp_desktop.services.concurrency import refuse_if_changed

                refuse_if_changed(Activity, activity_id, data.version,
                                  lambda: get_activity(activity_id).input, data, "activity")
            record = Activity.get_or_none(Activity.id == activity_id)
            if record is None:
                raise UserError(tr("activity.error.not_found", id=activity_id))
        _apply(record, data)
        record.save()
        if participants is not None:
            _save_participants(record.id, participants)
        if photos is not None:
            removed = _save_photos(record.id, photos)
        from imp_desktop.services.first_run import remember_desa

        remember_desa(data.desa_code)
    if removed:
        from imp_desktop.services.photos import remove_unreferenced

        remove_unreferenced(removed)
    return record.id


def duplicate_activity(activity_id: int, new_date: dt.date | None = None) -> int:
    """A copy for the next session: same setting and invitation list, nothing marked.

    Results, factors, conclusions, attendance, scores and photos are not copied.
    """
    source = get_activity(activity_id)
    data = ActivityInput(**{name: getattr(source, name) for name in CARRIED_OVER})
    # The narrative goes along as it is: a section the officer wrote stays theirs,
    # a drafted one can still be drafted again for the new session.
    data.drafted = {key: text for key, text in source.drafted.items() if key in CARRIED_OVER}
    data.date = new_date or next_month(source.date)
    invited = [ParticipantRow(cadre_id=row.cadre_id, name=row.name,
                              position=row.position if row.is_guest else "")
               for row in source.participants]
    with database.atomic():
        new_id = save_activity(data, invited, [])
        audited_update(Activity, {Activity.copied_from: activity_id}, Activity.id == new_id)
    return new_id


def delete_activity(activity_id: int) -> None:
    """Remove an activity with its attendance list and photo records (one transaction)."""
    files = {p.file_name for p in ActivityPhoto.select(ActivityPhoto.file_name)
             .where(ActivityPhoto.activity == activity_id)}
    with database.atomic():
        audited_delete(Participant, Participant.activity == activity_id)
        audited_delete(ActivityPhoto, ActivityPhoto.activity == activity_id)
        audited_update(Activity, {Activity.copied_from: None}, Activity.copied_from == activity_id)
        # Checklist answers that showed it as evidence lose the link (the foreign key
        # would clear it too; this records it and marks them changed for the next package).
        audited_update(AssessmentAnswer, {AssessmentAnswer.evidence_activity: None},
                       AssessmentAnswer.evidence_activity == activity_id)
        audited_delete(Activity, Activity.id == activity_id)
    if files:
        from imp_desktop.services.photos import remove_unreferenced

        remove_unreferenced(files)


# --- plain records (``imp-desktop list activities --json``) -------------------

def activity_records() -> list[dict]:
    """Every activity as a plain dict with its participants and photos."""
    result = []
    for (ident,) in Activity.select(Activity.id).order_by(Activity.date, Activity.id).tuples():
        detail = get_activity(ident)
        item = {f.name: getattr(detail, f.name) for f in fields(ActivityInput)}
        item.update(id=detail.id, uuid=detail.uuid, name=detail.title, type=detail.type_name,
                    desa=detail.desa_name, copied_from_id=detail.copied_from_id,
                    created_at=detail.created_at, updated_at=detail.updated_at)
        for key in ("date", "start_time", "end_time"):
            item[key] = item[key].isoformat(timespec="minutes") if isinstance(
                item[key], dt.time) else (item[key].isoformat() if item[key] else None)
        item["invited"], item["present"] = detail.counts.invited, detail.counts.present
        item["participants"] = [
            {"id": p.id, "cadre_id": p.cadre_id, "name": p.name, "position": p.position,
             "unit": p.unit_name or None, "level": p.level, "desa": p.desa_name or None,
             "status": p.status, "pre_score": p.pre_score, "post_score": p.post_score,
             "note": p.note or None}
            for p in detail.participants]
        item["photos"] = [{"id": p.id, "file_name": p.file_name, "caption": p.caption,
                           "original_name": p.original_name or None}
                          for p in detail.photos]
        result.append(item)
    return result
