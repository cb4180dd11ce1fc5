"""What the report renderers take: plain dataclasses, filled by services.reporting.

Nothing here touches the database or Qt. Texts are the user's own words and are
escaped by the renderers; dates are ``datetime.date`` and formatted in PUEBI
style when drawn.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PAPER_SIZES = ("A4", "F4", "Letter")

# Attendance statuses, the codes the activity records use
# (glossary: hadir / izin / sakit / tanpa keterangan).
PRESENT, EXCUSED, SICK, ABSENT = "hadir", "izin", "sakit", "alpa"
STATUSES = (PRESENT, EXCUSED, SICK, ABSENT)


@dataclass
class Letterhead:
    """The kop surat: up to four text lines (the first ones bold), an address line,
    an optional logo (image bytes, PNG or JPEG) and a rule under it."""

    lines: list[str] = field(default_factory=list)
    address: str = ""
    logo: bytes | None = None
    rule: bool = True

    @property
    def is_empty(self) -> bool:
        return not any(line.strip() for line in self.lines) and not self.address.strip() \
            and not self.logo


@dataclass
class PrintOrigin:
    """Where a printout comes from, for its QR code: the record printed (a uuid,
    or a region code for a desa or kecamatan document), the installation that
    printed it and the day. Not part of the document's digest."""

    record: str = ""
    installation: str = ""
    printed_on: dt.date | None = None


@dataclass
class SignatureField:
    """An empty PDF signature field placed over a signature block's name
    (filled in by ``reports.base`` while the document is laid out)."""

    name: str                 # field name in the PDF ("Pejabat1")
    role: str                 # the signer's role, shown as the field's label
    page: int                 # 1-based
    box: tuple[float, float, float, float]   # x1, y1, x2, y2 in points
    signer: str = ""          # the printed name, "" when written by hand
    officer: bool = False     # the officer's own block (signed on the laptop)


@dataclass
class ReportSettings:
    """How every document of this installation looks."""

    paper_size: str = "A4"
    letterhead: Letterhead | None = None
    author: str = ""          # the officer's name, for the PDF metadata
    lang: str = "id"
    timezone: str = "WIB"
    origin: PrintOrigin | None = None   # printed from the database: drawn in the QR code
    # Filled by ``build_pdf``: the signature fields it placed (for signing on the laptop).
    signature_fields: list[SignatureField] = field(default_factory=list)


@dataclass
class Signatory:
    """One signature block: the line above the name, the name, an optional NIP."""

    title: str = ""           # "Penyuluh KB Kecamatan Tengaran", "Kepala Desa Duren"
    name: str = ""
    nip: str | None = None
    officer: bool = False     # the officer of this installation (may sign on the laptop)


@dataclass
class Participant:
    """One person on an attendance list."""

    name: str
    role: str = ""                  # Jabatan/Unsur: "Ketua PPKBD Duren", "Kepala Desa"
    level: str | None = None        # unit level code of a cadre; None for others
    status: str | None = None       # one of STATUSES; None on a blank list
    official: bool = False          # village head, officials: listed as "pejabat hadir"
    pre_score: float | None = None
    post_score: float | None = None
    note: str = ""


@dataclass
class Photo:
    """A documentation photo: the image bytes as stored, and its caption."""

    image: bytes
    caption: str = ""


@dataclass
class RoleRecapRow:
    """One unit in a role recap: which of the six roles it fulfilled."""

    unit_name: str
    level: str = ""                 # level label as printed ("PPKBD")
    desa_name: str = ""
    assessed_on: dt.date | None = None
    role_scores: list[float | None] = field(default_factory=list)   # percent met, 6 values
    role_fulfilled: list[bool | None] = field(default_factory=list)  # 6 values
    roles_fulfilled: int | None = None
    classification: str | None = None   # label as printed; None: not assessed


@dataclass
class ClassCount:
    """Units of one level or one desa by classification."""

    label: str
    dasar: int = 0
    berkembang: int = 0
    mandiri: int = 0
    not_assessed: int = 0

    @property
    def total(self) -> int:
        return self.dasar + self.berkembang + self.mandiri + self.not_assessed


@dataclass
class UnmetLine:
    role_number: int
    text: str
    unmet: int
    assessed: int


