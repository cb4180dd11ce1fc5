"""The audit trail as the officer reads it: one record's history, newest first."""
from __future__ import annotations

import json
from dataclasses import dataclass

from imp_desktop.data.backup import describe_time
from imp_desktop.data.models import AuditEntry
from imp_desktop.data.sync import travelling_models
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


def field_label(name: str | None) -> str:
    if not name:
        return ""
    key = f"audit.field.{name}"
    return tr(key) if key in catalog() else name.replace("_", " ")


_LABEL_FIELDS = ("name", "title", "guest_name", "file_name")


def _record_label(record_uuid: str) -> str | None:
    """The name of the record a foreign-key uuid points at, if there is one here;
    for a record deleted since, the last name its own history gave it."""
    for model in travelling_models():
        for attribute in _LABEL_FIELDS:
            fld = model._meta.fields.get(attribute)
            if fld is None:
                continue
            found = model.select(fld).where(model.uuid == record_uuid).scalar()
            if found is not None:
                return str(found)
            break
    last = (AuditEntry.select(AuditEntry.new_value)
            .where((AuditEntry.record_uuid == record_uuid)
                   & AuditEntry.field.in_(_LABEL_FIELDS) & AuditEntry.new_value.is_null(False))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1).scalar())
    if last is not None:
        try:
            value = json.loads(last)
        except ValueError:
            return None
        if isinstance(value, str) and value:
            return value
    return None


def show_value(text: str | None) -> str:
    """A stored JSON value as the officer reads it."""
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
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return _record_label(value) or value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        import datetime as dt

        from imp_desktop.formatting import format_date

        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def record_history(record_uuid: str) -> list[AuditLine]:
    """Every audit entry of one record (this installation's and those merged in)."""
    query = (AuditEntry.select().where(AuditEntry.record_uuid == record_uuid)
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    return [AuditLine(entry.at, describe_time(entry.at), entry.officer or "?",
                      tr(f"audit.action.{entry.action}"), field_label(entry.field),
                      show_value(entry.old_value), show_value(entry.new_value))
            for entry in query]


def uuid_of(table: str, record_id: int) -> str | None:
    """The uuid of a record given its table name and local id (for the dialogs)."""
    from imp_desktop.data.models import ALL_MODELS

    for model in ALL_MODELS:
        if model._meta.table_name == table:
            return model.select(model.uuid).where(model.id == record_id).scalar()
    return None
