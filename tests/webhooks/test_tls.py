"""https to a name: the sender connects to the address it checked, and speaks to the name —
the Host header, TLS SNI and the certificate's check are all the name's, so a second DNS
answer between the check and the connection cannot send the request elsewhere."""
import json
import socket
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.backlog.services import create_item
from app.extensions import db
from app.webhooks import targets
from app.webhooks.sending import send_due
from app.webhooks.services import create_endpoint

NAME = "hooks.samspil.test"


def self_signed(tmp_path, name: str) -> tuple[str, str]:
    """A certificate for `name` that is its own authority, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def resolving(mapping: dict[str, str]):
    """getaddrinfo that knows the test's names (the tests run offline)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in mapping:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (mapping[host], port))]
        return real(host, port, *args, **kwargs)

    return getaddrinfo


def test_https_to_a_name_is_sent_to_the_checked_address_with_the_names_sni_and_host(
        app, world, receiver, tmp_path, monkeypatch):
    cert_file, key_file = self_signed(tmp_path, NAME)
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)  # trust the test's own authority
    monkeypatch.setattr(targets.socket, "getaddrinfo", resolving({NAME: "127.0.0.1"}))
    r = receiver()
    r.use_tls(cert_file, key_file)
    _endpoint, r.secret = create_endpoint(world.project_a, world.users["secretariat"],
                                         f"https://{NAME}:{r.port}/hooks", ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Krypteret")
    db.session.commit()

    assert send_due() == "1 delivered, 0 failed"
    [got] = r.received
    assert got["signed"] and json.loads(got["body"])["event"] == "item.created"
    assert got["headers"]["Host"] == f"{NAME}:{r.port}"
    assert r.server_names == [NAME]


def test_a_certificate_for_another_name_is_refused(app, world, receiver, tmp_path,
                                                    monkeypatch):
    cert_file, key_file = self_signed(tmp_path, "other.samspil.test")
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)
    monkeypatch.setattr(targets.socket, "getaddrinfo", resolving({NAME: "127.0.0.1"}))
    r = receiver()
    r.use_tls(cert_file, key_file)
    create_endpoint(world.project_a, world.users["secretariat"],
                    f"https://{NAME}:{r.port}/hooks", ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Forkert navn")
    db.session.commit()

    assert send_due() == "0 delivered, 1 failed"
    assert r.received == []


def test_a_name_that_turns_internal_after_registration_is_not_sent_to(app, world, receiver,
                                                                      monkeypatch):
    monkeypatch.setattr(targets.socket, "getaddrinfo", resolving({NAME: "93.184.215.14"}))
    create_endpoint(world.project_a, world.users["secretariat"], f"https://{NAME}/hooks",
                    ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Omdirigeret")
    db.session.commit()
    monkeypatch.setattr(targets.socket, "getaddrinfo", resolving({NAME: "10.0.0.7"}))
    assert send_due() == "0 delivered, 1 failed"
    from app.webhooks.models import WebhookDelivery

    [delivery] = db.session.query(WebhookDelivery).all()
    assert delivery.state == "failed" and "10.0.0.7" in delivery.error