@dataclass
class RoleRecap:
    """Rekap Peran Bakti for a desa or a kecamatan over a period."""

    scope: str                      # "Desa Duren" / "Kecamatan Tengaran"
    period: str = ""                # "November 2026"
    role_names: list[str] = field(default_factory=list)          # the six, in order
    by_level: list[ClassCount] = field(default_factory=list)
    by_desa: list[ClassCount] = field(default_factory=list)      # kecamatan recap
    total: ClassCount | None = None
    roles_fulfilled: list[int] = field(default_factory=list)     # units fulfilling each role
    assessed: int = 0
    rows: list[RoleRecapRow] = field(default_factory=list)       # unit by unit
    unmet: list[UnmetLine] = field(default_factory=list)         # most often unmet indicators
    rule_note: str = ""             # the classification rule version(s) used
    catalogue_note: str = ""
    kecamatan_name: str = ""
    date: dt.date | None = None
    place_name: str = ""
    officer: Signatory | None = None

    document_kind = "roles"


@dataclass
class ActivityReport:
    """Laporan Kegiatan: one activity, in the official shape (sections A-F).

    Every text field may hold several paragraphs separated by blank lines; an
    empty field leaves its part out, an empty section is not printed at all.
    """

    title: str
    date: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    time_zone: str = "WIB"
    venue: str = ""                 # "Balai Desa Duren"
    desa_name: str = ""
    kecamatan_name: str = ""
    number: str = ""                # letter number, when the office gives one
    # A. Pendahuluan
    background: str = ""            # Latar Belakang
    purpose: str = ""               # Maksud dan Tujuan
    legal_basis: str = ""           # Dasar
    # B. Pelaksanaan
    participants_note: str = ""     # free words about who came
    speakers: str = ""              # narasumber, one per line
    agenda: str = ""                # acara dan materi
    funding_source: str = ""
    funding_amount: int | None = None
    # C. to F.
    results: str = ""
    engagement: str = ""            # "Baik", with the officer's note
    supporting_factors: str = ""
    inhibiting_factors: str = ""
    conclusion: str = ""
    suggestions: str = ""
    follow_up: str = ""             # rencana tindak lanjut
    closing: str = ""
    participants: list[Participant] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    role_recap: RoleRecap | None = None
    level_labels: dict[str, str] = field(default_factory=dict)
    village_head: Signatory | None = None
    officer: Signatory | None = None
    place_name: str = ""            # for the date line above the officer's signature
    signed_on: dt.date | None = None  # date of the report; the activity date when None

    document_kind = "activity"


@dataclass
class AttendanceSheet:
    """Daftar Hadir, blank (printed before the meeting) or filled."""

    title: str
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    time_zone: str = "WIB"
    venue: str = ""
    desa_name: str = ""
    kecamatan_name: str = ""
    participants: list[Participant] = field(default_factory=list)
    blank: bool = False
    guest_rows: int = 10            # empty numbered rows for people not on the list
    officer: Signatory | None = None
    place_name: str = ""

    @property
    def document_kind(self) -> str:
        return "attendance-blank" if self.blank else "attendance"


@dataclass
class CadreRow:
    name: str
    nik: str | None = None
    sex: str | None = None
    birth_place: str | None = None
    birth_date: dt.date | None = None
    position: str = ""              # "Ketua", "Anggota"
    address: str = ""               # "Dusun Krajan RT 003/RW 005"
    phone: str | None = None
    education: str | None = None
    active: bool = True


@dataclass
class CadreGroup:
    """The cadres of one unit."""

    unit_name: str
    level: str = ""                 # level label
    sk_number: str | None = None
    rows: list[CadreRow] = field(default_factory=list)


@dataclass
class CadreListing:
    """Daftar Kader of a desa (all its units) or of one unit."""

    scope: str                      # "Desa Duren" or "PPKBD Duren"
    kecamatan_name: str = ""
    groups: list[CadreGroup] = field(default_factory=list)
    full_nik: bool = False
    date: dt.date | None = None
    place_name: str = ""
    officer: Signatory | None = None

    document_kind = "cadres"


@dataclass
class AssessmentIndicator:
    text: str
    met: bool | None = None         # None: not answered (or a blank sheet)
    note: str = ""
    evidence: str = ""


@dataclass
class AssessmentRole:
    number: int
    name: str
    indicators: list[AssessmentIndicator] = field(default_factory=list)
    score: float | None = None      # percent of indicators met
    fulfilled: bool | None = None


@dataclass
class AssessmentSheet:
    """One unit's checklist of the six roles, blank or filled."""

    unit_name: str
    level: str = ""
    desa_name: str = ""
    kecamatan_name: str = ""
    period_label: str = ""
    date: dt.date | None = None
    roles: list[AssessmentRole] = field(default_factory=list)
    classification: str | None = None
    roles_fulfilled: int | None = None
    rule_note: str = ""
    catalogue_note: str = ""        # indicator list version
    blank: bool = False
    assessor: Signatory | None = None
    unit_head: Signatory | None = None
    place_name: str = ""

    document_kind = "assessment"


# --- Laporan bulanan --------------------------------------------------------------

