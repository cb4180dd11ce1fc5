"""Peewee models: the current shape of every table.

The tables themselves are created and changed only by the numbered migrations
in ``imp_desktop.data.migrations``; these classes are how the services read
and write them. Every record has an integer id, a stable UUID (used to match
records between installations, never the local id) and created/updated times.
"""
from __future__ import annotations

import base64
import datetime as dt
import os
import threading
import time
import uuid as uuid_module

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()

# Unit levels: fixed codes, editable labels (see services.settings.level_label).
LEVEL_PPKBD = "ppkbd"
LEVEL_SUB_PPKBD = "sub_ppkbd"
LEVEL_KELOMPOK = "kelompok_kb"
LEVELS = (LEVEL_PPKBD, LEVEL_SUB_PPKBD, LEVEL_KELOMPOK)

POSITIONS = ("ketua", "sekretaris", "bendahara", "anggota")
SEXES = ("L", "P")

# Region levels by the number of parts in a Kemendagri code.
REGION_PROVINSI, REGION_KABUPATEN, REGION_KECAMATAN, REGION_DESA = 1, 2, 3, 4


def new_uuid() -> str:
    """A new record's uuid: version 7 (RFC 9562), the time in milliseconds first,
    then a counter and random bits (``time_ordered_uuids``). Records made together
    get neighbouring uuids, so the unique uuid index of a table grows at a few
    places instead of at random pages (a district database's indexes hold
    millions of them)."""
    return time_ordered_uuids(1)[0]


_uuid_lock = threading.Lock()
_last_uuid = [0, 0]     # (milliseconds, counter) of the last uuid made in this process


def time_ordered_uuids(count: int) -> list[str]:
    """``count`` version-7 uuids, ascending, each above every uuid made before in this
    process (RFC 9562, 6.2 method 1: a 12-bit counter after the milliseconds,
    started at random in each new millisecond, moving to the next millisecond when
    it runs out), then 62 random bits. So records sort by uuid in the order they
    were made, also within one millisecond."""
    with _uuid_lock:
        ms = time.time_ns() // 1_000_000
        last_ms, last_counter = _last_uuid
        if ms > last_ms:
            counter = int.from_bytes(os.urandom(2), "big") & 0x1FF    # room to count up
        else:
            ms, counter = last_ms, last_counter + 1
        raw = os.urandom(8 * count).hex()
        made = []
        for i in range(0, 16 * count, 16):
            if counter > 0xFFF:
                ms, counter = ms + 1, 0
            stamp = f"{ms:012x}"
            made.append(f"{stamp[:8]}-{stamp[8:]}-7{counter:03x}-{'89ab'[int(raw[i], 16) & 3]}"
                        f"{raw[i + 1:i + 4]}-{raw[i + 4:i + 16]}")
            counter += 1
        _last_uuid[:] = [ms, counter - 1]
    return made


