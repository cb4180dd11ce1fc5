"""Electronic signatures (TTE) on printouts, with pyHanko.

* Every document already carries empty signature fields over its signature
  blocks (``reports.base.finish_pdf``): an officer with a BSrE
  certificate signs them in the usual signing apps.
* An officer who holds the certificate as a file (PKCS#12, ``.p12``) can sign
  on the laptop: ``load_credentials`` + ``sign_pdf`` give a PAdES B-B signature
  in the officer's own field (CLI ``--sign-with``; window: Pengaturan › Dokumen).
* Signed copies come back: ``import_signed`` checks the signatures (intact, the
  signer's certificate, the whole document covered), finds the printout in the
  print log by its QR text, and keeps the file as the signed final version of
  the record (``signed_document`` + ``services/filestore.py``); both travel in
  packages. ``signed_for(record)`` lists them for the record's screen.

Offline, nothing is fetched: ``trusted`` says whether the signer's certificate
chains to a root this installation keeps (``services/tte_trust.py``: the root,
intermediate and CRL files the office hands out; none is shipped), and
``trust_note`` says why not. A record's signed copy is judged against the list
kept here when it is shown (``signed_for``), so a copy taken back on another
laptop, or before the root was added, reads as this installation judges it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.errors import UserError
from imp_desktop.fileio import read_chosen_file
from imp_desktop.i18n import tr


@contextlib.contextmanager
def _quiet():
    """pyHanko logs a traceback for every certificate it cannot chain to a root
    (always so offline): the answer is in the status, not in the log."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


# --- signing on the laptop ------------------------------------------------------------

@dataclass
class Credentials:
    """A certificate and its private key, read from a PKCS#12 file."""

    signer: object                   # pyhanko SimpleSigner
    subject: str                     # the certificate's name (common name)
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    path: str = ""


def _subject_name(cert) -> str:
    """The common name of an asn1crypto certificate, else its whole subject."""
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def load_credentials(path: str | Path, passphrase: str | None) -> Credentials:
    """Read a ``.p12`` file; a wrong passphrase or another kind of file is a UserError."""
    from pyhanko.sign import signers

    path = Path(path)
    data = read_chosen_file(path, "tte.error.read_p12")
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=secret)
    except (ValueError, TypeError) as exc:
        raise UserError(tr("tte.error.p12", path=path.name)) from exc
    if signer is None or signer.signing_cert is None:
        raise UserError(tr("tte.error.p12", path=path.name))
    cert = signer.signing_cert
    validity = cert["tbs_certificate"]["validity"]
    return Credentials(signer=signer, subject=_subject_name(cert), serial=str(cert.serial_number),
                       not_before=validity["not_before"].native,
                       not_after=validity["not_after"].native, path=str(path))


def read_passphrase_file(path: str | Path) -> str:
    """The passphrase from a file (its first line, without the line end)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(tr("tte.error.passphrase_file", path=str(path),
                           detail=exc.strerror or str(exc))) from exc
    return text.splitlines()[0] if text else ""


def _appearance(signer: str, when: dt.datetime, lang: str | None) -> str:
    """A small PDF (ReportLab, embedded font) shown in the signed field."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from imp_desktop.formatting import format_date
    from imp_desktop.reports.base import FONT, FONT_BOLD, register_fonts

    register_fonts()
    handle = tempfile.NamedTemporaryFile(prefix="imp-tte-", suffix=".pdf", delete=False)
    width, height = 62 * mm, 22 * mm
    page = canvas.Canvas(handle, pagesize=(width, height), initialFontName=FONT)
    page.setFont(FONT, 7)
    page.drawCentredString(width / 2, height - 9, tr("tte.stamp.line1", lang))
    page.setFont(FONT_BOLD, 8.5)
    page.drawCentredString(width / 2, height / 2 - 2, signer[:60])
    page.setFont(FONT, 7)
    page.drawCentredString(width / 2, 6, tr("tte.stamp.date", lang,
                                           date=format_date(when.date(), lang=lang)))
    page.save()
    handle.close()
    return handle.name


