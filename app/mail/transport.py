"""Sending one EmailMessage, and telling temporary SMTP failures from permanent ones.

With `MAIL_SERVER` set, messages go over SMTP (STARTTLS with `MAIL_USE_TLS`, implicit TLS
with `MAIL_USE_SSL`). Without it (development), they are written to `MAIL_OUTBOX_DIR` as
`.eml` files that `/dev/outbox` lists.
"""
import functools
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, UTC
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import current_app

OUTBOX_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{32}\.eml$")


class MailError(Exception):
    """Sending failed; `temporary` says whether trying again later may succeed."""

    def __init__(self, message: str, temporary: bool):
        super().__init__(message)
        self.temporary = temporary


def send_message(message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server, or to the outbox folder."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        write_to_outbox(message)
        return
    try:
        _send_smtp(message, config)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        raise MailError(_describe_refusal(exc.recipients),
                        temporary=all(400 <= c < 500 for c in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        raise MailError(f"{exc.smtp_code} {text}", temporary=400 <= exc.smtp_code < 500) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"SMTP server: {exc}", temporary=False) from exc
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, TimeoutError,
            ConnectionError, OSError) as exc:
        # Refused connections, timeouts, name resolution and dropped sessions pass with time.
        raise MailError(f"{type(exc).__name__}: {exc}", temporary=True) from exc


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building it loads the system's CA certificates, about
    20 ms, which sending a digest to each of hundreds of recipients would pay every time."""
    return ssl.create_default_context()


def _send_smtp(message: EmailMessage, config) -> None:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=_tls_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


def _describe_refusal(recipients: dict) -> str:
    parts = []
    for address, (code, text) in recipients.items():
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{address}: {code} {text}")
    return "; ".join(parts)


def outbox_dir() -> Path:
    return Path(current_app.config["MAIL_OUTBOX_DIR"])


def write_to_outbox(message: EmailMessage) -> Path:
    """Write the message as an .eml file (atomically, so the outbox page never reads half a
    file)."""
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{stamp}-{uuid.uuid4().hex}.eml"
    partial = path.with_suffix(".part")
    partial.write_bytes(message.as_bytes(policy=policy.SMTP))
    partial.replace(path)
    return path


@dataclass
class OutboxMessage:
    name: str
    subject: str
    to: str
    date: str
    text: str


def read_outbox(limit: int = 100) -> list[OutboxMessage]:
    """The newest messages of the outbox, with their plain-text part."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.iterdir() if OUTBOX_NAME.match(p.name)), reverse=True)
    return [read_outbox_message(name) for name in names[:limit]]


def read_outbox_message(name: str) -> OutboxMessage:
    with (outbox_dir() / name).open("rb") as fh:
        message = BytesParser(policy=policy.default).parse(fh)
    body = message.get_body(preferencelist=("plain",))
    return OutboxMessage(name=name, subject=str(message["Subject"] or ""),
                         to=str(message["To"] or ""), date=str(message["Date"] or ""),
                         text=body.get_content() if body else "")