def utc_now() -> str:
    """Timestamps are stored as ISO-8601 UTC text: sortable and portable."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class BaseModel(Model):
    id = AutoField()
    uuid = CharField(max_length=36, unique=True, default=new_uuid)
    created_at = CharField(default=utc_now)
    updated_at = CharField(default=utc_now)

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, *args, **kwargs):
        before = None
        if self._pk is not None and self.is_dirty():
            self.updated_at = utc_now()
            if save_hooks:   # the audit trail needs the values being replaced
                before = type(self).select().where(
                    type(self).id == self._pk).dicts().first()
        created = self._pk is None
        result = super().save(*args, **kwargs)
        for hook in save_hooks:
            hook(self, created, before)
        return result


# Called as ``hook(record, created, before_dict)`` after each save(); the audit
# trail (imp_desktop.data.audit) registers itself here.
save_hooks: list = []


class Region(BaseModel):
    """Provinsi, kabupaten/kota, kecamatan or desa/kelurahan, by Kemendagri code."""

    code = CharField(max_length=13, unique=True)
    name = CharField()
    level = IntegerField()
    parent_code = CharField(max_length=13, null=True, index=True)


class Hamlet(BaseModel):
    """A dusun or RW inside a desa (numbered or named locally)."""

    desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code",
                           backref="hamlets", on_delete="RESTRICT")
    name = CharField()          # "Dusun Krajan" or "RW 005"
    rw = CharField(null=True)   # "005" when the hamlet is an RW


class Neighbourhood(BaseModel):
    """An RT inside a dusun/RW."""

    hamlet = ForeignKeyField(Hamlet, backref="neighbourhoods", on_delete="RESTRICT")
    number = CharField()        # "003"


class Unit(BaseModel):
    """An IMP unit: PPKBD (desa), Sub PPKBD (dusun/RW) or Kelompok KB (RT)."""

    level = CharField()
    name = CharField()
    desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code",
                           backref="units", on_delete="RESTRICT")
    hamlet = ForeignKeyField(Hamlet, null=True, backref="units", on_delete="RESTRICT")
    neighbourhood = ForeignKeyField(Neighbourhood, null=True, backref="units",
                                    on_delete="RESTRICT")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    sk_number = CharField(null=True)
    sk_date = DateField(null=True)
    active = BooleanField(default=True)


class Cadre(BaseModel):
    """A kader IMP. Never hard-deleted: deactivated with a reason and date."""

    nik = CharField(max_length=16, null=True, unique=True)
    name = CharField()
    sex = CharField(max_length=1, null=True)
    birth_place = CharField(null=True)
    birth_date = DateField(null=True)
    address = TextField(null=True)
    rt = CharField(null=True)
    rw = CharField(null=True)
    desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code", null=True,
                           backref="cadres", on_delete="RESTRICT")
    hamlet = ForeignKeyField(Hamlet, null=True, backref="cadres", on_delete="RESTRICT")
    neighbourhood = ForeignKeyField(Neighbourhood, null=True, backref="cadres",
                                    on_delete="RESTRICT")
    phone = CharField(null=True)
    education = CharField(null=True)
    occupation = CharField(null=True)
    unit = ForeignKeyField(Unit, null=True, backref="cadres", on_delete="RESTRICT")
    position = CharField(null=True)
    sk_number = CharField(null=True)
    sk_date = DateField(null=True)
    start_date = DateField(null=True)
    active = BooleanField(default=True)
    inactive_reason = CharField(null=True)
    inactive_date = DateField(null=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged_from",
                                  on_delete="RESTRICT")
    # Lower-cased name, NIK, phone and desa name: what the search box looks in.
    search_text = TextField(default="")


class Officer(BaseModel):
    """The officer (PKB) who uses this installation; one row."""

    name = CharField(default="")
    nip = CharField(null=True)
    title = CharField(null=True)       # "Penyuluh KB Ahli Pertama"
    kecamatan = ForeignKeyField(Region, field=Region.code, column_name="kecamatan_code",
                                null=True, on_delete="RESTRICT")
    place_name = CharField(null=True)  # for the date line: "Sidomukti, 27 November 2026"


class Setting(BaseModel):
    """A program setting stored with the data (travels with the database)."""

    key = CharField(unique=True)
    value = TextField()   # JSON


ALL_MODELS = [Region, Hamlet, Neighbourhood, Unit, Cadre, Officer, Setting]


# --- Activities (kegiatan): types, participants, photos ---

# Attendance statuses (labels through tr("activity.status.<code>")); None = not yet marked.
STATUS_PRESENT, STATUS_EXCUSED, STATUS_SICK, STATUS_ABSENT = "hadir", "izin", "sakit", "alpa"
ATTENDANCE_STATUSES = (STATUS_PRESENT, STATUS_EXCUSED, STATUS_SICK, STATUS_ABSENT)


class ActivityType(BaseModel):
    """An editable kind of activity ("Pembinaan kader IMP", "Pertemuan rutin"...)."""

    name = CharField(unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Activity(BaseModel):
    """A coaching session or meeting: every part of its Laporan Kegiatan."""

    title = CharField()
    activity_type = ForeignKeyField(ActivityType, null=True, backref="activities",
                                    on_delete="RESTRICT")
    date = DateField(index=True)
    start_time = CharField(max_length=5, null=True)   # "09:00"
    end_time = CharField(max_length=5, null=True)
    time_zone = CharField(max_length=4, default="WIB")
    place = CharField(null=True)
    desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code", null=True,
                           backref="activities", on_delete="RESTRICT")
    background = TextField(default="")
    aims = TextField(default="")
    legal_basis = TextField(default="")
    agenda = TextField(default="")
    speakers = TextField(default="")
    participants_note = TextField(default="")
    results = TextField(default="")
    supporting_factors = TextField(default="")
    inhibiting_factors = TextField(default="")
    conclusions = TextField(default="")
    suggestions = TextField(default="")
    follow_up = TextField(default="")
    closing = TextField(default="")
    funding_source = CharField(null=True)
    funding_amount = IntegerField(null=True)          # whole rupiah
    engagement_rating = IntegerField(null=True)       # 1 (kurang) .. 5 (sangat baik)
    engagement_note = TextField(default="")
    scores_enabled = BooleanField(default=False)
    copied_from = ForeignKeyField("self", null=True, backref="copies", on_delete="SET NULL")
    search_text = TextField(default="")
    agenda_roles = TextField(default="")              # role codes, comma-separated (m15)
    drafted = TextField(default="{}")                 # section -> text as last drafted (m15)


class Participant(BaseModel):
    """One invited person: a cadre (plain FK, re-pointed by merges) or a guest."""

    activity = ForeignKeyField(Activity, backref="participants", index=False, on_delete="CASCADE")
    cadre = ForeignKeyField(Cadre, null=True, backref="participations", on_delete="RESTRICT")
    guest_name = CharField(null=True)
    guest_position = CharField(null=True)             # "Kepala Desa", "Bidan desa"...
    status = CharField(max_length=8, null=True)
    pre_score = FloatField(null=True)
    post_score = FloatField(null=True)
    note = CharField(null=True)
    sort_order = IntegerField(default=0)

    class Meta:
        indexes = ((("activity", "cadre"), True),)   # migration 6


class ActivityPhoto(BaseModel):
    """A documentation photo; the file lives in the program's own media store."""

    activity = ForeignKeyField(Activity, backref="photos", on_delete="CASCADE")
    file_name = CharField()                           # "<sha256>.jpg" in <db>.media/
    caption = TextField(default="")
    original_name = CharField(null=True)
    width = IntegerField(null=True)
    height = IntegerField(null=True)
    sort_order = IntegerField(default=0)


