"""Without SECRET_KEY (development), sessions and unsubscribe links are signed with a random key
of the installation's own, kept in instance/, never with the public default."""
import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from itsdangerous import BadSignature, URLSafeSerializer

from config import DEV_SECRET_KEY, INSTANCE_DIR


def test_development_signs_with_a_random_key_of_its_own(app, tmp_path):
    # A development start without SECRET_KEY, in a fresh interpreter as `flask run` starts it.
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(SAMSPIL_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    code = "from app import create_app; print(create_app().config['SECRET_KEY'])"
    started = subprocess.run([sys.executable, "-c", code], env=env, cwd=INSTANCE_DIR.parent,
                             capture_output=True, text=True, check=True)
    key = started.stdout.split()[-1]
    assert key != DEV_SECRET_KEY
    assert key == (INSTANCE_DIR / "secret_key").read_text().strip() and len(key) >= 64
    assert stat.S_IMODE((INSTANCE_DIR / "secret_key").stat().st_mode) == 0o600
    forged = URLSafeSerializer(DEV_SECRET_KEY, salt="digest-unsubscribe").dumps([1, 1, ""])
    with pytest.raises(BadSignature):  # what the public default signs is worthless here
        URLSafeSerializer(key, salt="digest-unsubscribe").loads(forged)

    from config import installation_secret_key  # new: imported here so the check above runs

    # Several processes starting at once (the reloader and its child) agree on one key.
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _i: installation_secret_key(tmp_path), range(16)))
    assert len(keys) == 1 and [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert installation_secret_key(tmp_path / "other") != keys.pop()  # one per installation
