"""Plain-value views of records, for the command line (``list --json``) and exports."""
from __future__ import annotations

import datetime as dt

from imp_desktop.data.models import Cadre, Region, Unit


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def row_dict(record, fields: list[str]) -> dict:
    return {name: _plain(getattr(record, name)) for name in fields}


CADRE_FIELDS = ["id", "uuid", "nik", "name", "sex", "birth_place", "birth_date", "address",
                "rt", "rw", "phone", "education", "occupation", "position", "sk_number",
                "sk_date", "start_date", "active", "inactive_reason", "inactive_date",
                "created_at", "updated_at"]
UNIT_FIELDS = ["id", "uuid", "level", "name", "sk_number", "sk_date", "active",
               "created_at", "updated_at"]


def list_cadres() -> list[dict]:
    desa_names = dict(Region.select(Region.code, Region.name)
                      .where(Region.level == 4).tuples())
    units = dict(Unit.select(Unit.id, Unit.uuid).tuples())
    result = []
    for cadre in Cadre.select().order_by(Cadre.id).iterator():
        item = row_dict(cadre, CADRE_FIELDS)
        item["desa_code"] = cadre.desa_code
        item["desa"] = desa_names.get(cadre.desa_code)
        item["unit_id"] = cadre.unit_id
        item["unit_uuid"] = units.get(cadre.unit_id)
        result.append(item)
    return result


def list_units() -> list[dict]:
    desa_names = dict(Region.select(Region.code, Region.name)
                      .where(Region.level == 4).tuples())
    result = []
    for unit in Unit.select().order_by(Unit.id).iterator():
        item = row_dict(unit, UNIT_FIELDS)
        item["desa_code"] = unit.desa_code
        item["desa"] = desa_names.get(unit.desa_code)
        item["hamlet_id"] = unit.hamlet_id
        item["neighbourhood_id"] = unit.neighbourhood_id
        item["parent_id"] = unit.parent_id
        result.append(item)
    return result


def list_activities() -> list[dict]:
    from imp_desktop.services.activities import activity_records

    return activity_records()


# Feature modules register more record kinds here (e.g. "activities").
LISTERS = {"cadres": list_cadres, "units": list_units, "activities": list_activities}


def list_assessments() -> list[dict]:
    from imp_desktop.services.roles import assessment_records

    return assessment_records()


LISTERS["assessments"] = list_assessments


def list_monthly() -> list[dict]:
    from imp_desktop.services.monthly import report_records

    return report_records()


LISTERS["monthly"] = list_monthly
