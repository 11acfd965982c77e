"""Configuration classes. Everything comes from the environment, with safe development defaults."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

# The public development key of earlier versions: production refuses it, and development no
# longer uses it (see installation_secret_key).
DEV_SECRET_KEY = "dev-only-not-secret"
BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
SECRET_KEY_FILE = "secret_key"


def installation_secret_key(instance_dir: Path) -> str:
    """The key of this installation when SECRET_KEY is not set (development): random, made on
    first start and kept in `instance/secret_key` (mode 0600), so sessions and unsubscribe
    links survive restarts but no one else's copy of the code can forge them."""
    path = Path(instance_dir) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
        try:
            # A link is created whole or not at all: a second process starting at the same
            # moment (the reloader's) reads the first one's key, never a half-written file.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} must hold a random key of at least 32 characters; "
                           "delete it to have a new one made.")
    return key


def database_url(value: str | None, default: str) -> str:
    """Normalise a database URL so PostgreSQL always goes through psycopg 3."""
    url = value or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the database timeouts for the configured database:
    PostgreSQL gets connect_timeout, statement_timeout, a bounded pool wait and a pool that
    hands out the connection used last."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    url = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if url.startswith("postgresql"):
        options.setdefault("pool_timeout", config.get("DATABASE_POOL_TIMEOUT", 5))
        # The connection returned last is handed out next: a worker that once held two (a
        # request and a job, a page and a report) kept taking them in turn, each request on
        # the server process whose caches the previous one had not warmed (the board's
        # 11.4 ms became 13.4 ms), and an idle spare was never left to time out.
        options.setdefault("pool_use_lifo", True)
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", config.get("DATABASE_CONNECT_TIMEOUT", 3))
        statement_ms = int(config.get("DATABASE_STATEMENT_TIMEOUT", 30)) * 1000
        if statement_ms and "options" not in connect_args:
            connect_args["options"] = f"-c statement_timeout={statement_ms}"
        options["connect_args"] = connect_args
    return options


