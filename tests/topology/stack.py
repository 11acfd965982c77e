"""The production topology, started by the tests: nginx (with deploy/nginx's own site
configuration) in front of two gunicorn servers on 127.0.0.1, sharing the test suite's
PostgreSQL database and a Redis of their own, and a real SMTP server (aiosmtpd)."""
import datetime
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import urllib3

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_requirement() -> str | None:
    for name, path in (("nginx", NGINX), ("redis-server", REDIS)):
        if not Path(path).exists():
            return f"{name} not found (apt-get install {name})"
    return None


def wait_until(check, timeout: float = 20.0, what: str = "the server") -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up in {timeout} s ({last!r})")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def site_configuration(ports: dict, folder: Path, cert: Path, key: Path) -> str:
    """deploy/nginx/samspil.conf with the lines marked `# test: …` pointed at this stack."""
    proxy = folder / "samspil-proxy.conf"
    shutil.copy(ROOT / "deploy/nginx/samspil-proxy.conf", proxy)
    replace = {
        "server A": lambda line: line.replace("127.0.0.1:8001", f"127.0.0.1:{ports['a']}"),
        "server B": lambda line: line.replace("127.0.0.1:8002", f"127.0.0.1:{ports['b']}"),
        "http": lambda line: f"listen 127.0.0.1:{ports['http']};",
        "http6": lambda line: "",
        "https": lambda line: f"listen 127.0.0.1:{ports['https']} ssl http2;",
        "https6": lambda line: "",
        "server_name": lambda line: "server_name 127.0.0.1;",
        "cert": lambda line: f"ssl_certificate {cert};",
        "key": lambda line: f"ssl_certificate_key {key};",
        "static": lambda line: f"alias {ROOT}/static/;",
        "unavailable": lambda line: f"root {ROOT}/deploy/nginx;",
        "proxy": lambda line: f"include {proxy};",
    }
    seen = set()
    out = []
    for line in (ROOT / "deploy/nginx/samspil.conf").read_text().splitlines():
        match = re.search(r";\s*#\s*test:\s*(.+)$", line)
        if match:
            name = match.group(1).strip()
            seen.add(name)
            out.append(replace[name](line.split("#")[0].strip()))
        else:
            out.append(line)
    assert seen == set(replace), f"samspil.conf lost its test markers: {set(replace) - seen}"
    return "\n".join(out) + "\n"


