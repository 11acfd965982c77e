"""Sending one EmailMessage, and telling temporary SMTP failures from permanent ones.

With `MAIL_SERVER` set, messages go over SMTP (STARTTLS with `MAIL_USE_TLS`, implicit TLS
with `MAIL_USE_SSL`). Without it (development), they are written to `MAIL_OUTBOX_DIR` as
`.eml` files that `/dev/outbox` lists.

A third outcome besides "sent" and "failed": once the message content has gone to the server,
a lost or missing reply (timeout, dropped connection) does not mean the message was lost; the
server may have accepted it. That is `DeliveryUncertain`, and trying again may deliver it twice.
Everything that fails before the content goes out is safe to try again.
"""
import functools
import logging
import re
import smtplib
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait as futures_wait
from dataclasses import dataclass
from datetime import datetime, UTC
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

OUTBOX_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{32}\.eml$")


class MailError(Exception):
    """Sending failed; `temporary` says whether trying again later may succeed."""

    def __init__(self, message: str, temporary: bool):
        super().__init__(message)
        self.temporary = temporary


class DeliveryUncertain(MailError):
    """The content went to the server but no verdict came back: it may have been accepted."""

    def __init__(self, message: str):
        super().__init__(message, temporary=False)


def send_message(message: EmailMessage, before_data: Callable[[], None] | None = None) -> None:
    """Hand one message to the configured SMTP server, or to the outbox folder.

    `before_data` is called once the server has accepted sender and recipient, just before the
    message content goes out (before the outbox file is written): the last moment at which a
    caller can record that the outcome may become uncertain, or stop by raising.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if before_data is not None:
            before_data()
        write_to_outbox(message)
        return
    smtp = None
    try:
        smtp = _connect(config)
        smtp.before_data = before_data
        smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        if smtp is not None and smtp.content_started and not _is_verdict(exc):
            raise DeliveryUncertain(
                f"No answer from the mail server after the message was sent "
                f"({type(exc).__name__}: {exc}); it may have been delivered.") from exc
        raise _mail_error(exc) from exc
    finally:
        if smtp is not None:
            _quit_quietly(smtp)


# Messages sent while the answer goes out (a password reset link): a thread of their own, so
# that they leave whatever becomes of the request's connection. Threads start at the first
# message (never before a server forks its workers) and finish what they hold before the
# process exits.
_background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")
_pending: set[Future] = set()
_pending_lock = threading.Lock()


def send_in_background(message: EmailMessage, what: str) -> None:
    """Send `message` from a mail thread and return at once.

    For answers that must not depend on whether a message was sent (a password reset for an
    address that may or may not have an account): sending inside the request would make one
    answer slower than the other. Not tied to the response either: a server may skip a
    response's close callbacks when the browser drops the connection early (Werkzeug's does,
    after a redirect), and the link would silently never leave. The page cannot report a
    failure, so a temporary one (a refused or dropped connection, a 4xx) is tried again after
    each of the pauses in `MAIL_BACKGROUND_RETRY_SECONDS` before it is logged: a person waiting
    for the link should not have to ask again because the mail server was briefly busy."""
    app = current_app._get_current_object()
    future = _background.submit(_send_with_retries, app, message, what)
    with _pending_lock:
        _pending.add(future)
    future.add_done_callback(_settled)


def _settled(future: Future) -> None:
    with _pending_lock:
        _pending.discard(future)


def wait_for_background_mail(timeout: float = 30.0) -> None:
    """Wait until every message handed to `send_in_background` has been sent or given up."""
    with _pending_lock:
        pending = list(_pending)
    futures_wait(pending, timeout)


def _send_with_retries(app, message: EmailMessage, what: str) -> None:
    with app.app_context():
        pauses = tuple(app.config.get("MAIL_BACKGROUND_RETRY_SECONDS", ()))
        for attempt in range(len(pauses) + 1):
            try:
                send_message(message)
                return
            except MailError as exc:
                if attempt == len(pauses) or not exc.temporary:
                    log.error("Could not send the %s e-mail (attempt %d): %s",
                              what, attempt + 1, exc)
                    return
                log.warning("Sending the %s e-mail failed (attempt %d), trying again "
                            "in %s s: %s", what, attempt + 1, pauses[attempt], exc)
                time.sleep(pauses[attempt])
            except Exception:  # a failure in a thread is otherwise never seen
                log.exception("Could not send the %s e-mail", what)
                return


def _is_verdict(exc: Exception) -> bool:
    """A 4xx or 5xx reply: the server's own word on the message (after the content, a refusal
    means it was not taken)."""
    return isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 600


def _mail_error(exc: Exception) -> MailError:
    """What went wrong before the server took the message, and whether it may pass."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return MailError(_describe_refusal(exc.recipients),
                         temporary=all(400 <= c < 500 for c in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return MailError(f"{exc.smtp_code} {text}", temporary=400 <= exc.smtp_code < 500)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError(f"SMTP server: {exc}", temporary=False)
    # Refused connections, timeouts, name resolution and dropped sessions pass with time.
    return MailError(f"{type(exc).__name__}: {exc}", temporary=True)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building it loads the system's CA certificates, about
    20 ms, which sending a digest to each of hundreds of recipients would pay every time."""
    return ssl.create_default_context()


class _PhaseTracking:
    """Knows when the message content starts to go out, and calls `before_data` just before
    the DATA command. It relies on smtplib's `data()` sending the DATA command through
    `putcmd` and then the content through one `send`, as it has since Python 2."""

    before_data: Callable[[], None] | None = None
    content_started = False
    _content_next = False

    def putcmd(self, cmd, args=""):
        self._content_next = False
        is_data = cmd.lower() == "data"
        if is_data and self.before_data is not None:
            self.before_data()
        super().putcmd(cmd, args)
        self._content_next = is_data

    def send(self, s):
        if self._content_next:  # the content, once the server said 354 to DATA
            self.content_started = True
            self._content_next = False
        super().send(s)


class _SMTP(_PhaseTracking, smtplib.SMTP):
    pass


class _SMTPSSL(_PhaseTracking, smtplib.SMTP_SSL):
    pass


def _connect(config) -> _SMTP | _SMTPSSL:
    """A session ready for MAIL FROM: connected, encrypted and signed in as configured."""
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp = _SMTPSSL(host, port, timeout=timeout, context=_tls_context())
    else:
        smtp = _SMTP(host, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=_tls_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    except BaseException:
        _quit_quietly(smtp)
        raise
    return smtp


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    """End the session; once the message is accepted, a failing QUIT changes nothing (with
    `with smtp:` an odd reply to QUIT would raise after a successful send)."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


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
