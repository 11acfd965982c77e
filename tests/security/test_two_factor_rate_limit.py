"""Wrong two-factor codes are limited per account (from any address), so six digits cannot
be guessed by trying."""
import pyotp

from app.database import utcnow
from app.extensions import db
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


def test_the_code_page_is_rate_limited_per_account(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   TWO_FACTOR_LIMIT_PER_ACCOUNT="3 per hour",
                   TWO_FACTOR_LIMIT_PER_ADDRESS="50 per hour")
    user = world.users["developer"]
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = utcnow()
    email = user.email
    db.session.commit()  # and nothing read after it: the other app writes to the same file
    statuses = []
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": address})
        statuses.append(client.post("/login/code", data={"code": "000000"}, headers=EN,
                                    environ_base={"REMOTE_ADDR": address}).status_code)
    assert statuses == [422, 422, 422, 429]