class Stack:
    """Start and stop the pieces; `a`, `b`: the gunicorn servers' addresses; `url`: nginx."""

    def __init__(self, folder: Path, database_url: str, smtp_port: int):
        self.folder = folder
        self.database_url = database_url
        self.smtp_port = smtp_port
        self.ports = {name: free_port() for name in ("a", "b", "http", "https", "redis")}
        self.processes: dict[str, subprocess.Popen] = {}
        self.a = f"http://127.0.0.1:{self.ports['a']}"
        self.b = f"http://127.0.0.1:{self.ports['b']}"
        self.url = f"https://127.0.0.1:{self.ports['https']}"
        self.http_url = f"http://127.0.0.1:{self.ports['http']}"
        self.redis_url = f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.secret = secrets.token_urlsafe(48)

    # The environment of deploy/samspil.env.example, pointed at this stack.
    def environment(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMSPIL_", "FLASK_"))}
        env.update({
            "SAMSPIL_ENV": "production", "SECRET_KEY": self.secret, "BASE_URL": self.url,
            "DATABASE_URL": self.database_url, "RATELIMIT_STORAGE_URI": self.redis_url,
            "TRUSTED_PROXIES": "1", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.smtp_port),
            "MAIL_DEFAULT_SENDER": "Samspil <samspil@test.example>",
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per 5 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per 5 minutes",
            "ATTACHMENTS_DIR": str(self.folder / "attachments"),
            "ARCHIVE_DIR": str(self.folder / "archives"),
            "IMPORTS_DIR": str(self.folder / "imports"),
            "MAIL_OUTBOX_DIR": str(self.folder / "outbox"),
            "GUNICORN_WORKERS": "2", "LOG_FORMAT": "json",
            "METRICS_TOKEN": "metrics-" + self.secret[:16],
        })
        # Only the gunicorn servers get a multiprocess folder. The variable must be absent, not
        # empty, elsewhere: prometheus_client takes an empty one as the working directory and
        # leaves counter_<pid>.db files in the checkout.
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.update(extra)
        return env

    def start(self) -> "Stack":
        self.start_redis()
        self.start_server("a", wait=False)
        self.start_server("b")
        self.wait_for_server("a")
        self.start_nginx()
        return self

    def _spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def start_redis(self) -> None:
        self._spawn("redis", [REDIS, "--port", str(self.ports["redis"]), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.folder)])
        import redis

        client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=0.5)
        wait_until(client.ping, what="redis-server")

    def start_server(self, name: str, wait: bool = True) -> None:
        metrics = self.folder / f"metrics-{name}"
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir()
        env = self.environment(PROMETHEUS_MULTIPROC_DIR=str(metrics))
        # --preload: the app is built once per server, not once per worker (a faster start on
        # the busy test machine; the servers are otherwise as deploy/ runs them).
        self._spawn(name, [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy/gunicorn.conf.py"),
                           "--preload", "--bind", f"127.0.0.1:{self.ports[name]}", "wsgi:app"],
                    env)
        if wait:
            self.wait_for_server(name)

    def wait_for_server(self, name: str) -> None:
        url = self.a if name == "a" else self.b
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 30,
                   f"gunicorn server {name} ({self.folder / (name + '.log')})")

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        """Stop a process group at once (SIGKILL: the server is gone, mid-request)."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def start_nginx(self) -> None:
        conf_dir = self.folder / "nginx"
        conf_dir.mkdir(exist_ok=True)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (conf_dir / temp).mkdir(exist_ok=True)
        cert, key = self_signed_certificate(conf_dir)
        (conf_dir / "samspil.conf").write_text(site_configuration(self.ports, conf_dir, cert, key))
        user = "user root;\n" if os.geteuid() == 0 else ""
        (conf_dir / "nginx.conf").write_text(f"""{user}daemon off;
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {conf_dir}/access.log;
    client_body_temp_path {conf_dir}/body;
    proxy_temp_path {conf_dir}/proxy;
    fastcgi_temp_path {conf_dir}/fastcgi;
    uwsgi_temp_path {conf_dir}/uwsgi;
    scgi_temp_path {conf_dir}/scgi;
    include {conf_dir}/samspil.conf;
}}
""")
        args = [NGINX, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf"),
                "-e", str(conf_dir / "error.log")]
        check = subprocess.run([*args, "-t"], check=False, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self._spawn("nginx", args)
        wait_until(lambda: requests.get(f"{self.url}/healthz", verify=False, timeout=2).ok,
                   what=f"nginx ({conf_dir / 'error.log'})")

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGKILL)  # the test is over: nothing to finish

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Browser(requests.Session):
    """A person's browser: keeps its cookies (the Secure ones too, also when it talks to a
    server directly over http, as nginx does), and fills in forms' CSRF tokens."""

    def __init__(self):
        super().__init__()
        self.verify = False
        self.trust_env = False  # else REQUESTS_CA_BUNDLE would override verify=False

    def request(self, method, url, *args, **kwargs):
        # A browser sends the page's address along with a form (CSRF's strict HTTPS check).
        headers = dict(kwargs.pop("headers", None) or {})
        if method.upper() == "POST":
            headers.setdefault("Referer", re.match(r"https?://[^/]+", url).group(0) + "/")
        answer = super().request(method, url, *args, headers=headers, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False  # also sent when a test talks to a server directly
        return answer

    def csrf(self, url: str) -> str:
        page = self.get(url, timeout=10)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
            r'"X-CSRFToken": "([^"]+)"', page.text)
        assert match, f"no CSRF token on {url} ({page.status_code})"
        return match.group(1)

    def sign_in(self, base: str, email: str, password: str) -> requests.Response:
        token = self.csrf(f"{base}/login")
        return self.post(f"{base}/login", data={"csrf_token": token, "email": email,
                                                "password": password},
                         allow_redirects=False, timeout=10)
