"""The package file: its format, entry names and size limits, and its encryption (AES-GCM under a scrypt key from the passphrase)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

FORMAT = "imp-desktop-package"
FORMAT_VERSION = 3          # 2: signed (signature.json); 3: record versions (versions.json)
VERSIONS = "versions.json"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
ENCRYPTED_MAGIC = b"IMPDPKG-AESGCM1\n"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
MAX_ENTRY_BYTES = 2 * 1024 ** 3

Progress = Callable[[int, int], None]


# --- encryption ----------------------------------------------------------------
def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode("utf-8"))


PASSPHRASE_MIN = 8
PASSPHRASE_GOOD = 12


def check_passphrase(passphrase: str) -> str | None:
    """Refuse a passphrase shorter than 8 characters (spaces around it do not
    count); return a warning for one shorter than 12, else None."""
    length = len((passphrase or "").strip())
    if length < PASSPHRASE_MIN:
        raise UserError(tr("package.error.passphrase_short"))
    if length < PASSPHRASE_GOOD:
        return tr("package.warning.passphrase_weak", good=PASSPHRASE_GOOD)
    return None


def encrypt(data: bytes, passphrase: str) -> bytes:
    """AES-256-GCM with a key from scrypt; the header is authenticated too."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    header = ENCRYPTED_MAGIC + salt + nonce
    return header + AESGCM(_key(passphrase, salt)).encrypt(nonce, data, header)


def decrypt(blob: bytes, passphrase: str | None, where: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not passphrase:
        raise UserError(tr("package.error.needs_passphrase", path=where))
    start = len(ENCRYPTED_MAGIC)
    salt, nonce = blob[start:start + 16], blob[start + 16:start + 28]
    header = blob[:start + 28]
    if len(salt) != 16 or len(nonce) != 12:
        raise UserError(tr("package.error.damaged", path=where, detail="header"))
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, blob[start + 28:], header)
    except InvalidTag:
        raise UserError(tr("package.error.wrong_passphrase", path=where)) from None


def is_encrypted(path: str | Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC
