"""Periksa dokumen: is a printout what the data here says?

Given a PDF made by IMP Desktop, or the text read from its QR code or its
footer, the answer is one of:

* ``sah``: a printout in the print log here, and nothing it shows changed since;
* ``berubah``: printed here (or by an officer whose package was merged), but the
  record or one it shows changed after printing: which fields, from what to what
  (from the audit trail), and which records were added to the list it printed or
  taken off it (``services/listings.py``: the list is made again and compared);
* ``tidak dikenal``: no installation whose data is here printed it.

The print log and the audit trail both travel in packages, so the district
office answers for every officer's printouts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.reports.base import read_code, read_payload
from imp_desktop.services.audit import AuditLine, changes_since

VALID, CHANGED, UNKNOWN = "sah", "berubah", "tidak_dikenal"
EXIT_CODES = {VALID: 0, CHANGED: 3, UNKNOWN: 4}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class Verdict:
    status: str                      # VALID, CHANGED or UNKNOWN
    code: str = ""
    kind: str = ""
    title: str = ""
    printed_at: str = ""             # ISO UTC
    officer: str = ""
    installation: str = ""
    here: bool = False               # printed by this installation
    changes: list[AuditLine] = field(default_factory=list)
    added: list[str] = field(default_factory=list)      # "Kader Siti Aminah": on the list now
    removed: list[str] = field(default_factory=list)    # on the list printed, not now
    figures: list[str] = field(default_factory=list)    # counted figures that differ now
    reason: str = ""                 # why a document is not known

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def headline(self) -> str:
        """One sentence: the answer."""
        return tr(f"verify.status.{self.status}")

    def details(self) -> list[str]:
        """The lines under the answer: what, when, by whom, what changed."""
        from imp_desktop.data.backup import describe_time

        if self.status == UNKNOWN:
            return [self.reason] if self.reason else []
        lines = [tr("verify.line.document", kind=kind_label(self.kind), title=self.title),
                 tr("verify.line.printed", when=describe_time(self.printed_at),
                    officer=self.officer or "?"),
                 tr("verify.line.code", code=self.code)]
        if self.status == CHANGED:
            lines += self.list_lines()
            if self.changes:
                lines.append(tr("verify.line.changes", count=len(self.changes)))
                lines += [change_text(line) for line in self.changes]
        return lines

    def list_lines(self) -> list[str]:
        """One line per record added to the printed list or taken off it, and per
        counted figure that differs now."""
        return ([tr("verify.line.added", what=what) for what in self.added]
                + [tr("verify.line.removed", what=what) for what in self.removed]
                + list(self.figures))


def kind_label(kind: str) -> str:
    from imp_desktop.i18n import catalog

    key = f"verify.kind.{kind}"
    return tr(key) if key in catalog() else kind


def change_text(line: AuditLine) -> str:
    """"Kader Siti · Nama: Siti → Sita (27 November 2026 pukul 14.05, Sri)"."""
    what = line.field or line.action
    return tr("verify.line.change", field=what, old=line.old, new=line.new,
              when=line.when, officer=line.officer)


def verify_text(text: str) -> Verdict:
    """The answer for the text of a QR code, a typed footer code, or a PDF's bytes
    (decoded as Latin-1)."""
    from imp_desktop.data.sync import installation_id
    from imp_desktop.services import listings, printlog

    payload = read_payload(text)
    code = payload.code if payload else read_code(text)
    if code is None:
        raise UserError(tr("verify.error.no_code"))
    found = printlog.find(code)
    if payload is not None:
        found = [entry for entry in found if entry.digest == payload.digest]
    if not found:
        return Verdict(UNKNOWN, code=code, kind=payload.kind if payload else "",
                       reason=tr("verify.reason.not_logged", code=code))
    entry = found[0]      # the latest printout of this content
    main = entry.record if _UUID.match(entry.record) else None
    changes = changes_since(entry.printed_at, main, entry.sources)
    listed = listings.differences(entry.listing)
    # A record put on the list or taken off it is named once, on its own line:
    # its "created"/"deleted" entries would only say it again.
    added, removed = {m.uuid for m in listed.added}, {m.uuid for m in listed.removed}
    changes = [line for line in changes
               if not (line.record in added and line.change in ("create", "merge")
                       or line.record in removed and line.change == "delete")]
    changes = _order_changes(changes, added | removed)
    return Verdict(CHANGED if changes or listed else VALID, code=code, kind=entry.kind,
                   title=entry.title, printed_at=entry.printed_at, officer=entry.officer,
                   installation=entry.installation,
                   here=entry.installation == installation_id(), changes=changes,
                   added=[m.label for m in listed.added],
                   removed=[m.label for m in listed.removed], figures=list(listed.figures))


def _as_int(text: str | None) -> int | None:
    import json

    try:
        value = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _in_order(sequence: list[int]) -> set[int]:
    """The values of a longest increasing run (not necessarily adjacent) of
    ``sequence``: the rows that kept their order while the others moved."""
    import bisect

    tails: list[int] = []           # tails[k]: index of the smallest end of a run of k+1
    before: list[int | None] = []
    for index, value in enumerate(sequence):
        at = bisect.bisect_left([sequence[t] for t in tails], value)
        before.append(tails[at - 1] if at else None)
        if at == len(tails):
            tails.append(index)
        else:
            tails[at] = index
    found, index = set(), tails[-1] if tails else None
    while index is not None:
        found.add(sequence[index])
        index = before[index]
    return found


def _order_changes(changes: list[AuditLine], listed: set[str]) -> list[AuditLine]:
    """The stored order of an attendee or a photo (``sort_order``) is not on the
    paper: the Daftar Hadir prints a running number, the attendee's place in the
    list (photos likewise). Taking one attendee off renumbered everyone after them
    (one "Urutan" change each), yet their places among those who stayed are the
    same, and the removal is already named by the list ("Dikeluarkan dari daftar
    …"). So an order change is listed only for a row that really moved among the
    rows on both lists (the fewest rows whose moving explains the new order: one
    attendee put first is one line, not a line for everyone pushed down): one
    line, "Urutan: 4 → 1", counting among the rows still on the list. Rows added
    or taken off are named by the list; their order changes are not repeated."""
    from dataclasses import replace

    from imp_desktop.data.models import ActivityPhoto, Participant

    order_lines = [line for line in changes if line.name == "sort_order"
                   and line.change in ("update", "merge")]
    if not order_lines:
        return changes
    printed: dict[str, int | None] = {}
    for line in order_lines:                     # oldest first: the value when printed
        if line.record not in listed:
            printed.setdefault(line.record, _as_int(line.old_value))
    places: dict[str, tuple[int, int]] = {}      # uuid -> (place then, place now)
    for model in (Participant, ActivityPhoto):
        owners = {owner for (owner,) in model.select(model.activity)
                  .where(model.uuid.in_(list(printed))).distinct().tuples()} if printed else set()
        for owner in owners:
            rows = [(record, order, ident) for record, order, ident in model.select(
                model.uuid, model.sort_order, model.id).where(model.activity == owner).tuples()
                if record not in listed]
            if any(record in printed and printed[record] is None for record, _o, _i in rows):
                continue                         # a value not understood: keep the lines
            then = sorted(rows, key=lambda r: (printed.get(r[0], r[1]), r[2]))
            now = sorted(rows, key=lambda r: (r[1], r[2]))
            place_then = {r[0]: n for n, r in enumerate(then, 1)}
            place_now = {r[0]: n for n, r in enumerate(now, 1)}
            stayed = _in_order([place_now[r[0]] for r in then])
            places.update({record: (place_then[record], place_now[record])
                           for record, _o, _i in rows if place_now[record] not in stayed})
            places.update({record: (0, 0) for record, _o, _i in rows
                           if place_now[record] in stayed})
    order_ids = {id(line) for line in order_lines}
    last = {line.record: line for line in order_lines}
    kept = []
    for line in changes:
        if id(line) not in order_ids:
            kept.append(line)
        elif line.record in listed:
            continue                             # added or taken off: named by the list
        elif line.record not in places:
            kept.append(line)                    # not a row of a numbered list here
        elif line is last[line.record] and places[line.record][0] != places[line.record][1]:
            then, now = places[line.record]
            kept.append(replace(line, old=str(then), new=str(now)))
    return kept


_PAYLOAD_BYTES = re.compile(rb"IMP1/[A-Za-z0-9./:-]{60,250}")


def document_text(data: bytes) -> str | None:
    """The QR code's text as the PDF carries it in its metadata, if it does."""
    match = _PAYLOAD_BYTES.search(data)
    if match is not None:
        return match.group(0).decode("ascii")
    return None


def read_pdf(path: str | Path) -> bytes:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(tr("verify.error.missing", path=str(path))) from exc
    except OSError as exc:
        raise UserError(tr("verify.error.read", path=str(path),
                           detail=exc.strerror or str(exc))) from exc
    if not data.lstrip()[:5] == b"%PDF-":
        raise UserError(tr("verify.error.not_pdf", path=path.name))
    return data


def verify_file(path: str | Path) -> Verdict:
    """The answer for a PDF file."""
    data = read_pdf(path)
    text = document_text(data)
    if text is None:
        return Verdict(UNKNOWN, reason=tr("verify.reason.no_code", path=Path(path).name))
    return verify_text(text)
