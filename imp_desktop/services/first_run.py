"""The first-run setup: who the officer is, where they work, their letterhead.

Shown by the window on a database that has no officer profile and no records;
reopenable from Pengaturan. Everything is saved in one transaction, so a
refused setup changes nothing. "Try with demo data" builds a separate demo file
and never touches the officer's own database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from imp_desktop.data.models import REGION_DESA, REGION_KECAMATAN, Cadre, Region, Unit, database
from imp_desktop.errors import ValidationError
from imp_desktop.i18n import tr
from imp_desktop.services import regions
from imp_desktop.services.settings import (
    WORK_DESA_KEY,
    OfficerProfile,
    get_letterhead,
    get_officer,
    get_setting,
    save_letterhead,
    save_officer,
    set_setting,
)
from imp_desktop.services.text import clean_spaces, control_problems

DISMISSED_KEY = "first_run.dismissed"
MAX_LETTERHEAD_LINES = 4
NIP_LENGTH = 18
# Desa typed without a code get a local code 9001, 9002… under the kecamatan:
# official desa codes start with 1 (kelurahan) or 2 (desa), so these never collide.
_DESA_SUFFIX = re.compile(r"^\d{4}$")


@dataclass
class DesaChoice:
    """A desa of the officer: picked from the official list, or typed.

    ``code`` may be the full code ("33.22.02.2005"), only its last four digits
    ("2005"), or empty for a desa whose code the officer does not know.
    """

    name: str
    code: str | None = None


@dataclass
class SetupInput:
    name: str = ""
    nip: str | None = None
    title: str | None = None
    kecamatan_code: str | None = None
    place_name: str | None = None
    desa: list[DesaChoice] = field(default_factory=list)
    letterhead_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SetupResult:
    kecamatan_code: str
    desa_codes: list[str]
    desa_added: int


def is_database_empty() -> bool:
    return not (Cadre.select().exists() or Unit.select().exists())


def needs_setup() -> bool:
    """True on an empty database without an officer profile (and not put off)."""
    if get_officer().is_complete:
        return False
    if get_setting(DISMISSED_KEY, False):
        return False
    return is_database_empty()


def dismiss_setup() -> None:
    """"Nanti saja": don't ask again at start (Pengaturan can still open it)."""
    set_setting(DISMISSED_KEY, True)


def work_desa_codes() -> list[str]:
    """The desa the officer covers, as chosen in the setup.

    Before a setup chose them (e.g. demo data), every desa of the officer's
    kecamatan that is in the region list.
    """
    chosen = get_setting(WORK_DESA_KEY, None)
    if chosen is not None:
        return list(chosen)
    kecamatan = get_officer().kecamatan_code
    return [info.code for info in regions.children(kecamatan)] if kecamatan else []


def work_desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa the officer covers, by name."""
    codes = work_desa_codes()
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(codes or [""])).tuples())
    return sorted(((code, names[code]) for code in codes if code in names),
                  key=lambda item: item[1])


LAST_DESA_KEY = "officer.last_desa"


def officer_desa_first(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, name) pairs with the officer's own desa first (in the order chosen in
    the setup), then the others by name: an officer covers a few of the 15."""
    own = {code: index for index, code in enumerate(work_desa_codes())}
    return sorted(choices, key=lambda item: (0, own[item[0]], "") if item[0] in own
                  else (1, 0, item[1].lower()))


def preferred_desa(codes: list[str] | None = None) -> str | None:
    """The desa a new cadre, unit or activity starts with: the last one used, else
    the officer's only desa; None when neither (``codes``: what the list offers)."""
    last = get_setting(LAST_DESA_KEY, None)
    if last and (codes is None or last in codes):
        return last
    own = work_desa_codes()
    if len(own) == 1 and (codes is None or own[0] in codes):
        return own[0]
    return None


def remember_desa(code: str | None) -> None:
    """Called by the saves of cadres, units and activities."""
    if code and get_setting(LAST_DESA_KEY, None) != code:
        set_setting(LAST_DESA_KEY, code)


def letterhead_lines() -> list[str]:
    return list(get_letterhead().lines)


def current_setup() -> SetupInput:
    """What the setup dialog shows when it is opened again."""
    officer = get_officer()
    chosen = []
    for code in work_desa_codes():
        info = regions.get_region(code)
        if info:
            chosen.append(DesaChoice(info.name, info.code))
    return SetupInput(officer.name, officer.nip, officer.title, officer.kecamatan_code,
                      officer.place_name, chosen, letterhead_lines())


def suggested_letterhead(kecamatan_code: str | None) -> list[str]:
    """A first letterhead from the region: the district office of the kabupaten/kota."""
    if not kecamatan_code:
        return []
    path = regions.region_path(kecamatan_code)
    if len(path) < 3:
        return []
    # Letterheads are official documents: always Indonesian, in capitals.
    government = f"PEMERINTAH {path[1].name.upper()}"
    office = "DINAS PENGENDALIAN PENDUDUK DAN KELUARGA BERENCANA"
    return [government, office, f"BALAI PENYULUHAN KB KECAMATAN {path[2].name.upper()}"]


def _nip_digits(nip: str | None) -> str:
    return "".join(ch for ch in (nip or "") if ch.isdigit())


