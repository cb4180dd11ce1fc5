"""Drafting the narrative of a Laporan Kegiatan from what the program knows.

Each activity type has a narrative template (editable under Pengaturan, in
Indonesian: reports are official documents) with one text per report section.
A template holds the officer's own words and placeholders filled from the data:

- ``{peserta}``: who came, from the attendance ("dihadiri oleh 8 dari 9
  undangan, terdiri atas …", with the unsur named);
- ``{materi}``: the roles chosen as the agenda, described from the indicator
  catalogue in use;
- ``{hasil}``: the pre- and post-test scores;
- ``{tindak_lanjut}``: the weakest roles of the units whose cadres came;
- ``{desa}``, ``{kecamatan}``, ``{tanggal}``, ``{tempat}``, ``{judul}``.

The draft never overwrites what the officer typed. ``ActivityInput.drafted``
remembers each section as last drafted: a section that is empty or still equals
it is untouched and may be drafted again; any other text is the officer's.
"""
from __future__ import annotations

import re
import string
from collections import defaultdict
from dataclasses import dataclass, replace

from imp_desktop.data.models import STATUS_PRESENT, ActivityType
from imp_desktop.errors import ValidationError
from imp_desktop.formatting import format_date, format_number
from imp_desktop.i18n import tr
from imp_desktop.services import settings as settings_service

# The sections a template drafts, in report order (ActivityInput field names).
SECTIONS = ("background", "aims", "participants_note", "agenda", "results", "follow_up",
            "closing")
PLACEHOLDERS = ("peserta", "materi", "hasil", "tindak_lanjut", "desa", "kecamatan",
                "tanggal", "tempat", "judul")
TEMPLATE_KEY = "narrative.template."      # + the activity type's uuid ("default" for none)
WEAKEST_ROLES = 2

DEFAULT_TEMPLATE: dict[str, str] = {
    "background": (
        "Institusi Masyarakat Pedesaan (IMP) adalah wadah pengelolaan dan pelaksanaan "
        "Program Bangga Kencana di tingkat desa/kelurahan (PPKBD), dusun/RW (Sub PPKBD) "
        "dan RT (Kelompok KB). Kader IMP bekerja secara sukarela dan menjadi kekuatan yang "
        "dapat diandalkan untuk mempertahankan keberhasilan program KB di masyarakat.\n\n"
        "Kader IMP menjalankan Enam Peran Bakti: Pengorganisasian, Pertemuan, KIE dan "
        "Konseling, Pencatatan dan Pendataan, Pelayanan Kegiatan, serta Kemandirian. "
        "Pembinaan kader IMP {desa} dilakukan agar keenam peran tersebut dijalankan dengan "
        "baik dan IMP berfungsi sebagai wahana pembentukan keluarga yang berkualitas."),
    "aims": ("Kegiatan ini bertujuan meningkatkan pengetahuan dan keterampilan kader IMP "
             "{desa} dalam menjalankan Enam Peran Bakti."),
    "participants_note": "{peserta}",
    "agenda": "{materi}",
    "results": "{hasil}",
    "follow_up": "{tindak_lanjut}",
    "closing": ("Demikian laporan kegiatan ini dibuat untuk dipergunakan sebagaimana "
                "mestinya."),
}


# --- templates -----------------------------------------------------------------

@dataclass(frozen=True)
class TemplateChoice:
    """An activity type (or None: activities without a type) and its template."""

    type_id: int | None
    name: str
    customised: bool


def _key(type_id: int | None) -> str:
    if type_id is None:
        return TEMPLATE_KEY + "default"
    row = ActivityType.get_or_none(ActivityType.id == type_id)
    return TEMPLATE_KEY + (row.uuid if row else "default")


def template_choices() -> list[TemplateChoice]:
    from imp_desktop.services.activities import activity_types

    choices = [TemplateChoice(None, tr("drafting.no_type"),
                              settings_service.get_setting(_key(None)) is not None)]
    for info in activity_types():
        choices.append(TemplateChoice(info.id, info.name,
                                      settings_service.get_setting(_key(info.id)) is not None))
    return choices


def get_template(type_id: int | None) -> dict[str, str]:
    """The template of an activity type; the default one when it has none of its own."""
    stored = settings_service.get_setting(_key(type_id))
    if stored is None and type_id is not None:
        stored = settings_service.get_setting(_key(None))
    stored = stored if isinstance(stored, dict) else {}
    return {section: str(stored.get(section, DEFAULT_TEMPLATE[section]))
            for section in SECTIONS}


def check_template(template: dict[str, str]) -> list[tuple[str, str]]:
    """Unknown or malformed placeholders, as (section, message) pairs."""
    errors = []
    for section in SECTIONS:
        text = template.get(section, "")
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError:
            errors.append((section, tr("drafting.error.braces")))
            continue
        for name in names:
            if name not in PLACEHOLDERS:
                errors.append((section, tr("drafting.error.placeholder", name=name,
                                           known=", ".join("{" + p + "}" for p in PLACEHOLDERS))))
    return errors


