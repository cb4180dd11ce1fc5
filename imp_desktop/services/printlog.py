"""The print log: every document written to PDF, so that a printout can be
checked later (``services/verify.py``), here or at the district office.

A row holds the document's kind, the record it shows, the digest of the data
printed and its verification code (``reports.base.document_stamp``), when, by
whom and on which installation. It travels in packages like any record.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from imp_desktop.data.models import PrintLog, utc_now
from imp_desktop.data.sync import installation_id, officer_name


@dataclass
class PrintEntry:
    kind: str
    title: str
    record: str
    code: str
    digest: str
    printed_at: str
    officer: str
    installation: str
    sources: list[str]
    listing: str = ""            # what it listed (``services/listings.py``), "" if nothing


def _entry(row: PrintLog) -> PrintEntry:
    return PrintEntry(row.kind, row.title, row.record, row.code, row.digest, row.printed_at,
                      row.officer, row.installation, json.loads(row.sources or "[]"),
                      row.listing or "")


def record_print(stamp, record: str, title: str = "", sources=(),
                 installation: str | None = None, listing: str = "") -> PrintEntry:
    """Write one printout to the log (``stamp``: kind, digest and code; ``listing``:
    the records it lists, from ``listings.listing``)."""
    from imp_desktop.data.db import is_read_only

    row = PrintLog(kind=stamp.kind, title=title[:250], record=record, code=stamp.code,
                   digest=stamp.digest, sources=json.dumps(sorted(set(sources))),
                   listing=listing,
                   printed_at=utc_now(), officer=officer_name(),
                   installation=installation or installation_id())
    if not is_read_only():      # a read-only database still prints; it cannot log
        row.save(force_insert=True)
    return _entry(row)


def find(code: str, digest: str | None = None) -> list[PrintEntry]:
    """The printouts with this code (and digest, when known), newest first."""
    query = PrintLog.select().where(PrintLog.code == code)
    if digest:
        query = query.where(PrintLog.digest == digest.lower())
    return [_entry(row) for row in query.order_by(PrintLog.printed_at.desc(), PrintLog.id.desc())]


def prints_of(record: str) -> list[PrintEntry]:
    """The printouts of one record, newest first."""
    query = PrintLog.select().where(PrintLog.record == record)
    return [_entry(row) for row in query.order_by(PrintLog.printed_at.desc(), PrintLog.id.desc())]
