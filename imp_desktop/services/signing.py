"""Signing hand-over packages: who really sent this package?

Every installation has its own Ed25519 key pair, made the first time it is
needed and kept in the local settings (the ``setting`` table never travels in
packages, see ``imp_desktop.data.sync.LOCAL_TABLES``; backups leave it out,
``data/backup.PRIVATE_SETTINGS``: restoring over this laptop's own file keeps
its key, restoring onto a new one makes a new key that the office is asked
to accept). "Kirim data" signs the exact bytes of the
package's manifest, which holds the SHA-256 of every other entry.

The receiving side trusts on first use: the first package merged from an
installation (the manifest's ``installation``) pins that installation's public
key; a later package that names the same installation but is signed by
another key is refused unless the officer accepts the new key deliberately
(after comparing its fingerprint by phone with the sender).
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from imp_desktop.data.models import Setting, database, utc_now

ALGORITHM = "Ed25519"
OWN_KEY = "package.signing_key"
PIN_PREFIX = "package.trusted_key."
FINGERPRINT_BYTES = 10       # 80 bits, read out as five groups of four hex digits


class SignatureError(ValueError):
    """A signature or a public key that does not check out."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text) -> bytes:
    if not isinstance(text, str):
        raise SignatureError("not text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("not base64") from exc


def fingerprint(public_key: str) -> str:
    """``3F2A 9C01 77BE 0D4E A1C2``: short enough to read out over the phone."""
    digest = hashlib.sha256(_unb64(public_key)).hexdigest()[:FINGERPRINT_BYTES * 2].upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


# --- this installation's own key ---------------------------------------------------
def _setting(key: str) -> dict | None:
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _private_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stored = _setting(OWN_KEY)
    if stored is not None:
        return Ed25519PrivateKey.from_private_bytes(_unb64(stored["private_key"]))
    key = Ed25519PrivateKey.generate()
    value = {"algorithm": ALGORITHM, "private_key": _b64(_raw_private(key)),
             "public_key": _b64(_raw_public(key)), "created_at": utc_now()}
    with database.atomic():
        if Setting.get_or_none(Setting.key == OWN_KEY) is None:
            Setting.insert(key=OWN_KEY, value=json.dumps(value)).execute()
    return Ed25519PrivateKey.from_private_bytes(_unb64(_setting(OWN_KEY)["private_key"]))


def _raw_private(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def _raw_public(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def own_public_key() -> str:
    """This installation's public key (base64), made on first need."""
    return _b64(_raw_public(_private_key()))


def own_fingerprint() -> str:
    return fingerprint(own_public_key())


def existing_own_public_key() -> str | None:
    """The own public key if one was made already; never writes."""
    stored = _setting(OWN_KEY)
    return stored.get("public_key") if stored else None


def sign(data: bytes) -> dict:
    """The signature block of ``data``: algorithm, public key and signature."""
    key = _private_key()
    return {"algorithm": ALGORITHM, "public_key": _b64(_raw_public(key)),
            "signature": _b64(key.sign(data))}


def verify(data: bytes, block) -> str:
    """The public key that signed ``data``; SignatureError when it does not check out."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(block, dict) or block.get("algorithm") != ALGORITHM:
        raise SignatureError("algorithm")
    public = _unb64(block.get("public_key"))
    signature = _unb64(block.get("signature"))
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError("signature") from exc
    return _b64(public)      # canonical: compared with the pinned key as text


# --- keys pinned on first use ------------------------------------------------------------
@dataclass
class Pin:
    installation: str
    public_key: str
    officer: str
    pinned_at: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def is_own_installation(installation: str) -> bool:
    own = Setting.get_or_none(Setting.key == "installation_id")
    return own is not None and json.loads(own.value) == installation


def pinned_key(installation: str) -> Pin | None:
    """The key trusted for ``installation`` (for this installation, its own key); never writes."""
    if is_own_installation(installation):
        public = existing_own_public_key()
        return Pin(installation, public, "", "") if public else None
    stored = _setting(PIN_PREFIX + installation)
    if stored is None or not isinstance(stored.get("public_key"), str):
        return None
    return Pin(installation, stored["public_key"], str(stored.get("officer") or ""),
               str(stored.get("pinned_at") or ""))


def pin_key(installation: str, public_key: str, officer: str) -> None:
    """Trust ``public_key`` for ``installation`` from now on (inside the merge's transaction)."""
    value = json.dumps({"algorithm": ALGORITHM, "public_key": public_key, "officer": officer,
                        "pinned_at": utc_now()}, ensure_ascii=False)
    key = PIN_PREFIX + installation
    if Setting.update(value=value, updated_at=utc_now()).where(Setting.key == key).execute() == 0:
        Setting.insert(key=key, value=value).execute()