ALL_MODELS += [ActivityType, Activity, Participant, ActivityPhoto]


# --- Enam Peran Bakti: indicator catalogue, classification rules, assessments ---

class RoleCatalogue(BaseModel):
    """One version of the indicator list. Never changed once assessments use it:
    an edit makes a new version."""

    version = IntegerField(unique=True)
    note = TextField(null=True)


class RoleIndicator(BaseModel):
    """An indicator of one role in one catalogue version; ``key`` is stable across
    versions so that recaps can follow an indicator that was reworded."""

    catalogue = ForeignKeyField(RoleCatalogue, backref="indicators", index=False, on_delete="RESTRICT")
    role = CharField()          # role code, see services.roles.ROLE_CODES
    key = CharField()
    position = IntegerField()
    text_id = TextField()
    text_en = TextField()

    class Meta:
        indexes = ((("catalogue", "key"), True),)


class ClassificationRule(BaseModel):
    """One version of the rule table: when a role counts as fulfilled and how many
    fulfilled roles make a unit Berkembang or Mandiri."""

    version = IntegerField(unique=True)
    threshold_percent = IntegerField()
    berkembang_min_roles = IntegerField()
    mandiri_min_roles = IntegerField()
    note = TextField(null=True)


class Assessment(BaseModel):
    """A unit's role checklist for one period (``2026-11`` or ``2026-Q4``)."""

    unit = ForeignKeyField(Unit, backref="assessments", index=False, on_delete="RESTRICT")
    period = CharField(max_length=7)
    period_start = DateField()
    period_end = DateField()
    catalogue = ForeignKeyField(RoleCatalogue, backref="assessments", on_delete="RESTRICT")
    rule = ForeignKeyField(ClassificationRule, backref="assessments", on_delete="RESTRICT")
    assessed_on = DateField(null=True)
    assessor = CharField(null=True)
    note = TextField(null=True)
    # The result under ``rule`` at the time of saving: what was printed.
    roles_fulfilled = IntegerField()
    classification = CharField()

    class Meta:
        indexes = ((("unit", "period"), True),)