def _full_desa_code(kecamatan_code: str, code: str | None) -> str | None:
    code = clean_spaces(code).replace(" ", "")
    if not code:
        return None
    if _DESA_SUFFIX.match(code):
        return f"{kecamatan_code}.{code}"
    return code


def check_setup(data: SetupInput) -> list[tuple[str, str]]:
    """Every reason the setup cannot be saved, as (field, message) pairs."""
    errors: list[tuple[str, str]] = control_problems(
        {"name": data.name, "nip": data.nip, "title": data.title, "place": data.place_name,
         "letterhead": data.letterhead_lines,
         "desa": [choice.name for choice in data.desa]}, labels="setup.field.")
    if not clean_spaces(data.name):
        errors.append(("name", tr("setup.error.name")))
    nip = _nip_digits(data.nip)
    if clean_spaces(data.nip) and len(nip) != NIP_LENGTH:
        errors.append(("nip", tr("setup.error.nip", count=len(nip))))
    kecamatan = regions.get_region(data.kecamatan_code) if data.kecamatan_code else None
    if kecamatan is None or kecamatan.level != REGION_KECAMATAN:
        errors.append(("kecamatan_code", tr("setup.error.kecamatan")))
    if not data.desa:
        errors.append(("desa", tr("setup.error.no_desa")))
    seen_names: set[str] = set()
    for choice in data.desa:
        name = clean_spaces(choice.name)
        if not name:
            errors.append(("desa", tr("setup.error.desa_name")))
            continue
        if name.lower() in seen_names:
            errors.append(("desa", tr("setup.error.desa_twice", name=name)))
        seen_names.add(name.lower())
        if kecamatan is None:
            continue
        code = _full_desa_code(kecamatan.code, choice.code)
        if code is None:
            continue
        if (not regions.CODE_PATTERN.match(code) or regions.region_level(code) != REGION_DESA):
            errors.append(("desa", tr("setup.error.desa_code", code=choice.code, name=name)))
        elif regions.parent_of(code) != kecamatan.code:
            errors.append(("desa", tr("setup.error.desa_elsewhere", code=code, name=name,
                                      kecamatan=kecamatan.name)))
    if len([line for line in data.letterhead_lines if clean_spaces(line)]) > MAX_LETTERHEAD_LINES:
        errors.append(("letterhead", tr("setup.error.letterhead", max=MAX_LETTERHEAD_LINES)))
    return errors


def _next_local_code(kecamatan_code: str, taken: set[str]) -> str:
    number = regions.LOCAL_CODE_FIRST
    while f"{kecamatan_code}.{number}" in taken:
        number += 1
    code = f"{kecamatan_code}.{number}"
    taken.add(code)
    return code


def save_setup(data: SetupInput) -> SetupResult:
    """Save the profile, the officer's desa and the letterhead in one transaction."""
    errors = check_setup(data)
    if errors:
        raise ValidationError(tr("setup.error.not_saved"), errors)
    kecamatan_code = data.kecamatan_code
    existing = {info.name.lower(): info.code for info in regions.children(kecamatan_code)}
    taken = set(existing.values())
    codes: list[str] = []
    added = 0
    with database.atomic():
        save_officer(OfficerProfile(
            name=clean_spaces(data.name), nip=_nip_digits(data.nip) or None,
            title=clean_spaces(data.title) or None, kecamatan_code=kecamatan_code,
            place_name=clean_spaces(data.place_name) or None))
        for choice in data.desa:
            name = clean_spaces(choice.name)
            code = _full_desa_code(kecamatan_code, choice.code)
            if code is None:
                # Typed without a code: reuse a desa of that name, else a local code.
                code = existing.get(name.lower()) or _next_local_code(kecamatan_code, taken)
            known = regions.get_region(code)
            if known is None or known.name != name:
                regions.ensure_desa(code, name)
                added += known is None
            existing[name.lower()] = code
            taken.add(code)
            codes.append(code)
        set_setting(WORK_DESA_KEY, codes)
        # The kop keeps its address, logo and rule (set in Pengaturan); an empty
        # set of lines and nothing else means reports without a kop.
        kop = get_letterhead()
        kop.lines = [clean_spaces(line) for line in data.letterhead_lines if clean_spaces(line)]
        kop.enabled = not kop.is_empty
        save_letterhead(kop)
        set_setting(DISMISSED_KEY, False)
    return SetupResult(kecamatan_code, codes, added)


def demo_database_path(folder: str | Path) -> Path:
    return Path(folder) / "imp-desktop-demo.sqlite"


def prepare_demo_database(path: str | Path, *, desa: int = 4, cadres: int = 600,
                          seed: int = 1, restore: str | None = None) -> Path:
    """Fill the demo file at ``path`` (kept as it is when it already has data).

    The officer's own database is never written. ``restore`` is the database
    to bind again afterwards (the window then switches to the demo file itself).
    """
    from imp_desktop.data.db import open_database
    from imp_desktop.services.demo import generate_demo

    path = Path(path)
    try:
        open_database(path)
        if is_database_empty():
            generate_demo(desa=desa, cadres=cadres, seed=seed)
    finally:
        if restore:
            open_database(restore)
    return path
