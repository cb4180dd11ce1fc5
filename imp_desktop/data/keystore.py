"""The database keys of this user account: the credential store and recovery keys.

Every database this account makes is encrypted (SQLCipher 4) with one random
256-bit key, kept in the operating system's credential store through
``keyring`` (Windows Credential Manager, the macOS Keychain, the Secret
Service on Linux), so the program opens without a prompt. The store holds a
small JSON list, newest first, under service ``imp-desktop``: the account's
own key and every key accepted later from a recovery key (a database restored
from another laptop keeps its key).

The **recovery key** is the same key written for people: 56 letters and
digits in groups of four (base32 of the key and a 3-byte checksum, so a typo
is refused rather than tried). With it, a database opens on another machine
or account; the program then remembers it in that account's store.

Where no credential store works, ``PassphraseStore`` keeps the same JSON list
in a file encrypted with AES-GCM under a key derived from a passphrase by
scrypt (``unlock(passphrase)`` once per run).

Tests and automation point ``keyring`` elsewhere: ``keyring.set_keyring(...)``
in the process, or ``PYTHON_KEYRING_BACKEND=imp_desktop.data.keystore.FileKeyring``
with ``IMP_KEYRING_FILE`` for child processes (a plain file: never for real use).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

SERVICE = "imp-desktop"
ENTRY = "database-keys"
KEY_BYTES = 32
_CHECK_BYTES = 3

# Keys given this run (a recovery key typed or read from --recovery-key-file),
# tried before the stored ones; added to the store once they opened a file.
_session_keys: list[bytes] = []
# The store in use; None = keyring (or the passphrase file when keyring fails).
_store = None


class KeyStoreUnavailable(UserError):
    """No credential store works and no passphrase has been given this run."""


class RecoveryKeyInvalid(UserError):
    """A recovery key that is mistyped or not one of ours."""


# --- recovery keys -----------------------------------------------------------

def _check(key: bytes) -> bytes:
    return hashlib.sha256(b"imp-recovery" + key).digest()[:_CHECK_BYTES]


def format_recovery_key(key: bytes) -> str:
    """``ABCD-EFGH-…``: 14 groups of 4 base32 characters."""
    text = base64.b32encode(key + _check(key)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """The key a recovery key stands for; RecoveryKeyInvalid for a typo."""
    cleaned = re.sub(r"[^A-Z2-7]", "", (text or "").upper().replace("0", "O")
                     .replace("1", "I").replace("8", "B"))
    try:
        raw = base64.b32decode(cleaned)
    except (ValueError, base64.binascii.Error) as exc:
        raise RecoveryKeyInvalid(tr("key.error.recovery_invalid")) from exc
    if len(raw) != KEY_BYTES + _CHECK_BYTES or _check(raw[:KEY_BYTES]) != raw[KEY_BYTES:]:
        raise RecoveryKeyInvalid(tr("key.error.recovery_invalid"))
    return raw[:KEY_BYTES]


def read_recovery_key_file(path: str | os.PathLike) -> bytes:
    """The key in a file holding a recovery key (as printed, or the QR's text)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(tr("key.error.recovery_file", path=str(path))) from exc
    candidates = re.findall(r"IMPKEY:([A-Z2-7]{56})", text.upper())
    candidates += re.findall(r"(?:[A-Z0-9]{4}[- ]){13}[A-Z0-9]{4}", text.upper())
    candidates += [line for line in text.splitlines() if line.strip()]
    for candidate in candidates:
        try:
            return parse_recovery_key(candidate)
        except RecoveryKeyInvalid:
            continue
    raise RecoveryKeyInvalid(tr("key.error.recovery_invalid"))


def recovery_qr_text(key: bytes) -> str:
    return "IMPKEY:" + format_recovery_key(key).replace("-", "")


def use_recovery_key(key: bytes) -> None:
    """Try ``key`` for the files opened from now on (this run)."""
    if key not in _session_keys:
        _session_keys.insert(0, key)


# --- stores ------------------------------------------------------------------

class KeyringStore:
    """The operating system's credential store, through ``keyring``."""

    name = "keyring"

    def load(self) -> list[bytes]:
        import keyring
        from keyring.errors import KeyringError

        try:
            text = keyring.get_password(SERVICE, ENTRY)
        except (KeyringError, RuntimeError, OSError) as exc:
            raise KeyStoreUnavailable(tr("key.error.no_store")) from exc
        return _decode_list(text)

    def save(self, keys: list[bytes]) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(SERVICE, ENTRY, _encode_list(keys))
        except (KeyringError, RuntimeError, OSError) as exc:
            raise KeyStoreUnavailable(tr("key.error.no_store")) from exc

    @staticmethod
    def available() -> bool:
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
        except Exception:       # a broken backend configuration: no store
            return False
        return not isinstance(backend, fail.Keyring)


class PassphraseStore:
    """The key list in a file, AES-GCM under scrypt(passphrase): no credential store."""

    name = "passphrase"
    N, R, P = 2 ** 15, 8, 1

    def __init__(self, path: Path, passphrase: str):
        self.path = Path(path)
        self.passphrase = passphrase

    def _key(self, salt: bytes) -> bytes:
        return hashlib.scrypt(self.passphrase.encode("utf-8"), salt=salt, n=self.N, r=self.R,
                              p=self.P, maxmem=64 * 1024 * 1024, dklen=32)

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> list[bytes]:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not self.path.is_file():
            return []
        try:
            box = json.loads(self.path.read_text(encoding="utf-8"))
            salt, nonce = bytes.fromhex(box["salt"]), bytes.fromhex(box["nonce"])
            text = AESGCM(self._key(salt)).decrypt(nonce, bytes.fromhex(box["data"]), b"imp-keys")
        except InvalidTag as exc:
            raise UserError(tr("key.error.passphrase_wrong")) from exc
        except (OSError, ValueError, KeyError) as exc:
            raise UserError(tr("key.error.passphrase_file", path=str(self.path))) from exc
        return _decode_list(text.decode("utf-8"))

    def save(self, keys: list[bytes]) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from imp_desktop.fileio import private_folder, write_bytes_atomically

        salt, nonce = os.urandom(16), os.urandom(12)
        data = AESGCM(self._key(salt)).encrypt(nonce, _encode_list(keys).encode("utf-8"),
                                               b"imp-keys")
        private_folder(self.path.parent)
        write_bytes_atomically(self.path, json.dumps(
            {"format": "imp-keys-1", "kdf": f"scrypt n={self.N} r={self.R} p={self.P}",
             "salt": salt.hex(), "nonce": nonce.hex(), "data": data.hex()}).encode("utf-8"))


def _encode_list(keys: list[bytes]) -> str:
    return json.dumps({"keys": [key.hex() for key in keys]})


def _decode_list(text: str | None) -> list[bytes]:
    if not text:
        return []
    try:
        return [bytes.fromhex(item) for item in json.loads(text)["keys"]
                if len(bytes.fromhex(item)) == KEY_BYTES]
    except (ValueError, KeyError, TypeError):
        return []


def passphrase_file() -> Path:
    """Where the passphrase-protected key list lives when there is no credential store."""
    import platformdirs

    return Path(platformdirs.user_data_dir("imp-desktop", appauthor=False)) / "kunci.imp"


def store():
    """The store in use: the one set by ``use_store``, else the credential store."""
    if _store is not None:
        return _store
    if KeyringStore.available():
        return KeyringStore()
    raise KeyStoreUnavailable(tr("key.error.no_store"))


def needs_passphrase() -> bool:
    """True when there is no credential store and no passphrase was given this run."""
    return _store is None and not KeyringStore.available()


def unlock(passphrase: str) -> PassphraseStore:
    """Use the passphrase file (made with this passphrase if there is none yet).

    Raises UserError with one sentence for a wrong passphrase."""
    global _store
    if not passphrase:
        raise UserError(tr("key.error.passphrase_empty"))
    candidate = PassphraseStore(passphrase_file(), passphrase)
    candidate.load()            # checks the passphrase
    _store = candidate
    return candidate


def use_store(new_store) -> None:
    """Use ``new_store`` (None: the credential store again); tests and ``unlock``."""
    global _store
    _store = new_store


def forget_session() -> None:
    """Forget the recovery keys given this run (tests: another "account")."""
    _session_keys.clear()


def stored_keys() -> list[bytes]:
    return store().load()


def candidate_keys() -> list[bytes]:
    """Keys to try on an encrypted file: this run's recovery keys, then the stored ones."""
    keys = list(_session_keys)
    try:
        keys += [key for key in stored_keys() if key not in keys]
    except KeyStoreUnavailable:
        if not keys:
            raise
    return keys


def account_key(create: bool = True) -> bytes | None:
    """The key new databases of this account are encrypted with (made on first need)."""
    current = store()
    keys = current.load()
    if keys:
        return keys[0]
    if _session_keys:
        # A restored laptop: the recovery key given becomes the account's key.
        current.save([_session_keys[0]])
        return _session_keys[0]
    if not create:
        return None
    key = secrets.token_bytes(KEY_BYTES)
    current.save([key])
    return key


def remember(key: bytes) -> None:
    """Keep a key that opened a file (a recovery key) in the store, after the account's."""
    try:
        current = store()
        keys = current.load()
        if key not in keys:
            current.save(keys + [key])
    except KeyStoreUnavailable:
        use_recovery_key(key)


class FileKeyring(KeyringBackend):
    """A ``keyring`` backend in a plain JSON file named by ``IMP_KEYRING_FILE``.

    For tests and automation only (child processes find it through
    ``PYTHON_KEYRING_BACKEND``); it protects nothing."""

    @properties.classproperty
    def priority(cls):
        # Never chosen by keyring's own detection unless a test asked for it.
        if not os.environ.get("IMP_KEYRING_FILE"):
            raise RuntimeError("IMP_KEYRING_FILE is not set")
        return 0.1

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path or os.environ.get("IMP_KEYRING_FILE") or "imp-keyring.json")

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def get_password(self, service, username):
        return self._read().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._read()
        data[f"{service}/{username}"] = password
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)

    def delete_password(self, service, username):
        data = self._read()
        data.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(data), encoding="utf-8")
