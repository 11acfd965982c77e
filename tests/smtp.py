"""A real SMTP server in-process (aiosmtpd) for the tests that send e-mail: `smtp` records what
it accepts; `outbox` sends to a folder instead."""
import asyncio
import socket
from collections import deque
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps what it accepts and can answer with queued errors, answer
    late (`rcpt_delay`, `data_delay` in seconds), or keep a message and hang up without a word
    (`drop_after_data`)."""

    def __init__(self):
        self.envelopes = []
        self.rcpt_replies = deque()
        self.data_replies = deque()
        self.rcpt_delay = 0.0
        self.data_delay = 0.0
        self.drop_after_data = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if self.rcpt_replies:
            return self.rcpt_replies.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.popleft()
        # Kept before the (late) answer: the message is the server's once its data arrived.
        self.envelopes.append((list(envelope.rcpt_tos), envelope.content))
        if self.drop_after_data:
            server.transport.close()
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [BytesParser(policy=policy.default).parsebytes(content)
                for _rcpts, content in self.envelopes]

    def to(self, address):
        return [BytesParser(policy=policy.default).parsebytes(content)
                for rcpts, content in list(self.envelopes) if address in rcpts]

    @property
    def recipients(self):
        return sorted(r for rcpts, _c in self.envelopes for r in rcpts)


class Settled:
    """A handler as a test reads it: every look waits first for the messages the app's mail
    threads still hold (a password reset link leaves from one). Not the handler itself:
    aiosmtpd reads every attribute of its handler at each connection, and a wait there would
    hold up the very message waited for."""

    def __init__(self, handler, settle):
        object.__setattr__(self, "_handler", handler)
        object.__setattr__(self, "_settle", settle)

    def __getattr__(self, name):
        self._settle()
        return getattr(self._handler, name)

    def __setattr__(self, name, value):
        setattr(self._handler, name, value)


class SMTPServer:
    def __init__(self, port):
        self.port = port
        self.handler = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app, monkeypatch):
    """Configure the app to send to a real SMTP server on a free port (not started yet)."""
    server = SMTPServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5.0)
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """A running SMTP server; its handler records messages (read once the app's mail threads
    are done)."""
    from app.mail.transport import wait_for_background_mail

    smtp_server.start()
    return Settled(smtp_server.handler, wait_for_background_mail)


@pytest.fixture
def outbox(app, monkeypatch, tmp_path):
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(folder))
    return folder
