"""The twin controller's CA and server certificate, shaped like a real controller's.

libjuju verifies the server against the CA from ``controllers.yaml`` only, with hostname
checking off whenever a CA is given (juju/client/connection.py ``_get_ssl``, python-libjuju
issue #302), so the chain must verify but the names are free. Python 3.13 adds
``VERIFY_X509_STRICT`` to default contexts, which rejects certificates without key usage,
subject/authority key identifiers or a critical CA basic constraint (reference notes §1),
so both certificates carry them, as Juju's own (EC P-256, ``juju-generated CA``) do.
"""

from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from octane.paths import write_private

#: Names a Juju controller certificate carries (SAN); the loopback address is added.
SERVER_NAMES = ("localhost", "juju-apiserver", "juju-mongodb", "anything")


@dataclass(frozen=True)
class Certificates:
    """PEM texts of the CA and the server's certificate and key."""

    ca_cert: str
    server_cert: str
    server_key: str


def generate(host: str = "127.0.0.1") -> Certificates:
    """A fresh CA and a server certificate signed by it."""
    import ipaddress

    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    until = now + datetime.timedelta(days=3650)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'juju-generated CA for model '
                                            '"juju-ca"'),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "juju")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now).not_valid_after(until)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in SERVER_NAMES]
    sans.append(x509.IPAddress(ipaddress.ip_address(host)))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "*"),
                                     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "juju")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return Certificates(
        ca_cert=ca.public_bytes(pem).decode(),
        server_cert=leaf.public_bytes(pem).decode(),
        server_key=key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode())


def save(certs: Certificates, directory: Path) -> tuple[Path, Path, Path]:
    """Write the CA, the server certificate and its key (0600) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = directory / "ca.pem"
    ca.write_text(certs.ca_cert)
    cert = directory / "server.pem"
    cert.write_text(certs.server_cert)
    key = write_private(directory / "server.key", certs.server_key)
    return ca, cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The TLS context the API port serves with."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context
