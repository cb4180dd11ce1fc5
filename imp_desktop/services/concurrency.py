"""Several staff on one database: a save that would overwrite someone else's.

``refuse_if_changed`` runs inside the save's transaction: it locks the row,
compares its version with the one the screen read, and when another save came
in between raises ``ChangedMeanwhile``: one sentence naming each field that
differs, with the value now saved and the value typed, so nothing is lost
(the screen keeps what was typed).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import fields, is_dataclass

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr


class ChangedMeanwhile(UserError):
    """Someone else saved the record after it was opened here."""

    def __init__(self, message: str, differences: list[tuple[str, object, object]]):
        super().__init__(message)
        self.differences = differences


def _shown(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dt.date):
        from imp_desktop.formatting import format_date

        return format_date(value)
    return str(value)


def refuse_if_changed(model, record_id: int, version: str, load_saved, typed, kind: str,
                      *, children=(), compare=None) -> None:
    """Lock ``model`` row ``record_id``; raise ChangedMeanwhile when its version is
    no longer ``version``. ``load_saved()`` gives the saved values in the shape
    of ``typed`` (a dataclass) to name what differs. ``children`` as for
    ``row_version`` (the rows that belong to the record are part of its version);
    ``compare(saved, typed)``, when given, names the differences itself:
    [(label, saved value, typed value)]."""
    from imp_desktop.data.row_versions import row_version
    from imp_desktop.services.audit import field_label

    current = row_version(model, record_id, lock=True, children=children)
    if current is None:
        raise UserError(tr("concurrency.deleted", kind=tr(f"concurrency.kind.{kind}")))
    if current == version:
        return
    saved = load_saved()
    differences = []
    if compare is not None:
        differences = compare(saved, typed)
    elif is_dataclass(typed):
        for f in fields(typed):
            if f.name == "version" or not f.compare:
                continue
            mine, theirs = getattr(typed, f.name), getattr(saved, f.name)
            if mine != theirs:
                differences.append((f.name, theirs, mine))
    if not differences:
        return        # they saved what was typed here: nothing would be overwritten
    parts = "; ".join(tr("concurrency.difference", field=field_label(name),
                         saved=_shown(theirs), typed=_shown(mine))
                      for name, theirs, mine in differences[:4])
    raise ChangedMeanwhile(tr("concurrency.changed", kind=tr(f"concurrency.kind.{kind}"),
                              differences=parts), differences)