def sign_pdf(pdf: bytes, credentials: Credentials, field_name: str,
             lang: str | None = None) -> bytes:
    """Sign the field ``field_name`` (PAdES B-B, SHA-256) as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    now = dt.datetime.now(dt.timezone.utc)
    if not (credentials.not_before <= now <= credentials.not_after):
        raise UserError(tr("tte.error.expired", subject=credentials.subject))
    stamp = _appearance(credentials.subject, now, lang)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES, name=credentials.subject)
        pdf_signer = signers.PdfSigner(meta, signer=credentials.signer,
                                       stamp_style=StaticStampStyle.from_pdf_file(stamp, border_width=0))
        with _quiet():
            out = pdf_signer.sign_pdf(writer)
        return out.getvalue()
    finally:
        Path(stamp).unlink(missing_ok=True)


@dataclass
class SigningSettings:
    """Pengaturan › Dokumen: sign the officer's field with a certificate file.
    A local setting of this laptop; the passphrase is never stored."""

    enabled: bool = False
    certificate: str = ""           # path of the .p12 file


def get_signing() -> SigningSettings:
    from imp_desktop.services.settings import get_setting

    return SigningSettings(enabled=bool(get_setting("tte.sign", False)),
                           certificate=str(get_setting("tte.certificate", "") or ""))


def save_signing(value: SigningSettings) -> None:
    from imp_desktop.data.models import database
    from imp_desktop.services.settings import set_setting

    if value.enabled and not value.certificate:
        raise UserError(tr("tte.error.no_certificate"))
    if value.enabled and not Path(value.certificate).is_file():
        raise UserError(tr("tte.error.certificate_missing", path=value.certificate))
    with database.atomic():
        set_setting("tte.sign", bool(value.enabled))
        set_setting("tte.certificate", value.certificate)


def officer_field(fields) -> str | None:
    """The name of the officer's own signature field among ``fields``."""
    return next((spot.name for spot in fields if spot.officer), None)


# --- checking signed PDFs -------------------------------------------------------------

@dataclass
class SignatureCheck:
    field: str
    signer: str
    serial: str
    signed_at: str           # ISO UTC ("" when the signature does not say)
    intact: bool             # the signed bytes are unchanged
    valid: bool              # the signature matches the certificate's key
    trusted: bool            # the certificate chains to a root known here
    whole: bool              # it covers the document (later changes only form filling)
    cert_current: bool       # the certificate was within its validity when signing
    trust_problem: str = ""  # when not trusted: "no_chain", "revoked", "expired", "other"

    def trust_note(self, lang: str | None = None) -> str:
        """"terpercaya" or "belum terpercaya: <why>"."""
        return trust_text(self.trusted, self.trust_problem, lang)

    @property
    def acceptable(self) -> bool:
        return self.intact and self.valid and self.whole and self.cert_current


class Unsigned(UserError):
    """A PDF without any electronic signature."""


def trust_text(trusted: bool, problem: str = "", lang: str | None = None) -> str:
    if trusted:
        return tr("tte.trust.trusted", lang)
    return tr("tte.trust.untrusted", lang,
              reason=tr(f"tte.trust.why.{problem or 'no_chain'}", lang))


def _trust_problem(status, cert) -> str:
    """Why pyHanko did not trust a signer, in one of four words."""
    from imp_desktop.services import tte_trust

    if status.trusted:
        return ""
    name = getattr(status.trust_problem_indic, "name", "") or ""
    if tte_trust.expired_root_above(cert.issuer):
        return "expired"
    if "REVOKED" in name and not name.startswith("REVOCATION"):
        return "revoked"
    if name == "NO_CERTIFICATE_CHAIN_FOUND":
        return "no_chain"
    if name in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return "expired"
    return "other"


