"""A test certificate made with ``cryptography``: a self-signed RSA key pair in
a PKCS#12 file, as an officer's BSrE certificate file would be."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def make_p12(folder: Path, name: str = "Sri Wahyuningsih", passphrase: str = "rahasia",
             days: int = 365) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "BKKBN (uji)"),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, None,
        serialization.BestAvailableEncryption(passphrase.encode()))
    path = folder / "officer.p12"
    path.write_bytes(data)
    return path