@dataclass
class MonthlyLine:
    """One line of a monthly report as printed (in New SIGA's order)."""

    section: str                    # "I"
    section_title: str              # "Keadaan umum"
    text: str
    value: int | None = None        # this month (own figure, else the units' sum)
    units_sum: int | None = None    # what the units below reported
    difference: int | None = None   # own figure minus the units' sum, when they differ
    cumulative: int | None = None   # since January
    target: int | None = None
    remaining: int | None = None
    has_cumulative: bool = False
    has_target: bool = False
    computed: bool = False          # from data the program holds (or a total)


@dataclass
class MonthlyUnitReport:
    """R/I/PPKBD, R/I/Sub PPKBD or R/I/KKB: one unit's month."""

    form: str                       # "R/I/PPKBD"
    unit_name: str
    level: str = ""                 # level label
    desa_name: str = ""
    kecamatan_name: str = ""
    period_label: str = ""
    lines: list[MonthlyLine] = field(default_factory=list)
    final: bool = False             # only a final month is the official report
    received_on: dt.date | None = None
    units_reported: int = 0
    units_below: int = 0
    template_note: str = ""
    supervisor: Signatory | None = None     # left: "Mengetahui", the officer
    cadre: Signatory | None = None          # right: the unit's head
    place_name: str = ""
    date: dt.date | None = None

    document_kind = "monthly"


@dataclass
class MonthlyRecapLine:
    section: str
    section_title: str
    text: str
    values: list[int | None] = field(default_factory=list)   # per desa
    total: int | None = None
    cumulative: int | None = None
    target: int | None = None
    remaining: int | None = None
    has_cumulative: bool = False
    has_target: bool = False


@dataclass
class CoverageLine:
    name: str
    existing: int = 0
    reported: int = 0
    on_time: int = 0
    bold: bool = False              # a kecamatan or the total


@dataclass
class MissingReport:
    unit_name: str
    level: str = ""
    desa_name: str = ""
    ppkbd_name: str = ""
    phone: str = ""                 # text: a phone number is never a number


@dataclass
class LateReport:
    unit_name: str
    level: str = ""
    desa_name: str = ""
    received_on: dt.date | None = None


@dataclass
class CoverageReport:
    """Cakupan laporan: who reported, and on time, for a month."""

    scope: str
    period_label: str = ""
    due: dt.date | None = None
    rows: list[CoverageLine] = field(default_factory=list)
    total: CoverageLine | None = None
    missing: list[MissingReport] = field(default_factory=list)
    late: list[LateReport] = field(default_factory=list)
    officer: Signatory | None = None
    place_name: str = ""
    date: dt.date | None = None

    document_kind = "coverage"


@dataclass
class MonthlyRecap:
    """The kecamatan (or desa) recap: every desa's lines side by side, with coverage."""

    scope: str
    kecamatan_name: str = ""
    period_label: str = ""
    desa_names: list[str] = field(default_factory=list)
    lines: list[MonthlyRecapLine] = field(default_factory=list)
    coverage: CoverageReport | None = None
    differences: list[tuple[str, str, str, int]] = field(default_factory=list)
    final: bool = False
    template_note: str = ""
    officer: Signatory | None = None
    place_name: str = ""
    date: dt.date | None = None

    document_kind = "monthly-recap"


@dataclass
class RegisterRow:
    name: str                       # the unit, with its head's name
    detail: str = ""                # "RT 003" / the head's name


@dataclass
class PaperRegister:
    """A blank paper register for a dusun/RW (or RT): names pre-printed, one
    column per month with a box for the date received and a paraf."""

    title: str
    desa_name: str = ""
    kecamatan_name: str = ""
    place: str = ""                 # "Dusun Krajan"
    unit_name: str = ""             # the Sub PPKBD that keeps it
    year: int = 0
    month_names: list[str] = field(default_factory=list)
    rows: list[RegisterRow] = field(default_factory=list)
    blank_rows: int = 3

    document_kind = "monthly-register"
@dataclass
class DistrictTable:
    """One table of the kabupaten view: cells are text or whole numbers."""

    key: str                      # "handover", "cadres", …
    title: str
    header: list[str]
    rows: list[list]
    total: list | None = None


@dataclass
class DistrictReport:
    document_kind = "district"
    title: str
    subtitle: list[str]
    tables: list[DistrictTable]
    code_data: dict               # what the verification code is made from


@dataclass
class RecoverySheet:
    """The recovery key of an encrypted database, printed once to keep at the office."""

    document_kind = "recovery"

    recovery_key: str            # 14 groups of 4, as typed back
    qr_text: str                 # what the QR code holds (IMPKEY:…)
    database_name: str
    made_on: dt.date
    officer_name: str = ""
    officer_nip: str = ""
