"""The verification code and the QR payload of a printed document.

The code is derived from a SHA-256 of the document's input data, so the same
data always prints the same code and any change gives another; the QR code and
the PDF's metadata carry the payload that ``read_payload`` finds again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re

from imp_desktop.reports.model import (
    PrintOrigin,
)


def _plain(value):
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def content_digest(kind: str, data) -> str:
    """SHA-256 of the document kind and its input data, canonical JSON."""
    payload = dataclasses.asdict(data) if dataclasses.is_dataclass(data) else data
    encoded = json.dumps({"kind": kind, "data": payload}, default=_plain, sort_keys=True,
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def code_of(digest: str) -> str:
    """``3F9A-2C71-B0D4``: the first 48 bits of a content digest."""
    digest = digest.upper()
    return "-".join(digest[i:i + 4] for i in range(0, 12, 4))


def verification_code(kind: str, data) -> str:
    """``3F9A-2C71-B0D4``: the first 48 bits of the content digest."""
    return code_of(content_digest(kind, data))


def document_kind(data) -> str:
    """The kind a document's data says it is (``document_kind`` of the dataclass,
    else its class name): part of the digest, the QR code and the print log."""
    kind = getattr(data, "document_kind", None)
    return str(kind) if kind else type(data).__name__.lower()


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What identifies a document's content: its kind, digest and code."""

    kind: str
    digest: str
    code: str


def document_stamp(data) -> Stamp:
    kind = document_kind(data)
    digest = content_digest(kind, data)
    return Stamp(kind, digest, code_of(digest))


# The QR code's text: alphanumeric characters only (upper case, digits, "-./:")
# so the QR encoder uses its compact alphanumeric mode and the code stays small
# (about 180 characters: version 8, 49 modules, at error correction M).
PAYLOAD_PREFIX = "IMP1"
_PAYLOAD = re.compile(
    r"IMP1/(?P<kind>[A-Z0-9.-]+)/(?P<record>[A-Z0-9.:-]*)/(?P<installation>[A-Z0-9-]*)/"
    r"(?P<date>\d{4}-\d{2}-\d{2}|)/(?P<digest>[0-9A-F]{64})/(?P<code>[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")
_CODE = re.compile(r"\b([0-9A-F]{4})[- ]?([0-9A-F]{4})[- ]?([0-9A-F]{4})\b")


@dataclasses.dataclass(frozen=True)
class Payload:
    """The QR code's fields as read back (``record``/``installation`` lower case)."""

    kind: str
    record: str
    installation: str
    printed_on: dt.date | None
    digest: str
    code: str


def qr_payload(stamp: Stamp, origin: PrintOrigin | None) -> str:
    origin = origin or PrintOrigin()
    day = origin.printed_on.isoformat() if origin.printed_on else ""
    return "/".join((PAYLOAD_PREFIX, stamp.kind.upper(), origin.record.upper(),
                     origin.installation.upper(), day, stamp.digest.upper(), stamp.code))


def read_payload(text: str) -> Payload | None:
    """The QR text found in ``text`` (a scan, a pasted line, a PDF's bytes)."""
    match = _PAYLOAD.search(text.upper())
    if match is None:
        return None
    day = match["date"]
    return Payload(kind=match["kind"].lower(), record=match["record"].lower(),
                   installation=match["installation"].lower(),
                   printed_on=dt.date.fromisoformat(day) if day else None,
                   digest=match["digest"].lower(), code=match["code"])


def read_code(text: str) -> str | None:
    """A verification code typed from the footer ("3f9a 2c71 b0d4" will do)."""
    match = _CODE.search(text.strip().upper())
    return "-".join(match.groups()) if match else None
