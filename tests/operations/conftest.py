"""The operations tests build apps of their own, as the security tests do."""
from tests.security.conftest import make_app  # noqa: F401 - the fixture
