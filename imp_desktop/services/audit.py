"""The audit trail as the officer reads it: one record's history, newest first."""
from __future__ import annotations

import json
from dataclasses import dataclass

from imp_desktop.data.backup import describe_time
from imp_desktop.data.models import AuditEntry
from imp_desktop.data.sync import chunks, travelling_models
from imp_desktop.i18n import catalog, tr


@dataclass
class AuditLine:
    at: str             # ISO UTC, for sorting
    when: str           # "27 November 2026 pukul 14.05"
    officer: str
    action: str         # label: Dibuat / Diubah / Digabung dari paket / Dihapus
    field: str          # label of the field ("" for the record as a whole)
    old: str
    new: str
    record: str = ""    # the uuid of the record the entry belongs to
    change: str = ""    # the entry's action as stored: create / update / delete / merge
    name: str = ""      # the field as stored ("sort_order"), "" for the record as a whole
    old_value: str | None = None   # the values as stored (JSON text)
    new_value: str | None = None


def field_label(name: str | None) -> str:
    if not name:
        return ""
    key = f"audit.field.{name}"
    return tr(key) if key in catalog() else name.replace("_", " ")


_LABEL_FIELDS = ("name", "title", "guest_name", "file_name")

def _looks_like_uuid(value) -> bool:
    return isinstance(value, str) and len(value) == 36 and value.count("-") == 4


def _record_labels(record_uuids) -> dict[str, str]:
    """{uuid: name} of the records the uuids point at, in a few queries (one per
    table with a name field, per 500 uuids); for a record deleted since, the last
    name its own history gave it. Uuids with no name are left out."""
    from imp_desktop.data.models import RoleIndicator
    from imp_desktop.i18n import language

    wanted = sorted(set(record_uuids))
    found: dict[str, str] = {}
    for model in travelling_models():
        if model is RoleIndicator:     # an indicator is named by its text
            text = RoleIndicator.text_en if language() == "en" else RoleIndicator.text_id
            columns = (RoleIndicator.uuid, text, RoleIndicator.key)
        else:
            attribute = next((a for a in _LABEL_FIELDS + ("version",)
                              if a in model._meta.fields), None)
            if attribute is None:
                continue
            columns = (model.uuid, model._meta.fields[attribute])
        for chunk in chunks([u for u in wanted if u not in found]):
            for record_uuid, *names in model.select(*columns).where(
                    model.uuid.in_(chunk)).tuples():
                name = next((str(n) for n in names if n not in (None, "")), None)
                if name is not None:
                    found[record_uuid] = name
    missing = [u for u in wanted if u not in found]
    for chunk in chunks(missing):
        query = (AuditEntry.select(AuditEntry.record_uuid, AuditEntry.new_value)
                 .where(AuditEntry.record_uuid.in_(chunk)
                        & AuditEntry.field.in_(_LABEL_FIELDS + ("text_id", "key"))
                        & AuditEntry.new_value.is_null(False))
                 .order_by(AuditEntry.at, AuditEntry.id).tuples())
        for record_uuid, text in query:   # the newest name wins
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if isinstance(value, str) and value:
                found[record_uuid] = value
    return found


def _record_label(record_uuid: str) -> str | None:
    """The name of the record a foreign-key uuid points at, if there is one here;
    for a record deleted since, the last name its own history gave it."""
    return _record_labels([record_uuid]).get(record_uuid)


def _loaded(text: str | None):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


# Fields holding a code, shown by the code's label (i18n key pattern).
_CODED_FIELDS = {"status": "activity.status.{}", "position": "position.{}", "sex": "sex.{}",
                 "classification": "role.class.{}", "level": "level.{}"}
# Fields holding a region code (a desa, a kecamatan): shown as "Duren (33.22.02.2001)".
_REGION_FIELDS = ("desa", "kecamatan")


def _coded_label(field: str | None, value) -> str | None:
    if field == "level" and isinstance(value, str):
        from imp_desktop.services.settings import level_label

        return level_label(value)
    pattern = _CODED_FIELDS.get(field or "")
    if pattern and isinstance(value, str):
        key = pattern.format(value)
        return tr(key) if key in catalog() else None
    return None


def _region_labels(codes) -> dict[str, str]:
    """{code: "Name (code)"} of the region codes given, in one query per 500."""
    from imp_desktop.data.models import Region

    found = {}
    for chunk in chunks(sorted(set(codes))):
        for code, name in Region.select(Region.code, Region.name).where(
                Region.code.in_(chunk)).tuples():
            found[code] = f"{name} ({code})"
    return found