def save_template(type_id: int | None, template: dict[str, str]) -> None:
    errors = check_template(template)
    if errors:
        raise ValidationError(errors[0][1], errors)
    settings_service.set_setting(_key(type_id), {section: template.get(section, "").strip()
                                                 for section in SECTIONS})


def reset_template(type_id: int | None) -> None:
    """Back to the program's template (the type's own words are forgotten)."""
    from imp_desktop.data.models import Setting, database

    with database.atomic():
        row = Setting.get_or_none(Setting.key == _key(type_id))
        if row is not None:
            row.delete_instance()


# --- what the data says ------------------------------------------------------------

def _level_label(level: str) -> str:
    return settings_service.level_label(level)


def _join(parts: list[str]) -> str:
    """"a", "a dan b", "a, b, dan c" (PUEBI: a comma before "dan" in a list of three)."""
    parts = [part for part in parts if part]
    if len(parts) <= 2:
        return " dan ".join(parts)
    return ", ".join(parts[:-1]) + ", dan " + parts[-1]


def participants_sentence(rows) -> str:
    """"Kegiatan ini dihadiri oleh 8 dari 9 undangan, terdiri atas …" from the list."""
    if not rows:
        return ""
    marked = any(row.status for row in rows)
    came = [row for row in rows if row.status == STATUS_PRESENT] if marked else list(rows)
    by_level: dict[str, int] = defaultdict(int)
    guests = []
    for row in came:
        if row.is_guest:
            guests.append(" ".join(part for part in (row.position, row.name) if part))
        else:
            by_level[row.level or ""] += 1
    from imp_desktop.data.models import LEVELS

    unsur = [f"{format_number(by_level[level])} kader {_level_label(level)}"
             for level in LEVELS if by_level.get(level)]
    if by_level.get(""):
        unsur.append(f"{format_number(by_level[''])} kader IMP")
    unsur += guests
    if marked:
        sentence = (f"Kegiatan ini dihadiri oleh {format_number(len(came))} dari "
                    f"{format_number(len(rows))} undangan")
    else:
        sentence = f"Kegiatan ini mengundang {format_number(len(rows))} orang"
    if unsur:
        sentence += ", terdiri atas " + _join(unsur)
    if not sentence.endswith("."):          # a name may end the sentence: "S.Sos."
        sentence += "."
    away = [row for row in rows if marked and row.status and row.status != STATUS_PRESENT]
    if away:
        reasons = defaultdict(int)
        for row in away:
            reasons[row.status] += 1
        label = {"izin": "izin", "sakit": "sakit", "alpa": "tanpa keterangan"}
        sentence += " Yang berhalangan hadir: " + _join(
            [f"{format_number(count)} orang {label.get(status, status)}"
             for status, count in reasons.items()]) + "."
    return sentence


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def agenda_text(role_codes: list[str]) -> str:
    """Acara dan materi: the chosen roles, each described by its indicators."""
    from imp_desktop.services import roles

    if not role_codes:
        return ""
    catalogue = roles.current_catalogue()
    by_code = {role.code: role for role in catalogue.roles}
    lines = ["Materi yang disampaikan adalah Enam Peran Bakti kader IMP, yaitu:"]
    for number, code in enumerate([c for c in roles.ROLE_CODES if c in role_codes], 1):
        indicators = by_code[code].indicators if code in by_code else ()
        described = "; ".join(_lower_first(item.text_id) for item in indicators)
        name = roles.role_name(code, "id")
        lines.append(f"{number}. Peran {name}" + (f": {described}." if described else "."))
    return "\n".join(lines)


def _decimal(value: float) -> str:
    rounded = round(value + 1e-9, 1)
    return format_number(int(rounded) if rounded == int(rounded) else rounded)


def results_text(rows) -> str:
    """Hasil from the pre- and post-test scores ("" when nobody was scored)."""
    pre = [row.pre_score for row in rows if row.pre_score is not None]
    post = [row.post_score for row in rows if row.post_score is not None]
    if not pre and not post:
        return ""
    parts = []
    if pre and post:
        parts.append(f"Rata-rata nilai peserta naik dari {_decimal(sum(pre) / len(pre))} "
                     f"pada pre-test menjadi {_decimal(sum(post) / len(post))} pada post-test"
                     if sum(post) / len(post) > sum(pre) / len(pre) else
                     f"Rata-rata nilai peserta {_decimal(sum(pre) / len(pre))} pada pre-test "
                     f"dan {_decimal(sum(post) / len(post))} pada post-test")
    elif post:
        parts.append(f"Rata-rata nilai post-test peserta {_decimal(sum(post) / len(post))}")
    else:
        parts.append(f"Rata-rata nilai pre-test peserta {_decimal(sum(pre) / len(pre))}")
    paired = [(row.pre_score, row.post_score) for row in rows
              if row.pre_score is not None and row.post_score is not None]
    text = parts[0] + "."
    if paired:
        improved = sum(1 for a, b in paired if b > a)
        text += (f" Nilai {format_number(improved)} dari {format_number(len(paired))} peserta "
                 f"naik setelah kegiatan")
        text += (", sehingga peserta menjadi lebih paham tentang materi yang disampaikan."
                 if improved * 2 > len(paired) else ".")
    return text


