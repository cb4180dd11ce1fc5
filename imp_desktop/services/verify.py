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
    return Verdict(CHANGED if changes or listed else VALID, code=code, kind=entry.kind,
                   title=entry.title, printed_at=entry.printed_at, officer=entry.officer,
                   installation=entry.installation,
                   here=entry.installation == installation_id(), changes=changes,
                   added=[m.label for m in listed.added],
                   removed=[m.label for m in listed.removed], figures=list(listed.figures))


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