def show_value(text: str | None, labels: dict[str, str] | None = None,
               field: str | None = None) -> str:
    """A stored JSON value as the officer reads it (``labels``: names of the
    records uuids and region codes point at, from ``_record_labels`` and
    ``_region_labels``; looked up one by one without). ``field`` names the
    field, so that a coded value (an attendance status, a level...) shows its label."""
    if text is None:
        return "—"
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if value is None or value == "":
        return "—"
    if value is True:
        return tr("audit.yes")
    if value is False:
        return tr("audit.no")
    coded = _coded_label(field, value)
    if coded:
        return coded
    if field in _REGION_FIELDS and isinstance(value, str):
        names = labels if labels is not None else _region_labels([value])
        return names.get(value) or value
    if _looks_like_uuid(value):
        name = labels.get(value) if labels is not None else _record_label(value)
        return name or value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        import datetime as dt

        from imp_desktop.formatting import format_date

        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _child_links() -> dict[str, tuple[str, str]]:
    """{child table: (link field, its model's table)} for every record that belongs
    to another (a foreign key that deletes it with its parent: participants and
    photos of an activity, answers of an assessment)."""
    from imp_desktop.data.sync import is_id_reference, table_of

    links = {}
    for model in travelling_models():
        for fld in model._meta.sorted_fields:
            if is_id_reference(fld) and (fld.on_delete or "").upper() == "CASCADE":
                links[table_of(model)] = (fld.name, table_of(fld.rel_model))
    return links


def _children(record_uuid: str) -> list[tuple[str, str, str]]:
    """(table, uuid, link field) of the records whose "create" entry links them to
    ``record_uuid``, deleted ones included: found in the audit trail itself."""
    from imp_desktop.data.sync import dumps

    links = _child_links()
    if not links:
        return []
    query = (AuditEntry.select(AuditEntry.record_table, AuditEntry.record_uuid,
                               AuditEntry.field)
             .where((AuditEntry.new_value == dumps(record_uuid))
                    & (AuditEntry.action == "create")
                    & AuditEntry.record_table.in_(list(links))
                    & AuditEntry.field.in_(sorted({f for f, _ in links.values()})))
             .distinct().tuples())
    return [(table, child, fld) for table, child, fld in query
            if links[table][0] == fld]


_NAMING_FIELDS = ("cadre", "indicator", "guest_name", "caption", "original_name", "file_name")


def _child_name(entries: list, labels: dict[str, str]) -> tuple[str, str | None]:
    """What one child is called and the field that names it, from its own entries
    (oldest first): the record a foreign key of it points at (a participant's
    cadre, an answer's indicator), else its own name (a guest's, a photo's)."""
    latest: dict[str, object] = {}
    for entry in entries:
        if entry.field and entry.action != "delete":
            latest[entry.field] = _loaded(entry.new_value)
    for name in _NAMING_FIELDS:
        value = latest.get(name)
        if _looks_like_uuid(value):
            value = labels.get(value)
        if value:
            return str(value), name
    return "", None


def _line(entry, labels: dict[str, str], prefix: str = "") -> AuditLine:
    field = field_label(entry.field)
    if prefix:
        field = f"{prefix} · {field}" if field else prefix
    return AuditLine(entry.at, describe_time(entry.at), entry.officer or "?",
                     tr(f"audit.action.{entry.action}"), field,
                     show_value(entry.old_value, labels, entry.field),
                     show_value(entry.new_value, labels, entry.field),
                     entry.record_uuid, entry.action, entry.field or "",
                     entry.old_value, entry.new_value)


def _value_uuids(entries) -> set[str]:
    found = set()
    for entry in entries:
        for text in (entry.old_value, entry.new_value):
            value = _loaded(text)
            if _looks_like_uuid(value):
                found.add(value)
    return found