@dataclass(frozen=True)
class WeakRole:
    code: str
    name: str
    percent: float        # average share of its indicators met over the units
    units: int


def weakest_roles(unit_ids: list[int], limit: int = WEAKEST_ROLES) -> list[WeakRole]:
    """The roles least met in the latest checklist of each unit (fully met ones left out)."""
    from imp_desktop.services import roles

    totals: dict[str, list[float]] = defaultdict(list)
    for unit_id in dict.fromkeys(unit_ids):
        history = roles.unit_history(unit_id, "id")
        if not history:
            continue
        for code, percent in zip(roles.ROLE_CODES, history[-1].role_percents):
            totals[code].append(percent)
    averages = [WeakRole(code, roles.role_name(code, "id"), sum(values) / len(values),
                         len(values)) for code, values in totals.items() if values]
    averages = [item for item in averages if item.percent < 100]
    averages.sort(key=lambda item: (item.percent, roles.ROLE_CODES.index(item.code)))
    return averages[:limit]


def follow_up_text(rows) -> str:
    """Rencana tindak lanjut from the weakest roles of the units present."""
    marked = any(row.status for row in rows)
    units = [row.unit_id for row in rows if row.unit_id and
             (row.status == STATUS_PRESENT or not marked)]
    if not units:
        return ""
    weak = weakest_roles(units)
    count = len(dict.fromkeys(units))
    if not weak:
        return (f"Penilaian Enam Peran Bakti dilakukan pada {format_number(count)} unit IMP "
                "yang hadir pada pembinaan berikutnya.")
    described = _join([f"{item.name} (rata-rata {format_number(round(item.percent))}% "
                       f"indikator terpenuhi)" for item in weak])
    return (f"Pembinaan berikutnya difokuskan pada peran {described}, yang paling lemah "
            f"pada {format_number(weak[0].units)} unit IMP yang hadir.")


# --- drafting ------------------------------------------------------------------------

class _Values(dict):
    def __missing__(self, key):          # an unknown placeholder stays as typed
        return "{" + key + "}"


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        text = string.Formatter().vformat(template, (), _Values(values))
    except (ValueError, IndexError):      # stray braces: the template is used as written
        text = template
    # A placeholder with nothing to say leaves no empty lines or dangling spaces.
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def values_for(data, rows) -> dict[str, str]:
    """The placeholder values of an activity being edited."""
    from imp_desktop.services.reporting import desa_label, region_name

    desa = desa_label(data.desa_code, "id") if data.desa_code else ""
    kecamatan = region_name(data.desa_code.rsplit(".", 1)[0]) if data.desa_code else ""
    return {
        "peserta": participants_sentence(rows),
        "materi": agenda_text(list(data.agenda_roles or [])),
        "hasil": results_text(rows),
        "tindak_lanjut": follow_up_text(rows),
        "desa": desa,
        "kecamatan": f"Kecamatan {kecamatan}" if kecamatan else "",
        "tanggal": format_date(data.date, lang="id") if data.date else "",
        "tempat": data.place or "",
        "judul": data.title or "",
    }


def draft(data, rows) -> dict[str, str]:
    """Every section as the template drafts it for this activity."""
    template = get_template(data.type_id)
    values = values_for(data, rows)
    return {section: _fill(template[section], values) for section in SECTIONS}


def is_untouched(data, section: str) -> bool:
    """Empty, or still the text the program drafted: the officer has not written it."""
    current = (getattr(data, section) or "").strip()
    return not current or current == (data.drafted or {}).get(section, "").strip()


@dataclass(frozen=True)
class Redraft:
    data: object                  # ActivityInput with the redrafted sections
    changed: tuple[str, ...]      # sections whose text changed
    kept: tuple[str, ...]         # sections left alone: the officer's own words


def redraft(data, rows) -> Redraft:
    """"Susun ulang": draft again only the sections the officer has not touched."""
    fresh = draft(data, rows)
    drafted = dict(data.drafted or {})
    texts, changed, kept = {}, [], []
    for section in SECTIONS:
        if not is_untouched(data, section):
            kept.append(section)
            continue
        drafted[section] = fresh[section]
        if (getattr(data, section) or "").strip() != fresh[section]:
            texts[section] = fresh[section]
            changed.append(section)
    return Redraft(replace(data, **texts, drafted=drafted), tuple(changed), tuple(kept))