class AssessmentAnswer(BaseModel):
    """One indicator of an assessment: met or not, with a note and evidence."""

    assessment = ForeignKeyField(Assessment, backref="answers", index=False, on_delete="CASCADE")
    indicator = ForeignKeyField(RoleIndicator, backref="answers", on_delete="RESTRICT")
    met = BooleanField(default=False)
    note = TextField(null=True)
    # An activity (kegiatan) that shows it (a real foreign key since migration 8:
    # travels as the activity's uuid; deleting the activity clears the link).
    evidence_activity = ForeignKeyField(Activity, null=True, column_name="evidence_activity_id",
                                        backref="evidence_for", on_delete="SET NULL")
    evidence_photo = CharField(null=True)   # file name in the program's photo store

    class Meta:
        indexes = ((("assessment", "indicator"), True),)


ALL_MODELS += [RoleCatalogue, RoleIndicator, ClassificationRule, Assessment, AssessmentAnswer]
class AuditEntry(BaseModel):
    """Who changed which field of which record, when, from what to what.

    Written by ``imp_desktop.data.audit`` (each save, audited bulk writes) and
    by package merges; carried in hand-over packages (matched by uuid, never
    changed).
    """

    record_table = CharField()
    record_uuid = CharField(max_length=36, index=True)
    action = CharField()               # create / update / merge / delete
    field = CharField(null=True)
    old_value = TextField(null=True)   # JSON
    new_value = TextField(null=True)   # JSON
    officer = CharField(default="")
    installation = CharField(max_length=36, default="")
    at = CharField(default=utc_now, index=True)


class RecordVersion(Model):
    """The version of one travelling record (or its tombstone, or an alias of
    another installation's uuid for one of ours): see ``data/versions.py``.
    Local bookkeeping of the records, never sent as a record (its clock travels
    with its record), so it has no uuid or times of its own (schema 21): a
    merge writes one of these per record."""

    id = AutoField()
    record_table = CharField()
    record_uuid = CharField(max_length=36)
    clock = TextField(null=True)       # JSON {"c": {replica: n}, "d": {field: [replica, n]}}
    deleted = BooleanField(default=False)
    alias = CharField(max_length=36, null=True)
    seq = IntegerField(default=0, index=True)

    class Meta:
        database = database
        legacy_table_names = False
        indexes = ((("record_table", "record_uuid"), True),)


class Handover(BaseModel):
    """One package written (``export``) or merged (``import``)."""

    direction = CharField()
    office = CharField(null=True)      # the office a package was written for
    package_id = CharField(max_length=36, index=True)
    installation = CharField(max_length=36, null=True)   # the package's source
    officer = CharField(null=True)
    at = CharField(default=utc_now)
    summary = TextField(default="{}")  # JSON counts


ALL_MODELS += [AuditEntry, RecordVersion, Handover]


# --- Printouts: what was printed, so that anyone holding the paper can check it ---

class PrintLog(BaseModel):
    """One document printed (written to PDF): its kind, the record it shows,
    the digest of the data printed and its verification code, when, by whom,
    on which installation. Travels in packages, so the district office can
    check every officer's printouts (``services/verify.py``).

    ``record`` is the uuid of the record printed, or a region code for a desa
    or kecamatan document; ``sources`` (JSON list of uuids) the other records
    the document shows (participants' cadres, the cadres of a list): a later
    change to any of them makes the printout "berubah". ``listing`` (JSON, ""
    before schema 16) names the list the document printed and the uuids on it
    (``services/listings.py``): a record added to it or removed from it since
    makes the printout "berubah" too.
    """

    kind = CharField()
    title = CharField(default="")
    record = CharField(default="", index=True)
    code = CharField(max_length=14, index=True)
    digest = CharField(max_length=64)
    sources = TextField(default="[]")
    listing = TextField(default="")
    printed_at = CharField(default=utc_now)
    officer = CharField(default="")
    installation = CharField(max_length=36, default="")


ALL_MODELS += [PrintLog]


# --- Files kept in the database, by content (signed PDFs; photos later) ---