def record_history(record_uuid: str, children: bool = False) -> list[AuditLine]:
    """Every audit entry of one record (this installation's and those merged in),
    newest first; with ``children``, those of the records that belong to it as
    well (see ``_children``), each line saying which child it is
    ("Peserta Siti Aminah · Status"). A handful of queries whatever the count."""
    own = list(AuditEntry.select().where(AuditEntry.record_uuid == record_uuid))
    kids = _children(record_uuid) if children else []
    theirs: dict[str, list] = {}
    for chunk in chunks([child for _, child, _ in kids]):
        for entry in (AuditEntry.select().where(AuditEntry.record_uuid.in_(chunk))
                      .order_by(AuditEntry.at, AuditEntry.id)):
            theirs.setdefault(entry.record_uuid, []).append(entry)
    everything = own + [e for entries in theirs.values() for e in entries]
    labels = _record_labels(_value_uuids(everything))
    labels.update(_region_labels(
        value for entry in everything if entry.field in _REGION_FIELDS
        for value in (_loaded(entry.old_value), _loaded(entry.new_value)) if isinstance(value, str)))
    lines = [(entry.at, entry.id, _line(entry, labels)) for entry in own]
    for table, child, link in kids:
        kind = tr(f"audit.child.{table}") if f"audit.child.{table}" in catalog() else table
        name, naming = _child_name(theirs.get(child, []), labels)
        prefix = f"{kind} {name}".strip()
        # the link to the parent and the name already in the prefix: not repeated
        lines += [(entry.at, entry.id, _line(entry, labels, prefix))
                  for entry in theirs.get(child, [])
                  if not (entry.action == "create" and entry.field in (link, naming))]
    lines.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [line for _, _, line in lines]


def uuid_of(table: str, record_id: int) -> str | None:
    """The uuid of a record given its table name and local id (for the dialogs)."""
    from imp_desktop.data.models import ALL_MODELS

    for model in ALL_MODELS:
        if model._meta.table_name == table:
            return model.select(model.uuid).where(model.id == record_id).scalar()
    return None


def changes_since(since: str, main: str | None, others=()) -> list[AuditLine]:
    """What changed at or after ``since`` (ISO UTC) in the record ``main`` (a
    uuid; its children too, as in ``record_history``) and in the records
    ``others`` (uuids), oldest first. Each line names the record it belongs to
    unless it is ``main`` ("Peserta Siti Aminah · Status", "Kader Siti · Nama").
    The same change seen twice (an officer's entry and the office's merge of
    it) is listed once. A handful of queries per 500 records."""
    links = {}
    if main:
        links = {child: (table, link) for table, child, link in _children(main)}
    wanted = sorted(({main} if main else set()) | set(others) | set(links))
    entries = []
    for chunk in chunks(wanted):
        entries += list(AuditEntry.select().where(AuditEntry.record_uuid.in_(chunk)
                                                  & (AuditEntry.at >= since)))
    entries.sort(key=lambda e: (e.at, e.id))
    if not entries:
        return []
    # A child's name comes from its whole history (its "create" entry is older).
    kids_changed = sorted({e.record_uuid for e in entries if e.record_uuid in links})
    history: dict[str, list] = {}
    for chunk in chunks(kids_changed):
        for entry in (AuditEntry.select().where(AuditEntry.record_uuid.in_(chunk))
                      .order_by(AuditEntry.at, AuditEntry.id)):
            history.setdefault(entry.record_uuid, []).append(entry)
    everything = entries + [e for items in history.values() for e in items]
    labels = _record_labels(_value_uuids(everything) | {e.record_uuid for e in entries})
    labels.update(_region_labels(
        value for entry in everything if entry.field in _REGION_FIELDS
        for value in (_loaded(entry.old_value), _loaded(entry.new_value))
        if isinstance(value, str)))
    # A record renamed since is called by the name it had when printed.
    printed_names = {}
    for entry in entries:
        if entry.field in _LABEL_FIELDS and entry.record_uuid not in printed_names:
            old_name = _loaded(entry.old_value)
            if isinstance(old_name, str) and old_name:
                printed_names[entry.record_uuid] = old_name
    lines, seen = [], set()
    for entry in entries:
        same = (entry.record_uuid, entry.field, entry.new_value)
        if entry.action == "merge" and same in seen:
            continue        # the office's merge of a change already listed
        seen.add(same)
        if entry.record_uuid == main:
            prefix = ""
        elif entry.record_uuid in links:
            table, link = links[entry.record_uuid]
            kind = tr(f"audit.child.{table}") if f"audit.child.{table}" in catalog() else table
            name, naming = _child_name(history.get(entry.record_uuid, []), labels)
            if entry.action == "create" and entry.field in (link, naming):
                continue
            prefix = f"{kind} {name}".strip()
        else:
            key = f"audit.table.{entry.record_table}"
            kind = tr(key) if key in catalog() else entry.record_table
            name = printed_names.get(entry.record_uuid) or labels.get(entry.record_uuid, "")
            prefix = f"{kind} {name}".strip()
        lines.append(_line(entry, labels, prefix))
    return lines
