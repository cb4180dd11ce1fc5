"""Program settings kept in the database, and the officer's profile."""
from __future__ import annotations

import base64
import io
import json
from dataclasses import asdict, dataclass, field

from imp_desktop.data.models import LEVELS, Officer, Setting, database
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.i18n import tr

# The desa the officer works in (chosen at first run; a merged local desa follows).
WORK_DESA_KEY = "officer.desa_codes"

DEFAULTS: dict[str, object] = {
    "language": "id",
    "paper_size": "A4",
    "timezone": "WIB",
    "level_labels": {},       # level code -> label chosen by the region, e.g. "PPKBK"
}


def get_setting(key: str, default=None):
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return DEFAULTS.get(key, default) if default is None else default
    return json.loads(row.value)


def set_setting(key: str, value) -> None:
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
    with database.atomic():
        row = Setting.get_or_none(Setting.key == key)
        if row is None:
            Setting.create(key=key, value=encoded)
        elif row.value != encoded:
            row.value = encoded
            row.save()


def level_label(level: str) -> str:
    """The name a unit level goes by here: editable, the three levels fixed."""
    custom = (get_setting("level_labels") or {}).get(level)
    return custom or tr(f"level.{level}")


def level_labels() -> dict[str, str]:
    return {level: level_label(level) for level in LEVELS}


@dataclass
class OfficerProfile:
    name: str = ""
    nip: str | None = None
    title: str | None = None
    kecamatan_code: str | None = None
    place_name: str | None = None

    @property
    def is_complete(self) -> bool:
        return bool(self.name.strip() and self.kecamatan_code)


def get_officer() -> OfficerProfile:
    row = Officer.select().order_by(Officer.id).first()
    if row is None:
        return OfficerProfile()
    return OfficerProfile(row.name, row.nip, row.title, row.kecamatan_code, row.place_name)


def save_officer(profile: OfficerProfile) -> None:
    values = asdict(profile)
    values["kecamatan"] = values.pop("kecamatan_code")
    values["name"] = " ".join((values["name"] or "").split())
    if values["nip"]:
        values["nip"] = "".join(ch for ch in values["nip"] if ch.isdigit()) or None
    with database.atomic():
        row = Officer.select().order_by(Officer.id).first()
        if row is None:
            Officer.create(**values)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.save()


# --- Paper and signatures: letterhead, village heads, paper size --------------

PAPER_SIZES = ("A4", "F4", "Letter")
MAX_LETTERHEAD_LINES = 4
LOGO_MAX_PIXELS = 600       # a kop logo is printed about 2 cm wide


@dataclass
class LetterheadSettings:
    """The kop surat printed on the first page of every document."""

    enabled: bool = True
    lines: list[str] = field(default_factory=list)
    address: str = ""
    rule: bool = True
    logo: bytes | None = None       # PNG, scaled down when it was chosen

    @property
    def is_empty(self) -> bool:
        return not any(line.strip() for line in self.lines) and not self.address.strip() \
            and not self.logo


@dataclass
class VillageHead:
    """Who countersigns ("Mengetahui") for a desa or kelurahan."""

    desa_code: str
    name: str = ""
    nip: str | None = None
    title: str = ""     # "Kepala Desa" or "Lurah"; empty means the default for the code


def get_paper_size() -> str:
    value = get_setting("paper_size")
    return value if value in PAPER_SIZES else "A4"


def set_paper_size(value: str) -> None:
    if value not in PAPER_SIZES:
        raise ValidationError(tr("settings.error.paper", sizes=", ".join(PAPER_SIZES)),
                              [("paper_size", tr("settings.error.paper",
                                                 sizes=", ".join(PAPER_SIZES)))])
    set_setting("paper_size", value)


def get_letterhead() -> LetterheadSettings:
    stored = get_setting("letterhead", {}) or {}
    logo = get_setting("letterhead_logo", "") or ""
    return LetterheadSettings(
        enabled=bool(stored.get("enabled", True)),
        lines=[str(line) for line in stored.get("lines", [])][:MAX_LETTERHEAD_LINES],
        address=str(stored.get("address", "")),
        rule=bool(stored.get("rule", True)),
        logo=base64.b64decode(logo) if logo else None)


def save_letterhead(value: LetterheadSettings) -> None:
    """Save the kop; blank lines are dropped, at most four are kept."""
    lines = [" ".join(line.split()) for line in value.lines if line and line.strip()]
    if len(lines) > MAX_LETTERHEAD_LINES:
        raise ValidationError(tr("settings.error.kop_lines", max=MAX_LETTERHEAD_LINES),
                              [("lines", tr("settings.error.kop_lines",
                                            max=MAX_LETTERHEAD_LINES))])
    with database.atomic():
        set_setting("letterhead", {"enabled": value.enabled, "lines": lines,
                                   "address": " ".join((value.address or "").split()),
                                   "rule": value.rule})
        set_setting("letterhead_logo",
                    base64.b64encode(value.logo).decode("ascii") if value.logo else "")


def read_logo(path) -> bytes:
    """An image file made into a small PNG for the kop, or a UserError."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            image.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise UserError(tr("settings.error.logo", path=str(path))) from exc
    return buffer.getvalue()


def get_village_heads() -> dict[str, VillageHead]:
    stored = get_setting("village_heads", {}) or {}
    return {code: VillageHead(code, str(item.get("name", "")), item.get("nip") or None,
                              str(item.get("title", "")))
            for code, item in stored.items()}


def get_village_head(desa_code: str) -> VillageHead:
    return get_village_heads().get(desa_code) or VillageHead(desa_code)


def save_village_head(head: VillageHead) -> None:
    heads = {code: {"name": h.name, "nip": h.nip, "title": h.title}
             for code, h in get_village_heads().items()}
    name = " ".join((head.name or "").split())
    nip = "".join(ch for ch in (head.nip or "") if ch.isdigit()) or None
    if name or nip or head.title.strip():
        heads[head.desa_code] = {"name": name, "nip": nip, "title": " ".join(head.title.split())}
    else:
        heads.pop(head.desa_code, None)
    set_setting("village_heads", heads)
