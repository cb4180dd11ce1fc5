"""Trusted root certificates for checking signed PDFs (TTE), offline.

Civil servants' certificates are issued through BSrE/BSSN. The program cannot
fetch BSrE's root and intermediate certificates or its revocation lists (it
works offline), but the district office can obtain the files and hand them
out: Pengaturan › Dokumen › "Sertifikat akar terpercaya" (or
``imp-desktop tte trust add FILE``) keeps them, and ``tte.check_signatures``
uses them:

* a self-signed certificate is a trust root (``trust_roots``);
* any other certificate is an intermediate that helps to build the chain
  (``other_certs``); it makes nothing trusted by itself;
* a revocation list (CRL, ``.crl``) is given to pyHanko as it is
  (``crls=``, never fetched): a signer it revokes is not trusted; only the
  newest list of each issuer is kept.

The list is a setting of this installation (``tte.trust``; the setting table
never travels in packages). Trust anchors do not travel on purpose: a package
is signed by the laptop that made it, so letting its roots in would let any
laptop make its own certificate "trusted" at the office. Each installation
adds the files the office hands out.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.errors import UserError
from imp_desktop.fileio import read_chosen_file
from imp_desktop.i18n import tr

SETTING = "tte.trust"
ROOT, INTERMEDIATE, CRL = "root", "intermediate", "crl"
FILE_SUFFIXES = (".cer", ".crt", ".pem", ".der", ".crl")
_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


@dataclass(frozen=True)
class TrustItem:
    """One certificate or revocation list kept here, as the list shows it."""

    fingerprint: str                  # SHA-256 of the DER bytes, hex
    kind: str                         # ROOT, INTERMEDIATE or CRL
    subject: str                      # "" for a CRL
    issuer: str
    valid_from: dt.datetime           # a CRL: its "this update"
    valid_until: dt.datetime | None   # a CRL: its "next update" (may be absent)
    added_at: str                     # ISO UTC
    der: bytes

    def expired(self, now: dt.datetime | None = None) -> bool:
        now = now or dt.datetime.now(dt.timezone.utc)
        return self.valid_until is not None and self.valid_until < now

    def validity(self, lang: str | None = None, *, short: bool = False) -> str:
        """"1 Januari 2026 – 31 Desember 2035" ("01/01/2026 – 31/12/2035" when
        ``short``), "(kedaluwarsa)" added when past."""
        from imp_desktop.formatting import format_date, format_short_date

        def day(value: dt.datetime) -> str:
            return format_short_date(value.date()) if short else format_date(value.date(),
                                                                                lang=lang)

        until = day(self.valid_until) if self.valid_until else "–"
        text = tr("tte.trust.validity", lang, start=day(self.valid_from), end=until)
        if self.expired():
            text += " " + tr("tte.trust.expired_mark", lang)
        return text

    def short_fingerprint(self) -> str:
        return ":".join(self.fingerprint[i:i + 4] for i in range(0, 20, 4)).upper()


@dataclass
class AddResult:
    added: list[TrustItem]
    known: list[TrustItem]         # already in the list: nothing changed for these
    notes: list[str]               # e.g. "this root expired on …"

    def message(self, lang: str | None = None) -> str:
        parts = []
        if self.added:
            parts.append(tr("tte.trust.added", lang,
                            names=", ".join(_label(item) for item in self.added)))
        if self.known:
            parts.append(tr("tte.trust.already", lang,
                            names=", ".join(_label(item) for item in self.known)))
        return " ".join(parts + self.notes)


def _label(item: TrustItem) -> str:
    return item.subject if item.kind != CRL else tr("tte.trust.crl_of", issuer=item.issuer)


def _name(name) -> str:
    """A cryptography x509.Name as people read it: its common name, else the whole."""
    from cryptography.x509.oid import NameOID

    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        return str(common[0].value)
    return name.rfc4514_string()


def _blocks(data: bytes) -> list[bytes]:
    """The DER blocks of a file: every PEM block, or the whole file as DER."""
    if b"-----BEGIN" not in data:
        return [data]
    blocks = []
    for label, body in _PEM.findall(data):
        if label not in (b"CERTIFICATE", b"X509 CRL", b"TRUSTED CERTIFICATE"):
            continue
        try:
            blocks.append(base64.b64decode(b"".join(body.split()), validate=True))
        except (binascii.Error, ValueError):
            blocks.append(b"")       # refused below, with the file's name
    return blocks


def _item(der: bytes, added_at: str) -> TrustItem:
    """Parse one DER certificate or CRL; ValueError when it is neither."""
    from cryptography import x509

    fingerprint = hashlib.sha256(der).hexdigest()
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        cert = None
    if cert is not None:
        _asn1_certificate(der)      # what pyHanko will read must read too
        try:
            cert.verify_directly_issued_by(cert)
            kind = ROOT
        except Exception:   # another issuer, another signature, an unsupported key
            kind = INTERMEDIATE
        return TrustItem(fingerprint, kind, _name(cert.subject), _name(cert.issuer),
                         cert.not_valid_before_utc, cert.not_valid_after_utc, added_at, der)
    crl = x509.load_der_x509_crl(der)     # ValueError when it is not one either
    from asn1crypto import crl as asn1_crl

    asn1_crl.CertificateList.load(der).native   # noqa: B018 (fails on a damaged list)
    return TrustItem(fingerprint, CRL, "", _name(crl.issuer), crl.last_update_utc,
                     crl.next_update_utc, added_at, der)


def _asn1_certificate(der: bytes):
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(der)
    cert.native   # noqa: B018 (parses everything: a damaged file fails here, not later)
    return cert


def read_file(path: str | Path) -> list[TrustItem]:
    """The certificates and revocation lists in a ``.cer/.crt/.pem/.der/.crl`` file
    (DER or PEM, several PEM blocks allowed). A file that cannot be read, or holds
    anything that is not a whole certificate or CRL, is a UserError; nothing is kept."""
    path = Path(path)
    data = read_chosen_file(path, "tte.trust.error.read")
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    items = []
    # DER is binary: its last byte may be 0x0a or 0x20, so only a PEM text is stripped
    blocks = _blocks(data) if data.strip() else []
    for der in blocks:
        try:
            items.append(_item(der, now))
        except Exception as exc:   # cryptography/asn1crypto raise many kinds on bad bytes
            raise UserError(tr("tte.trust.error.damaged", path=path.name)) from exc
    if not items:
        raise UserError(tr("tte.trust.error.damaged", path=path.name))
    return items


def _stored() -> list[dict]:
    from imp_desktop.services.settings import get_setting

    value = get_setting(SETTING, [])
    return value if isinstance(value, list) else []


def items() -> list[TrustItem]:
    """What is kept here: roots first, then intermediates, then revocation lists."""
    order = {ROOT: 0, INTERMEDIATE: 1, CRL: 2}
    found = []
    for entry in _stored():
        try:
            found.append(_item(base64.b64decode(entry["der"]), str(entry.get("added_at", ""))))
        except Exception:   # a hand-edited setting: skipped, never half-used
            continue
    return sorted(found, key=lambda item: (order[item.kind], item.subject.lower(),
                                           item.issuer.lower(), item.fingerprint))


def _save(kept: list[TrustItem]) -> None:
    from imp_desktop.services.settings import set_setting

    set_setting(SETTING, [{"der": base64.b64encode(item.der).decode("ascii"),
                           "added_at": item.added_at} for item in kept])


def add_file(path: str | Path) -> AddResult:
    """Keep the certificates (and CRLs) of a file; one write. A newer CRL of an
    issuer replaces the older one; an older one than kept is not added."""
    from imp_desktop.data.models import database

    new = read_file(path)
    with database.atomic():
        kept = items()
        known_prints = {item.fingerprint for item in kept}
        added, known, notes = [], [], []
        for item in new:
            if item.fingerprint in known_prints:
                known.append(item)
                continue
            if item.kind == CRL:
                same = [old for old in kept if old.kind == CRL and old.issuer == item.issuer]
                if any(old.valid_from > item.valid_from for old in same):
                    known.append(item)
                    continue
                kept = [old for old in kept if old not in same]
            kept.append(item)
            known_prints.add(item.fingerprint)
            added.append(item)
            if item.expired():
                from imp_desktop.formatting import format_date

                key = "tte.trust.note.crl_old" if item.kind == CRL else "tte.trust.note.expired"
                notes.append(tr(key, name=_label(item),
                                date=format_date(item.valid_until.date())))
        roots = {item.subject for item in kept if item.kind == ROOT}
        notes += [tr("tte.trust.note.needs_root", name=item.subject) for item in added
                  if item.kind == INTERMEDIATE and not roots]
        if added:
            _save(kept)
    return AddResult(added, known, notes)


def remove(fingerprint: str) -> TrustItem:
    """Take one certificate or CRL off the list (by its SHA-256, or a unique start of it)."""
    wanted = fingerprint.replace(":", "").strip().lower()
    kept = items()
    matches = [item for item in kept if wanted and item.fingerprint.startswith(wanted)]
    if len(matches) != 1:
        raise UserError(tr("tte.trust.error.not_found", fingerprint=fingerprint))
    _save([item for item in kept if item is not matches[0]])
    return matches[0]


def expired_root_above(issuer) -> bool:
    """Whether the chain above a certificate issued by ``issuer`` (an asn1crypto
    Name) ends, through the intermediates kept here, at a root kept here that is
    out of its validity: pyHanko then only says the chain failed."""
    kept = [(item, _asn1_certificate(item.der)) for item in items() if item.kind != CRL]
    name = issuer
    for _step in range(8):
        above = next(((item, cert) for item, cert in kept if cert.subject == name), None)
        if above is None:
            return False
        item, cert = above
        if item.kind == ROOT:
            now = dt.datetime.now(dt.timezone.utc)
            return item.expired(now) or item.valid_from > now
        name = cert.issuer
    return False


def list_key() -> str:
    """Changes whenever the list changes (for caching answers that depend on it)."""
    return hashlib.sha256("".join(sorted(e.get("der", "") for e in _stored()))
                          .encode("ascii")).hexdigest()


def validation_context(moment: dt.datetime | None = None):
    """A pyHanko ValidationContext over the list: roots, intermediates, CRLs;
    never fetches anything (offline). Never the system's own trust store."""
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.authority import CertTrustAnchor

    kept = items()
    # A root counts only within its own validity (pyHanko would trust it for ever).
    return ValidationContext(
        trust_roots=[CertTrustAnchor(_asn1_certificate(item.der),
                                     derive_default_quals_from_cert=True)
                     for item in kept if item.kind == ROOT],
        other_certs=[_asn1_certificate(item.der) for item in kept if item.kind == INTERMEDIATE],
        crls=[item.der for item in kept if item.kind == CRL],
        allow_fetching=False, revocation_mode="soft-fail", moment=moment)