class ContentField(TextField):
    """Bytes kept as base64 text: the same column on SQLite and PostgreSQL, and a
    plain JSON string in hand-over packages (which carry records as JSON)."""

    def db_value(self, value):
        if isinstance(value, (bytes, bytearray, memoryview)):
            return base64.b64encode(bytes(value)).decode("ascii")
        return value       # already encoded (a package's record)

    def python_value(self, value):
        return None if value is None else base64.b64decode(value)


class StoredFile(BaseModel):
    """A file's bytes, named by their SHA-256 (``services/filestore.py``). Unique
    by content: the same file from two installations is one record after a merge."""

    sha256 = CharField(max_length=64, unique=True)
    size = IntegerField()
    content = ContentField()


class SignedDocument(BaseModel):
    """The signed final version of a printout (a PDF signed with a TTE and taken
    back with "Terima PDF bertanda tangan"): which printout, who signed, when."""

    kind = CharField()
    record = CharField(index=True)      # as in PrintLog: a uuid or a region code
    code = CharField(max_length=14)
    title = CharField(default="")
    file = ForeignKeyField(StoredFile, on_delete="RESTRICT")
    file_name = CharField(default="")
    signer = CharField(default="")      # the certificate's subject name
    signer_serial = CharField(default="")
    signed_at = CharField(default="")   # ISO UTC, as the signature says
    trusted = BooleanField(default=False)   # the certificate chains to a known root


ALL_MODELS += [StoredFile, SignedDocument]


# --- Laporan bulanan: the line template and the units' monthly reports ---

# Kinds of template line: typed each month, carried from last month (a stock,
# pre-filled and edited), computed from data the program holds, or the total
# of other lines. Never typed: computed and total.
LINE_TYPED, LINE_CARRIED, LINE_COMPUTED, LINE_TOTAL = "typed", "carried", "computed", "total"
LINE_KINDS = (LINE_TYPED, LINE_CARRIED, LINE_COMPUTED, LINE_TOTAL)
REPORT_DRAFT, REPORT_FINAL = "draft", "final"


class MonthlyTemplate(BaseModel):
    """One version of the monthly report's line catalogue (sections and lines).
    Never changed once a report uses it: an edit makes a new version."""

    version = IntegerField(unique=True)
    note = TextField(null=True)


class MonthlyLine(BaseModel):
    """One line of a template version, in New SIGA's order (``position``).
    ``key`` is stable across versions: figures and recaps go by key."""

    template = ForeignKeyField(MonthlyTemplate, backref="lines", index=False, on_delete="RESTRICT")
    key = CharField()
    position = IntegerField()
    section = CharField()              # "I".."V": the section's number
    section_id = TextField()           # the section's title
    section_en = TextField()
    text_id = TextField()
    text_en = TextField()
    kind = CharField()                 # one of LINE_KINDS
    # computed: "units:<level>", "reporting:<level>", "activity_type:<name>",
    # "attendance"; total: the keys it adds up, comma separated.
    source = TextField(null=True)
    cumulative = BooleanField(default=False)   # "to date" (since January) column
    target = BooleanField(default=False)       # "target" and "remaining" columns
    max_key = CharField(null=True)     # may not exceed this line (e.g. new acceptors <= PUS)
    levels = CharField(default="")     # unit levels that report it, comma separated; "" all

    class Meta:
        indexes = ((("template", "key"), True),)


class MonthlyReport(BaseModel):
    """One unit's report for one month (``2026-11``): the figures it reported,
    by line key (JSON {key: whole number}), the yearly targets of the lines
    that have one, the date it reached the officer, and draft/final."""

    unit = ForeignKeyField(Unit, backref="monthly_reports", index=False, on_delete="RESTRICT")
    period = CharField(max_length=7, index=True)
    template = ForeignKeyField(MonthlyTemplate, backref="reports", on_delete="RESTRICT")
    received_on = DateField(null=True)
    status = CharField(default=REPORT_DRAFT)
    figures = TextField(default="{}")
    targets = TextField(default="{}")
    note = TextField(null=True)

    class Meta:
        indexes = ((("unit", "period"), True),)


ALL_MODELS += [MonthlyTemplate, MonthlyLine, MonthlyReport]
