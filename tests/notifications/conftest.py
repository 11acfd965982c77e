"""The real SMTP server of the digest tests serves the notification e-mails too."""
from tests.digests.conftest import smtp, smtp_server  # noqa: F401 - fixtures