def check_signatures(data: bytes, name: str = "") -> list[SignatureCheck]:
    """Every signature of a PDF, checked with pyHanko against the roots, intermediates
    and CRLs kept here (``tte_trust``; nothing fetched). A PDF that cannot be read or
    has no signature is a UserError."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature

    from imp_desktop.services import tte_trust

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:   # pyHanko raises many kinds on a damaged file
        raise UserError(tr("tte.error.unreadable", path=name)) from exc
    if not signatures:
        raise Unsigned(tr("tte.error.unsigned", path=name))
    checks = []
    for signature in signatures:
        try:
            context = tte_trust.validation_context()   # one each: it keeps what it learnt
            with _quiet():
                status = validate_pdf_signature(signature, context)
        except Exception as exc:
            raise UserError(tr("tte.error.broken", path=name)) from exc
        cert = status.signing_cert
        when = status.signer_reported_dt
        validity = cert["tbs_certificate"]["validity"]
        moment = when or dt.datetime.now(dt.timezone.utc)
        current = validity["not_before"].native <= moment <= validity["not_after"].native
        level = status.modification_level
        whole = status.coverage is not None and status.coverage.name in (
            "ENTIRE_FILE", "ENTIRE_REVISION") and (
            level is None or level <= ModificationLevel.FORM_FILLING)
        checks.append(SignatureCheck(
            field=signature.field_name or "", signer=_subject_name(cert),
            serial=str(cert.serial_number),
            signed_at=when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
            if when else "",
            intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted), whole=bool(whole), cert_current=current,
            trust_problem=_trust_problem(status, cert)))
    return checks


def signature_lines(data: bytes, name: str = "", lang: str | None = None) -> list[str]:
    """Periksa dokumen: one line per signature of a PDF (who, when, trusted or why
    not, or that it is broken); nothing for a PDF without signatures."""
    from imp_desktop.data.backup import describe_time

    try:
        checks = check_signatures(data, name)
    except Unsigned:
        return []
    except UserError as exc:
        return [str(exc)]
    lines = []
    for check in checks:
        when = describe_time(check.signed_at) if check.signed_at else "?"
        if not (check.intact and check.valid):
            state = tr("tte.check.tampered", lang)
        elif not check.whole:
            state = tr("tte.check.changed_after", lang)
        elif not check.cert_current:
            state = tr("tte.check.cert_expired", lang)
        else:
            state = check.trust_note(lang)
        lines.append(tr("tte.check.line", lang, field=check.field, signer=check.signer,
                        when=when, state=state))
    return lines


# --- signed copies coming back ------------------------------------------------------------

@dataclass
class SignedInfo:
    id: int
    kind: str
    record: str
    code: str
    title: str
    file_name: str
    signer: str
    signed_at: str
    trusted: bool            # every signer chains to a root kept here (judged now)
    sha256: str
    trust_problem: str = ""

    def describe(self, lang: str | None = None) -> str:
        """"Ditandatangani secara elektronik oleh … pada …"."""
        from imp_desktop.data.backup import describe_time

        when = describe_time(self.signed_at) if self.signed_at else "?"
        return tr("tte.signed_by", lang, signer=self.signer or "?", when=when)

    def trust_note(self, lang: str | None = None) -> str:
        """"terpercaya" or "belum terpercaya: sertifikat penanda tangan tidak berantai …"."""
        return trust_text(self.trusted, self.trust_problem, lang)


# (sha256, trust list key) -> (trusted, problem): a signed copy is validated once
# per trust list, not every time its record is shown.
_judged: dict[tuple[str, str], tuple[bool, str]] = {}


def _judge(checks: list[SignatureCheck]) -> tuple[bool, str]:
    problem = next((c.trust_problem or "other" for c in checks if not c.trusted), "")
    return not problem, problem


def _trust_now(sha256: str) -> tuple[bool, str]:
    from imp_desktop.services import filestore, tte_trust

    key = (sha256, tte_trust.list_key())
    if key not in _judged:
        try:
            _judged[key] = _judge(check_signatures(filestore.get(sha256)))
        except UserError:
            _judged[key] = (False, "other")
    return _judged[key]


def _info(row, judged: tuple[bool, str] | None = None) -> SignedInfo:
    trusted, problem = judged or _trust_now(row.file.sha256)
    return SignedInfo(row.id, row.kind, row.record, row.code, row.title, row.file_name,
                      row.signer, row.signed_at, trusted, row.file.sha256, problem)


def import_signed(path: str | Path) -> SignedInfo:
    """Take back a signed PDF: refused with the reason unless every signature is
    intact and valid, covers the document, and the document is a printout in the
    print log here. Writes nothing when refused."""
    from imp_desktop.data.models import SignedDocument, database
    from imp_desktop.reports.base import read_payload
    from imp_desktop.services import filestore, printlog
    from imp_desktop.services.verify import document_text, read_pdf

    path = Path(path)
    data = read_pdf(path)
    checks = check_signatures(data, path.name)
    for check in checks:
        if not (check.intact and check.valid):
            raise UserError(tr("tte.error.tampered", path=path.name, field=check.field))
        if not check.whole:
            raise UserError(tr("tte.error.changed_after", path=path.name, field=check.field))
        if not check.cert_current:
            raise UserError(tr("tte.error.cert_expired", path=path.name, signer=check.signer))
    text = document_text(data)
    payload = read_payload(text) if text else None
    if payload is None:
        raise UserError(tr("tte.error.no_code", path=path.name))
    found = printlog.find(payload.code, payload.digest)
    if not found:
        raise UserError(tr("tte.error.unknown", path=path.name, code=payload.code))
    entry = found[0]
    latest = max(checks, key=lambda c: c.signed_at)
    signers = ", ".join(dict.fromkeys(c.signer for c in checks))
    with database.atomic():
        digest = filestore.put(data)
        stored = filestore.record_of(digest)
        judged = _judge(checks)
        existing = SignedDocument.get_or_none(SignedDocument.file == stored.id)
        if existing is not None:
            return _info(existing, judged)
        row = SignedDocument.create(
            kind=entry.kind, record=entry.record, code=entry.code, title=entry.title,
            file=stored.id, file_name=path.name[:200], signer=signers[:250],
            signer_serial=latest.serial[:60], signed_at=latest.signed_at,
            trusted=judged[0])
    return _info(SignedDocument.get_by_id(row.id), judged)


def signed_for(record: str) -> list[SignedInfo]:
    """The signed final versions of a record's printouts, newest first."""
    from imp_desktop.data.models import SignedDocument, StoredFile

    query = (SignedDocument.select(SignedDocument, StoredFile.sha256).join(StoredFile)
             .where(SignedDocument.record == record)
             .order_by(SignedDocument.signed_at.desc(), SignedDocument.id.desc()))
    return [_info(row) for row in query]


def signed_file(signed_id: int) -> bytes:
    """The bytes of a signed document, as taken back."""
    from imp_desktop.data.models import SignedDocument
    from imp_desktop.services import filestore

    row = SignedDocument.get_or_none(SignedDocument.id == signed_id)
    if row is None:
        raise UserError(tr("tte.error.no_document", id=signed_id))
    return filestore.get(row.file.sha256)
