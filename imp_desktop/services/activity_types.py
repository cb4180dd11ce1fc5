"""Kinds of activity (Jenis kegiatan): the list the officer keeps, in their order.

A kind in use can be hidden but not removed.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from imp_desktop.data.audit import audited_delete, audited_update
from imp_desktop.data.models import (
    Activity,
    ActivityType,
    database,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.i18n import tr
from imp_desktop.services.text import clean_spaces


@dataclass(frozen=True)
class ActivityTypeInfo:
    id: int
    name: str
    active: bool
    sort_order: int
    used: int


# --- activity types ----------------------------------------------------------

def activity_types(include_inactive: bool = False) -> list[ActivityTypeInfo]:
    used = dict(Activity.select(Activity.activity_type, fn.COUNT(Activity.id))
                .group_by(Activity.activity_type).tuples())
    query = ActivityType.select().order_by(ActivityType.sort_order, ActivityType.name)
    if not include_inactive:
        query = query.where(ActivityType.active == True)  # noqa: E712
    return [ActivityTypeInfo(t.id, t.name, t.active, t.sort_order, used.get(t.id, 0))
            for t in query]


def save_activity_type(name: str, type_id: int | None = None) -> int:
    name = clean_spaces(name)
    if not name:
        raise ValidationError(tr("activity.type.error.name"), [("name", tr("activity.type.error.name"))])
    other = ActivityType.get_or_none(fn.LOWER(ActivityType.name) == name.lower())
    if other is not None and other.id != type_id:
        raise ValidationError(tr("activity.type.error.taken", name=other.name),
                              [("name", tr("activity.type.error.taken", name=other.name))])
    with database.atomic():
        if type_id is None:
            last = ActivityType.select(fn.MAX(ActivityType.sort_order)).scalar() or 0
            row = ActivityType.create(name=name, sort_order=last + 1)
        else:
            row = ActivityType.get_by_id(type_id)
            row.name = name
            row.save()
    return row.id


def set_activity_type_active(type_id: int, active: bool) -> None:
    with database.atomic():
        audited_update(ActivityType, {ActivityType.active: active}, ActivityType.id == type_id)


def move_activity_type(type_id: int, step: int) -> None:
    """Move a type up (-1) or down (+1) in the list."""
    with database.atomic():
        order = [t.id for t in ActivityType.select().order_by(ActivityType.sort_order,
                                                               ActivityType.name)]
        index = order.index(type_id)
        target = max(0, min(len(order) - 1, index + step))
        order.insert(target, order.pop(index))
        for position, ident in enumerate(order):
            audited_update(ActivityType, {ActivityType.sort_order: position},
                           ActivityType.id == ident)


def delete_activity_type(type_id: int) -> None:
    """Remove an unused type; a type in use can only be hidden."""
    if Activity.select().where(Activity.activity_type == type_id).exists():
        raise UserError(tr("activity.type.error.in_use"))
    with database.atomic():
        audited_delete(ActivityType, ActivityType.id == type_id)
