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


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "BSrE (uji)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


class TestCA:
    """A root CA made in the test (like BSrE's), issuing intermediates, signers' PKCS#12
    files and revocation lists. ``days_before``/``days_after`` set the root's validity."""

    __test__ = False

    def __init__(self, name: str = "Root CA Uji", days_before: int = 30, days_after: int = 3650):
        from cryptography.hazmat.primitives.asymmetric import ec

        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.timezone.utc)
        self.cert = self._ca_cert(_name(name), self.key.public_key(), _name(name), self.key,
                                  now - dt.timedelta(days=days_before),
                                  now + dt.timedelta(days=days_after))

    @staticmethod
    def _ca_cert(subject, public_key, issuer, issuer_key, start, end):
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                             False, False), critical=True)
                .sign(issuer_key, hashes.SHA256()))

    def intermediate(self, name: str = "BSrE CA Uji") -> "TestCA":
        from cryptography.hazmat.primitives.asymmetric import ec

        child = TestCA.__new__(TestCA)
        child.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.timezone.utc)
        child.cert = self._ca_cert(_name(name), child.key.public_key(), self.cert.subject,
                                   self.key, now - dt.timedelta(days=10),
                                   now + dt.timedelta(days=1000))
        return child

    def write(self, path: Path, pem: bool = False) -> Path:
        encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
        path.write_bytes(self.cert.public_bytes(encoding))
        return path

    def signer_p12(self, folder: Path, name: str = "Sri Wahyuningsih",
                   passphrase: str = "rahasia") -> tuple[Path, int]:
        """A signer's certificate issued by this CA (with a CRL distribution point,
        as BSrE's have) in a PKCS#12 file without the CA; and its serial number."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.timezone.utc)
        serial = x509.random_serial_number()
        cert = (x509.CertificateBuilder().subject_name(_name(name))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(serial)
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=365))
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False,
                                             False, False), critical=True)
                .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                    [x509.UniformResourceIdentifier("http://crl.bsre.invalid/uji.crl")],
                    None, None, None)]), critical=False)
                .sign(self.key, hashes.SHA256()))
        data = pkcs12.serialize_key_and_certificates(
            name.encode(), key, cert, None,
            serialization.BestAvailableEncryption(passphrase.encode()))
        path = folder / f"{name.split()[0].lower()}.p12"
        path.write_bytes(data)
        return path, serial

    def crl(self, path: Path, revoked: tuple[int, ...] = (), hours_ago: int = 1) -> Path:
        now = dt.datetime.now(dt.timezone.utc)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
                   .last_update(now - dt.timedelta(hours=hours_ago))
                   .next_update(now + dt.timedelta(days=7)))
        for serial in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(now - dt.timedelta(minutes=30)).build())
        path.write_bytes(builder.sign(self.key, hashes.SHA256())
                         .public_bytes(serialization.Encoding.PEM))
        return path
