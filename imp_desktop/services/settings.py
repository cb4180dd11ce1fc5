"""Program settings kept in the database, and the officer's profile."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from imp_desktop.data.models import LEVELS, Officer, Setting, database
from imp_desktop.i18n import tr

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