def env_list(name: str) -> list[str]:
    """A comma-separated list from the environment, blanks left out."""
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean flag from the environment ("1", "true", "yes" count as true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Development defaults; production and test override what they must."""

    ENV_NAME = "development"
    # Unset: create_app uses the installation's own key from instance/ (installation_secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL"), f"sqlite:///{INSTANCE_DIR / 'samspil.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # The app gzips its HTML and JSON (app/web/weight.py); 0 when the reverse proxy does.
    COMPRESS_RESPONSES = os.environ.get("COMPRESS_RESPONSES", "1") != "0"
    # A request never hangs on the database (seconds): connecting, waiting for a free
    # connection of the pool, and one statement (PostgreSQL). When the database is out of
    # reach every page answers 503 at once (app/web/errors.py), and the next request after it
    # is back finds a fresh connection (pool_pre_ping). See engine_options.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    DATABASE_POOL_TIMEOUT = int(os.environ.get("DATABASE_POOL_TIMEOUT", "5"))
    DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))
    # Statements run more than once on a connection are prepared (planned once); 0 turns that
    # off, for a pooler that hands each transaction to another server connection.
    DATABASE_PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0"
    # The one source of absolute addresses (e-mails, feeds); in production also the host that
    # requests must name, with EXTRA_TRUSTED_HOSTS (e.g. an internal name the proxy uses).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Single sign-on: identity providers from a file (JSON or TOML; see README), besides those
    # site administrators configure at /admin/sign-in.
    SSO_PROVIDERS_FILE = os.environ.get("SSO_PROVIDERS_FILE", "")
    SSO_FLOW_SECONDS = 600  # how long a started sign-in (state, nonce, PKCE verifier) is good
    SSO_CLOCK_SKEW_SECONDS = 60  # tolerated difference between our clock and the provider's
    SSO_HTTP_TIMEOUT = 10.0  # seconds for the provider's discovery, keys and token endpoint
    # SAML: the service provider's signing key and certificate (PEM). Unset: a key and a
    # self-signed certificate are made on first use in instance/saml_sp.key and .crt.
    SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE", "")
    SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE", "")
    EXTRA_TRUSTED_HOSTS = env_list("EXTRA_TRUSTED_HOSTS")
    ACCESSIBILITY_STATEMENT_URL = os.environ.get(
        "ACCESSIBILITY_STATEMENT_URL", "https://www.was.digst.dk/"
    )
    SHOW_DEMO_ACCOUNTS = True

    LANGUAGES = ("da", "en")
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    HSTS = False

    PASSWORD_HASH_METHOD = "scrypt"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long-open boards keep working
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # What GitHub or GitLab may send to /hooks/… (a push of many commits stays far below).
    FORGE_MAX_PAYLOAD_BYTES = int(os.environ.get("FORGE_MAX_PAYLOAD_KB", "1024")) * 1024

    # Attachments: the folder of the local storage, the largest file, the largest upload
    # request (several files at once without JavaScript), what one project's files may take
    # together, and how long deleted files are kept before the nightly job removes them.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR", str(INSTANCE_DIR / "attachments"))
    ATTACHMENTS_MAX_FILE_BYTES = int(os.environ.get("ATTACHMENTS_MAX_FILE_MB", "25")) * 1024**2
    ATTACHMENTS_MAX_REQUEST_BYTES = int(os.environ.get("ATTACHMENTS_MAX_REQUEST_MB",
                                                       "100")) * 1024**2
    ATTACHMENTS_PROJECT_QUOTA_BYTES = int(os.environ.get("ATTACHMENTS_PROJECT_QUOTA_MB",
                                                         "5120")) * 1024**2
    ATTACHMENTS_RETENTION_DAYS = int(os.environ.get("ATTACHMENTS_RETENTION_DAYS", "30"))
    # Imports (Jira CSV, GitHub issues, spreadsheets of needs): where an upload waits between
    # the preview and the import, for how long, and the largest file and number of rows.
    IMPORTS_DIR = os.environ.get("IMPORTS_DIR", str(INSTANCE_DIR / "imports"))
    IMPORTS_UPLOAD_HOURS = float(os.environ.get("IMPORTS_UPLOAD_HOURS", "6"))
    IMPORTS_MAX_BYTES = int(os.environ.get("IMPORTS_MAX_MB", "10")) * 1024**2
    IMPORTS_MAX_ROWS = int(os.environ.get("IMPORTS_MAX_ROWS", "1000"))
    # "local" (ATTACHMENTS_DIR) for one application server; "s3" for several: a bucket of an
    # S3-compatible object store that they all share (see README, "Attachments").
    ATTACHMENTS_STORAGE = os.environ.get("ATTACHMENTS_STORAGE", "local")
    ATTACHMENTS_S3_BUCKET = os.environ.get("ATTACHMENTS_S3_BUCKET", "")
    ATTACHMENTS_S3_PREFIX = os.environ.get("ATTACHMENTS_S3_PREFIX", "attachments/")
    ATTACHMENTS_S3_ENDPOINT_URL = os.environ.get("ATTACHMENTS_S3_ENDPOINT_URL", "")
    ATTACHMENTS_S3_REGION = os.environ.get("ATTACHMENTS_S3_REGION", "")
    ATTACHMENTS_S3_ACCESS_KEY_ID = os.environ.get("ATTACHMENTS_S3_ACCESS_KEY_ID", "")
    ATTACHMENTS_S3_SECRET_ACCESS_KEY = os.environ.get("ATTACHMENTS_S3_SECRET_ACCESS_KEY", "")

    # The project archive (app/archive, docs/export-format.md): projects with more items than
    # ARCHIVE_BACKGROUND_ITEMS are archived by the scheduler process and the link e-mailed;
    # archives are kept for download ARCHIVE_KEEP_DAYS days in ARCHIVE_DIR. An import's upload,
    # what it unpacks to (a zip bomb stops there), and its project.json are limited.
    ARCHIVE_DIR = os.environ.get("ARCHIVE_DIR", str(INSTANCE_DIR / "archives"))
    ARCHIVE_BACKGROUND_ITEMS = int(os.environ.get("ARCHIVE_BACKGROUND_ITEMS", "500"))
    ARCHIVE_KEEP_DAYS = int(os.environ.get("ARCHIVE_KEEP_DAYS", "7"))
    ARCHIVE_CLAIM_SECONDS = int(os.environ.get("ARCHIVE_CLAIM_SECONDS", "1800"))
    ARCHIVE_MAX_UPLOAD_BYTES = int(os.environ.get("ARCHIVE_MAX_UPLOAD_MB", "2048")) * 1024**2
    ARCHIVE_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("ARCHIVE_MAX_UNCOMPRESSED_MB",
                                                        "8192")) * 1024**2
    ARCHIVE_MAX_JSON_BYTES = int(os.environ.get("ARCHIVE_MAX_JSON_MB", "512")) * 1024**2

    # Operations: LOG_FORMAT=json writes one JSON line per request (and every log line as JSON);
    # /metrics answers only requests with "Authorization: Bearer <METRICS_TOKEN>" (unset: 404);
    # the scheduler process serves its own metrics on 127.0.0.1:SCHEDULER_METRICS_PORT if set.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    SCHEDULER_METRICS_PORT = int(os.environ.get("SCHEDULER_METRICS_PORT", "0"))
    # Backups (`flask backup`): where they are written.
    BACKUP_DIR = os.environ.get("BACKUP_DIR", str(INSTANCE_DIR / "backups"))

    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # memory:// keeps the limits in each worker: production takes it only when told that the
    # install runs one worker (and warns about it).
    RATELIMIT_ALLOW_MEMORY = env_bool("RATELIMIT_ALLOW_MEMORY", False)
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 5 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "8 per 5 minutes")
    # The JSON API: requests per personal access token (or per address without one).
    API_LIMIT_PER_TOKEN = os.environ.get("API_LIMIT_PER_TOKEN", "600 per minute;10000 per hour")
    # Wrong two-factor codes: a six-digit code must not be guessable by trying.
    TWO_FACTOR_LIMIT_PER_ADDRESS = os.environ.get("TWO_FACTOR_LIMIT_PER_ADDRESS",
                                                  "20 per 5 minutes")
    TWO_FACTOR_LIMIT_PER_ACCOUNT = os.environ.get("TWO_FACTOR_LIMIT_PER_ACCOUNT",
                                                  "5 per 5 minutes")
    # How long a sign-in may wait between the password and the second factor.
    TWO_FACTOR_PENDING_SECONDS = 300

    # Joining and recovering access: how long links stay valid, and how often one may ask.
    INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))
    INVITATION_LIMIT_PER_USER = os.environ.get("INVITATION_LIMIT_PER_USER",
                                               "30 per minute;200 per day")
    PASSWORD_RESET_VALID_MINUTES = int(os.environ.get("PASSWORD_RESET_VALID_MINUTES", "60"))
    PASSWORD_RESET_LIMIT_PER_ADDRESS = os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS",
                                                      "5 per hour")
    PASSWORD_RESET_LIMIT_PER_CLIENT = os.environ.get("PASSWORD_RESET_LIMIT_PER_CLIENT",
                                                     "20 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Samspil <samspil@localhost>")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))
    # A message sent beside the answer (a password reset link) is tried again after each of
    # these pauses when the failure may pass (refused connection, 4xx).
    MAIL_BACKGROUND_RETRY_SECONDS = (1.0, 5.0)

    # Digests: local send time and weekly day in Europe/Copenhagen (02:00-03:00 is refused:
    # those hours are skipped or repeated when the clocks change).
    DIGEST_SEND_TIME = os.environ.get("DIGEST_SEND_TIME", "07:00")
    DIGEST_WEEKLY_DAY = os.environ.get("DIGEST_WEEKLY_DAY", "monday")
    DIGEST_SEND_EMPTY = env_bool("DIGEST_SEND_EMPTY", False)
    DIGEST_MAX_ATTEMPTS = int(os.environ.get("DIGEST_MAX_ATTEMPTS", "8"))
    DIGEST_RETRY_BASE_SECONDS = int(os.environ.get("DIGEST_RETRY_BASE_SECONDS", "120"))
    DIGEST_CLAIM_SECONDS = int(os.environ.get("DIGEST_CLAIM_SECONDS", "600"))
    DIGEST_POLL_MINUTES = int(os.environ.get("DIGEST_POLL_MINUTES", "5"))
    # The HTML part of a digest stays below this many bytes: sections show fewer entries
    # until it fits (Gmail clips a message above ~102 KB, hiding its unsubscribe link).
    DIGEST_MAX_HTML_BYTES = int(os.environ.get("DIGEST_MAX_HTML_BYTES", "60000"))
    # Benefit realisation: follow-ups this many calendar months after a need's delivery.
    VALUE_FOLLOW_UP_MONTHS = os.environ.get("VALUE_FOLLOW_UP_MONTHS", "3,12")
    # When the scheduler reminds municipalities of due follow-ups (Copenhagen time).
    VALUE_REMIND_TIME = os.environ.get("VALUE_REMIND_TIME", "07:15")
    # Retention (for the data processing agreement; see README "Personal data"): audit events,
    # notifications and the archive of sent digest and notification e-mails older than this
    # many months are purged every night; 0 keeps that kind forever.
    RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
    RETENTION_AUDIT_MONTHS = int(os.environ.get("RETENTION_AUDIT_MONTHS", RETENTION_MONTHS))
    RETENTION_NOTIFICATION_MONTHS = int(os.environ.get("RETENTION_NOTIFICATION_MONTHS",
                                                       RETENTION_MONTHS))
    RETENTION_EMAIL_MONTHS = int(os.environ.get("RETENTION_EMAIL_MONTHS", RETENTION_MONTHS))
    RETENTION_BATCH = int(os.environ.get("RETENTION_BATCH", "1000"))
    # At most one batched notification e-mail per person per this many minutes.
    NOTIFICATION_BATCH_MINUTES = int(os.environ.get("NOTIFICATION_BATCH_MINUTES", "10"))

    # Outgoing webhooks (docs/webhooks.md): the send's timeout in seconds, the retries'
    # backoff (doubling from BASE up to MAX seconds) for RETRY_HOURS, after which an endpoint
    # that keeps failing is switched off; the delivery log is kept LOG_DAYS. Only https unless
    # WEBHOOK_ALLOW_HTTP (development and tests allow http); internal addresses are refused
    # unless listed in WEBHOOK_ALLOWED_TARGETS (comma-separated CIDRs or host names).
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
    WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
    WEBHOOK_RETRY_MAX_SECONDS = float(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "3600"))
    WEBHOOK_RETRY_HOURS = float(os.environ.get("WEBHOOK_RETRY_HOURS", "24"))
    WEBHOOK_LOG_DAYS = int(os.environ.get("WEBHOOK_LOG_DAYS", "30"))
    WEBHOOK_POLL_SECONDS = int(os.environ.get("WEBHOOK_POLL_SECONDS", "15"))
    WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
    WEBHOOK_ALLOWED_TARGETS = [entry.strip() for entry in
                               os.environ.get("WEBHOOK_ALLOWED_TARGETS", "").split(",")
                               if entry.strip()]

    # Sprint dates: a sprint lasts at most SPRINT_MAX_WEEKS weeks, starts at most
    # SPRINT_YEARS_BACK years before today (past sprints may be recorded afterwards) and ends at
    # most SPRINT_YEARS_AHEAD years after it. Dates beyond are typing errors, and every page that
    # shows a sprint walks its days.
    SPRINT_MAX_WEEKS = int(os.environ.get("SPRINT_MAX_WEEKS", "12"))
    SPRINT_YEARS_BACK = int(os.environ.get("SPRINT_YEARS_BACK", "5"))
    SPRINT_YEARS_AHEAD = int(os.environ.get("SPRINT_YEARS_AHEAD", "5"))


class TestConfig(Config):
    """The test suite: a scratch database, no rate limits unless a test asks for them."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("TEST_DATABASE_URL"), "sqlite:///" + str(INSTANCE_DIR / "test.db")
    )
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing: tests create many users
    BASE_URL = "http://samspil.test"
    MAIL_SERVER = ""
    MAIL_OUTBOX_DIR = str(INSTANCE_DIR / "test-outbox")
    MAIL_TIMEOUT = 5.0
    MAIL_BACKGROUND_RETRY_SECONDS = (0.01, 0.01)
    ATTACHMENTS_DIR = str(INSTANCE_DIR / "test-attachments")
    IMPORTS_DIR = str(INSTANCE_DIR / "test-imports")
    ARCHIVE_DIR = str(INSTANCE_DIR / "test-archives")
    # The tests' webhook receivers listen on 127.0.0.1, an internal address.
    WEBHOOK_ALLOWED_TARGETS = ["127.0.0.1/32"]


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, HSTS, a real secret key, no demo hints."""

    ENV_NAME = "production"
    SHOW_DEMO_ACCOUNTS = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def validate(cls) -> None:
        """Refuse to start with the development secret or a missing one, or with sign-in
        limits kept in each worker's memory (unless a single-worker install says so)."""
        key = os.environ.get("SECRET_KEY", "")
        # Compared with the literal default: Config.SECRET_KEY already holds the environment's.
        if len(key) < 32 or key == DEV_SECRET_KEY:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production."
            )
        cls.SECRET_KEY = key
        if cls.limits_in_worker_memory() and not cls.RATELIMIT_ALLOW_MEMORY:
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI is memory://: every worker would keep its own sign-in "
                "limits, so 5 workers allow 5 times the guesses. Set it to a shared store such "
                "as redis://127.0.0.1:6379/0, or, for an install with one worker only, set "
                "RATELIMIT_ALLOW_MEMORY=1."
            )

    @classmethod
    def limits_in_worker_memory(cls) -> bool:
        """Are the sign-in limits on and kept in each worker's own memory?"""
        return bool(cls.RATELIMIT_ENABLED) and str(cls.RATELIMIT_STORAGE_URI).startswith(
            "memory://")


CONFIGS = {"development": Config, "test": TestConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by SAMSPIL_ENV (development by default)."""
    return CONFIGS[os.environ.get("SAMSPIL_ENV", "development")]
