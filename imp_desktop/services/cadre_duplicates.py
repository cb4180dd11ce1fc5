"""Two records of one person: finding likely duplicates and merging them.

The same NIK twice is refused by ``cadres.check_cadre``. A *similar* person
(same birth date and desa, and a name that is the same once case, spaces,
punctuation, titles and common spellings are set aside) is only a warning:
two cadres can share a name. Merging keeps both records: the merged one is
marked ``merged_into`` the kept one and deactivated, and everything that
pointed at it (attendance, boards, later tables) is moved to the kept one.
"""
from __future__ import annotations

import datetime as dt
import re

from peewee import ForeignKeyField, IntegrityError

from imp_desktop.data.audit import audited_update, write_entries
from imp_desktop.data.models import ALL_MODELS, Cadre, database
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.cadre_search import CadreRow, cadre_rows
from imp_desktop.services.text import fold

# Spellings of one name part that people and offices use interchangeably.
NAME_VARIANTS = {
    "st": "siti", "sti": "siti",
    "m": "muhammad", "mh": "muhammad", "moh": "muhammad", "moch": "muhammad",
    "mochammad": "muhammad", "mochamad": "muhammad", "mohammad": "muhammad",
    "mohamad": "muhammad", "muhamad": "muhammad", "muh": "muhammad", "muhammad": "muhammad",
    "mhd": "muhammad", "mukhammad": "muhammad",
    "nurul": "nur", "nuril": "nur", "noer": "nur", "nor": "nur",
    "ach": "ahmad", "achmad": "ahmad", "akhmad": "ahmad", "ahmat": "ahmad", "amad": "ahmad",
    "abd": "abdul", "abdoel": "abdul",
    "sri": "sri", "tri": "tri",
    "fatimah": "fatimah", "fatmah": "fatimah",
}
# Words that are titles or honorifics, not part of the name.
NAME_TITLES = {"hj", "h", "hajjah", "haji", "ibu", "bu", "bapak", "pak", "ny", "nyonya", "sdr",
               "sdri", "dr", "drs", "dra", "ir"}
_DEGREE = re.compile(r",.*$")             # "Siti Aminah, S.Pd." -> "Siti Aminah"
_NOT_LETTER = re.compile(r"[^a-z\s]")


def normalize_name(name: str | None) -> str:
    """A name reduced to what identifies it: ``Hj. St. Nurul  Aini, S.Pd`` -> ``siti nur aini``."""
    text = _DEGREE.sub("", fold(name or ""))
    text = _NOT_LETTER.sub(" ", text.replace("'", ""))
    words = [NAME_VARIANTS.get(word, word) for word in text.split()]
    while len(words) > 1 and words[0] in NAME_TITLES:
        words.pop(0)
    return " ".join(words)


def similar_cadres(name: str, birth_date: dt.date | None, desa_code: str | None,
                   exclude_id: int | None = None) -> list[CadreRow]:
    """Cadres who are probably this person: same birth date and desa, same normalised name."""
    key = normalize_name(name)
    if not key or birth_date is None or not desa_code:
        return []
    query = (Cadre.select(Cadre.id, Cadre.name)
             .where((Cadre.birth_date == birth_date) & (Cadre.desa == desa_code)
                    & Cadre.merged_into.is_null()))
    if exclude_id:
        query = query.where(Cadre.id != exclude_id)
    ids = [cid for cid, other in query.tuples() if normalize_name(other) == key]
    rows = cadre_rows(ids)
    return [rows[i] for i in ids if i in rows]


def cadre_references() -> list[ForeignKeyField]:
    """Every foreign key to a cadre in the data model, found rather than listed,
    so tables added later (attendance, boards…) are moved by a merge too."""
    found = []
    for model in ALL_MODELS:
        for field in model._meta.sorted_fields:
            if isinstance(field, ForeignKeyField) and field.rel_model is Cadre:
                found.append(field)
    return found


# Fields the kept record takes from the merged one when it has none itself.
_FILLABLE = ("sex", "birth_place", "birth_date", "address", "rt", "rw", "desa", "hamlet",
             "neighbourhood", "phone", "education", "occupation", "unit", "position",
             "sk_number", "sk_date", "start_date")


def merge_cadres(keep_id: int, other_id: int, today: dt.date | None = None) -> dict[str, int]:
    """Merge ``other_id`` into ``keep_id``; returns how many references moved per table.

    Nothing is deleted: the other record stays, deactivated, with ``merged_into``
    set. A reference that cannot move because the kept record already has the
    same one (e.g. both attended the same activity) stays with the merged record.
    """
    if keep_id == other_id:
        raise UserError(tr("cadre.merge.error.same"))
    with database.atomic():
        keep = Cadre.get_or_none(Cadre.id == keep_id)
        other = Cadre.get_or_none(Cadre.id == other_id)
        if keep is None or other is None:
            raise UserError(tr("cadre.merge.error.missing"))
        if keep.merged_into_id or other.merged_into_id:
            raise UserError(tr("cadre.merge.error.already"))
        moved: dict[str, int] = {}
        for field in cadre_references():
            model = field.model
            if model is Cadre and field.name == "merged_into":
                rows = audited_update(Cadre, {Cadre.merged_into: keep_id},
                                      Cadre.merged_into == other_id)
            else:
                rows = _repoint(model, field, other_id, keep_id)
            if rows:
                label = f"{model._meta.table_name}.{field.column_name}"
                moved[label] = moved.get(label, 0) + rows
        # The kept record gains what only the other one knew.
        for name in _FILLABLE:
            if _value(keep, name) in (None, "") and _value(other, name) not in (None, ""):
                setattr(keep, name, getattr(other, name))
        nik = other.nik
        if not keep.nik and nik:
            other.nik = None
            other.save()
            keep.nik = nik
        if not keep.active and other.active:
            keep.active, keep.inactive_reason, keep.inactive_date = True, None, None
        from imp_desktop.services.cadres import refresh_search_text

        refresh_search_text(keep)
        keep.save()
        # The kept record's history says what was merged into it, even when
        # it took no field from the other one.
        write_entries("cadre", keep.uuid, "update", [("merged_from", None, other.uuid)])
        other.merged_into = keep_id
        other.active = False
        other.inactive_reason = tr("cadre.merge.reason", name=keep.name, id=keep_id)
        other.inactive_date = today or dt.date.today()
        other.save()
    return moved


def _value(cadre: Cadre, name: str):
    field = Cadre._meta.fields[name]
    if isinstance(field, ForeignKeyField):
        return cadre.__data__.get(field.name)
    return getattr(cadre, name)


def _repoint(model, field, old_id: int, new_id: int) -> int:
    """Move references in one statement; row by row when a unique rule objects."""
    try:
        with database.atomic():
            return audited_update(model, {field: new_id}, field == old_id)
    except IntegrityError:
        pass
    moved = 0
    for (pk,) in model.select(model._meta.primary_key).where(field == old_id).tuples():
        try:
            with database.atomic():
                moved += audited_update(model, {field: new_id},
                                        model._meta.primary_key == pk)
        except IntegrityError:
            continue
    return moved
